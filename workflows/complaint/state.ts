// The complaint's in-workflow state and the pure functions that read it.
import { replyCounts, isHot, type LifecycleFacts } from '../../domain/policy/lifecycle';
import { startClock, viewClock, type Clock } from '../../domain/policy/clocks';
import type { Calendar } from '../../domain/policy/calendar';
import { INTAKE_CLOCKS, type PolicySnapshot, type ResolvedClockPolicy } from '../../domain/policy/sla';
import { preferencesAtIntake } from '../../domain/policy/contact-window';
import type { ProjectedRecord } from '../../domain/projection-change';
import {
  complaintWorkflowId,
  type ComplaintInput,
  type ComplaintView,
  type CoordinationTask,
  type TimelineEntry,
} from './contract';

export interface ComplaintState extends Omit<
  ComplaintView,
  'clocks' | 'slaBreached' | 'workflowId' | 'hot' | 'awaitingAckRole'
> {
  clockMap: Record<string, Clock>;
  /** A signal changed the state; the main loop projects it. */
  dirty: boolean;
  /** How many escalations were already e-mailed. */
  escalationsNotified: number;
  /** What was last projected, and the projection being gathered (projection.ts); absent in complaints started before issue 23. */
  projector?: Projector;
}

/** The projection by deltas (issue 23, projection.ts): kept out of the view. */
export interface Projector {
  /** what the read model holds, as the workflow last projected it; undefined until the first projection */
  last?: ProjectedRecord;
  /** the search attributes last upserted (Stage, breached, SLA state) */
  attributes?: string;
  /** the projection that commits made since the last one started will go out with */
  next?: Promise<ComplaintView>;
  /** the projection under way (the next one starts after it) */
  tail: Promise<unknown>;
}

export function createState(input: ComplaintInput): ComplaintState {
  // The customer's own window and appointment (R4.8), when the intake gave them.
  const prefs = preferencesAtIntake(input);
  return {
    ...(prefs ? { contactPreferences: { ...prefs, by: input.submittedBy, at: input.receivedAt } } : {}),
    ticketId: input.ticketId,
    stage: 'RECEIVED',
    version: 0,
    input,
    verifications: [],
    findings: [],
    replies: [],
    escalations: [],
    escalationLevel: 0,
    team: input.location.region,
    assignments: [],
    rounds: 1,
    policyHistory: [],
    contacts: [],
    consentEvidence: [],
    timeline: [{ at: input.receivedAt, actor: input.submittedBy, action: 'RECEIVED', detail: input.channel }],
    clockMap: {},
    dirty: false,
    escalationsNotified: 0,
  };
}

export function calendarOf(state: ComplaintState, clock: Clock): Calendar {
  return state.policy?.calendars[clock.calendar] ?? { kind: '24x7' };
}

export function addClock(state: ComplaintState, name: string, p: ResolvedClockPolicy, at: number): Clock {
  const clock = startClock(name, at, p.targetMs, p.warnAt, p.calendar);
  state.clockMap[name] = clock;
  return clock;
}

export function startIntakeClocks(
  state: ComplaintState,
  policy: PolicySnapshot,
  at: number,
  by: string,
): void {
  state.policy = policy;
  state.policyHistory.push({
    id: policy.id,
    version: policy.version,
    setVersion: policy.setVersion,
    at: new Date(at).toISOString(),
    by,
    reason: 'intake',
  });
  for (const name of INTAKE_CLOCKS) addClock(state, name, policy.clocks[name], at);
}

export function clock(state: ComplaintState, name: string): Clock | undefined {
  return state.clockMap[name];
}

export function toView(state: ComplaintState, now: number): ComplaintView {
  const { clockMap, dirty: _dirty, escalationsNotified: _notified, projector: _projector, ...rest } = state;
  const clocks = Object.values(clockMap).map((c) => viewClock(c, calendarOf(state, c), now));
  const open = state.escalations.at(-1);
  return {
    ...rest,
    workflowId: complaintWorkflowId(state.ticketId),
    clocks,
    slaBreached: clocks.some((c) => c.state === 'breached' || c.state === 'metLate'),
    hot: isHot(
      state.rounds,
      state.escalationLevel,
      state.major !== undefined,
      (state.repeatOf?.length ?? 0) > 0,
    ),
    awaitingAckRole: open && !open.acknowledgedAt ? open.role : undefined,
  };
}

export function slaState(view: ComplaintView, state: ComplaintState): 'OK' | 'WARNING' | 'BREACHED' {
  if (view.slaBreached) return 'BREACHED';
  const warned = Object.values(state.clockMap).some((c) => c.stoppedAt === undefined && c.warningsSent > 0);
  return warned ? 'WARNING' : 'OK';
}

export function facts(state: ComplaintState): LifecycleFacts {
  const finals = state.replies.filter((r) => r.kind === 'FINAL' && r.counts);
  return {
    stage: state.stage,
    transferredTo: state.triage?.decision === 'TRANSFER' ? state.triage.department : undefined,
    awaitingDepartments: awaitingDepartments(state),
    askedDepartments: [...new Set((state.verificationRequests ?? []).map((r) => r.department))],
    coordinationOpen: openCoordination(state) !== undefined,
    findings: state.findings.length,
    hasResolution: state.resolution !== undefined,
    countingFinalReplies: finals.length,
    lastFinalReplySatisfied: finals.at(-1)?.satisfied,
    major: state.major !== undefined,
    hasMajorReport: state.majorReport !== undefined,
    disputeProne: state.disputeProne !== undefined,
    consentEvidence: state.consentEvidence.length,
    contactInFlight: state.contacts.some((c) => c.purpose !== 'CARE_CALLBACK' && c.endedAt === undefined),
  };
}

/** The departments asked to verify that have not answered yet (R2.3), in the order they were asked. */
export function awaitingDepartments(state: ComplaintState): string[] {
  return (state.verificationRequests ?? []).filter((r) => !r.answeredAt).map((r) => r.department);
}

/** The interface person's coordination task still open (R2.3), if any. */
export function openCoordination(state: ComplaintState): CoordinationTask | undefined {
  return state.coordination?.find((c) => !c.doneAt);
}

/** Adds a timeline entry; the stage changes only through setStage (ctx.ts). */
export function record(state: ComplaintState, entry: Omit<TimelineEntry, 'at'>, at: number): void {
  state.timeline.push({ at: new Date(at).toISOString(), ...entry });
}

export { replyCounts };
