// Inputs and outputs of the activities, shared with the workflows as types only.
import type { PolicyCriteria, PolicySnapshot } from '../workflows/policy/sla';
import type { ComplaintView } from '../workflows/complaint/contract';

export type SmsTemplate = 'intakeAcknowledgement';
export type EmailTemplate = 'clockWarning' | 'clockBreached' | 'escalation';

export interface SendSmsInput {
  /** Made deterministically in the workflow: the same key never sends twice. */
  idempotencyKey: string;
  ticketId: string;
  to: string;
  template: SmsTemplate;
  language: 'zh-CN' | 'en';
  vars: Record<string, string>;
}

export interface SendSmsResult {
  sid: string;
  status: string;
  /** True when an earlier attempt with the same key had already sent it. */
  alreadySent: boolean;
}

export interface SendEmailInput {
  idempotencyKey: string;
  ticketId: string;
  /** Empty = the configured supervisors. */
  to?: string[];
  template: EmailTemplate;
  vars: Record<string, string>;
}

export interface SendEmailResult {
  messageId: string;
  alreadySent: boolean;
}

export interface ComplaintActivities {
  selectPolicy(criteria: PolicyCriteria): Promise<PolicySnapshot>;
  projectComplaint(view: ComplaintView): Promise<{ applied: boolean }>;
  sendSms(input: SendSmsInput): Promise<SendSmsResult>;
  sendEmail(input: SendEmailInput): Promise<SendEmailResult>;
}
