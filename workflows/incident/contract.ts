// Contract of the sudden-mass-complaint workflows (R8): the area watch that recognises a burst and
// the mass-incident workflow that handles it. Task queue, id builders, signals, updates, queries,
// types. The API and the complaint workflow import this file; it holds no logic with side effects.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../complaint/contract';
import type {
  Arrival,
  AreaScope,
  BurstRule,
  ChecklistItem,
  CloseIncidentInput,
  IncidentStage,
  MassIncidentPolicy,
  ResolveIncidentInput,
} from '../policy/mass-incident';

export { areaWatchWorkflowId, incidentId as incidentIdFor } from '../policy/mass-incident';
export type { CloseIncidentInput, ResolveIncidentInput } from '../policy/mass-incident';

/**
 * Mass incidents run on their own task queue (a fast lane polled by every worker): when hundreds of
 * complaints arrive at once, the report to the area watch, the watch and the incident's
 * notifications do not wait behind those complaints' own evidence gathering and projections (R8.2).
 */
export const INCIDENT_TASK_QUEUE = 'incidents';
export const AREA_WATCH_WORKFLOW_TYPE = 'areaWatchWorkflow';
export const MASS_INCIDENT_WORKFLOW_TYPE = 'massIncidentWorkflow';

/** The mass-incident workflow's id is the incident id itself (INC-…), so people can quote it. */
export function incidentWorkflowId(incidentId: string): string {
  return incidentId;
}
export const INCIDENT_ID_PATTERN = /^INC-[A-Za-z0-9:._-]{1,160}$/;

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

export interface AreaWatchInput {
  areaKey: string;
  /** Carried across continue-as-new. */
  arrivals?: Arrival[];
  activeIncidentId?: string;
  incidentsStarted?: number;
  /** Tickets already counted or forwarded in the current window (reports come twice, R8.1). */
  seen?: Arrival[];
}

export interface AreaWatchView {
  areaKey: string;
  arrivals: number;
  activeIncidentId?: string;
  incidentsStarted: number;
}

export const complaintFiledSignal = defineSignal<[ComplaintFiled]>('complaintFiled');
export const incidentEndedSignal = defineSignal<[{ incidentId: string }]>('incidentEnded');
export const getAreaWatchQuery = defineQuery<AreaWatchView>('getAreaWatch');

export interface MassIncidentInput {
  incidentId: string;
  area: AreaPlace;
  rule: BurstRule;
  policy: MassIncidentPolicy;
  /** The complaints that made the burst. */
  burst: Arrival[];
  watchWorkflowId: string;
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

export interface CheckItemInput {
  item: string;
  done: boolean;
  note?: string;
}

export interface TakeOwnershipInput {
  note?: string;
}

export interface Acting<T> {
  actor: Actor;
  input: T;
}

export const linkComplaintSignal = defineSignal<[Arrival]>('linkComplaint');
/** The watch forwards every complaint that arrived while it was busy in one signal. */
export const linkComplaintsSignal = defineSignal<[Arrival[]]>('linkComplaints');
export const checkItemUpdate = defineUpdate<IncidentView, [Acting<CheckItemInput>]>('checkItem');
export const takeOwnershipUpdate = defineUpdate<IncidentView, [Acting<TakeOwnershipInput>]>('takeOwnership');
export const resolveIncidentUpdate = defineUpdate<IncidentView, [Acting<ResolveIncidentInput>]>(
  'resolveIncident',
);
export const closeIncidentUpdate = defineUpdate<IncidentView, [Acting<CloseIncidentInput>]>('closeIncident');
export const getIncidentQuery = defineQuery<IncidentView>('getIncident');

/** Signals the incident sends to each linked complaint (R8.4). */
export interface IncidentLinkedInput {
  incidentId: string;
  areaKey: string;
}
export interface IncidentResolvedInput {
  incidentId: string;
  customerMessage: string;
  summary: string;
  by: string;
}
export const incidentLinkedSignal = defineSignal<[IncidentLinkedInput]>('incidentLinked');
export const incidentResolvedSignal = defineSignal<[IncidentResolvedInput]>('incidentResolved');
