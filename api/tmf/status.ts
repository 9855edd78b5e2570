// The TMF621 status of a complaint (T2): derived from the procedure's stage, never stored, so it
// cannot disagree with the workflow. `statusChangeHistory` replays the complaint's timeline through
// the same mapping. docs/tmf621.md has the table.
import type { ComplaintView, Stage, TimelineEntry } from '../../workflows/complaint/contract';
import {
  OPEN_WORK_STAGES,
  STAGE_STATUS,
  statusFromFacts,
  TMF_STATUSES,
  type StatusFacts,
  type TmfStatus,
} from '../../domain/tmf/status';

// The mapping itself is pure data in domain/ (the workflow's TMF events use it too).
export { OPEN_WORK_STAGES, STAGE_STATUS, statusFromFacts, TMF_STATUSES, type StatusFacts, type TmfStatus };

export function factsOf(view: Pick<ComplaintView, 'stage' | 'clocks' | 'incident'>): StatusFacts {
  return {
    stage: view.stage,
    paused: (view.clocks ?? []).some((c) => c.state === 'paused'),
    heldByIncident: view.incident?.stage === 'OPEN',
  };
}

export function tmfStatusOf(view: Pick<ComplaintView, 'stage' | 'clocks' | 'incident'>): TmfStatus {
  return statusFromFacts(factsOf(view));
}

/** The stages whose complaints can have `status` (the list filter narrows by stage first). */
export function stagesFor(status: TmfStatus): Stage[] {
  const stages = (Object.keys(STAGE_STATUS) as Stage[]).filter((s) => STAGE_STATUS[s] === status);
  if (status === 'pending' || status === 'held') stages.push(...OPEN_WORK_STAGES);
  return [...new Set(stages)];
}

export interface StatusChange {
  '@type': 'StatusChange';
  status: TmfStatus;
  statusChangeDate: string;
  statusChangeReason: string;
}

/** What one timeline entry does to the replayed facts; undefined = nothing status-related. */
function step(facts: StatusFacts & { pausedClocks: number }, e: TimelineEntry): string | undefined {
  const detail = e.detail ? `: ${e.detail}` : '';
  switch (e.action) {
    case 'RECEIVED':
      facts.stage = 'RECEIVED';
      return 'complaint received';
    case 'TRIAGED':
      facts.stage = e.detail?.startsWith('TRANSFER') ? 'TRANSFERRED' : 'IN_PROGRESS';
      return facts.stage === 'TRANSFERRED'
        ? `transferred for verification${detail.replace(': TRANSFER →', ':')}`
        : `triaged${detail}`;
    case 'VERIFIED':
      facts.stage = 'IN_PROGRESS';
      return `verified by the department${detail}`;
    case 'CLOCK_PAUSED':
      facts.pausedClocks += 1;
      facts.paused = true;
      return `clock paused${detail}`;
    case 'CLOCK_RESUMED':
      facts.pausedClocks = Math.max(0, facts.pausedClocks - 1);
      facts.paused = facts.pausedClocks > 0;
      return `clock resumed${detail}`;
    case 'LINKED_TO_INCIDENT':
      facts.heldByIncident = true;
      return `held by a mass incident${detail}`;
    case 'INCIDENT_RESOLVED':
      facts.heldByIncident = false;
      return `mass incident resolved${detail}`;
    case 'RESOLVED':
      facts.stage = 'RESOLVED';
      facts.heldByIncident = false;
      return `resolved${detail}`;
    case 'REOPENED':
      facts.stage = 'REOPENED';
      return `reopened${detail}`;
    case 'CLOSED':
      facts.stage = 'CLOSED';
      return `closed${detail}`;
    default:
      return undefined;
  }
}

/**
 * The status changes in the order they happened, replayed from the timeline; the last entry is
 * always the current status (a change the timeline does not name is dated at its last entry).
 */
export function statusChangeHistory(
  view: Pick<ComplaintView, 'stage' | 'clocks' | 'incident' | 'timeline'>,
): StatusChange[] {
  const facts = { stage: 'RECEIVED' as Stage, paused: false, heldByIncident: false, pausedClocks: 0 };
  const history: StatusChange[] = [];
  for (const e of view.timeline ?? []) {
    const reason = step(facts, e);
    if (reason === undefined) continue;
    const status = statusFromFacts(facts);
    if (history.at(-1)?.status === status) continue;
    history.push({ '@type': 'StatusChange', status, statusChangeDate: e.at, statusChangeReason: reason });
  }
  const current = tmfStatusOf(view);
  if (history.at(-1)?.status !== current) {
    const at = view.timeline?.at(-1)?.at ?? new Date(0).toISOString();
    history.push({
      '@type': 'StatusChange',
      status: current,
      statusChangeDate: at,
      statusChangeReason: `stage ${view.stage}`,
    });
  }
  return history;
}
