// Contract of the hot-digest workflow (R4.7): the daily e-mail of the hot list to the interface
// person(s). Its Schedule (worker/report-schedules.ts) starts it at the hot policy's digest time;
// a test or an operator may start it directly. No logic with side effects.
import type { HotDigestComposed } from '../../activities/hot-complaints';

export const HOT_DIGEST_WORKFLOW_TYPE = 'hotDigestWorkflow';
export const HOT_DIGEST_SCHEDULE_ID = 'closedloop-hot-digest';
/** The Schedule's runs: Temporal appends the scheduled time to this id. */
export const HOT_DIGEST_SCHEDULED_ID = 'hot-digest-scheduled';
/** The role the digest goes to (ROLE_EMAILS): the interface person(s) who track hot complaints. */
export const HOT_DIGEST_ROLE = 'interface';
export const HOT_DIGEST_WINDOW_MS = 24 * 3_600_000;

export interface HotDigestRequest {
  /** Who asked: a user, or `schedule`. */
  requestedBy?: string;
}

export interface HotDigestResult {
  day: string;
  counts: HotDigestComposed['counts'];
  tickets: string[];
  /** The outbox key of the e-mail: one digest per workflow run, never sent twice. */
  emailKey: string;
  alreadySent: boolean;
}

/** An on-demand digest's workflow id. */
export function hotDigestWorkflowId(suffix: string): string {
  return `hot-digest-${suffix}`;
}
