// The complaint's SLA clocks as durable timers (R4.2, R5.6), and the clock actions of people:
// pause, resume, extend, and a new policy that retargets the running clocks. What a warning or a
// breach sets off is escalation's (escalation.ts).
import { condition, setHandler } from '@temporalio/workflow';
import * as timing from '../../domain/policy/clocks';
import { checkExtendClock, checkPauseClock, checkResumeClock } from '../../domain/policy/complaint-checks';
import { parseDuration } from '../../domain/policy/durations';
import { checkOpen, departmentOfClock } from '../../domain/policy/lifecycle';
import { INTAKE_CLOCKS, type PolicySnapshot } from '../../domain/policy/sla';
import {
  applyPolicyUpdate,
  extendClockUpdate,
  pauseClockUpdate,
  resumeClockUpdate,
  type Acting,
  type ApplyPolicyInput,
  type ActionAnswer,
  type ExtendClockInput,
  type PauseClockInput,
  type ResumeClockInput,
} from './contract';
import type { Ctx } from './ctx';
import { act, answerOf, ready, refuse, refuseOnceReady } from './handler-kit';
import { policyCriteria, selectPolicy } from './intake';
import { commit } from './projection';
import { calendarOf, facts, record, type ComplaintState } from './state';

/** What a clock's pre-warning or breach sets off. */
export type ClockReaction = (ctx: Ctx, clock: timing.Clock, kind: 'warn' | 'breach') => Promise<void>;

/**
 * Runs one SLA clock as durable timers: a pre-warning at each policy fraction and the breach at the
 * deadline (R4.2, R5.6). A pause, resume, extension or new policy bumps the clock's revision,
 * which wakes the wait and recomputes the deadline. Returns when the clock stops.
 */
export async function runClock(ctx: Ctx, name: string, react: ClockReaction): Promise<void> {
  const { state } = ctx;
  for (;;) {
    const c = state.clockMap[name];
    if (!c || c.stoppedAt !== undefined) return;
    const rev = c.rev;
    const changed = () => c.stoppedAt !== undefined || c.rev !== rev || state.clockMap[name] !== c;
    const event = timing.nextClockEvent(c, calendarOf(state, c), Date.now());
    if (!event) {
      await condition(changed);
      continue;
    }
    if (await condition(changed, Math.max(event.at - Date.now(), 1))) continue;
    if (event.kind === 'warn') c.warningsSent = event.index + 1;
    else c.breachHandled = true;
    await react(ctx, c, event.kind);
  }
}

/** Stops a clock by name, if the complaint has it. */
export function stopNamedClock(state: ComplaintState, name: string, at: number): void {
  const c = state.clockMap[name];
  if (c) timing.stopClock(c, at);
}

export function pauseClock(ctx: Ctx, { actor, input }: Acting<PauseClockInput>): void {
  const { state } = ctx;
  refuse(checkPauseClock(facts(state), state.clockMap, input.clock));
  timing.pauseClock(state.clockMap[input.clock]!, Date.now(), input.reason, actor.user);
  record(
    state,
    { actor: actor.user, action: 'CLOCK_PAUSED', detail: `${input.clock}: ${input.reason}` },
    Date.now(),
  );
}

export function resumeClock(ctx: Ctx, { actor, input }: Acting<ResumeClockInput>): void {
  const { state } = ctx;
  refuse(checkResumeClock(state.clockMap, input.clock));
  timing.resumeClock(state.clockMap[input.clock]!, Date.now());
  record(state, { actor: actor.user, action: 'CLOCK_RESUMED', detail: input.clock }, Date.now());
}

export function extendClock(ctx: Ctx, { actor, input }: Acting<ExtendClockInput>): void {
  const { state } = ctx;
  refuse(checkExtendClock(facts(state), state.clockMap, input.clock, input.by));
  timing.extendClock(
    state.clockMap[input.clock]!,
    Date.now(),
    parseDuration(input.by),
    input.reason,
    actor.user,
  );
  record(
    state,
    {
      actor: actor.user,
      action: 'CLOCK_EXTENDED',
      detail: `${input.clock} +${input.by}: ${input.reason}`,
    },
    Date.now(),
  );
}

/** The update body of a new policy: it is read first, then the running clocks follow it. */
export async function applyNewPolicy(ctx: Ctx, cmd: Acting<ApplyPolicyInput>): Promise<ActionAnswer> {
  await ready(ctx);
  retargetClocks(ctx, await selectPolicy(policyCriteria(ctx.state)), cmd);
  return answerOf(await commit(ctx.state));
}

/** The running intake and verification clocks take the new policy's targets. */
function retargetClocks(ctx: Ctx, p: PolicySnapshot, { actor, input }: Acting<ApplyPolicyInput>): void {
  const { state } = ctx;
  state.policy = p;
  state.policyHistory.push({
    id: p.id,
    version: p.version,
    setVersion: p.setVersion,
    at: new Date(Date.now()).toISOString(),
    by: actor.user,
    reason: input.reason,
  });
  for (const name of INTAKE_CLOCKS) {
    const c = state.clockMap[name];
    if (c && c.stoppedAt === undefined)
      timing.retargetClock(c, p.clocks[name].targetMs, p.clocks[name].warnAt, p.clocks[name].calendar);
  }
  for (const c of Object.values(state.clockMap)) {
    const dept = departmentOfClock(c.name);
    const v = dept
      ? p.verification[dept]
      : c.name.split(':')[0] === 'coordination'
        ? p.coordination
        : undefined;
    if (v && c.stoppedAt === undefined) timing.retargetClock(c, v.targetMs, v.warnAt, v.calendar);
  }
  record(
    state,
    {
      actor: actor.user,
      action: 'POLICY_APPLIED',
      detail: `${p.id} v${p.version} (set v${p.setVersion}): ${input.reason}`,
    },
    Date.now(),
  );
}

/**
 * Clock actions are checked in the validator once the clocks exist, and again in the step for an
 * update that arrived before the policy snapshot was taken.
 */
export function registerClockHandlers(ctx: Ctx): void {
  const { state } = ctx;
  setHandler(pauseClockUpdate, (cmd) => act(ctx, pauseClock, cmd), {
    validator: ({ input }) =>
      refuseOnceReady(ctx, checkPauseClock(facts(state), state.clockMap, input.clock)),
  });
  setHandler(resumeClockUpdate, (cmd) => act(ctx, resumeClock, cmd), {
    validator: ({ input }) => refuseOnceReady(ctx, checkResumeClock(state.clockMap, input.clock)),
  });
  setHandler(extendClockUpdate, (cmd) => act(ctx, extendClock, cmd), {
    validator: ({ input }) =>
      refuseOnceReady(ctx, checkExtendClock(facts(state), state.clockMap, input.clock, input.by)),
  });
  setHandler(applyPolicyUpdate, (cmd) => applyNewPolicy(ctx, cmd), {
    validator: (_cmd) => refuse(checkOpen(facts(state), 'apply a policy to')),
  });
}
