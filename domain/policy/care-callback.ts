// The care callback nobody answers (R6.3): how often and how far apart it is called again inside the
// customer's allowed hours, how long the SMS that asks for the answer waits, and what the outcome
// means — confirmed, reopened, or listed for a person. Policy data, not code; pure, safe for
// workflows.
import type { ContactPolicy } from './contact-policy';
import { isDuration, parseDuration } from './durations';
import { frozen } from './frozen';

export interface CareCallbackPolicy {
  /** Calls before the SMS; each waits for the customer's allowed hours (busy, no answer … each use one). */
  callAttempts: number;
  /**
   * Time between the end of one unanswered call and the next, e.g. "4h": a care callback is not
   * urgent, so its calls spread over the customer's day instead of three in an hour.
   */
  callSpacing: string;
  /** How long the customer has to answer the SMS that asks whether the problem stayed fixed. */
  smsAnswerWait: string;
  /**
   * How long the care callback may wait on the worklist for a person's record before it escalates
   * on the ladder (and again after each such period); default 3d.
   */
  personWithin?: string;
}

export const DEFAULT_CARE_CALLBACK_POLICY: CareCallbackPolicy = frozen({
  callAttempts: 3,
  callSpacing: '4h',
  smsAnswerWait: '24h',
  personWithin: '3d',
});

/** Problems with a care-callback policy, as messages naming the field ([] = fine). */
export function checkCareCallbackPolicy(policy: CareCallbackPolicy): string[] {
  const problems: string[] = [];
  // At least one call: the SMS is the supplement of a call (R4.3), not a replacement.
  if (!Number.isInteger(policy.callAttempts) || policy.callAttempts < 1 || policy.callAttempts > 10)
    problems.push('callAttempts: must be an integer from 1 to 10');
  for (const key of ['callSpacing', 'smsAnswerWait', 'personWithin'] as const) {
    const value = policy[key];
    if (key === 'personWithin' && value === undefined) continue;
    if (typeof value !== 'string' || !isDuration(value) || parseDuration(value) <= 0)
      problems.push(`${key}: "${String(value)}" is not a positive duration such as 4h, 24h`);
  }
  return problems;
}

/**
 * The contact policy fields the care callback overrides (the contact workflow then calls, spaced and
 * inside the allowed hours, and asks by SMS): the rest — allowed hours, call time-out, clarifying
 * SMS — stays the complaint's contact policy.
 */
export function careCallbackContactPolicy(care: CareCallbackPolicy): Partial<ContactPolicy> {
  return {
    callAttempts: care.callAttempts,
    callSpacing: care.callSpacing,
    smsConfirmWait: care.smsAnswerWait,
  };
}

/**
 * What a care callback's outcome means (R6.1, R6.3): the customer confirmed the problem stayed
 * fixed (the loop ends), said it is back (reopened), or gave no usable answer to any call nor to the
 * SMS — then a person takes it over; it is never dropped.
 */
/** How long a care callback handed to a person waits for their record before it escalates (ms). */
export function careCallbackPersonWithinMs(care: CareCallbackPolicy): number {
  return parseDuration(care.personWithin ?? DEFAULT_CARE_CALLBACK_POLICY.personWithin!);
}

export type CareCallbackNext = 'CONFIRMED' | 'REOPEN' | 'TO_PERSON';

export function careCallbackNext(outcome: { reached: boolean; answer: string }): CareCallbackNext {
  if (outcome.reached && outcome.answer === 'SATISFIED') return 'CONFIRMED';
  if (outcome.reached && outcome.answer === 'NOT_SATISFIED') return 'REOPEN';
  return 'TO_PERSON';
}

/** What the person who took the care callback over records (R6.3). */
export interface CareCallbackOutcomeInput {
  /** The person reached the customer (by phone, in person, any way). */
  reached: boolean;
  /** The customer's answer when reached: the problem stayed fixed, or it is back. */
  answer?: 'SATISFIED' | 'NOT_SATISFIED';
  /** What was done and said, e.g. "called twice from the office, customer confirmed". */
  note: string;
}

/** A person's record is consistent: an answer exactly when the customer was reached. */
export function checkCareCallbackOutcome(input: CareCallbackOutcomeInput): string | undefined {
  if (input.reached && !input.answer) return 'answer: required when the customer was reached';
  if (!input.reached && input.answer) return 'answer: only when the customer was reached';
  return undefined;
}

/** The person's record closes the item: reopened when the customer says the problem is back. */
export function careCallbackNextByPerson(input: CareCallbackOutcomeInput): 'CONFIRMED' | 'REOPEN' | 'ENDED' {
  if (!input.reached) return 'ENDED';
  return input.answer === 'NOT_SATISFIED' ? 'REOPEN' : 'CONFIRMED';
}

/** The validator of the person's record: only a care callback listed for a person, once (R6.3). */
export function checkRecordCareCallback(
  care: { toPersonAt?: string; byPerson?: unknown } | undefined,
  input: CareCallbackOutcomeInput,
): string | undefined {
  if (!care?.toPersonAt) return 'no care callback is waiting for a person';
  if (care.byPerson) return 'the care callback was already recorded';
  return checkCareCallbackOutcome(input);
}
