// The care callback (R6.1): some days after closing, a call asks whether the problem stayed fixed.
// Nobody answering (R6.3): the calls are retried by policy inside the customer's hours, then an SMS
// asks for the answer, then the callback is listed for a person, who records what they found.
import { condition, patched, setHandler, sleep } from '@temporalio/workflow';
import {
  careCallbackContactPolicy,
  careCallbackNext,
  careCallbackNextByPerson,
  careCallbackPersonWithinMs,
  checkRecordCareCallback,
  DEFAULT_CARE_CALLBACK_POLICY,
} from '../../domain/policy/care-callback';
import { stopClock } from '../../domain/policy/clocks';
import { formatDuration } from '../../domain/policy/durations';
import { nextLevel } from '../../domain/policy/escalation';
import type { ContactOutcome } from '../contact/contract';
import { recordCareCallbackUpdate, type Acting, type CareCallbackOutcomeInput } from './contract';
import type { Ctx } from './ctx';
import { escalate } from './escalation';
import { act, refuse } from './handler-kit';
import { commit } from './projection';
import { contact, newContact, reopen } from './reply';
import { record } from './state';

/**
 * After the policy's wait the customer is called; "no" reopens the complaint, no answer at all hands
 * it to a person (R6.3). Returns true when it was reopened.
 */
export async function careCallback(ctx: Ctx): Promise<boolean> {
  const { state } = ctx;
  const after = state.policy!.careCallbackAfterMs;
  state.careCallback = { dueAt: new Date(Date.now() + after).toISOString() };
  await commit(state);
  await sleep(after);
  // Added after the first release (R6.3): complaints whose care callback started before it keep
  // the old ending (one contact round, then done whatever it found).
  const retryThenPerson = patched('care-callback-retry-sms-person');
  const entry = newContact(ctx, 'CARE_CALLBACK', 'PHONE_FIRST', 'system');
  record(
    state,
    { actor: 'system', action: 'CARE_CALLBACK_STARTED', detail: `round ${entry.round}` },
    Date.now(),
  );
  await commit(state);
  const message = state.resolution?.summary ?? '您之前反映的网络问题';
  // The contact workflow calls (spaced, inside the customer's hours), then asks by SMS (R6.3).
  const care = state.policy!.careCallback ?? DEFAULT_CARE_CALLBACK_POLICY;
  const opts = retryThenPerson ? { policy: careCallbackContactPolicy(care) } : {};
  const outcome = await contact(ctx, entry, message, opts);
  state.careCallback = {
    ...state.careCallback,
    answer: outcome.answer,
    at: new Date(Date.now()).toISOString(),
  };
  record(state, { actor: 'system', action: 'CARE_CALLBACK', detail: outcome.answer }, Date.now());
  const next = careCallbackNext(outcome);
  if (next === 'REOPEN') {
    reopen(ctx, 'the care callback found the problem back', 'system');
    return true;
  }
  if (next === 'TO_PERSON' && retryThenPerson) return handToPerson(ctx, outcome);
  await commit(state);
  return false;
}

/** Lists the care callback for a person (the care-callback worklist) and waits for their record. */
async function handToPerson(ctx: Ctx, outcome: ContactOutcome): Promise<boolean> {
  const { state } = ctx;
  const now = Date.now();
  const calls = outcome.attempts.filter((a) => a.channel === 'PHONE').length;
  const sms = outcome.attempts.filter((a) => a.channel === 'SMS').length;
  state.careCallback = { ...state.careCallback!, toPersonAt: new Date(now).toISOString() };
  record(
    state,
    {
      actor: 'system',
      action: 'CARE_CALLBACK_TO_PERSON',
      detail: `${outcome.answer} after ${calls} call(s) and ${sms} SMS: listed for a person`,
    },
    now,
  );
  await commit(state);
  // A wait on a person has a deadline: each period without their record escalates on the ladder.
  const care = state.policy!.careCallback ?? DEFAULT_CARE_CALLBACK_POLICY;
  const within = careCallbackPersonWithinMs(care);
  let periods = 0;
  while (!(await condition(() => state.careCallback?.byPerson !== undefined, within))) {
    periods += 1;
    escalate(ctx, {
      level: nextLevel(state.policy!.escalation, state.escalationLevel),
      reason: `care callback on the worklist for ${formatDuration(within * periods)} without a person's record (R6.3)`,
      by: 'system',
      source: 'unacknowledged',
    });
    await commit(state);
  }
  // The person's record answers those escalations: their acknowledgement clocks stop with it.
  if (periods > 0) {
    const now = Date.now();
    for (const c of Object.values(state.clockMap))
      if (c.name.startsWith('escalationAck:') && c.stoppedAt === undefined) stopClock(c, now);
  }
  return state.stage === 'REOPENED';
}

/** The person's record (R6.3): it closes the worklist item; "the problem is back" reopens the complaint. */
export function recordCareCallback(ctx: Ctx, { actor, input }: Acting<CareCallbackOutcomeInput>): void {
  const { state } = ctx;
  const now = Date.now();
  state.careCallback = {
    ...state.careCallback!,
    byPerson: { ...input, by: actor.user, at: new Date(now).toISOString() },
  };
  const said = input.reached ? input.answer : 'not reached';
  record(
    state,
    { actor: actor.user, action: 'CARE_CALLBACK_RECORDED', detail: `${said}: ${input.note}` },
    now,
  );
  if (careCallbackNextByPerson(input) === 'REOPEN')
    reopen(ctx, `the care callback by ${actor.user} found the problem back: ${input.note}`, actor.user);
}

export function registerCareHandlers(ctx: Ctx): void {
  const { state } = ctx;
  setHandler(recordCareCallbackUpdate, (cmd) => act(ctx, recordCareCallback, cmd), {
    validator: ({ input }) => refuse(checkRecordCareCallback(state.careCallback, input)),
  });
}
