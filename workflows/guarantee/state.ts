// State of the guarantee-area workflow: the first state, the view the query and the projection
// show, and the small mutations every step shares. Deterministic (workflow time only).
import { parseDuration } from '../../domain/policy/durations';
import {
  INITIAL_TRACKER,
  nextTestAt,
  reconcileTestProgress,
  type GuaranteeAreaDefinition,
} from '../../domain/policy/guarantee';
import {
  guaranteeWorkflowId,
  type AreaStatus,
  type GuaranteeAreaStart,
  type GuaranteeAreaState,
  type GuaranteeAreaView,
  type GuaranteeLimits,
} from './contract';

export interface Ctx {
  state: GuaranteeAreaState;
  limits: GuaranteeLimits;
  /** Something changed since the last projection. */
  dirty: boolean;
  /** Checks made in this run (continue-as-new after limits.maxChecksPerRun). */
  checksThisRun: number;
  /** Notifications on their way; awaited before continue-as-new and at the end. */
  background: Set<Promise<void>>;
}

export const iso = (ms: number) => new Date(ms).toISOString();

export function initialState(start: GuaranteeAreaStart, nowMs: number): GuaranteeAreaState {
  const at = iso(nowMs);
  return {
    areaId: start.areaId,
    definition: start.area,
    createdAt: at,
    createdBy: start.createdBy,
    updatedAt: at,
    version: 1,
    tracker: { ...INITIAL_TRACKER },
    nextCheckAt: at,
    checks: 0,
    alertSeq: 0,
    alertHistory: [],
    tests: reconcileTestProgress(start.area.testPlan, {}, nowMs),
    testsCreated: 0,
    lastTests: [],
    notificationFailures: [],
    run: 1,
  };
}

export function statusOf(state: GuaranteeAreaState): AreaStatus {
  if (state.ended) return 'ENDED';
  if (state.paused) return 'PAUSED';
  return state.tracker.status;
}

/** Marks a change: a new version for the projection, written by the main loop. */
export function touch(ctx: Ctx, nowMs: number): void {
  ctx.state.version += 1;
  ctx.state.updatedAt = iso(nowMs);
  ctx.dirty = true;
}

export const intervalMs = (def: GuaranteeAreaDefinition) => parseDuration(def.watchInterval);

export function toView(ctx: Ctx): GuaranteeAreaView {
  const { state } = ctx;
  const active = !state.ended && !state.paused;
  const nextTest = active ? nextTestAt(state.tests) : undefined;
  return {
    areaId: state.areaId,
    workflowId: guaranteeWorkflowId(state.areaId),
    name: state.definition.name,
    status: statusOf(state),
    definition: state.definition,
    createdAt: state.createdAt,
    createdBy: state.createdBy,
    updatedAt: state.updatedAt,
    version: state.version,
    ...(state.paused ? { paused: state.paused } : {}),
    ...(state.ended ? { ended: state.ended } : {}),
    ...(state.lastCheck ? { lastCheck: state.lastCheck } : {}),
    checks: state.checks,
    ...(active ? { nextCheckAt: state.nextCheckAt } : {}),
    alerts: {
      seq: state.alertSeq,
      breachStreak: state.tracker.breachStreak,
      cleanStreak: state.tracker.cleanStreak,
    },
    openAlerts: state.openAlert ? [state.openAlert] : [],
    alertHistory: state.alertHistory,
    tests: {
      created: state.testsCreated,
      ...(nextTest !== undefined ? { nextDueAt: iso(nextTest) } : {}),
      last: state.lastTests,
      open: state.openTests ?? [],
      done: state.testsDone ?? 0,
      doneLate: state.testsDoneLate ?? 0,
    },
    notificationFailures: state.notificationFailures,
    run: { number: state.run, checksThisRun: ctx.checksThisRun },
  };
}
