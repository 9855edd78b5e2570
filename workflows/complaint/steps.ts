// Small named steps of the complaint workflow. Deterministic: time is workflow time,
// side effects are activities, idempotency keys are built from the ticket id and the step.
import {
  ActivityFailure,
  type CancellationScope,
  ParentClosePolicy,
  condition,
  executeChild,
  log,
  patched,
  proxyActivities,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { preDiagnosisLine } from '../policy/prediagnosis';
import { staffMailDeferredUntil, URGENT_STAFF_TEMPLATES } from '../policy/quiet-hours';
import { withKnownIssues, type KnownIssueRef } from '../policy/mass-incident';
import type { IncidentActivities } from '../../activities/incidents';
import type { EvidenceOutcome } from '../../activities/evidence/types';
import { gatherEvidence, missingSources, REGATHER_AFTER_MS } from './evidence';
import {
  type SmsReplyInput,
  contactConfirmed,
  contactWorkflowId,
  type ContactInput,
  type ContactOutcome,
} from '../contact/contract';
import { customerContactWorkflow } from '../contact/workflow';
import { replyCounts, stageAfterFinalReply } from '../policy/lifecycle';
import type { ComplaintActivities, EmailTemplate, SendEmailInput } from '../../activities/types';
import type { VipAssistant } from '../../activities/vip';
import { nextClockEvent, stopClock, type Clock } from '../policy/clocks';
import { formatDuration } from '../policy/durations';
import {
  levelForCustomerNotSatisfied,
  levelOf,
  nextLevel,
  topLevel,
  type EscalationSource,
} from '../policy/escalation';
import { ComplaintStage, SlaBreached, SlaState } from '../search-attributes';
import { addClock, calendarOf, record, slaState, toView, type ComplaintState } from './state';
import type { ComplaintView, ContactRecord, ReplyInput } from './contract';

const data = proxyActivities<ComplaintActivities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

const notify = proxyActivities<ComplaintActivities>({
  startToCloseTimeout: '60s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 20 },
});

export const selectPolicy = data.selectPolicy;

const knowledge = proxyActivities<IncidentActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '4s', maximumAttempts: 3 },
});

/** Closed incidents of the complaint's site or cells; none when the knowledge base does not answer. */
async function knownIssuesOf(outcome: EvidenceOutcome): Promise<KnownIssueRef[]> {
  const q = outcome.bundle.query;
  try {
    return await knowledge.knownIssues({ cellIds: q.cells, siteIds: q.siteIds, region: '' });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    log.warn('knowledge base not read', { ticketId: q.ticketId, error: err.cause?.message });
    return [];
  }
}

/** Links earlier complaints from the same number or about the same cell within the window (R6.2). */
export async function detectRepeat(state: ComplaintState): Promise<void> {
  const since = new Date(Date.now() - state.policy!.repeatWindowMs).toISOString();
  const earlier = await data.findEarlierComplaints({
    ticketId: state.ticketId,
    callback: state.input.numbers.callback,
    cellId: state.input.location.cellId,
    since,
  });
  if (earlier.length === 0) return;
  state.repeatOf = earlier;
  const detail = earlier.map((e) => `${e.ticketId} (${e.by})`).join(', ');
  record(state, { actor: 'system', action: 'REPEAT_OF', detail }, Date.now());
}

/** The workflow's moving parts: its state and the background tasks (clock runners) it started. */
export interface Ctx {
  state: ComplaintState;
  background: Promise<unknown>[];
  /** E-mails queued by handlers and signals, sent by the main loop. */
  mail: SendEmailInput[];
  mailSeq: number;
  /** The VIP's assistants to keep informed (R7.2); personal data, kept out of the view. */
  vipAssistants?: VipAssistant[];
  /** Customer SMS routed to this workflow while an on-site appointment waits for the answer (R3.3). */
  smsInbox?: SmsReplyInput[];
  /** The holding notice of a mass incident while it is under way (R8.4): resolving drops it. */
  holdingNotice?: CancellationScope;
}

/** Bumps the version, refreshes search attributes and projects the read model. */
export async function commit(state: ComplaintState): Promise<ComplaintView> {
  state.version += 1;
  const view = toView(state, Date.now());
  upsertSearchAttributes([
    { key: ComplaintStage, value: state.stage },
    { key: SlaBreached, value: view.slaBreached },
    { key: SlaState, value: slaState(view, state) },
  ]);
  await data.projectComplaint(view);
  return view;
}

function baseVars(state: ComplaintState): Record<string, string> {
  return {
    ticketId: state.ticketId,
    stage: state.stage,
    channel: state.input.channel,
    category: state.input.category,
    region: state.input.location.region,
  };
}

/** Queues an e-mail with a deterministic idempotency key; the main loop sends it. */
export function queueMail(
  ctx: Ctx,
  purpose: string,
  template: EmailTemplate,
  toRole: string,
  vars: Record<string, string>,
): void {
  ctx.mailSeq += 1;
  ctx.mail.push({
    idempotencyKey: `${ctx.state.ticketId}:mail:${purpose}:${ctx.mailSeq}`,
    ticketId: ctx.state.ticketId,
    toRole,
    template,
    vars: { ...baseVars(ctx.state), ...vars },
  });
}

async function sendMail(
  state: ComplaintState,
  mail: SendEmailInput,
  opts: { markDirty?: boolean } = {},
): Promise<void> {
  try {
    await notify.sendEmail(mail);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    log.error('e-mail failed', { ticketId: state.ticketId, key: mail.idempotencyKey });
    record(
      state,
      { actor: 'system', action: 'NOTIFICATION_FAILED', detail: mail.idempotencyKey },
      Date.now(),
    );
    // Sent beside a commit: the failure needs a commit of its own.
    if (opts.markDirty) state.dirty = true;
  }
}

/** Urgent mail goes at once at any hour: breaches, escalations, and anything about an urgent, VIP or major complaint. */
function isUrgentMail(state: ComplaintState, mail: SendEmailInput): boolean {
  return (
    URGENT_STAFF_TEMPLATES.includes(mail.template) ||
    state.input.urgency === 'URGENT' ||
    state.input.customer.vipLevel > 0 ||
    state.major !== undefined
  );
}

/** Sends the queued e-mails in order; a non-urgent one in the staff's quiet hours waits for their end. */
export async function drainMail(ctx: Ctx, opts: { parallel?: boolean } = {}): Promise<void> {
  const { state } = ctx;
  const sending: Promise<void>[] = [];
  while (ctx.mail.length > 0) {
    const mail = ctx.mail.shift()!;
    const until = staffMailDeferredUntil(
      Date.now(),
      state.policy?.staffQuietHours,
      isUrgentMail(state, mail),
    );
    if (until === undefined) {
      if (opts.parallel) sending.push(sendMail(state, mail, { markDirty: true }));
      else await sendMail(state, mail);
      continue;
    }
    const at = new Date(until).toISOString();
    record(
      state,
      { actor: 'system', action: 'NOTIFICATION_DEFERRED', detail: `${mail.template} until ${at}` },
      Date.now(),
    );
    ctx.background.push(sendAfterQuietHours(state, mail, until));
  }
  await Promise.all(sending);
}

async function sendAfterQuietHours(
  state: ComplaintState,
  mail: SendEmailInput,
  until: number,
): Promise<void> {
  await sleep(Math.max(until - Date.now(), 1));
  await sendMail(state, mail);
  record(
    state,
    { actor: 'system', action: 'NOTIFICATION_SENT_AFTER_QUIET_HOURS', detail: mail.template },
    Date.now(),
  );
  state.dirty = true;
}

/** Sends the zh-CN intake acknowledgement; a failure is recorded, never fatal. */
export async function acknowledgeIntake(state: ComplaintState): Promise<void> {
  const { input } = state;
  const due = state.clockMap.firstReply;
  try {
    const sms = await notify.sendSms({
      idempotencyKey: `${state.ticketId}:sms:intake-ack`,
      ticketId: state.ticketId,
      to: input.numbers.callback,
      template: 'intakeAcknowledgement',
      language: input.customer.language,
      vars: { ticketId: state.ticketId, firstReplyWithin: due ? formatDuration(due.budgetMs) : '48h' },
    });
    record(state, { actor: 'system', action: 'ACK_SMS_SENT', detail: sms.sid }, Date.now());
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    log.warn('intake acknowledgement SMS failed', { ticketId: state.ticketId, error: err.cause?.message });
    record(state, { actor: 'system', action: 'ACK_SMS_FAILED', detail: err.cause?.message }, Date.now());
  }
  await commit(state);
}

/**
 * Escalates to a level of the ladder (R5.2, R5.6): recorded, the level's role e-mailed, and an
 * acknowledgement clock started; if nobody acknowledges in time the escalation climbs.
 */
export function escalate(
  ctx: Ctx,
  e: { level: number; reason: string; by: string; source: EscalationSource },
): void {
  const { state } = ctx;
  const step = levelOf(state.policy!.escalation, e.level);
  const now = Date.now();
  // A new escalation supersedes the acknowledgement wait of the previous one.
  for (const c of Object.values(state.clockMap)) {
    if (c.name.startsWith('escalationAck:')) stopClock(c, now);
  }
  state.escalations.push({
    level: step.level,
    reason: e.reason,
    by: e.by,
    at: new Date(now).toISOString(),
    source: e.source,
    role: step.role,
    title: step.title,
  });
  state.escalationLevel = Math.max(state.escalationLevel, step.level);
  record(
    state,
    { actor: e.by, action: 'ESCALATED', detail: `L${step.level} ${step.title}: ${e.reason}` },
    now,
  );
  queueMail(ctx, `escalation-L${step.level}`, 'escalation', step.role, {
    level: String(step.level),
    title: step.title,
    reason: e.reason,
    by: e.by,
    source: e.source,
  });
  const ack = { targetMs: step.ackWithinMs, warnAt: [], calendar: '24x7' };
  startClockRunner(ctx, addClock(state, `escalationAck:${step.level}`, ack, now));
  state.dirty = true;
}

function recipientRole(clock: Clock): string {
  if (clock.name.startsWith('verification:')) return `department:${clock.name.slice('verification:'.length)}`;
  return 'supervisor';
}

async function onClockEvent(ctx: Ctx, clock: Clock, kind: 'warn' | 'breach'): Promise<void> {
  const { state } = ctx;
  const now = Date.now();
  const vars = { clock: clock.name, remaining: '', dueAt: '' };
  const view = toView(state, now).clocks.find((c) => c.name === clock.name);
  if (view) {
    vars.remaining = formatDuration(view.remainingMs);
    vars.dueAt = view.dueAt ?? '';
  }
  if (clock.name.startsWith('escalationAck:')) {
    if (kind === 'warn') return;
    const level = Number(clock.name.split(':')[1]);
    record(state, { actor: 'system', action: 'ESCALATION_UNACKNOWLEDGED', detail: `L${level}` }, now);
    if (level < topLevel(state.policy!.escalation)) {
      escalate(ctx, {
        level: level + 1,
        reason: `L${level} not acknowledged in time`,
        by: 'system',
        source: 'unacknowledged',
      });
    }
    return;
  }
  const template = kind === 'warn' ? 'clockWarning' : 'clockBreached';
  record(
    state,
    { actor: 'system', action: kind === 'warn' ? 'CLOCK_WARNING' : 'CLOCK_BREACHED', detail: clock.name },
    now,
  );
  queueMail(
    ctx,
    `${clock.name}:${kind === 'warn' ? `warn-${clock.warningsSent}` : 'breach'}`,
    template,
    recipientRole(clock),
    vars,
  );
  if (recipientRole(clock) !== 'supervisor')
    queueMail(ctx, `${clock.name}:${kind}:supervisor`, template, 'supervisor', vars);
  if (kind === 'breach') {
    escalate(ctx, {
      level: nextLevel(state.policy!.escalation, state.escalationLevel),
      reason: `${clock.name} breached`,
      by: 'system',
      source: 'clockBreached',
    });
  }
  state.dirty = true;
}

/**
 * Runs one SLA clock as durable timers: a pre-warning at each policy fraction and the breach at the
 * deadline (R4.2, R5.6). A pause, resume, extension or new policy bumps the clock's revision,
 * which wakes the wait and recomputes the deadline. Returns when the clock stops.
 */
export async function runClock(ctx: Ctx, name: string): Promise<void> {
  const { state } = ctx;
  for (;;) {
    const c = state.clockMap[name];
    if (!c || c.stoppedAt !== undefined) return;
    const rev = c.rev;
    const changed = () => c.stoppedAt !== undefined || c.rev !== rev || state.clockMap[name] !== c;
    const event = nextClockEvent(c, calendarOf(state, c), Date.now());
    if (!event) {
      await condition(changed);
      continue;
    }
    if (await condition(changed, Math.max(event.at - Date.now(), 1))) continue;
    if (event.kind === 'warn') c.warningsSent = event.index + 1;
    else c.breachHandled = true;
    await onClockEvent(ctx, c, event.kind);
  }
}

export function startClockRunner(ctx: Ctx, clock: Clock): void {
  ctx.background.push(runClock(ctx, clock.name));
}

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
  record(state, { actor: by, action: 'REPLIED', detail }, now, stage);
  if (stage === 'REOPENED') reopen(ctx, `customer does not accept the result: ${input.summary}`, by);
}

function stopNamedClock(state: ComplaintState, name: string, at: number): void {
  const c = state.clockMap[name];
  if (c) stopClock(c, at);
}

/** Another round of handling (R5.4): a fresh handling clock, and the interface person is told (R5.1). */
export function reopen(ctx: Ctx, reason: string, by: string): void {
  const { state } = ctx;
  const now = Date.now();
  state.rounds += 1;
  state.closedAt = undefined;
  record(
    state,
    { actor: 'system', action: 'REOPENED', detail: `round ${state.rounds}: ${reason}` },
    now,
    'REOPENED',
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
    timeZone: 'Asia/Shanghai',
    policy: { ...state.policy!.contact, ...opts.policy },
  };
}

/** Runs the contact workflow as a child and records its outcome on the complaint. */
async function contact(
  ctx: Ctx,
  entry: ContactRecord,
  message: string,
  opts: ContactOptions = {},
): Promise<ContactOutcome> {
  const { state } = ctx;
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
  if (
    kind === 'FINAL' &&
    state.stage === 'REPLYING' &&
    !state.replies.some((r) => r.kind === 'FINAL' && r.counts)
  )
    state.stage = 'RESOLVED';
  if (opts.escalateOnFailure === false) return;
  escalate(ctx, {
    level: nextLevel(state.policy!.escalation, state.escalationLevel),
    reason: `the customer could not be reached (${outcome.answer})`,
    by: 'system',
    source: 'customerUnreachable',
  });
}

/**
 * The care callback (R6.1): some days after closing, a call asks whether the problem stayed fixed;
 * "no" reopens the complaint. Returns true when it was reopened.
 */
export async function careCallback(ctx: Ctx): Promise<boolean> {
  const { state } = ctx;
  const after = state.policy!.careCallbackAfterMs;
  state.careCallback = { dueAt: new Date(Date.now() + after).toISOString() };
  await commit(state);
  await sleep(after);
  const round = state.contacts.filter((c) => c.purpose === 'CARE_CALLBACK').length + 1;
  const entry: ContactRecord = {
    workflowId: contactWorkflowId(state.ticketId, 'CARE_CALLBACK', round),
    purpose: 'CARE_CALLBACK',
    round,
    channel: 'PHONE_FIRST',
    by: 'system',
    startedAt: new Date(Date.now()).toISOString(),
  };
  state.contacts.push(entry);
  record(state, { actor: 'system', action: 'CARE_CALLBACK_STARTED', detail: `round ${round}` }, Date.now());
  await commit(state);
  const message = state.resolution?.summary ?? '您之前反映的网络问题';
  const outcome = await contact(ctx, entry, message);
  state.careCallback = {
    ...state.careCallback,
    answer: outcome.answer,
    at: new Date(Date.now()).toISOString(),
  };
  record(state, { actor: 'system', action: 'CARE_CALLBACK', detail: outcome.answer }, Date.now());
  if (outcome.reached && outcome.answer === 'NOT_SATISFIED') {
    reopen(ctx, 'the care callback found the problem back', 'system');
    return true;
  }
  await commit(state);
  return false;
}

/**
 * Gathers the network evidence and the ranked pre-diagnosis (R3.1, R3.2) before anyone goes on site;
 * the one-line diagnosis goes into the memo so the Temporal Web UI shows it.
 */
export async function gatherAndAttach(
  ctx: Ctx,
  window?: { from: string; to: string },
  by = 'system',
  opts: { untilComplete?: boolean } = {},
): Promise<void> {
  const { state } = ctx;
  let outcome = await gatherEvidence(state.input, window);
  // Added after the first release: the knowledge base of closed mass incidents (R8.5).
  let known: KnownIssueRef[] = [];
  if (patched('knowledge-base-prediagnosis')) {
    known = await knownIssuesOf(outcome);
    outcome = withKnownIssues(outcome, known);
  }
  attachEvidence(state, outcome, by);
  // Added after the first release (#25): a source that timed out or failed is gathered again a
  // little later, the same window, and the pre-diagnosis is updated when it arrives (R3.6).
  if (!opts.untilComplete || missingSources(outcome).length === 0 || !patched('evidence-regather-gaps'))
    return;
  for (const after of REGATHER_AFTER_MS) {
    await sleep(after);
    // A handler's own re-gathering (another window) since then wins; a closed complaint is left.
    if (state.evidence !== outcome || state.stage === 'CLOSED') return;
    const missing = missingSources(outcome);
    const again = withKnownIssues(await gatherEvidence(state.input, outcome.bundle.query.window), known);
    if (state.evidence !== outcome) return;
    outcome = again;
    attachEvidence(state, outcome, by, `gathered again for ${missing.join(', ')}: `);
    if (missingSources(outcome).length === 0) return;
  }
}

function attachEvidence(state: ComplaintState, outcome: EvidenceOutcome, by: string, prefix = ''): void {
  state.evidence = outcome;
  const line = preDiagnosisLine(outcome);
  upsertMemo({ preDiagnosis: line });
  record(
    state,
    {
      actor: by,
      action: 'EVIDENCE_GATHERED',
      detail: `${prefix}${line} (${outcome.bundle.gaps.length} gaps)`,
    },
    Date.now(),
  );
  state.dirty = true;
}
