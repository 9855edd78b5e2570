// TMF621 Trouble Ticket API v5 beside /v1 (issue 19, T1, T2): mounted at /tmf-api/troubleTicket/v5
// by app.ts. Every create and change goes through the complaint service, i.e. the same durable
// workflow, idempotency, updates, validators, roles and audit trail as /v1; this router only
// translates between the TMF resources and the product's own. Errors answer the TMF Error.
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import { countMatching, type Models } from '../../activities/models';
import { createTmfEventModels } from '../../activities/tmf-events-models';
import type { ComplaintView } from '../../workflows/complaint/contract';
import { actorOf } from '../auth';
import type { ComplaintService } from '../complaints-service';
import { HttpError, notFound } from '../errors';
import { requireRule } from '../guard';
import { expressPath, type Operation } from '../operations/define';
import {
  createTroubleTicket,
  listTroubleTickets,
  listTroubleTicketSpecifications,
  MERGE_PATCH,
  patchTroubleTicket,
  retrieveTroubleTicket,
  retrieveTroubleTicketSpecification,
} from '../operations/tmf621';
import type { ActionRecorder } from '../routes/complaints';
import { TicketIdParam } from '../schemas';
import { toIntake, TroubleTicketCreateSchema } from './create';
import { methodNotAllowed, requireContentType, tmfErrorMiddleware } from './errors';
import { hubRoutes } from './hub';
import { planPatch, refuseUnchangeable, TroubleTicketPatchSchema } from './patch';
import { parseTicketQuery, statusFilter, TICKET_FIELDS, type Refinements, type TicketQuery } from './query';
import { specificationById, SPECIFICATIONS } from './specification';
import { OPEN_WORK_STAGES } from './status';
import { selectFields, TMF_BASE, ticketHref, toTroubleTicket } from './ticket';

export { TMF_BASE } from './ticket';

export interface TmfDeps {
  service: ComplaintService;
  models: Models;
  /** the API's authentication (API keys and JWTs) and audit trail, as /v1 uses them */
  security: { authenticate: RequestHandler; rateLimit: RequestHandler; recordAction: ActionRecorder };
  logger: Logger;
}

type Handler = (req: Request, res: Response) => Promise<unknown>;
const route =
  (fn: Handler): RequestHandler =>
  (req, res, next) => {
    fn(req, res).catch(next);
  };

const at = (o: Operation) => expressPath(o.path, TMF_BASE);
const idOf = (req: Request) => String(req.params.id);

/**
 * `fields` (TMF630) of a request whose only other parameters are `others`, or a 400 naming the
 * unknown parameter or field.
 */
function fieldsOf(
  query: Record<string, unknown>,
  allowed: readonly string[] = TICKET_FIELDS,
  others: readonly string[] = [],
): string[] | undefined {
  const extra = Object.keys(query).find((k) => k !== 'fields' && !others.includes(k));
  if (extra !== undefined)
    throw new HttpError(400, 'validation_failed', `${extra.slice(0, 60)}: not a parameter here`);
  const v = query.fields;
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new HttpError(400, 'validation_failed', 'fields: give it once');
  const names = v.split(',').map((s) => s.trim());
  const unknown = names.find((n) => !allowed.includes(n));
  if (unknown !== undefined)
    throw new HttpError(
      400,
      'validation_failed',
      `fields: '${unknown.slice(0, 40)}' is not a field of the resource`,
    );
  return names;
}

const SPEC_FIELDS = [
  'name',
  'description',
  'lifecycleStatus',
  'version',
  'creationDate',
  'lastUpdate',
  'specCharacteristic',
];

/** A JSON object body (merge patch and create), else a 400 before any schema check. */
function objectBody(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body))
    throw new HttpError(400, 'validation_failed', '(body): send the resource as a JSON object');
  return body as Record<string, unknown>;
}

export function tmfRoutes(deps: TmfDeps): Router {
  const { service, models } = deps;
  const record = deps.security.recordAction;
  const r = Router();
  // An id that cannot be a ticket id names no ticket (and never reaches Temporal).
  const load = (req: Request) => {
    if (!TicketIdParam.safeParse(idOf(req)).success)
      return Promise.reject(notFound(`troubleTicket ${idOf(req).slice(0, 60)}`));
    return service.get(idOf(req));
  };
  const rule = (o: Operation) => requireRule(o, o.scope === 'complaint' ? load : undefined);
  const jsonBody = (types: readonly string[]) => [
    requireContentType(types),
    express.json({ limit: '256kb', type: types as string[] }),
  ];

  // The same per-key limit as /v1; its 429 then answers in the TMF Error shape like every error here.
  r.use(deps.security.rateLimit, deps.security.authenticate);

  r.post(
    at(createTroubleTicket),
    rule(createTroubleTicket),
    ...jsonBody(['application/json']),
    route(async (req, res) => {
      const fields = fieldsOf(req.query as Record<string, unknown>);
      const body = TroubleTicketCreateSchema.parse(objectBody(req));
      const intake = toIntake(body, actorOf(req).user);
      const out = await service.intake(intake, actorOf(req));
      if (out.created)
        await record(req, { ticketId: out.ticketId, action: 'INTAKE', stageAfter: 'RECEIVED' });
      const view = await service.get(out.ticketId);
      res
        .status(out.created ? 201 : 200)
        .location(ticketHref(out.ticketId))
        .json(selectFields(toTroubleTicket(view, { mask: false }), fields));
    }),
  );

  r.get(
    at(listTroubleTickets),
    rule(listTroubleTickets),
    route(async (req, res) => {
      const q = parseTicketQuery(req.query as Record<string, unknown>);
      const { items, total } = await listTickets(models, q, req.listScope);
      res
        .set('X-Total-Count', String(total))
        .set('X-Result-Count', String(items.length))
        .json(items.map((v) => selectFields(toTroubleTicket(v, { mask: true }), q.fields)));
    }),
  );

  r.get(
    at(retrieveTroubleTicket),
    rule(retrieveTroubleTicket),
    route(async (req, res) => {
      const fields = fieldsOf(req.query as Record<string, unknown>);
      res.json(selectFields(toTroubleTicket(await load(req), { mask: false }), fields));
    }),
  );

  r.patch(
    at(patchTroubleTicket),
    rule(patchTroubleTicket),
    ...jsonBody([MERGE_PATCH, 'application/json']),
    route(async (req, res) => {
      const fields = fieldsOf(req.query as Record<string, unknown>);
      const raw = objectBody(req);
      refuseUnchangeable(raw);
      const patch = TroubleTicketPatchSchema.parse(raw);
      const before = await load(req);
      const plan = planPatch(patch, before);
      let view: ComplaintView = before;
      if (plan) {
        const actor = actorOf(req);
        if (!plan.action.roles.some((role) => req.grantedRoles?.includes(role)))
          throw new HttpError(
            403,
            'forbidden',
            `this change needs one of the roles: ${plan.action.roles.join(', ')}`,
          );
        view = await service.act(plan.action.update, before.ticketId, actor, plan.input as never);
        await record(req, {
          ticketId: view.ticketId,
          action: plan.action.audit,
          stageBefore: before.stage,
          stageAfter: view.stage,
        });
      }
      res.json(selectFields(toTroubleTicket(view, { mask: false }), fields));
    }),
  );
  r.all(at(createTroubleTicket), methodNotAllowed(['GET', 'POST']));
  r.all(at(retrieveTroubleTicket), methodNotAllowed(['GET', 'PATCH']));

  r.get(
    at(listTroubleTicketSpecifications),
    rule(listTroubleTicketSpecifications),
    route(async (req, res) => {
      const query = req.query as Record<string, unknown>;
      const names = fieldsOf(query, SPEC_FIELDS, ['offset', 'limit']);
      const { offset, limit } = parseTicketQuery(
        Object.fromEntries(Object.entries(query).filter(([k]) => k === 'offset' || k === 'limit')),
      );
      const page = SPECIFICATIONS.slice(offset, offset + limit);
      res
        .set('X-Total-Count', String(SPECIFICATIONS.length))
        .set('X-Result-Count', String(page.length))
        .json(page.map((s) => selectFields(s, names)));
    }),
  );
  r.get(
    at(retrieveTroubleTicketSpecification),
    rule(retrieveTroubleTicketSpecification),
    route(async (req, res) => {
      const names = fieldsOf(req.query as Record<string, unknown>, SPEC_FIELDS);
      const spec = specificationById(idOf(req));
      if (!spec) throw notFound(`troubleTicketSpecification ${idOf(req).slice(0, 60)}`);
      res.json(selectFields(spec, names));
    }),
  );
  r.all(at(listTroubleTicketSpecifications), methodNotAllowed(['GET']));
  r.all(at(retrieveTroubleTicketSpecification), methodNotAllowed(['GET']));
  // Event subscriptions (T3).
  r.use(hubRoutes(createTmfEventModels(models.Complaint.db)));

  r.use((req, _res, next) =>
    next(new HttpError(404, 'not_found', `no route ${req.method} ${req.path.slice(0, 100)}`)),
  );
  r.use(tmfErrorMiddleware(deps.logger));
  return r;
}

/** Complaints whose status is refined beyond the stage: under an open mass incident, or a paused clock. */
async function refinements(models: Models): Promise<Refinements> {
  const open = { 'view.stage': { $in: [...OPEN_WORK_STAGES] } };
  const ids = async (filter: Record<string, unknown>) =>
    (await models.ComplaintView.find({ ...open, ...filter }, { _id: 1 }).lean()).map((d) => String(d._id));
  const [held, paused] = await Promise.all([
    ids({ 'view.incident.stage': 'OPEN' }),
    ids({ 'view.clocks.state': 'paused' }),
  ]);
  return { held, paused };
}

/** A page of complaints as views, newest first, within the caller's assignment (`scope`). */
async function listTickets(
  models: Models,
  q: TicketQuery,
  scope: Record<string, unknown> | undefined,
): Promise<{ items: ComplaintView[]; total: number }> {
  const and: Record<string, unknown>[] = [q.filter];
  if (scope) and.push(scope);
  if (q.statuses) {
    const r = await refinements(models);
    and.push({ $or: q.statuses.map((s) => statusFilter(s, r)) });
  }
  const filter = and.length === 1 ? q.filter : { $and: and };
  const [docs, total] = await Promise.all([
    models.Complaint.find(filter, { _id: 1 }).sort({ receivedAt: -1 }).skip(q.offset).limit(q.limit).lean(),
    countMatching(models.Complaint, filter),
  ]);
  const ids = docs.map((d) => String(d._id));
  const views = await models.ComplaintView.find({ _id: { $in: ids } }).lean();
  const byId = new Map(views.map((v) => [String(v._id), v.view as unknown as ComplaintView]));
  // A complaint whose full view is not projected yet is left out of the page rather than half shown.
  const items = ids.map((id) => byId.get(id)).filter((v): v is ComplaintView => v !== undefined);
  return { items, total };
}
