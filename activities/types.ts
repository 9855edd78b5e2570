// Inputs and outputs of the activities, shared with the workflows as types only.
import type { PolicyCriteria, PolicySnapshot } from '../domain/policy/sla';
import type { RepeatMatch, RepeatQuery } from './repeat';
import type { ComplaintView } from '../domain/complaint';

export type SmsTemplate =
  'intakeAcknowledgement' | 'areaAlert' | 'areaRecovered' | 'areaTestOverdue' | 'vipAssistantUpdate';
export type EmailTemplate =
  | 'clockWarning'
  | 'clockBreached'
  | 'escalation'
  | 'verificationRequest'
  | 'coordinationTask'
  | 'majorReport'
  | 'incidentStarted'
  | 'incidentResolved'
  | 'incidentClosed'
  | 'incidentReminder'
  | 'vipAssistantUpdate'
  | 'areaAlert'
  | 'areaRecovered'
  | 'areaTest'
  | 'areaTestOverdue'
  | 'onSiteTestBooked'
  | 'hotDigest';

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
  /** Explicit addresses; otherwise the members of `toRole` (ROLE_EMAILS), else the supervisors. */
  to?: string[];
  /** A role of the escalation ladder or `department:<name>`, resolved to addresses by the activity. */
  toRole?: string;
  template: EmailTemplate;
  vars: Record<string, string>;
  /** What the e-mail's links point at when it is not a complaint (e.g. a guarantee area). */
  about?: { workflowId: string; apiPath: string };
}

export interface SendEmailResult {
  messageId: string;
  alreadySent: boolean;
}

export interface ComplaintActivities {
  findEarlierComplaints(q: RepeatQuery): Promise<RepeatMatch[]>;
  selectPolicy(criteria: PolicyCriteria): Promise<PolicySnapshot>;
  projectComplaint(view: ComplaintView): Promise<{ applied: boolean }>;
  sendSms(input: SendSmsInput): Promise<SendSmsResult>;
  sendEmail(input: SendEmailInput): Promise<SendEmailResult>;
}
