// The privacy activities (issue 22, S8) as the workflows see them. Types only.
import type { RetentionPolicy } from '../../domain/policy/retention';
import type {
  CandidatePage,
  EraseComplaintInput,
  EraseComplaintResult,
  FoundSummary,
  NamespaceRetentionResult,
  PrivacyRequestStatus,
  SweepCursor,
  SweepResult,
} from '../../domain/privacy';

export interface PrivacyActivities {
  /** The active retention policy (the newest stored version, else the built-in default). */
  loadRetentionPolicy(): Promise<RetentionPolicy>;
  /** Sets the namespace's retention of closed workflow histories from the policy. */
  applyTemporalRetention(input: { policy: RetentionPolicy }): Promise<NamespaceRetentionResult>;
  /** Closed complaints with kinds of personal data past their retention, in closing order. */
  findRetentionCandidates(input: {
    policy: RetentionPolicy;
    now: string;
    after?: SweepCursor;
    limit: number;
  }): Promise<CandidatePage>;
  /** Removes the kinds of personal data of one complaint from every store; idempotent. */
  eraseComplaintData(input: EraseComplaintInput): Promise<EraseComplaintResult>;
  /** Drops callback-number hashes of complaints whose repeat window has ended. */
  dropExpiredNumberHashes(input: { now: string }): Promise<number>;
  /** Deletes VIP profiles inactive for longer than their retention. */
  expireVipProfiles(input: { policy: RetentionPolicy; now: string }): Promise<number>;
  /** Deletes exports of requests past their expiry. */
  expireExports(input: { now: string }): Promise<number>;
  /** Keeps the sweep's outcome (retention_runs) for the console and the record. */
  recordSweep(input: {
    workflowId: string;
    trigger: string;
    startedAt: string;
    result: SweepResult;
  }): Promise<void>;

  /** Finds what is kept about the request's number; records the summary on the request. */
  findPersonalData(input: { requestId: string }): Promise<FoundSummary>;
  /** Writes the JSON document of everything kept about the number (privacy_exports). */
  exportPersonalData(input: { requestId: string }): Promise<{ bytes: number; expiresAt: string }>;
  /** Erases what is about the number outside the complaints: VIP profile, contacts, exports. */
  eraseSubjectData(input: { requestId: string; heldTickets: string[] }): Promise<Record<string, number>>;
  /** One entry of the request's audit trail (its own chain), once per key. */
  recordRequestStep(input: {
    requestId: string;
    key: string;
    at: string;
    by: string;
    action: string;
    detail: string;
    state: string;
  }): Promise<void>;
  /** The request's outcome; a finished request no longer keeps the number. */
  finishRequest(input: { requestId: string; status: PrivacyRequestStatus; error?: string }): Promise<void>;
}
