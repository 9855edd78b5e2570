// Contract of the complaint workflow: task queue, id builder, updates, signals, queries and types.
// The API imports this file; it holds no logic with side effects.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ClockView, PolicySnapshot } from '../policy/sla';

export const COMPLAINT_TASK_QUEUE = 'complaints';
export const COMPLAINT_WORKFLOW_TYPE = 'complaintWorkflow';

export const CHANNELS = ['EMOS', 'GREEN_NET', 'OTHER', 'OPT_CENTER_URGENT', 'LEADER_ASSIGNED'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CATEGORIES = [
  'NO_SIGNAL',
  'WEAK_SIGNAL',
  'DROPPED_CALLS',
  'CALL_SETUP_FAILURE',
  'VOICE_QUALITY',
  'SLOW_DATA',
  'NO_DATA',
  'OTHER',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const STAGES = [
  'RECEIVED',
  'TRIAGED',
  'TRANSFERRED',
  'IN_PROGRESS',
  'RESOLVED',
  'REPLYING',
  'CLOSED',
  'REOPENED',
] as const;
export type Stage = (typeof STAGES)[number];

export const DEPARTMENTS = ['data', 'network', 'billing', 'core', 'transmission'] as const;
export const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** Ticket id derived from (channel, external ticket id): the same ticket is always the same complaint (R1.3). */
export function ticketIdFor(channel: Channel, externalId: string): string {
  return `${channel}-${externalId}`;
}

export function complaintWorkflowId(ticketId: string): string {
  return `complaint-${ticketId}`;
}

export interface Actor {
  user: string;
  roles: string[];
}

export interface ComplaintInput {
  ticketId: string;
  channel: Channel;
  externalId: string;
  category: Category;
  urgency: 'NORMAL' | 'URGENT';
  description: string;
  location: {
    region: string;
    address?: string;
    coordinates?: { lat: number; lng: number };
    cellId?: string;
  };
  occurrence: { since?: string; frequency: 'ALWAYS' | 'DAILY' | 'INTERMITTENT' | 'ONCE'; timeOfDay?: string };
  terminal: { model?: string; imei?: string };
  numbers: { callback: string; calling?: string; called?: string };
  customer: { name?: string; vipLevel: number; language: 'zh-CN' | 'en' };
  extra?: string;
  receivedAt: string;
  submittedBy: string;
}

export type TriageDecision = 'SELF' | 'TEAM' | 'TRANSFER';

export interface TriageInput {
  decision: TriageDecision;
  department?: string;
  assignee?: string;
  note?: string;
}

export interface FindingsInput {
  checked: string;
  found: string;
  onSite?: boolean;
}

export interface VerificationInput {
  department: string;
  result: string;
}

export interface ResolveInput {
  summary: string;
  rootCause: string;
  actions: string;
}

export interface ReplyInput {
  kind: 'FIRST' | 'FINAL';
  method: 'PHONE' | 'SMS';
  summary: string;
  /** An SMS reply counts only once the customer confirmed it (R4.3). */
  customerConfirmed: boolean;
  satisfied?: boolean;
}

export interface CloseInput {
  note?: string;
}

export interface EscalationInput {
  level: number;
  reason: string;
}

export interface ContactEventInput {
  kind: 'SMS_STATUS';
  messageSid: string;
  status: string;
  purpose: string;
}

/** Every human action carries the acting person (R10.2). */
export interface Acting<T> {
  actor: Actor;
  input: T;
}

export interface TimelineEntry {
  at: string;
  actor: string;
  action: string;
  detail?: string;
}

export interface ComplaintView {
  ticketId: string;
  workflowId: string;
  stage: Stage;
  version: number;
  input: ComplaintInput;
  policy?: PolicySnapshot;
  triage?: TriageInput & { by: string; at: string };
  verifications: (VerificationInput & { by: string; at: string })[];
  findings: (FindingsInput & { by: string; at: string })[];
  resolution?: ResolveInput & { by: string; at: string };
  replies: (ReplyInput & { by: string; at: string; counts: boolean })[];
  escalations: (EscalationInput & { by: string; at: string })[];
  escalationLevel: number;
  clocks: ClockView[];
  slaBreached: boolean;
  timeline: TimelineEntry[];
  closedAt?: string;
}

export interface ComplaintOutcome {
  ticketId: string;
  stage: Stage;
  closedAt: string;
  slaBreached: boolean;
}

export const triageUpdate = defineUpdate<ComplaintView, [Acting<TriageInput>]>('triage');
export const recordVerificationUpdate = defineUpdate<ComplaintView, [Acting<VerificationInput>]>(
  'recordVerification',
);
export const recordFindingsUpdate = defineUpdate<ComplaintView, [Acting<FindingsInput>]>('recordFindings');
export const resolveUpdate = defineUpdate<ComplaintView, [Acting<ResolveInput>]>('resolve');
export const recordReplyUpdate = defineUpdate<ComplaintView, [Acting<ReplyInput>]>('recordReply');
export const closeUpdate = defineUpdate<ComplaintView, [Acting<CloseInput>]>('close');

export const escalateSignal = defineSignal<[Acting<EscalationInput>]>('escalate');
export const contactEventSignal = defineSignal<[ContactEventInput]>('contactEvent');

export const getComplaintQuery = defineQuery<ComplaintView>('getComplaint');
