// TMF621 event delivery (issue 19, T3) and the work-order reply over HTTP (T4): the complaint
// workflow calls publishTicketEvent once per event with an id it made (`<ticketId>:<seq>`); this
// writes one outbox row per matching hub subscription (`<eventId>:<hubId>`, so a retry or a replay
// never writes twice) and, when the event carries the work-order reply and the ticket's channel
// takes it over HTTP, one row for the channel's endpoint (the reply's key). It posts every row not
// delivered yet. Temporal owns the retries (exponential backoff across worker restarts): a failing
// row makes the attempt fail, and the configured last attempt marks the failing rows DEAD and
// returns, so the workflow puts the failure on the complaint's timeline. Dead rows are listed and
// re-sent by admins (/v1/admin/tmf/dead-letters).
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import { tmfEventBody, type TicketEvent, type WorkOrderReply } from '../domain/tmf/events';
import { hubMatches, parseHubQuery } from '../domain/tmf/hub-query';
import type { WorkOrderReplyTargets } from '../platform/tmf-events-config';
import type { OutboxDoc, TmfEventModels } from './tmf-events-models';
import type { PublishTicketEventResult, TmfEventActivities } from './tmf-events-types';

export interface DeliveryDeps {
  /** the credential of a channel's reply endpoint (WORK_ORDER_REPLY_CREDENTIALS; never stored in a row) */
  secret(channel: string): string | undefined;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export interface TmfEventDeps {
  models: TmfEventModels;
  logger: Logger;
  delivery: DeliveryDeps;
  maxAttempts: number;
  targets: WorkOrderReplyTargets;
  /** the API's public base URL: event bodies carry absolute hrefs */
  publicBaseUrl: string;
}

/** Posts one outbox row once; undefined when the receiver took it (2xx), else what went wrong. */
export async function postRow(
  row: Pick<OutboxDoc, '_id' | 'kind' | 'eventId' | 'url' | 'authHeader' | 'authChannel' | 'body'>,
  deps: DeliveryDeps,
): Promise<string | undefined> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-event-id': row.eventId,
    'idempotency-key': row.kind === 'reply' ? row._id : row.eventId,
  };
  if (row.authHeader && row.authChannel) {
    const value = deps.secret(row.authChannel);
    if (value) headers[row.authHeader.toLowerCase()] = value;
  }
  try {
    const res = await (deps.fetch ?? fetch)(row.url, {
      method: 'POST',
      headers,
      body: row.body,
      redirect: 'error',
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
    await res.body?.cancel().catch(() => undefined);
    return res.ok ? undefined : `HTTP ${res.status}`;
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return (e.cause?.code ?? e.name ?? 'error') + (e.message ? `: ${e.message.slice(0, 160)}` : '');
  }
}

/** The work-order reply as the channel's endpoint receives it (JSON). */
export function workOrderReplyBody(e: TicketEvent, reply: WorkOrderReply, publicBaseUrl: string) {
  const t = e.ticket;
  return {
    '@type': 'WorkOrderReply',
    idempotencyKey: reply.key,
    ticketId: t.ticketId,
    externalId: t.externalId,
    channel: t.channel,
    href: `${publicBaseUrl}/tmf-api/troubleTicket/v5/troubleTicket/${encodeURIComponent(t.ticketId)}`,
    status: t.status,
    sentAt: e.eventTime,
    ...reply,
  };
}

const absolute = (body: Record<string, unknown>, base: string): Record<string, unknown> => {
  const event = body.event as { troubleTicket: { href: string } };
  event.troubleTicket.href = `${base}${event.troubleTicket.href}`;
  return body;
};

export function createTmfEventActivities(deps: TmfEventDeps): TmfEventActivities {
  const { Hub, Outbox } = deps.models;
  return {
    async publishTicketEvent(event: TicketEvent): Promise<PublishTicketEventResult> {
      const attempt = Context.current().info.attempt;
      const last = attempt >= deps.maxAttempts;
      const hubs = (await Hub.find({}).lean()).filter((h) => {
        const q = parseHubQuery(h.query);
        return 'criteria' in q && hubMatches(q.criteria, event);
      });
      const body = JSON.stringify(absolute(tmfEventBody(event), deps.publicBaseUrl));
      const now = new Date();
      const base = {
        ticketId: event.ticket.ticketId,
        eventType: event.eventType,
        state: 'PENDING' as const,
        attempts: 0,
      };
      const rows: Partial<OutboxDoc>[] = hubs.map((h) => ({
        ...base,
        _id: `${event.eventId}:${h._id}`,
        kind: 'event',
        eventId: event.eventId,
        hubId: h._id,
        url: h.callback,
        body,
      }));
      const target = event.reply ? deps.targets[event.ticket.channel] : undefined;
      if (event.reply && target?.kind === 'http')
        rows.push({
          ...base,
          _id: event.reply.key,
          kind: 'reply',
          eventId: event.reply.key,
          url: target.url,
          authHeader: target.authHeader,
          authChannel: event.ticket.channel,
          body: JSON.stringify(workOrderReplyBody(event, event.reply, deps.publicBaseUrl)),
        });
      if (rows.length)
        await Outbox.bulkWrite(
          rows.map((r) => ({
            updateOne: {
              filter: { _id: r._id },
              update: { $setOnInsert: { ...r, createdAt: now } },
              upsert: true,
            },
          })),
          { ordered: false },
        );
      // Rows of hubs deleted since an earlier attempt are dropped, not retried. Two queries rather
      // than one `$or`: FerretDB v1 pushes neither `$or` nor `$in` down, and decoded the whole outbox
      // for every event (S10 soak); an `_id` and an equality on the indexed `eventId` it serves.
      const ids = rows.map((r) => r._id!);
      const replyId = rows.find((r) => r.kind === 'reply')?._id;
      // Issue 23: an event nobody receives, on its first attempt, has no rows (an earlier attempt
      // could have written rows of a hub deleted since): most events, and no outbox read.
      const nothingWritten = rows.length === 0 && attempt === 1;
      const [hubRows, replyRow] = nothingWritten
        ? [[], null]
        : await Promise.all([
            Outbox.find({ eventId: event.eventId, kind: 'event' }).lean(),
            replyId ? Outbox.findById(replyId).lean() : Promise.resolve(null),
          ]);
      const current = replyRow ? [...hubRows, replyRow] : hubRows;
      const failing: string[] = [];
      // Each receiver on its own: one slow listener does not hold up the others.
      await Promise.all(
        current.map(async (row) => {
          if (row.state !== 'PENDING') return;
          if (!ids.includes(row._id)) {
            row.state = 'DROPPED';
            await Outbox.updateOne({ _id: row._id, state: 'PENDING' }, { $set: { state: 'DROPPED' } });
            return;
          }
          const error = await postRow(row, deps.delivery);
          const at = new Date();
          if (error === undefined) {
            row.state = 'DELIVERED';
            await Outbox.updateOne(
              { _id: row._id },
              { $set: { state: 'DELIVERED', deliveredAt: at, lastAttemptAt: at }, $inc: { attempts: 1 } },
            );
            return;
          }
          row.state = last ? 'DEAD' : 'PENDING';
          row.lastError = error;
          await Outbox.updateOne(
            { _id: row._id },
            {
              $set: {
                state: row.state,
                lastError: error,
                lastAttemptAt: at,
                ...(last ? { deadAt: at } : {}),
              },
              $inc: { attempts: 1 },
            },
          );
          failing.push(`${row.kind === 'reply' ? 'work-order reply' : `hub ${row.hubId}`}: ${error}`);
        }),
      );
      if (failing.length && !last) {
        deps.logger.warn({ eventId: event.eventId, attempt, failing }, 'TMF event delivery failed; retrying');
        throw ApplicationFailure.retryable(
          `attempt ${attempt} of ${deps.maxAttempts}: ${failing.join('; ')}`.slice(0, 500),
          'TmfDeliveryFailed',
        );
      }
      const mine = current.filter((r) => ids.includes(r._id));
      const eventRows = mine.filter((r) => r.kind === 'event');
      const dead = eventRows.filter((r) => r.state === 'DEAD').map((r) => r.hubId ?? r._id);
      if (dead.length)
        deps.logger.error({ eventId: event.eventId, dead }, 'TMF event dead after the last attempt');
      return {
        hubs: hubs.length,
        delivered: eventRows.filter((r) => r.state === 'DELIVERED').length,
        dead,
        ...(event.reply && target ? { reply: replyOutcome(target.kind, mine, eventRows) } : {}),
      };
    },
  };
}

function replyOutcome(
  kind: 'hub' | 'http',
  rows: Pick<OutboxDoc, 'kind' | 'state' | 'url' | 'lastError' | 'hubId'>[],
  eventRows: Pick<OutboxDoc, 'state' | 'hubId'>[],
): NonNullable<PublishTicketEventResult['reply']> {
  if (kind === 'http') {
    const row = rows.find((r) => r.kind === 'reply');
    const sent = row?.state === 'DELIVERED';
    return {
      sent,
      via: 'http',
      detail: sent ? `to ${row.url}` : `to ${row?.url}: ${row?.lastError ?? 'not sent'}`,
    };
  }
  const delivered = eventRows.filter((r) => r.state === 'DELIVERED').map((r) => r.hubId);
  if (delivered.length) return { sent: true, via: 'hub', detail: `to hub ${delivered.join(', ')}` };
  return {
    sent: false,
    via: 'hub',
    detail: eventRows.length ? 'every hub delivery failed' : 'no hub subscription matches the ticket',
  };
}
