// Complaint routes: one line each over the service; validation in the schemas, errors in the middleware.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { actorOf, allow } from '../auth';
import type { ComplaintService } from '../complaints-service';
import * as S from '../schemas';

type Handler = (req: Request, res: Response) => Promise<unknown>;
const route =
  (fn: Handler): RequestHandler =>
  (req, res, next) => {
    fn(req, res).catch(next);
  };
const id = (req: Request) => S.TicketIdParam.parse(req.params.id);

export function complaintRoutes(svc: ComplaintService): Router {
  const r = Router();
  const work = allow('handler', 'supervisor');
  const read = allow('intake', 'handler', 'supervisor', 'interface', 'analyst', 'admin');

  r.post(
    '/',
    allow('intake'),
    route(async (req, res) => {
      const out = await svc.intake(S.IntakeSchema.parse(req.body), actorOf(req));
      res
        .status(out.created ? 201 : 200)
        .location(out.links.self)
        .json(out);
    }),
  );
  r.get(
    '/',
    read,
    route(async (req, res) => res.json(await svc.list(S.ListQuerySchema.parse(req.query)))),
  );
  r.get(
    '/:id',
    read,
    route(async (req, res) => res.json(await svc.get(id(req)))),
  );
  r.post(
    '/:id/triage',
    work,
    route(async (req, res) =>
      res.json(await svc.triage(id(req), actorOf(req), S.TriageSchema.parse(req.body))),
    ),
  );
  r.post(
    '/:id/verification',
    work,
    route(async (req, res) =>
      res.json(await svc.verify(id(req), actorOf(req), S.VerificationSchema.parse(req.body))),
    ),
  );
  r.post(
    '/:id/findings',
    work,
    route(async (req, res) =>
      res.json(await svc.findings(id(req), actorOf(req), S.FindingsSchema.parse(req.body))),
    ),
  );
  r.post(
    '/:id/resolve',
    work,
    route(async (req, res) =>
      res.json(await svc.resolve(id(req), actorOf(req), S.ResolveSchema.parse(req.body))),
    ),
  );
  r.post(
    '/:id/replies',
    work,
    route(async (req, res) =>
      res.json(await svc.reply(id(req), actorOf(req), S.ReplySchema.parse(req.body))),
    ),
  );
  r.post(
    '/:id/close',
    work,
    route(async (req, res) =>
      res.json(await svc.close(id(req), actorOf(req), S.CloseSchema.parse(req.body ?? {}))),
    ),
  );
  r.post(
    '/:id/escalations',
    allow('supervisor', 'interface'),
    route(async (req, res) =>
      res.status(202).json(await svc.escalate(id(req), actorOf(req), S.EscalationSchema.parse(req.body))),
    ),
  );
  return r;
}
