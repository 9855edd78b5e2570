// Hot and difficult complaints (热点、难点, R4.7) tracked until solved: when the complaint becomes hot
// (a second round, an escalation, major, a repeat) its open clocks tighten by policy and the
// timeline says so; a hot complaint not RESOLVED within the policy's solveWithin escalates on the
// ladder (at least to the interface person), and again each further period. Added after the first
// release: the workflow starts this only behind patched('hot-complaint-tracking').
import { condition } from '@temporalio/workflow';
import { consumed, retargetClock, totalBudget } from '../../domain/policy/clocks';
import { formatDuration } from '../../domain/policy/durations';
import {
  hotReasons,
  levelForHotUnsolved,
  resolveHotPolicy,
  SOLVED_STAGES,
  tightenClocks,
  type HotFacts,
} from '../../domain/policy/hot';
import type { Ctx } from './ctx';
import { escalate } from './escalation';
import { calendarOf, record, type ComplaintState } from './state';

function hotFacts(state: ComplaintState): HotFacts {
  return {
    rounds: state.rounds,
    escalationLevel: state.escalationLevel,
    major: state.major !== undefined,
    repeat: (state.repeatOf?.length ?? 0) > 0,
  };
}

const isHotNow = (state: ComplaintState) => hotReasons(hotFacts(state)).length > 0;
const isSolved = (state: ComplaintState) => SOLVED_STAGES.includes(state.stage);

/** Runs in the background from intake until the complaint closes. */
export async function trackHot(ctx: Ctx): Promise<void> {
  const { state } = ctx;
  await condition(() => state.stage === 'CLOSED' || (state.policy !== undefined && isHotNow(state)));
  if (state.stage === 'CLOSED') return;
  becomeHot(ctx, Date.now());
  await followUntilClosed(ctx);
}

/** The complaint became hot: its open clocks tighten, the timeline says why and until when. */
export function becomeHot(ctx: Ctx, now: number): void {
  const { state } = ctx;
  const policy = state.policy!.hot ?? resolveHotPolicy();
  const open = Object.values(state.clockMap).filter(
    (c) => c.stoppedAt === undefined && !c.name.startsWith('escalationAck:'),
  );
  const plans = tightenClocks(
    open.map((c) => ({
      name: c.name,
      budgetMs: c.budgetMs,
      extendedMs: totalBudget(c) - c.budgetMs,
      consumedMs: consumed(c, calendarOf(state, c), now),
    })),
    policy,
  );
  for (const p of plans) {
    const c = state.clockMap[p.clock]!;
    retargetClock(c, p.budgetMs, c.warnAt, c.calendar);
  }
  const reasons = hotReasons(hotFacts(state));
  const solveBy = new Date(now + policy.solveWithinMs).toISOString();
  state.hotTrack = {
    since: new Date(now).toISOString(),
    reasons,
    solveBy,
    solveWithinMs: policy.solveWithinMs,
    tightened: plans.map(({ clock, remainingBeforeMs, remainingAfterMs }) => ({
      clock,
      remainingBeforeMs,
      remainingAfterMs,
    })),
    escalations: 0,
  };
  const tightened = plans.length
    ? plans
        .map(
          (p) =>
            `${p.clock} ${formatDuration(p.remainingBeforeMs)} → ${formatDuration(p.remainingAfterMs)} left`,
        )
        .join(', ')
    : 'no open clock to tighten';
  record(
    state,
    {
      actor: 'system',
      action: 'HOT',
      detail: `hot (${reasons.join(', ')}): ${tightened}; to be solved by ${solveBy} (R4.7)`,
    },
    now,
  );
  state.dirty = true;
}

/**
 * Waits for the solution with a deadline: each solveWithin period past the solve-by limit without
 * it escalates; a solution is recorded once, a reopening tracks it again, closing ends it.
 */
async function followUntilClosed(ctx: Ctx): Promise<void> {
  const { state } = ctx;
  const track = state.hotTrack!;
  const within = track.solveWithinMs;
  for (;;) {
    const deadline = Date.parse(track.solveBy) + track.escalations * within;
    const solved = await condition(() => isSolved(state), Math.max(deadline - Date.now(), 1));
    if (!solved) {
      track.escalations += 1;
      escalate(ctx, {
        level: levelForHotUnsolved(state.policy!.escalation, state.escalationLevel),
        reason: `hot complaint unsolved: not RESOLVED ${formatDuration(within * track.escalations)} after it became hot (R4.7)`,
        by: 'system',
        source: 'hotUnsolved',
      });
      continue;
    }
    if (track.solvedAt === undefined) {
      track.solvedAt = new Date(Date.now()).toISOString();
      record(
        state,
        { actor: 'system', action: 'HOT_SOLVED', detail: `solved as ${state.stage}` },
        Date.now(),
      );
      state.dirty = true;
    }
    await condition(() => state.stage === 'CLOSED' || !isSolved(state));
    if (state.stage === 'CLOSED') return;
    // Reopened: tracked again until it is solved anew.
    delete track.solvedAt;
    record(state, { actor: 'system', action: 'HOT_REOPENED', detail: state.stage }, Date.now());
    state.dirty = true;
  }
}
