// TMF621 events of the complaint (issue 19, T3) and the work-order reply (执行工单回复, T4). After
// every change (setStage, each update and signal, the main loop) the workflow compares what a
// dispatching system hears about — the TMF status, severity, priority, assignment — with what it
// last told, and publishes one event per difference: one activity per event, with an id made here
// (`<ticketId>:<seq>`, the receiver's de-duplication key). The ResolvedEvent and the status change
// to closed carry the structured reply of that step (`<ticketId>:reply:<step>:<round>`); where the
// channel takes it is configuration the activity reads (its hub, or its own endpoint). A customer
// who cannot be reached on the callback number is an InformationRequired event: the dispatcher
// should send another number. Delivery failures after the last retry, and whether each reply went
// back, go on the timeline. Complaints started before this release publish nothing (patched).
// Since issue 23 each event is a local activity (patched 'tmf-events-local'): the worker delivers it
// inside the workflow task, without an activity task through the server.
import { ActivityFailure, patched } from '@temporalio/workflow';
import {
  CONTACT_NUMBER_REQUIRED,
  ticketChanges,
  ticketFactsOf,
  workOrderReplyOf,
  type InformationRequired,
  type TicketChange,
  type TicketEvent,
  type TicketFacts,
} from '../../domain/tmf/events';
import type { Ctx } from './ctx';
import { commit } from './projection';
import { tmfEvents, tmfEventsLocal } from './proxies';
import { record, type ComplaintState } from './state';

interface Told {
  seq: number;
  last?: TicketFacts;
  /** timeline entries already looked at for what the dispatcher must supply */
  seen: number;
}

/** Timeline actions that need something from the dispatcher. */
const NEEDS: Record<string, InformationRequired> = { CONTACT_FAILED: CONTACT_NUMBER_REQUIRED };

/** Turns the events on for complaints started from this release on, and tells the creation. */
export function startTicketEvents(ctx: Ctx): void {
  if (!patched('tmf-ticket-events')) return;
  const told: Told = { seq: 0, seen: ctx.state.timeline.length };
  ctx.onChange = () => publishChanges(ctx, told);
  publishChanges(ctx, told);
}

function factsNow(state: ComplaintState): TicketFacts {
  const paused = Object.values(state.clockMap).some(
    (c) => c.stoppedAt === undefined && c.pauses.some((p) => p.to === undefined),
  );
  return ticketFactsOf({
    ticketId: state.ticketId,
    stage: state.stage,
    input: state.input,
    major: state.major,
    assignee: state.assignee,
    team: state.team,
    paused,
    heldByIncident: state.incident?.stage === 'OPEN',
  });
}

function reasonOf(state: ComplaintState): string | undefined {
  const e = state.timeline.at(-1);
  if (!e) return undefined;
  return `${e.action}${e.detail ? `: ${e.detail}` : ''}`.slice(0, 300);
}

function publishChanges(ctx: Ctx, told: Told): void {
  const { state } = ctx;
  const next = factsNow(state);
  const changes: (TicketChange & { informationRequired?: InformationRequired })[] = ticketChanges(
    told.last,
    next,
  );
  told.last = next;
  for (const e of state.timeline.slice(told.seen)) {
    const need = NEEDS[e.action];
    if (need) changes.push({ eventType: 'TroubleTicketInformationRequiredEvent', informationRequired: need });
  }
  told.seen = state.timeline.length;
  const reason = reasonOf(state);
  for (const change of changes) {
    told.seq += 1;
    const event: TicketEvent = {
      eventId: `${state.ticketId}:${told.seq}`,
      eventType: change.eventType,
      eventTime: new Date(Date.now()).toISOString(),
      ticket: next,
      ...(reason && change.eventType !== 'TroubleTicketCreateEvent' ? { statusChangeReason: reason } : {}),
      ...(change.changed ? { changed: change.changed } : {}),
      ...(change.informationRequired ? { informationRequired: change.informationRequired } : {}),
      ...(change.replyStep ? { reply: workOrderReplyOf(state, change.replyStep) } : {}),
    };
    ctx.background.push(deliver(state, event));
  }
}

/** One activity per event; what did not reach its receivers goes on the timeline. */
async function deliver(state: ComplaintState, event: TicketEvent): Promise<void> {
  const note = (action: string, detail: string) =>
    record(state, { actor: 'system', action, detail: detail.slice(0, 300) }, Date.now());
  try {
    // Issue 23: a local activity from this release on; the patch marker keeps older histories on
    // the activity task they recorded.
    const publish = patched('tmf-events-local') ? tmfEventsLocal : tmfEvents;
    const out = await publish.publishTicketEvent(event);
    if (out.dead.length)
      note('TMF_EVENT_DEAD', `${event.eventId} ${event.eventType} to hub ${out.dead.join(', ')}`);
    if (event.reply && out.reply)
      note(
        out.reply.sent ? 'WORK_ORDER_REPLY_SENT' : 'WORK_ORDER_REPLY_FAILED',
        `${event.reply.key} via ${out.reply.via} ${out.reply.detail}`,
      );
    if (out.dead.length || out.reply) await projectNote(state);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    note('TMF_EVENT_FAILED', `${event.eventId} ${event.eventType}: ${err.cause?.message ?? err.message}`);
    if (event.reply) note('WORK_ORDER_REPLY_FAILED', `${event.reply.key}: not sent`);
    await projectNote(state);
  }
}

/** The main loop projects it; once closed it waits for the care callback, so the note is projected here. */
async function projectNote(state: ComplaintState): Promise<void> {
  if (state.stage === 'CLOSED') await commit(state);
  else state.dirty = true;
}
