// Contract of the privacy workflows (issue 22, S8): the retention sweep that a Temporal Schedule
// starts, and one workflow per request of a person (export or erase what is kept about a phone
// number). The API and the worker import this file; it holds no logic with side effects.
// No personal value ever goes into these workflows' inputs or results: the number of a request
// stays in MongoDB (privacy_requests.subject) and is dropped when the request ends.
import { defineQuery, type ActivityOptions } from '@temporalio/workflow';
import type { ComplaintDataKind, RetentionPolicy } from '../policy/retention';

export const PRIVACY_TASK_QUEUE = 'complaints';
export const RETENTION_SWEEP_WORKFLOW_TYPE = 'retentionSweepWorkflow';
export const PRIVACY_REQUEST_WORKFLOW_TYPE = 'privacyRequestWorkflow';
/** The Temporal Schedule of the sweep (created idempotently at worker start). */
export const RETENTION_SCHEDULE_ID = 'closedloop-retention-sweep';

/** How both privacy workflows call their activities; each adds the errors it does not retry. */
export function privacyActivityOptions(nonRetryableErrorTypes: string[]): ActivityOptions {
  return {
    startToCloseTimeout: '2m',
    retry: {
      initialInterval: '2s',
      backoffCoefficient: 2,
      maximumInterval: '1m',
      maximumAttempts: 10,
      nonRetryableErrorTypes,
    },
  };
}

export const PRIVACY_REQUEST_KINDS = ['EXPORT', 'ERASE'] as const;
export type PrivacyRequestKind = (typeof PRIVACY_REQUEST_KINDS)[number];
export const PRIVACY_REQUEST_ID_PATTERN = /^PR-[A-Za-z0-9-]{6,64}$/;

export function privacyRequestWorkflowId(requestId: string): string {
  return `privacy-${requestId}`;
}

export interface SweepInput {
  /** Who started it: `schedule`, or the person who asked for a run now. */
  trigger?: string;
  /** Carried across continue-as-new. */
  cursor?: SweepCursor;
  totals?: SweepTotals;
}

export interface SweepCursor {
  closedAt: string;
  ticketId: string;
}

export interface SweepTotals {
  complaints: number;
  byKind: Partial<Record<ComplaintDataKind, number>>;
  /** Complaints skipped this time (e.g. their workflow still runs), by reason. */
  skipped: number;
  workflowsDeleted: number;
  hashesDropped: number;
  vipProfilesDeleted: number;
  exportsDeleted: number;
}

export interface SweepResult {
  runId: string;
  totals: SweepTotals;
  temporalRetention: NamespaceRetentionResult;
  policyVersion: number;
}

export interface NamespaceRetentionResult {
  namespace: string;
  /** What the namespace keeps now, in hours (as read back). */
  hours?: number;
  changed?: boolean;
  error?: string;
}

/** A closed complaint with kinds of personal data whose retention has ended. */
export interface RetentionCandidate {
  ticketId: string;
  closedAt: string;
  kinds: ComplaintDataKind[];
}

export interface CandidatePage {
  candidates: RetentionCandidate[];
  /** Where the next page starts; absent: this was the last page. */
  next?: SweepCursor;
  /** Closed complaints looked at on this page. */
  scanned: number;
}

/** Why personal data is removed: the retention sweep, or a person's request. */
export interface ErasureCause {
  type: 'retention' | 'request';
  /** The sweep's run or the request id. */
  ref: string;
  by: string;
}

export interface EraseComplaintInput {
  ticketId: string;
  kinds: ComplaintDataKind[];
  cause: ErasureCause;
}

/** What was removed per store (counts only: no personal value leaves the activity). */
export interface EraseComplaintResult {
  ticketId: string;
  /** The complaint was left as it is, and why (its workflow still runs). */
  skipped?: string;
  kinds: ComplaintDataKind[];
  removed: Record<string, number>;
  workflowsDeleted: number;
}

export interface PrivacyRequestInput {
  requestId: string;
  kind: PrivacyRequestKind;
  requestedBy: string;
}

export interface FoundComplaint {
  ticketId: string;
  stage: string;
  /** Why it is kept although erasure was asked (legal hold); absent: it can be erased. */
  hold?: string;
}

export interface FoundSummary {
  complaints: FoundComplaint[];
  contacts: number;
  outbox: number;
  recordings: number;
  signatures: number;
  vipProfile: boolean;
  auditEntries: number;
  workflows: number;
}

export type PrivacyRequestState = 'RECEIVED' | 'FINDING' | 'EXPORTING' | 'ERASING' | 'DONE' | 'FAILED';

export interface PrivacyRequestStatus {
  requestId: string;
  kind: PrivacyRequestKind;
  state: PrivacyRequestState;
  found?: FoundSummary;
  erased: string[];
  held: { ticketId: string; reason: string }[];
}

export interface PrivacyRequestResult extends PrivacyRequestStatus {
  exportBytes?: number;
}

export const privacyRequestStatusQuery = defineQuery<PrivacyRequestStatus>('privacyRequestStatus');

/** The retention policy as the sweep read it (carried in the result for the record). */
export type SweepPolicy = RetentionPolicy;
