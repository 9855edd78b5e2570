// The TMF621 status of a complaint (T2), as pure data: the one mapping from the procedure's stage
// and its clock and incident facts. The API derives the status of a read with it (api/tmf/status.ts)
// and the complaint workflow the status of its TMF events (workflows/complaint/tmf-events.ts), so the
// two cannot disagree. docs/tmf621.md has the table.
import type { Stage } from '../complaint-input';

export const TMF_STATUSES = [
  'acknowledged',
  'rejected',
  'pending',
  'held',
  'inProgress',
  'cancelled',
  'closed',
  'resolved',
] as const;
export type TmfStatus = (typeof TMF_STATUSES)[number];

/** The status each stage stands for when nothing else holds the complaint. */
export const STAGE_STATUS: Record<Stage, TmfStatus> = {
  RECEIVED: 'acknowledged',
  TRIAGED: 'inProgress',
  // a department verifies it: the work waits on someone else
  TRANSFERRED: 'pending',
  IN_PROGRESS: 'inProgress',
  // resolved, the customer is being answered (the final reply with their confirmation)
  RESOLVED: 'resolved',
  REPLYING: 'resolved',
  CLOSED: 'closed',
  // an unsatisfied customer reopened handling (R5.4)
  REOPENED: 'inProgress',
};

/** Stages in which work is open: a paused clock or a mass incident can hold these. */
export const OPEN_WORK_STAGES: readonly Stage[] = ['RECEIVED', 'TRIAGED', 'IN_PROGRESS', 'REOPENED'];

export interface StatusFacts {
  stage: Stage;
  /** a running clock is paused with a reason (waiting on the customer or a third party) */
  paused: boolean;
  /** linked to a mass incident that is not resolved: answered when the incident is (R8.4) */
  heldByIncident: boolean;
}

/**
 * The status from the facts. Precedence: the stage decides for transferred, resolved and closed
 * complaints; open work is `held` under an open mass incident, `pending` while a clock is paused.
 */
export function statusFromFacts(f: StatusFacts): TmfStatus {
  if (!OPEN_WORK_STAGES.includes(f.stage)) return STAGE_STATUS[f.stage];
  if (f.heldByIncident) return 'held';
  if (f.paused) return 'pending';
  return STAGE_STATUS[f.stage];
}

/** TMF severity: Critical for a major complaint (R5.3), Major for an urgent one, Minor otherwise. */
export function tmfSeverity(major: boolean, urgency: string | undefined): 'Critical' | 'Major' | 'Minor' {
  if (major) return 'Critical';
  return urgency === 'URGENT' ? 'Major' : 'Minor';
}

/** TMF priority: High for an urgent complaint, Medium otherwise. */
export function tmfPriority(urgency: string | undefined): 'High' | 'Medium' {
  return urgency === 'URGENT' ? 'High' : 'Medium';
}
