// Mass incidents (R8) and their knowledge base (R8.5): one line per route over the workflow and the
// read model; validation in ../incident-schemas, who may do what in ../access, errors in the middleware.
import type { Client } from '@temporalio/client';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Connection } from 'mongoose';
import { createIncidentModels } from '../../activities/incidents';
import {
  checkItemUpdate,
  closeIncidentUpdate,
  getIncidentQuery,
  resolveIncidentUpdate,
  takeOwnershipUpdate,
  type IncidentView,
} from '../../workflows/incident/contract';
import { actorOf } from '../auth';
import { HttpError } from '../errors';
import { serve } from '../guard';
import * as S from '../incident-schemas';

/** How long the list waits for an open incident's workflow before it shows the projected figures. */
const LIVE_LIST_MS = 5_000;

type Handler = (req: Request, res: Response) => Promise<unknown>;
const route =
  (fn: Handler): RequestHandler =>
  (req, res, next) => {
    fn(req, res).catch(next);
  };

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function incidentRoutes(deps: { client: Client; mongo: Connection }): Router & { knowledge: Router } {
  const { Incident, Knowledge } = createIncidentModels(deps.mongo);
  const r = Router();
  const id = (req: Request) => S.IncidentIdParam.parse(req.params.id);
  const handle = (incidentId: string) => deps.client.workflow.getHandle(incidentId);

  async function get(incidentId: string): Promise<IncidentView> {
    try {
      return await handle(incidentId).query(getIncidentQuery);
    } catch (err) {
      // A closed incident's workflow may be gone from the server's retention: the read model has it.
      const doc = await Incident.findById(incidentId).lean();
      if (doc) return doc.view as unknown as IncidentView;
      if ((err as Error).name === 'WorkflowNotFoundError')
        throw new HttpError(404, 'not_found', `incident ${incidentId}`);
      throw err;
    }
  }

  /**
   * An open incident's stage and count as its workflow has them now, as the detail shows them: its
   * projection is written after the complaints are told, which under a burst lags the links by
   * minutes (issue 24: list 32 while the detail said 200). A workflow that does not answer within
   * LIVE_LIST_MS leaves the projected figures.
   */
  async function liveView(incidentId: string): Promise<IncidentView | undefined> {
    return deps.client
      .withDeadline(Date.now() + LIVE_LIST_MS, () => handle(incidentId).query(getIncidentQuery))
      .catch(() => undefined);
  }

  const update = <T>(def: { name: string }, schema: { parse(v: unknown): T }) =>
    route(async (req, res) => {
      const incidentId = id(req);
      const input = schema.parse(req.body ?? {});
      await get(incidentId);
      res.json(
        await handle(incidentId).executeUpdate<IncidentView, [unknown]>(def.name, {
          args: [{ actor: actorOf(req), input }],
        }),
      );
    });

  serve(
    r,
    '/v1/incidents',
    'listIncidents',
    route(async (req, res) => {
      const q = S.IncidentListQuery.parse(req.query);
      const filter: Record<string, unknown> = {};
      if (q.stage === 'ACTIVE') filter.stage = { $ne: 'CLOSED' };
      else if (q.stage) filter.stage = q.stage;
      if (q.areaKey) filter.areaKey = q.areaKey;
      const docs = await Incident.find(filter).sort({ startedAt: -1 }).limit(q.limit).lean();
      const live = await Promise.all(docs.map((d) => (d.stage === 'CLOSED' ? undefined : liveView(d._id))));
      res.json({
        items: docs.map((d, i) => ({
          incidentId: d._id,
          areaKey: d.areaKey,
          scope: d.scope,
          region: d.region,
          stage: live[i]?.stage ?? d.stage,
          complaintCount: live[i]?.complaintCount ?? d.complaintCount,
          /** false: the figures are the read model's (closed, or the workflow did not answer in time). */
          live: live[i] !== undefined,
          startedAt: d.startedAt,
          notifiedAt: d.notifiedAt,
          owner: d.owner,
          links: { self: `/v1/incidents/${encodeURIComponent(d._id)}` },
        })),
      });
    }),
  );
  serve(
    r,
    '/v1/incidents',
    'getIncident',
    route(async (req, res) => res.json(await get(id(req)))),
  );
  serve(r, '/v1/incidents', 'takeIncidentOwnership', update(takeOwnershipUpdate, S.TakeOwnershipSchema));
  serve(
    r,
    '/v1/incidents',
    'checkIncidentItem',
    route(async (req, res) => {
      const incidentId = id(req);
      const input = S.CheckItemSchema.parse(req.body ?? {});
      // The plan is the incident's own (policy data, R8.6): an item it does not have is a bad request.
      const { checklist } = await get(incidentId);
      if (!checklist.some((c) => c.id === input.item))
        throw new HttpError(
          400,
          'validation_failed',
          `item: the plan of ${incidentId} has no item ${input.item} (items: ${checklist.map((c) => c.id).join(', ')})`,
        );
      res.json(
        await handle(incidentId).executeUpdate<IncidentView, [unknown]>(checkItemUpdate.name, {
          args: [{ actor: actorOf(req), input }],
        }),
      );
    }),
  );
  serve(r, '/v1/incidents', 'resolveIncident', update(resolveIncidentUpdate, S.ResolveIncidentSchema));
  serve(r, '/v1/incidents', 'closeIncident', update(closeIncidentUpdate, S.CloseIncidentSchema));

  const knowledge = Router();
  serve(
    knowledge,
    '/v1/knowledge',
    'searchKnowledge',
    route(async (req, res) => {
      const q = S.KnowledgeQuery.parse(req.query);
      const filter: Record<string, unknown> = {};
      if (q.siteId) filter.siteIds = q.siteId;
      if (q.cellId) filter.cellIds = q.cellId;
      if (q.region) filter.region = q.region;
      if (q.q) filter.text = { $regex: escapeRegex(q.q), $options: 'i' };
      const docs = await Knowledge.find(filter).sort({ closedAt: -1 }).limit(q.limit).lean();
      res.json({ items: docs.map(({ _id, ...rest }) => ({ incidentId: _id, ...rest })) });
    }),
  );
  return Object.assign(r, { knowledge });
}
