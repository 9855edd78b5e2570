// Complaint steps of sudden mass complaints (R8): report the complaint to its area's watch, and
// when a mass incident links it, hold the customer (first reply) and answer them once the incident
// is resolved (R8.4), through the same contact paths as every other reply (R4.3).
import {
  ActivityFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { IncidentActivities } from '../../activities/incidents';
import * as rules from '../../domain/policy/lifecycle';
import { stopClock } from '../../domain/policy/clocks';
import type { ContactRecord } from './contract';
import {
  INCIDENT_TASK_QUEUE,
  incidentLinkedSignal,
  incidentResolvedSignal,
  type IncidentLinkedInput,
  type IncidentResolvedInput,
} from '../incident/contract';
import { setStage, type Ctx } from './ctx';
import { afterReady } from './handler-kit';
import { commit } from './projection';
import { newContact, replyThroughContact } from './reply';
import { facts, record } from './state';

const acts = proxyActivities<IncidentActivities>({
  taskQueue: INCIDENT_TASK_QUEUE,
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10 },
});

/** Tells the area's watch about this complaint (R8.1); a failure is logged, never fatal. */
export async function reportToArea(ctx: Ctx): Promise<void> {
  const { state } = ctx;
  try {
    const r = await acts.reportToAreaWatch({
      ticketId: state.ticketId,
      at: workflowInfo().startTime.getTime(),
      location: state.input.location,
    });
    if (r.areaKey) {
      state.areaKey = r.areaKey;
      state.dirty = true;
    }
    // R8.6: no cell was given; the lookup found one from the coordinates (or address) to count it for.
    if (r.locatedCellId)
      record(
        state,
        { actor: 'system', action: 'AREA_LOCATED', detail: `${r.locatedCellId} → ${r.areaKey ?? '?'}` },
        Date.now(),
      );
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    log.warn('area watch not told', { ticketId: state.ticketId, error: err.cause?.message });
  }
}

function holdingMessage(language: 'zh-CN' | 'en', incidentId: string): string {
  return language === 'en'
    ? `We have confirmed a network fault in your area (${incidentId}) and engineers are repairing it. We will tell you as soon as it is fixed.`
    : `您好，经核查您所在区域出现网络故障（事件 ${incidentId}），我们正在全力抢修，修复后将第一时间告知您处理结果。`;
}

/**
 * Linked to a mass incident (R8.4): the acceptance clock stops (the incident owner has it), and
 * unless the customer already had a first reply, a holding notice by SMS keeps the 48-hour first
 * reply (R4.2) while the incident is being repaired. The notice informs and asks nothing
 * (SMS_NOTICE): sent, it is the first reply and its contact ends; an SMS that could not be sent is
 * recorded, not escalated: the first-reply clock stays the judge.
 */
export function onIncidentLinked(ctx: Ctx, input: IncidentLinkedInput): void {
  const { state } = ctx;
  const now = Date.now();
  if (state.incident?.incidentId === input.incidentId) return;
  state.incident = { ...input, linkedAt: new Date(now).toISOString(), stage: 'OPEN' };
  record(state, { actor: 'system', action: 'LINKED_TO_INCIDENT', detail: input.incidentId }, now);
  const acceptance = state.clockMap.acceptance;
  if (acceptance && acceptance.stoppedAt === undefined) stopClock(acceptance, now);
  state.dirty = true;
  if (state.stage === 'CLOSED') return;
  const replied = state.replies.some((r) => r.counts);
  const contacting = state.contacts.some((c) => c.purpose === 'FIRST_REPLY');
  if (replied || contacting) return;
  // Added after the first release (issue 24): the holding SMS asked for a confirmation ("solved and
  // satisfied? reply 1") while the repair was still going on, and the final reply waited up to an
  // hour for it. Complaints linked before this keep the confirmed holding SMS.
  if (patched('incident-holding-notice')) {
    const entry = newContact(ctx, 'FIRST_REPLY', 'SMS_NOTICE', 'system');
    record(state, { actor: 'system', action: 'CONTACT_STARTED', detail: 'FIRST_REPLY holding notice' }, now);
    ctx.background.push(
      holdingNotice(ctx, entry, holdingMessage(state.input.customer.language, input.incidentId)),
    );
    return;
  }
  const entry = newContact(ctx, 'FIRST_REPLY', 'SMS_ONLY', 'system');
  record(state, { actor: 'system', action: 'CONTACT_STARTED', detail: 'FIRST_REPLY holding message' }, now);
  ctx.background.push(
    replyThroughContact(ctx, entry, holdingMessage(state.input.customer.language, input.incidentId), {
      escalateOnFailure: false,
      // Hours, not a day: the final reply waits for this contact to end.
      policy: { smsConfirmWait: '1h' },
    }),
  );
}

/**
 * The holding notice as a contact of its own (SMS_NOTICE): it ends once the SMS is sent. When the
 * incident is resolved before the notice could go out (allowed hours), the notice is dropped: the
 * final reply tells the customer more, at once.
 */
async function holdingNotice(ctx: Ctx, entry: ContactRecord, message: string): Promise<void> {
  const { state } = ctx;
  const scope = new CancellationScope();
  ctx.holdingNotice = scope;
  try {
    await scope.run(() => replyThroughContact(ctx, entry, message, { escalateOnFailure: false }));
  } catch (err) {
    if (!isCancellation(err)) throw err;
    entry.endedAt = new Date(Date.now()).toISOString();
    entry.reached = false;
    entry.method = 'NONE';
    entry.answer = 'CANCELED';
    record(
      state,
      {
        actor: 'system',
        action: 'CONTACT_CANCELED',
        detail: `FIRST_REPLY round ${entry.round}: holding notice not sent, the incident is resolved`,
      },
      Date.now(),
    );
    state.dirty = true;
  } finally {
    if (ctx.holdingNotice === scope) ctx.holdingNotice = undefined;
  }
}

/**
 * The incident is resolved (R8.4): its summary becomes this complaint's findings and resolution,
 * the customer gets the final reply (phone first, SMS confirmed), and a satisfied customer's
 * complaint closes with the incident.
 */
export function onIncidentResolved(ctx: Ctx, input: IncidentResolvedInput): void {
  const { state } = ctx;
  const now = Date.now();
  const at = new Date(now).toISOString();
  if (state.incident && state.incident.incidentId !== input.incidentId) return;
  state.incident = {
    incidentId: input.incidentId,
    areaKey: state.incident?.areaKey ?? state.areaKey ?? '',
    linkedAt: state.incident?.linkedAt ?? at,
    stage: 'RESOLVED',
    resolvedAt: at,
  };
  record(state, { actor: input.by, action: 'INCIDENT_RESOLVED', detail: input.incidentId }, now);
  state.dirty = true;
  const f = facts(state);
  if (state.stage === 'CLOSED' || f.countingFinalReplies > 0) return;
  if (f.findings === 0)
    state.findings.push({
      checked: `突发事件 ${input.incidentId} 应急预案`,
      found: input.summary,
      by: input.by,
      at,
    });
  if (!['RESOLVED', 'REPLYING'].includes(state.stage)) {
    state.resolution = {
      summary: input.summary,
      rootCause: `mass incident ${input.incidentId}`,
      actions: input.customerMessage,
      by: input.by,
      at,
    };
    setStage(
      ctx,
      'RESOLVED',
      { actor: input.by, action: 'RESOLVED', detail: `mass incident ${input.incidentId}` },
      now,
    );
  }
  ctx.background.push(answerAfterIncident(ctx, input));
}

async function answerAfterIncident(ctx: Ctx, input: IncidentResolvedInput): Promise<void> {
  const { state } = ctx;
  // A holding notice not sent yet is moot now (only complaints linked with the notice have one).
  ctx.holdingNotice?.cancel();
  // Any other contact in flight finishes first; a holding notice ends once it is sent, and a
  // holding message of a complaint linked before the notice waits for the customer's confirmation.
  await condition(() => !facts(state).contactInFlight);
  if (rules.checkContact(facts(state), 'FINAL_REPLY') !== undefined) return;
  const entry = newContact(ctx, 'FINAL_REPLY', 'PHONE_FIRST', input.by);
  setStage(ctx, 'REPLYING', {
    actor: 'system',
    action: 'CONTACT_STARTED',
    detail: `FINAL_REPLY PHONE_FIRST round ${entry.round} (${input.incidentId})`,
  });
  await commit(state);
  await replyThroughContact(ctx, entry, input.customerMessage);
  if (rules.checkClose(facts(state)) === undefined) {
    const now = Date.now();
    state.closedAt = new Date(now).toISOString();
    setStage(
      ctx,
      'CLOSED',
      { actor: 'system', action: 'CLOSED', detail: `closed with mass incident ${input.incidentId}` },
      now,
    );
    for (const c of Object.values(state.clockMap)) if (c.stoppedAt === undefined) stopClock(c, now);
  }
  state.dirty = true;
  await commit(state);
}

export function registerIncidentHandlers(ctx: Ctx): void {
  setHandler(incidentLinkedSignal, (input) => afterReady(ctx, onIncidentLinked, input));
  setHandler(incidentResolvedSignal, (input) => afterReady(ctx, onIncidentResolved, input));
}
