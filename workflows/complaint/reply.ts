// Contact and reply (R4.2–R4.5, R5.4, R5.5): replies recorded by the handler or obtained through the
// contact workflow (phone first, SMS confirmed), a final reply the customer does not accept
// reopening the complaint, and the customer's final opinion kept as evidence when it is
// dispute-prone.
import { ParentClosePolicy, executeChild, setHandler } from '@temporalio/workflow';
import {
  checkContactCustomer,
  checkMarkDisputeProne,
  checkRecordReply,
} from '../../domain/policy/complaint-checks';
import { levelForCustomerNotSatisfied, nextLevel } from '../../domain/policy/escalation';
import { replyCounts, stageAfterFinalReply } from '../../domain/policy/lifecycle';
import {
  contactConfirmed,
  contactWorkflowId,
  type ContactInput,
  type ContactOutcome,
} from '../contact/contract';
import { customerContactWorkflow } from '../contact/workflow';
import {
  contactCustomerUpdate,
  contactEventSignal,
  markDisputeProneUpdate,
  recordReplyUpdate,
  type Acting,
  type ContactCustomerInput,
  type ContactEventInput,
  type ContactRecord,
  type MarkDisputeProneInput,
  type ReplyInput,
} from './contract';
import { stopNamedClock } from './clocks';
import { customerContactTerms, noteContactWindow } from './contact-window';
import { setStage, type Ctx } from './ctx';
import { escalate, startClockRunner } from './escalation';
import { act, refuse } from './handler-kit';
import { addClock, facts, record } from './state';

/**
 * Records a reply to the customer (R4.3, R4.5): a reply that reached the customer meets the first-reply
 * clock; a final one that the customer does not accept reopens handling (R5.4) and goes to the
 * interface person at once (R5.1).
 */
export function applyReply(ctx: Ctx, input: ReplyInput, by: string, opts: { notice?: boolean } = {}): void {
  const { state } = ctx;
  const now = Date.now();
  // A notice (it asked nothing) is a first reply only (R8.4).
  const notice = opts.notice === true && input.kind === 'FIRST';
  const counts = replyCounts(input.method, input.customerConfirmed, notice);
  state.replies.push({
    ...input,
    ...(notice ? { notice } : {}),
    counts,
    by,
    at: new Date(now).toISOString(),
  });
  if (counts) stopNamedClock(state, 'firstReply', now);
  let stage = state.stage;
  if (input.kind === 'FINAL') {
    stage = stageAfterFinalReply(counts, input.satisfied);
    if (counts && input.satisfied !== false) stopNamedClock(state, 'handling', now);
  }
  const detail = `${input.kind} by ${input.method}${notice ? ' notice' : ''}${counts ? '' : ' (awaiting confirmation)'}`;
  setStage(ctx, stage, { actor: by, action: 'REPLIED', detail }, now);
  if (stage === 'REOPENED') reopen(ctx, `customer does not accept the result: ${input.summary}`, by);
}

/** Another round of handling (R5.4): a fresh handling clock, and the interface person is told (R5.1). */
export function reopen(ctx: Ctx, reason: string, by: string): void {
  const { state } = ctx;
  const now = Date.now();
  state.rounds += 1;
  state.closedAt = undefined;
  setStage(
    ctx,
    'REOPENED',
    { actor: 'system', action: 'REOPENED', detail: `round ${state.rounds}: ${reason}` },
    now,
  );
  const old = state.clockMap.handling;
  if (old && old.stoppedAt !== undefined) {
    delete state.clockMap.handling;
    state.clockMap[`handling#${state.rounds - 1}`] = { ...old, name: `handling#${state.rounds - 1}` };
    startClockRunner(ctx, addClock(state, 'handling', state.policy!.clocks.handling, now));
  }
  state.disputeProne ??= {
    reason: 'the customer did not accept the result',
    by: 'system',
    at: new Date(now).toISOString(),
  };
  const level = levelForCustomerNotSatisfied(state.policy!.escalation, state.escalationLevel);
  escalate(ctx, { level, reason, by, source: 'customerNotSatisfied' });
}

/** A final reply that did not reach the customer leaves the complaint resolved, to be replied to again. */
export function returnToResolved(ctx: Ctx): void {
  const { state } = ctx;
  if (state.stage === 'REPLYING' && !state.replies.some((r) => r.kind === 'FINAL' && r.counts))
    setStage(ctx, 'RESOLVED');
}

/** A new contact of the complaint, numbered by its purpose: its round and contact workflow id. */
export function newContact(
  ctx: Ctx,
  purpose: ContactRecord['purpose'],
  channel: ContactRecord['channel'],
  by: string,
): ContactRecord {
  const { state } = ctx;
  const round = state.contacts.filter((c) => c.purpose === purpose).length + 1;
  const entry: ContactRecord = {
    workflowId: contactWorkflowId(state.ticketId, purpose, round),
    purpose,
    round,
    channel,
    by,
    startedAt: new Date(Date.now()).toISOString(),
  };
  state.contacts.push(entry);
  return entry;
}

/** How one contact differs from the complaint's usual one. */
export interface ContactOptions {
  /** An unreachable customer escalates (default); a holding message does not. */
  escalateOnFailure?: boolean;
  /** Policy fields for this contact only, e.g. a shorter confirmation wait. */
  policy?: Partial<ContactInput['policy']>;
}

function contactInput(
  ctx: Ctx,
  entry: ContactRecord,
  message: string,
  opts: ContactOptions = {},
): ContactInput {
  const { state } = ctx;
  return {
    ticketId: state.ticketId,
    purpose: entry.purpose,
    round: entry.round,
    to: state.input.numbers.callback,
    language: state.input.customer.language,
    message,
    channel: entry.channel,
    recordConsent: entry.purpose !== 'FIRST_REPLY' && state.disputeProne !== undefined,
    // The customer's own zone, window and agreed appointment (R4.8); else the policy's hours in Beijing.
    ...customerContactTerms(state),
    policy: { ...state.policy!.contact, ...opts.policy },
  };
}

/** Runs the contact workflow as a child and records its outcome on the complaint. */
export async function contact(
  ctx: Ctx,
  entry: ContactRecord,
  message: string,
  opts: ContactOptions = {},
): Promise<ContactOutcome> {
  const { state } = ctx;
  noteContactWindow(ctx, entry, true);
  const outcome = await executeChild(customerContactWorkflow, {
    workflowId: entry.workflowId,
    args: [contactInput(ctx, entry, message, opts)],
    parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
  });
  entry.endedAt = new Date(Date.now()).toISOString();
  entry.reached = outcome.reached;
  entry.method = outcome.method;
  entry.answer = outcome.answer;
  entry.attempts = outcome.attempts.map((a) => ({
    channel: a.channel,
    at: a.at,
    result: a.result,
    sid: a.sid,
  }));
  if (outcome.recording) {
    const r = outcome.recording;
    state.consentEvidence.push({
      id: r.id,
      sid: r.sid,
      url: r.url,
      durationSec: r.durationSec,
      sha256: r.sha256,
      capturedAt: r.capturedAt,
    });
    record(
      state,
      { actor: 'system', action: 'EVIDENCE_RECORDED', detail: `${r.sid} sha256:${r.sha256.slice(0, 12)}…` },
      Date.now(),
    );
  }
  state.dirty = true;
  return outcome;
}

/** A reply by the contact workflow: phone first, SMS confirmed (R4.3); its outcome becomes the reply. */
export async function replyThroughContact(
  ctx: Ctx,
  entry: ContactRecord,
  message: string,
  opts: ContactOptions = {},
): Promise<void> {
  const { state } = ctx;
  const outcome = await contact(ctx, entry, message, opts);
  const kind = entry.purpose === 'FIRST_REPLY' ? 'FIRST' : 'FINAL';
  if (entry.channel === 'SMS_NOTICE' && outcome.reached) {
    // A notice asked nothing: sent, it is the reply that informed the customer (R4.2, R8.4).
    applyReply(ctx, { kind, method: 'SMS', summary: message, customerConfirmed: false }, entry.by, {
      notice: true,
    });
    return;
  }
  if (contactConfirmed(outcome)) {
    applyReply(
      ctx,
      {
        kind,
        method: outcome.method === 'SMS' ? 'SMS' : 'PHONE',
        summary: message,
        customerConfirmed: true,
        satisfied: kind === 'FINAL' ? outcome.answer === 'SATISFIED' : undefined,
      },
      entry.by,
    );
    return;
  }
  record(
    state,
    {
      actor: 'system',
      action: 'CONTACT_FAILED',
      detail: `${entry.purpose} round ${entry.round}: ${outcome.answer}`,
    },
    Date.now(),
  );
  if (kind === 'FINAL') returnToResolved(ctx);
  if (opts.escalateOnFailure === false) return;
  escalate(ctx, {
    level: nextLevel(state.policy!.escalation, state.escalationLevel),
    reason: `the customer could not be reached (${outcome.answer})`,
    by: 'system',
    source: 'customerUnreachable',
  });
}

/** The handler's reply, given outside the contact workflow. */
export function recordReply(ctx: Ctx, { actor, input }: Acting<ReplyInput>): void {
  applyReply(ctx, input, actor.user);
}

/** The handler has the customer contacted; a final reply puts the complaint in REPLYING. */
export function contactCustomer(ctx: Ctx, { actor, input }: Acting<ContactCustomerInput>): void {
  const entry = newContact(ctx, input.purpose, input.channel, actor.user);
  const why = {
    actor: actor.user,
    action: 'CONTACT_STARTED',
    detail: `${input.purpose} ${input.channel} round ${entry.round}`,
  };
  if (input.purpose === 'FINAL_REPLY') setStage(ctx, 'REPLYING', why);
  else record(ctx.state, why, Date.now());
  ctx.background.push(replyThroughContact(ctx, entry, input.message));
}

/** Dispute-prone (R5.5): the customer's final opinion must be kept as evidence (a recorded reply call). */
export function markDisputeProne(ctx: Ctx, { actor, input }: Acting<MarkDisputeProneInput>): void {
  const { state } = ctx;
  state.disputeProne = { ...input, by: actor.user, at: new Date(Date.now()).toISOString() };
  record(state, { actor: actor.user, action: 'MARKED_DISPUTE_PRONE', detail: input.reason }, Date.now());
}

/** A delivery status of an SMS to the customer, from the Twilio webhook. */
export function recordContactEvent(ctx: Ctx, event: ContactEventInput): void {
  record(
    ctx.state,
    { actor: 'twilio', action: event.kind, detail: `${event.purpose}: ${event.status}` },
    Date.now(),
  );
  ctx.state.dirty = true;
}

export function registerReplyHandlers(ctx: Ctx): void {
  const { state } = ctx;
  setHandler(recordReplyUpdate, (cmd) => act(ctx, recordReply, cmd), {
    validator: ({ input }) => refuse(checkRecordReply(facts(state), state.incident, input.kind)),
  });
  setHandler(contactCustomerUpdate, (cmd) => act(ctx, contactCustomer, cmd), {
    validator: ({ input }) =>
      refuse(checkContactCustomer(facts(state), state.incident, state.onSiteTests, input.purpose)),
  });
  setHandler(markDisputeProneUpdate, (cmd) => act(ctx, markDisputeProne, cmd), {
    validator: (_cmd) => refuse(checkMarkDisputeProne(facts(state))),
  });
  setHandler(contactEventSignal, (event) => recordContactEvent(ctx, event));
}
