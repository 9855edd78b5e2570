// Inputs and outputs of the activities, shared with the workflows as types only.
import type { PolicyCriteria, PolicySnapshot } from '../domain/policy/sla';
import type { RepeatMatch, RepeatQuery } from './repeat';
import type { ComplaintView } from '../domain/complaint';
import type { ComplaintChange } from '../domain/projection-change';

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
  /** Complaints started before issue 23: the whole view at every commit. */
  projectComplaint(view: ComplaintView): Promise<{ applied: boolean }>;
  /**
   * The whole view, or what changed since the version it names (domain/projection-change.ts);
   * `resync` when the read model does not hold that version (the workflow then sends the whole view).
   */
  projectComplaintChange(change: ComplaintChange): Promise<{ applied: boolean; resync?: boolean }>;
  sendSms(input: SendSmsInput): Promise<SendSmsResult>;
  sendEmail(input: SendEmailInput): Promise<SendEmailResult>;
}
