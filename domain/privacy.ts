// Personal data retention and requests (issue 22, S8): what the sweep and a person's request find,
// erase and report. Counts and ids only, never a personal value. Shared by the privacy workflows'
// contract (which re-exports them) and the privacy activities.
import type { ComplaintDataKind } from './policy/retention';

export const PRIVACY_REQUEST_KINDS = ['EXPORT', 'ERASE'] as const;

export type PrivacyRequestKind = (typeof PRIVACY_REQUEST_KINDS)[number];

export const PRIVACY_REQUEST_ID_PATTERN = /^PR-[A-Za-z0-9-]{6,64}$/;

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
