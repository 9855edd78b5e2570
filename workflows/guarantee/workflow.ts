// The guarantee-area workflow (重点保障区域, R7.3): one long-running workflow per active area. Every
// watch interval it checks the cells' KPIs, raises an alert when a threshold is crossed and another
// when it recovers (with hysteresis), and creates the periodic test tasks on durable timers. It can
// be paused, resumed, changed and ended through updates, and continues as new after a bounded
// number of checks (or when Temporal suggests it), carrying its whole state. Each test task is
// watched until its result is recorded (an update); one still open at its due time escalates to
// the VIP manager (R7.4).
import { allHandlersFinished, condition, continueAsNew, workflowInfo } from '@temporalio/workflow';
import { nextOverdueAt, nextTestAt } from '../../domain/policy/guarantee';
import {
  DEFAULT_GUARANTEE_LIMITS,
  type GuaranteeAreaOutcome,
  type GuaranteeAreaStart,
  type GuaranteeAreaState,
} from './contract';
import { registerHandlers } from './handlers';
import { initialState, touch, type Ctx } from './state';
import {
  cancelOpenTests,
  commit,
  drainNotifications,
  escalateOverdueTests,
  makeDueTests,
  runCheck,
} from './steps';

/** The next moment something is due (a check, a test, an open test's due time), or undefined while paused. */
function nextWake(state: GuaranteeAreaState): number | undefined {
  if (state.paused || state.ended) return undefined;
  const due = [Date.parse(state.nextCheckAt), nextTestAt(state.tests), nextOverdueAt(state.openTests ?? [])];
  return Math.min(...due.filter((t): t is number => t !== undefined));
}

export async function guaranteeAreaWorkflow(start: GuaranteeAreaStart): Promise<GuaranteeAreaOutcome> {
  const limits = { ...DEFAULT_GUARANTEE_LIMITS, ...start.limits };
  const state: GuaranteeAreaState = start.carried
    ? { ...start.carried, run: start.carried.run + 1 }
    : initialState(start, Date.now());
  const ctx: Ctx = { state, limits, dirty: true, checksThisRun: 0, background: new Set() };
  // The first projection of every run; a new run is a new version (it shows its run number).
  if (start.carried) touch(ctx, Date.now());
  registerHandlers(ctx);

  for (;;) {
    await commit(ctx);
    if (state.ended) break;
    if (ctx.checksThisRun >= limits.maxChecksPerRun || workflowInfo().continueAsNewSuggested) {
      await drainNotifications(ctx);
      await condition(allHandlersFinished);
      await commit(ctx);
      if (state.ended) break;
      await continueAsNew<typeof guaranteeAreaWorkflow>({
        areaId: state.areaId,
        area: state.definition,
        createdBy: state.createdBy,
        ...(start.limits ? { limits: start.limits } : {}),
        carried: state,
      });
    }
    const wake = nextWake(state);
    if (wake === undefined) {
      await condition(() => ctx.dirty);
      continue;
    }
    const now = Date.now();
    // An update (pause, change, end …) wakes the loop early: reschedule from the new state.
    if (wake > now && (await condition(() => ctx.dirty, wake - now))) continue;
    const at = Date.now();
    if (at >= Date.parse(state.nextCheckAt)) await runCheck(ctx, at);
    if (!state.paused && !state.ended) await makeDueTests(ctx, at);
    if (!state.paused && !state.ended) await escalateOverdueTests(ctx, at);
  }

  // Only areas that watch their tasks (R7.4) have open ones: older histories issue nothing here.
  await cancelOpenTests(ctx, Date.now());
  await drainNotifications(ctx);
  await condition(allHandlersFinished);
  await commit(ctx);
  return {
    areaId: state.areaId,
    status: 'ENDED',
    checks: state.checks,
    alerts: state.alertSeq,
    testsCreated: state.testsCreated,
    endedAt: state.ended?.at ?? new Date(Date.now()).toISOString(),
  };
}
