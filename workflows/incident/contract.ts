// Contract of the sudden-mass-complaint workflows (R8): the area watch that recognises a burst and
// the mass-incident workflow that handles it. Task queue, id builders, signals, updates, queries,
// types. The API and the complaint workflow import this file; it holds no logic with side effects.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../complaint/contract';
import type {
  Arrival,
  BurstRule,
  CloseIncidentInput,
  MassIncidentPolicy,
  ResolveIncidentInput,
} from '../../domain/policy/mass-incident';
import {
  COMPLAINT_FILED_SIGNAL,
  type AreaPlace,
  type ComplaintFiled,
  type IncidentView,
} from '../../domain/incident';

// The area, the report to the watch and the incident's view are domain (domain/incident.ts).
export * from '../../domain/incident';

export { areaWatchWorkflowId, incidentId as incidentIdFor } from '../../domain/policy/mass-incident';
export type { CloseIncidentInput, ResolveIncidentInput } from '../../domain/policy/mass-incident';

/**
 * Mass incidents run on their own task queue (a fast lane polled by every worker): when hundreds of
 * complaints arrive at once, the report to the area watch, the watch and the incident's
 * notifications do not wait behind those complaints' own evidence gathering and projections (R8.2).
 */
export const INCIDENT_TASK_QUEUE = 'incidents';
export const MASS_INCIDENT_WORKFLOW_TYPE = 'massIncidentWorkflow';

/** The mass-incident workflow's id is the incident id itself (INC-…), so people can quote it. */
export function incidentWorkflowId(incidentId: string): string {
  return incidentId;
}
export const INCIDENT_ID_PATTERN = /^INC-[A-Za-z0-9:._-]{1,160}$/;

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

export const complaintFiledSignal = defineSignal<[ComplaintFiled]>(COMPLAINT_FILED_SIGNAL);
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
