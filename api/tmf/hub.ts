// TMF621 event subscriptions (issue 19, T3): POST/GET/DELETE /hub below the TMF base (errors in the
// TMF shape by the TMF router), and the admin views under /v1/admin/tmf: every hub, the dead letters
// (events and work-order replies not delivered after the last retry) and their redelivery. The
// deliveries themselves are the complaint workflow's (activities/tmf-events.ts); a redelivery here
// is one more POST of the stored row, now.
import { randomUUID } from 'node:crypto';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { parseHubQuery } from '../../domain/tmf/hub-query';
import { postRow, type DeliveryDeps } from '../../activities/tmf-events';
import type { HubDoc, OutboxDoc, TmfEventModels } from '../../activities/tmf-events-models';
import { actorOf } from '../auth';
import { HttpError, notFound } from '../errors';
import { requireRule, serve } from '../guard';
import { expressPath, type Operation } from '../operations/define';
import { createHub, deleteHub, retrieveHub } from '../operations/tmf621';
import { methodNotAllowed, requireContentType } from './errors';
import { HubCreateSchema } from './hub-schemas';
import { TMF_BASE } from './ticket';

type Handler = (req: Request, res: Response) => Promise<unknown>;
const route =
  (fn: Handler): RequestHandler =>
  (req, res, next) => {
    fn(req, res).catch(next);
  };
const at = (o: Operation) => expressPath(o.path, TMF_BASE);

export const hubHref = (id: string) => `${TMF_BASE}/hub/${encodeURIComponent(id)}`;

function toHub(h: Pick<HubDoc, '_id' | 'callback' | 'query'>) {
  return {
    '@type': 'Hub' as const,
    id: h._id,
    href: hubHref(h._id),
    callback: h.callback,
    ...(h.query ? { query: h.query } : {}),
  };
}

function noExtraQuery(req: Request): void {
  const extra = Object.keys(req.query as Record<string, unknown>)[0];
  if (extra !== undefined)
    throw new HttpError(400, 'validation_failed', `${extra.slice(0, 60)}: not a parameter here`);
}

/** The hub routes, mounted inside the TMF router (after its authentication, before its 404). */
export function hubRoutes(models: TmfEventModels): Router {
  const { Hub } = models;
  const r = Router();
  /** A hub is seen by its owner and by admins; to anyone else it does not exist. */
  const mine = async (req: Request): Promise<HubDoc> => {
    const id = String(req.params.id);
    const hub = await Hub.findById(id).lean();
    const actor = actorOf(req);
    if (!hub || (hub.owner !== actor.user && !req.grantedRoles?.includes('admin')))
      throw notFound(`hub ${id.slice(0, 60)}`);
    return hub;
  };

  r.post(
    at(createHub),
    requireRule(createHub),
    requireContentType(['application/json']),
    express.json({ limit: '16kb' }),
    route(async (req, res) => {
      noExtraQuery(req);
      const body: unknown = req.body;
      if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body))
        throw new HttpError(400, 'validation_failed', '(body): send the Hub as a JSON object');
      const hub = HubCreateSchema.parse(body);
      const parsed = parseHubQuery(hub.query);
      if ('error' in parsed)
        throw new HttpError(400, 'validation_failed', parsed.error, [
          { field: 'query', message: parsed.error },
        ]);
      const doc: HubDoc = {
        _id: randomUUID(),
        callback: hub.callback,
        ...(hub.query ? { query: hub.query } : {}),
        owner: actorOf(req).user,
        createdAt: new Date(),
      };
      await Hub.create(doc);
      res.status(201).location(hubHref(doc._id)).json(toHub(doc));
    }),
  );
  r.get(
    at(retrieveHub),
    requireRule(retrieveHub),
    route(async (req, res) => {
      noExtraQuery(req);
      res.json(toHub(await mine(req)));
    }),
  );
  r.delete(
    at(deleteHub),
    requireRule(deleteHub),
    route(async (req, res) => {
      noExtraQuery(req);
      const hub = await mine(req);
      await Hub.deleteOne({ _id: hub._id });
      res.status(204).end();
    }),
  );
  r.all(at(createHub), methodNotAllowed(['POST']));
  r.all(at(retrieveHub), methodNotAllowed(['GET', 'DELETE']));
  return r;
}

const iso = (d: Date | undefined) => (d ? new Date(d).toISOString() : undefined);

function toRow(d: OutboxDoc) {
  return {
    id: d._id,
    kind: d.kind,
    ticketId: d.ticketId,
    eventId: d.eventId,
    eventType: d.eventType,
    ...(d.hubId ? { hubId: d.hubId } : {}),
    url: d.url,
    state: d.state,
    attempts: d.attempts,
    ...(d.lastError ? { lastError: d.lastError } : {}),
    ...(d.lastAttemptAt ? { lastAttemptAt: iso(d.lastAttemptAt) } : {}),
    ...(d.deliveredAt ? { deliveredAt: iso(d.deliveredAt) } : {}),
    ...(d.deadAt ? { deadAt: iso(d.deadAt) } : {}),
    createdAt: iso(d.createdAt)!,
  };
}

/** /v1/admin/tmf: every hub, the dead letters and their redelivery (admin). */
export function tmfAdminRoutes(models: TmfEventModels, delivery: DeliveryDeps): Router {
  const { Hub, Outbox } = models;
  const r = Router();
  const mount = '/v1/admin/tmf';
  serve(r, mount, 'listTmfHubs', async (_req, res) => {
    const hubs = await Hub.find({}).sort({ createdAt: -1 }).limit(1000).lean();
    res.json({
      items: hubs.map((h) => ({
        id: h._id,
        callback: h.callback,
        ...(h.query ? { query: h.query } : {}),
        owner: h.owner,
        createdAt: iso(h.createdAt)!,
      })),
    });
  });
  serve(r, mount, 'listTmfDeadLetters', async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const limitText = typeof q.limit === 'string' ? q.limit : '100';
    if (!/^\d{1,3}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 500)
      throw new HttpError(400, 'validation_failed', 'limit: a whole number from 1 to 500');
    const filter: Record<string, unknown> = { state: 'DEAD' };
    if (typeof q.ticketId === 'string') filter.ticketId = q.ticketId;
    const [rows, total] = await Promise.all([
      Outbox.find(filter).sort({ createdAt: -1 }).limit(Number(limitText)).lean(),
      Outbox.countDocuments(filter),
    ]);
    res.json({ items: rows.map(toRow), total });
  });
  serve(r, mount, 'redeliverTmfDeadLetter', async (req, res) => {
    const id = String(req.params.id);
    const row = await Outbox.findById(id).lean();
    if (!row) throw notFound(`dead letter ${id.slice(0, 80)}`);
    if (row.state !== 'DEAD')
      throw new HttpError(409, 'action_refused', `${row.state}: only a DEAD row is redelivered`);
    const error = await postRow(row, delivery);
    const now = new Date();
    const update =
      error === undefined
        ? { state: 'DELIVERED', deliveredAt: now, lastAttemptAt: now }
        : { lastError: error, lastAttemptAt: now };
    const after = await Outbox.findOneAndUpdate(
      { _id: id, state: 'DEAD' },
      { $set: update, $inc: { attempts: 1 } },
      { new: true },
    ).lean();
    res.json(toRow(after ?? ({ ...row, ...update, attempts: row.attempts + 1 } as OutboxDoc)));
  });
  return r;
}
