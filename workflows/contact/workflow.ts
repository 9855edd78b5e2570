// The customer-contact workflow: one contact round of a complaint (first reply, final reply or care
// callback). Phone first inside the customer's allowed hours (durable timers until then), retries by
// policy, the whole call recorded when the customer consented (R5.5), the answer by key 1/2; then
// SMS as the supplement, confirmed by the customer's reply (R4.3), one clarifying SMS for an
// unclear answer. A notice (SMS_NOTICE, R8.4) is one SMS that asks nothing: the round ends once it
// is sent. Every wait has a deadline and an explicit timed-out result; every call and SMS
// carries an idempotency key made from (ticket, purpose, round, attempt), so retries, crashes and
// replays never call or text twice. The complaint workflow decides what the outcome means.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  log,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { ContactActivities, ContactSmsTemplate } from '../../activities/contact-types';
import { checkContactPolicy } from '../../domain/policy/contact-policy';
import {
  answerFromDigits,
  parseCustomerAnswer,
  type CustomerAnswer,
} from '../../domain/policy/customer-answer';
import { parseDuration } from '../../domain/policy/durations';
import { checkContactWindow, nextAllowedInstant, nextInsideHours } from '../../domain/policy/quiet-hours';
import {
  callEventSignal,
  contactKeys,
  contactWindowSignal,
  getContactQuery,
  smsReplySignal,
  type CallEventInput,
  type CallResult,
  type ContactAttempt,
  type ContactInput,
  type ContactOutcome,
  type ContactView,
} from './contract';

/** Calls and SMS: retried with backoff (simulator or Twilio 5xx, timeouts); a refused number is final. */
const send = proxyActivities<ContactActivities>({
  startToCloseTimeout: '30s',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    maximumAttempts: 10,
    nonRetryableErrorTypes: ['InvalidNumber', 'SmsFailed'],
  },
});

/**
 * Downloading and hashing the recording may take longer (the activity heartbeats while it reads,
 * so a dead worker is noticed in seconds); evidence is worth many retries.
 */
const evidence = proxyActivities<ContactActivities>({
  startToCloseTimeout: '2m',
  heartbeatTimeout: '10s',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 20 },
});

/** The number → workflow routing for inbound SMS: small MongoDB writes, retried until they land. */
const routing = proxyActivities<ContactActivities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

/** How long a late key press may follow the call's completed status. */
const GATHER_GRACE = '5s';

const FINAL_CALL_STATUS: Record<string, CallResult> = {
  completed: 'ANSWERED',
  busy: 'BUSY',
  'no-answer': 'NO_ANSWER',
  failed: 'FAILED',
  canceled: 'CANCELED',
};

interface ContactState {
  input: ContactInput;
  workflowId: string;
  view: ContactView;
  callEvents: CallEventInput[];
  /** How many times the customer's window changed (R4.8): a wait for the window starts again. */
  windowChanges: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

const SMS_TEMPLATE = {
  confirm: 'contactConfirm',
  clarify: 'contactClarify',
  notice: 'contactNotice',
} as const satisfies Record<string, ContactSmsTemplate>;

export async function customerContactWorkflow(input: ContactInput): Promise<ContactOutcome> {
  const problems = [
    ...checkContactPolicy(input.policy),
    ...checkContactWindow(input.timeZone, input.allowedHours ?? input.policy.allowedHours, input.appointment),
    ...(/^\+[1-9]\d{4,14}$/.test(input.to) ? [] : ['to: must be an E.164 phone number']),
    ...(input.message.trim() ? [] : ['message: must not be empty']),
    ...(Number.isInteger(input.round) && input.round >= 1 ? [] : ['round: must be an integer ≥ 1']),
  ];
  if (problems.length) {
    throw ApplicationFailure.create({
      type: 'InvalidContactInput',
      message: problems.join('; '),
      nonRetryable: true,
    });
  }

  const workflowId = workflowInfo().workflowId;
  const state: ContactState = {
    input,
    workflowId,
    callEvents: [],
    windowChanges: 0,
    view: {
      workflowId,
      ticketId: input.ticketId,
      purpose: input.purpose,
      round: input.round,
      channel: input.channel,
      stage: 'WAITING_FOR_WINDOW',
      attempts: [],
      smsReplies: [],
    },
  };
  setHandler(getContactQuery, () => state.view);
  setHandler(callEventSignal, (event) => {
    state.callEvents.push(event);
  });
  setHandler(contactWindowSignal, (change) => {
    // The complaint checked the change; a bad one is ignored here rather than failing the contact.
    const bad = checkContactWindow(
      change.timeZone,
      change.allowedHours ?? state.input.policy.allowedHours,
      change.appointment,
    );
    if (bad.length) {
      log.warn('contact window change ignored', { ticketId: input.ticketId, problems: bad });
      return;
    }
    const { allowedHours: _h, appointment: _a, ...rest } = state.input;
    state.input = {
      ...rest,
      timeZone: change.timeZone,
      ...(change.allowedHours ? { allowedHours: change.allowedHours } : {}),
      ...(change.appointment ? { appointment: change.appointment } : {}),
    };
    state.windowChanges += 1;
  });
  setHandler(smsReplySignal, (reply) => {
    // Twilio delivers a webhook again when it saw no answer in time (S4): one SMS counts once.
    const again = state.view.smsReplies.some((r) => r.messageSid === reply.messageSid);
    if (again && patched('sms-reply-once')) return;
    state.view.smsReplies.push({
      at: iso(Date.now()),
      body: reply.body,
      answer: parseCustomerAnswer(reply.body),
      messageSid: reply.messageSid,
    });
  });

  // A notice asks nothing, so the customer's SMS are not routed to it.
  if (input.channel === 'SMS_NOTICE') return done(state, await notifyBySms(state));
  const route = { to: input.to, workflowId };
  await routing.registerActiveContact({ ...route, ticketId: input.ticketId, purpose: input.purpose });
  try {
    return done(state, await contactCustomer(state));
  } finally {
    // Also when the parent cancels this contact: inbound SMS from the number stop coming here.
    await CancellationScope.nonCancellable(() => routing.clearActiveContact(route));
  }
}

function done(state: ContactState, outcome: ContactOutcome): ContactOutcome {
  state.view.outcome = outcome;
  state.view.stage = 'DONE';
  state.view.nextActionAt = undefined;
  return outcome;
}

/** A notice (R8.4): one SMS inside the allowed hours, no question, no wait for an answer. */
async function notifyBySms(state: ContactState): Promise<ContactOutcome> {
  await waitForWindow(state, Date.now(), 'sms');
  const sent = await sendSms(state, 'notice', 1);
  return sent
    ? outcome(state, { reached: true, method: 'SMS', answer: 'NOT_ASKED' })
    : outcome(state, { reached: false, method: 'NONE', answer: 'NOT_ASKED' });
}

async function contactCustomer(state: ContactState): Promise<ContactOutcome> {
  const { input } = state;
  const { policy } = input;
  let heardOnPhone = false;

  if (input.channel === 'PHONE_FIRST') {
    for (let n = 1; n <= policy.callAttempts; n += 1) {
      const earliest = n === 1 ? Date.now() : Date.now() + parseDuration(policy.callSpacing);
      await waitForWindow(state, earliest, 'call');
      const call = await callOnce(state, n);
      if (call.result === 'ANSWERED') {
        if (call.answer === 'SATISFIED' || call.answer === 'NOT_SATISFIED') {
          return outcome(state, {
            reached: true,
            method: 'PHONE',
            answer: call.answer,
            confirmedAt: call.at,
          });
        }
        // The customer heard the reply but pressed nothing we understood: ask for it by SMS.
        heardOnPhone = true;
        break;
      }
      if (call.permanent) break;
    }
  }

  const sms = await confirmBySms(state);
  if (sms.answer === 'SATISFIED' || sms.answer === 'NOT_SATISFIED') {
    return outcome(state, { reached: true, method: 'SMS', answer: sms.answer, confirmedAt: sms.at });
  }
  if (heardOnPhone) return outcome(state, { reached: true, method: 'PHONE', answer: 'UNCLEAR' });
  if (sms.answer === 'UNCLEAR') return outcome(state, { reached: true, method: 'SMS', answer: 'UNCLEAR' });
  return outcome(state, { reached: false, method: 'NONE', answer: 'NO_ANSWER' });
}

function outcome(
  state: ContactState,
  o: Pick<ContactOutcome, 'reached' | 'method' | 'answer' | 'confirmedAt'>,
): ContactOutcome {
  return {
    ...o,
    attempts: state.view.attempts,
    ...(state.view.recording ? { recording: state.view.recording } : {}),
  };
}

/**
 * Waits from `earliest` for the customer's window: a call inside the agreed appointment while it
 * lasts, else inside the allowed hours; an SMS inside the allowed hours (R4.4, R4.8). Added after
 * the first release: a change of the customer's window (contactWindowSignal) computes the wait again
 * from the new terms; contacts started before it keep their one timer.
 */
async function waitForWindow(state: ContactState, earliest: number, kind: 'call' | 'sms'): Promise<void> {
  const next = () => {
    const { input } = state;
    const hours = input.allowedHours ?? input.policy.allowedHours;
    return kind === 'call'
      ? nextAllowedInstant(earliest, input.timeZone, hours, input.appointment)
      : nextInsideHours(earliest, input.timeZone, hours);
  };
  if (!patched('customer-contact-window')) return waitUntil(state, next());
  for (;;) {
    const at = next();
    const delay = at - Date.now();
    if (delay <= 0) return;
    const seen = state.windowChanges;
    state.view.stage = 'WAITING_FOR_WINDOW';
    state.view.nextActionAt = iso(at);
    const changed = await condition(() => state.windowChanges !== seen, delay);
    state.view.nextActionAt = undefined;
    if (!changed) return;
  }
}

/** A durable timer until `at` (quiet hours, retry spacing); returns at once when `at` is now. */
async function waitUntil(state: ContactState, at: number): Promise<void> {
  const delay = at - Date.now();
  if (delay <= 0) return;
  state.view.stage = 'WAITING_FOR_WINDOW';
  state.view.nextActionAt = iso(at);
  await sleep(delay);
  state.view.nextActionAt = undefined;
}

interface CallOnce {
  result: CallResult;
  answer?: CustomerAnswer;
  /** The number cannot be called at all: no further attempts. */
  permanent: boolean;
  /** When the answer arrived (ISO). */
  at?: string;
}

async function callOnce(state: ContactState, n: number): Promise<CallOnce> {
  const { input } = state;
  const key = contactKeys.call(input.ticketId, input.purpose, input.round, n);
  state.view.stage = 'CALLING';
  const attempt: ContactAttempt = { channel: 'PHONE', n, at: iso(Date.now()), result: 'NOT_PLACED', key };
  state.view.attempts.push(attempt);

  let callSid: string;
  try {
    const placed = await send.placeCall({
      idempotencyKey: key,
      ticketId: input.ticketId,
      workflowId: state.workflowId,
      attempt: n,
      purpose: input.purpose,
      to: input.to,
      language: input.language,
      message: input.message,
      record: input.recordConsent,
    });
    callSid = placed.callSid;
    attempt.sid = callSid;
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    attempt.detail = err.cause?.message ?? err.message;
    const permanent = err.cause instanceof ApplicationFailure && err.cause.nonRetryable === true;
    log.warn('call not placed', { ticketId: input.ticketId, attempt: n, permanent });
    return { result: 'NOT_PLACED', permanent };
  }

  const events = () => state.callEvents.filter((e) => e.attempt === n && e.callSid === callSid);
  const finalStatus = () =>
    events().find((e) => e.kind === 'STATUS' && e.status !== undefined && e.status in FINAL_CALL_STATUS);
  const decisive = () => {
    const answers = events()
      .filter((e) => e.kind === 'GATHER')
      .map((e) => (e.digits ? answerFromDigits(e.digits) : parseCustomerAnswer(e.speech ?? '')));
    return answers.filter((a) => a !== 'UNCLEAR').at(-1);
  };

  const ended = await condition(() => finalStatus() !== undefined, parseDuration(input.policy.callTimeout));
  // Twilio sends the key press before the final status, but webhooks may arrive out of order.
  if (ended && finalStatus()?.status === 'completed' && !decisive())
    await condition(() => decisive() !== undefined, GATHER_GRACE);
  const answer = decisive();
  const answeredAt = iso(Date.now());
  let result: CallResult;
  if (ended) result = FINAL_CALL_STATUS[finalStatus()?.status ?? ''] ?? 'FAILED';
  else result = answer ? 'ANSWERED' : 'TIMEOUT';
  attempt.result = result;
  if (result !== 'ANSWERED') return { result, permanent: false };

  attempt.answer = answer ?? 'UNCLEAR';
  if (input.recordConsent) await keepRecording(state, n, callSid, attempt);
  return { result, answer: attempt.answer, permanent: false, at: answeredAt };
}

/** Stores the answered call's recording as evidence (R5.5): media hash, insert-only record. */
async function keepRecording(
  state: ContactState,
  n: number,
  callSid: string,
  attempt: ContactAttempt,
): Promise<void> {
  const { input } = state;
  const completed = () =>
    state.callEvents.find(
      (e) => e.attempt === n && e.callSid === callSid && e.kind === 'RECORDING' && e.status === 'completed',
    );
  // Without the callback before the deadline the activity looks the recording up at Twilio.
  await condition(() => completed() !== undefined, parseDuration(input.policy.recordingWait));
  const rec = completed()?.recording;
  try {
    state.view.recording = await evidence.storeRecordingEvidence({
      evidenceId: contactKeys.evidence(input.ticketId, input.purpose, input.round, n),
      ticketId: input.ticketId,
      workflowId: state.workflowId,
      purpose: input.purpose,
      callSid,
      recordingSid: rec?.sid,
      recordingUrl: rec?.url,
      durationSec: rec?.durationSec,
    });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    attempt.detail = `recording not stored: ${err.cause?.message ?? err.message}`;
    log.error('recording evidence not stored', { ticketId: input.ticketId, attempt: n });
  }
}

interface SmsAnswer {
  answer?: CustomerAnswer;
  at?: string;
}

/** SMS as the supplement (R4.3): ask, wait for the answer, clarify once, and stop at the deadline. */
async function confirmBySms(state: ContactState): Promise<SmsAnswer> {
  const { input } = state;
  const { policy } = input;
  const replies = state.view.smsReplies;
  const wait = parseDuration(policy.smsConfirmWait);
  // SMS respect the allowed hours too; an agreed appointment is for the call only.
  await waitForWindow(state, Date.now(), 'sms');

  const asked = replies.length;
  const confirm = await sendSms(state, 'confirm', 1);
  if (!confirm) return {};
  state.view.stage = 'WAITING_FOR_SMS_REPLY';
  const decisive = () => replies.slice(asked).find((r) => r.answer !== 'UNCLEAR');

  if (!(await condition(() => replies.length > asked, wait))) {
    confirm.detail = `no reply within ${policy.smsConfirmWait}`;
    return {};
  }
  let found = decisive();
  if (!found && policy.clarifyOnce) {
    const before = replies.length;
    const clarify = await sendSms(state, 'clarify', 2);
    if (clarify) {
      const replied = await condition(() => decisive() !== undefined || replies.length > before, wait);
      if (!replied) clarify.detail = `no reply within ${policy.smsConfirmWait}`;
      found = decisive();
      if (found) {
        clarify.result = 'REPLIED';
        clarify.answer = found.answer;
      }
    }
  }
  confirm.result = 'REPLIED';
  confirm.answer = found?.answer ?? 'UNCLEAR';
  return found ? { answer: found.answer, at: found.at } : { answer: 'UNCLEAR' };
}

async function sendSms(
  state: ContactState,
  step: 'confirm' | 'clarify' | 'notice',
  n: number,
): Promise<ContactAttempt | undefined> {
  const { input } = state;
  const key = contactKeys.sms(input.ticketId, input.purpose, input.round, step);
  const attempt: ContactAttempt = { channel: 'SMS', n, at: iso(Date.now()), result: 'NOT_SENT', key };
  state.view.attempts.push(attempt);
  try {
    const sms = await send.sendContactSms({
      idempotencyKey: key,
      ticketId: input.ticketId,
      to: input.to,
      language: input.language,
      purpose: input.purpose,
      template: SMS_TEMPLATE[step],
      vars: { ticketId: input.ticketId, message: input.message },
    });
    attempt.result = 'SENT';
    attempt.sid = sms.sid;
    return attempt;
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    attempt.detail = err.cause?.message ?? err.message;
    log.warn('contact SMS not sent', { ticketId: input.ticketId, step });
    return undefined;
  }
}
