// How the complaint's handlers are built, so that each is one line: a validator that turns the
// reason of a pure check (domain/policy) into a rejection, and a body that waits for the policy
// snapshot, runs a named step and answers with the projected version. Validators are synchronous and
// read-only: a refused action writes nothing to the history (HTTP 409 at the API).
import { ApplicationFailure, condition } from '@temporalio/workflow';
import type { Acting, ActionAnswer, ComplaintView } from './contract';
import type { Ctx } from './ctx';
import { commit } from './projection';

/** Rejects the action when there is a reason to. */
export function refuse(reason: string | undefined): void {
  if (reason)
    throw ApplicationFailure.create({ type: 'InvalidTransition', message: reason, nonRetryable: true });
}

/**
 * For checks that need the clocks: before the policy snapshot exists there are none, so the
 * validator lets the update through and its step checks again once they exist.
 */
export function refuseOnceReady(ctx: Ctx, reason: string | undefined): void {
  if (ctx.state.policy) refuse(reason);
}

/** Updates that arrive in the first seconds wait until the policy snapshot and clocks exist. */
export function ready(ctx: Ctx): Promise<void> {
  return condition(() => ctx.state.policy !== undefined);
}

/** A named step of an update: synchronous, or a promise the update waits for. */
export type Step<I> = (ctx: Ctx, cmd: Acting<I>) => void | Promise<void>;

/** An update's body: once ready, the step, then the projection; the answer names its version. */
export async function act<I>(ctx: Ctx, step: Step<I>, cmd: Acting<I>): Promise<ActionAnswer> {
  await ready(ctx);
  const running = step(ctx, cmd);
  // Only an asynchronous step is awaited: a synchronous one is projected in the same turn, as
  // it always was (one more await could move the projection after another task's commands).
  if (running) await running;
  ctx.onChange?.();
  return answerOf(await commit(ctx.state));
}

/** The answer of an action: the projected version that contains it (the view is in the read model). */
export function answerOf(view: ComplaintView): ActionAnswer {
  return { ticketId: view.ticketId, version: view.version, stage: view.stage };
}

/** A signal's body: once ready, the step. */
export async function afterReady<A>(ctx: Ctx, step: (ctx: Ctx, arg: A) => void, arg: A): Promise<void> {
  await ready(ctx);
  step(ctx, arg);
  ctx.onChange?.();
}
