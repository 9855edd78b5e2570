// The complaint's in-workflow state and the pure functions that read it.
import { evaluateClock, type ClockName, type ClockView, type PolicySnapshot } from '../policy/sla';
import { replyCounts, type LifecycleFacts } from '../policy/lifecycle';
import {
  complaintWorkflowId,
  type ComplaintInput,
  type ComplaintView,
  type Stage,
  type TimelineEntry,
} from './contract';

export interface ClockRun {
  startedAt: number;
  targetMs: number;
  stoppedAt?: number;
  warningsSent: number;
  breachNotified: boolean;
}

export interface ComplaintState extends Omit<ComplaintView, 'clocks' | 'slaBreached' | 'workflowId'> {
  clockRuns: Partial<Record<ClockName, ClockRun>>;
  /** A signal changed the state; the main loop projects it. */
  dirty: boolean;
  /** How many escalations the supervisors were already told about. */
  escalationsNotified: number;
}

export function createState(input: ComplaintInput): ComplaintState {
  return {
    ticketId: input.ticketId,
    stage: 'RECEIVED',
    version: 0,
    input,
    verifications: [],
    findings: [],
    replies: [],
    escalations: [],
    escalationLevel: 0,
    timeline: [{ at: input.receivedAt, actor: input.submittedBy, action: 'RECEIVED', detail: input.channel }],
    clockRuns: {},
    dirty: false,
    escalationsNotified: 0,
  };
}

export function startClocks(state: ComplaintState, policy: PolicySnapshot, startedAt: number): void {
  state.policy = policy;
  for (const name of ['firstReply', 'handling'] as const) {
    state.clockRuns[name] = {
      startedAt,
      targetMs: policy.clocks[name].targetMs,
      warningsSent: 0,
      breachNotified: false,
    };
  }
}

export function stopClock(state: ComplaintState, name: ClockName, at: number): void {
  const run = state.clockRuns[name];
  if (run && run.stoppedAt === undefined) run.stoppedAt = at;
}

export function clockViews(state: ComplaintState, now: number): ClockView[] {
  return (Object.entries(state.clockRuns) as [ClockName, ClockRun][]).map(([name, run]) =>
    evaluateClock(name, run.startedAt, run.targetMs, run.stoppedAt, now),
  );
}

export function slaState(views: ClockView[], state: ComplaintState): 'OK' | 'WARNING' | 'BREACHED' {
  if (views.some((v) => v.state === 'breached' || v.state === 'metLate')) return 'BREACHED';
  const warned = Object.values(state.clockRuns).some(
    (r) => r && r.stoppedAt === undefined && r.warningsSent > 0,
  );
  return warned ? 'WARNING' : 'OK';
}

export function toView(state: ComplaintState, now: number): ComplaintView {
  const { clockRuns: _runs, dirty: _dirty, escalationsNotified: _notified, ...rest } = state;
  const clocks = clockViews(state, now);
  return {
    ...rest,
    workflowId: complaintWorkflowId(state.ticketId),
    clocks,
    slaBreached: slaState(clocks, state) === 'BREACHED',
  };
}

export function facts(state: ComplaintState): LifecycleFacts {
  const finals = state.replies.filter((r) => r.kind === 'FINAL' && r.counts);
  return {
    stage: state.stage,
    transferredTo: state.triage?.decision === 'TRANSFER' ? state.triage.department : undefined,
    findings: state.findings.length,
    hasResolution: state.resolution !== undefined,
    countingFinalReplies: finals.length,
    lastFinalReplySatisfied: finals.at(-1)?.satisfied,
  };
}

export function record(
  state: ComplaintState,
  entry: Omit<TimelineEntry, 'at'>,
  at: number,
  stage?: Stage,
): void {
  state.timeline.push({ at: new Date(at).toISOString(), ...entry });
  if (stage) state.stage = stage;
}

export { replyCounts };
