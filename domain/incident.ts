// Sudden mass complaints (R8): where an area is, what a complaint reports to its area's watch, and
// the incident's view. Shared by the incident workflows' contract (which re-exports them) and the
// incident activities, which report a complaint to its watch by signal-with-start: the watch's
// workflow type and the signal's name are here so that they need no workflow module.
import type {
  Arrival,
  AreaScope,
  BurstRule,
  ChecklistItem,
  CloseIncidentInput,
  IncidentStage,
  MassIncidentPolicy,
  ResolveIncidentInput,
} from './policy/mass-incident';

export const AREA_WATCH_WORKFLOW_TYPE = 'areaWatchWorkflow';

/** The signal (with start) that reports a complaint to its area's watch. */
export const COMPLAINT_FILED_SIGNAL = 'complaintFiled';

/** Where the area is: what the incident checks for upgrades, alarms and interference (R8.3). */
export interface AreaPlace {
  scope: AreaScope;
  key: string;
  region: string;
  cellIds: string[];
  siteIds: string[];
}

/** A complaint reported to its area's watch (signal-with-start from the complaint workflow). */
export interface ComplaintFiled extends Arrival {
  area: AreaPlace;
  rule: BurstRule;
  policy: MassIncidentPolicy;
}

export interface LinkedComplaint {
  ticketId: string;
  filedAt: string;
  linkedAt: string;
  /** The complaint workflow could not be signalled (e.g. already closed and finished). */
  linkError?: string;
}

export interface IncidentTimelineEntry {
  at: string;
  actor: string;
  action: string;
  detail?: string;
}

/** What the contingency plan found in the area (R8.3), per evidence source. */
export interface AreaFindings {
  gatheredAt: string;
  window: { from: string; to: string };
  changes: { count: number; top: string[] };
  alarms: { count: number; top: string[] };
  interference: { count: number; top: string[] };
  kpis: { count: number; top: string[] };
  gaps: string[];
  /** Earlier incidents in the same area and what prevented a repeat (R8.5 knowledge base). */
  knownIssues: { incidentId: string; rootCause: string; preventiveMeasures: string[] }[];
}

export interface IncidentView {
  incidentId: string;
  workflowId: string;
  areaKey: string;
  area: AreaPlace;
  rule: BurstRule;
  stage: IncidentStage;
  version: number;
  startedAt: string;
  /** Time from the first complaint of the burst to the notification of the leaders (R8.2). */
  notifiedAt?: string;
  notifyLatencyMs?: number;
  owner?: string;
  linked: LinkedComplaint[];
  complaintCount: number;
  checklist: ChecklistItem[];
  findings?: AreaFindings;
  resolution?: ResolveIncidentInput & { by: string; at: string };
  closure?: CloseIncidentInput & { by: string; at: string };
  timeline: IncidentTimelineEntry[];
}
