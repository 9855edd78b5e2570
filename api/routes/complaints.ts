// Complaint routes: one line each over the service; validation in the schemas, errors in the
// middleware, who may do what in ../access (applied by ../guard), every accepted action audited.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { actorOf } from '../auth';
import type { ComplaintService } from '../complaints-service';
import { guard } from '../guard';
import * as S from '../schemas';

type Handler = (req: Request, res: Response) => Promise<unknown>;
const route =
  (fn: Handler): RequestHandler =>
  (req, res, next) => {
    fn(req, res).catch(next);
  };
const id = (req: Request) => S.TicketIdParam.parse(req.params.id);

/** Records an accepted human action (S5, R10.2); never throws. */
export type ActionRecorder = (
  req: Request,
  entry: { ticketId: string; action: string; stageBefore?: string; stageAfter?: string },
) => Promise<void>;

export function complaintRoutes(svc: ComplaintService, record: ActionRecorder = async () => {}): Router {
  const r = Router();
  const load = (req: Request) => svc.get(id(req));
  const rule = (method: 'GET' | 'POST', path: string) =>
    guard(method, `/v1/complaints${path}`, path.includes('{id}') ? load : undefined);
  const at = (path: string) => path.replace(':id', '{id}');
  const post = (path: string) => rule('POST', at(path));
  const act = <T extends { ticketId: string; stage: string }>(
    action: string,
    fn: (req: Request) => Promise<T>,
  ) =>
    route(async (req, res) => {
      const view = await fn(req);
      const stageBefore = req.complaintAccess?.stage;
      await record(req, { ticketId: view.ticketId, action, stageBefore, stageAfter: view.stage });
      res.json(view);
    });

  r.post(
    '/',
    rule('POST', ''),
    route(async (req, res) => {
      const out = await svc.intake(S.IntakeSchema.parse(req.body), actorOf(req));
      if (out.created)
        await record(req, { ticketId: out.ticketId, action: 'INTAKE', stageAfter: 'RECEIVED' });
      res
        .status(out.created ? 201 : 200)
        .location(out.links.self)
        .json(out);
    }),
  );
  r.get(
    '/',
    rule('GET', ''),
    route(async (req, res) => res.json(await svc.list(S.ListQuerySchema.parse(req.query), req.listScope))),
  );
  r.get(
    '/:id',
    rule('GET', '/{id}'),
    route(async (req, res) => res.json(await svc.get(id(req)))),
  );
  r.post(
    '/:id/triage',
    post('/:id/triage'),
    act('TRIAGE', (req) => svc.triage(id(req), actorOf(req), S.TriageSchema.parse(req.body))),
  );
  r.post(
    '/:id/verification',
    post('/:id/verification'),
    act('VERIFICATION', (req) => svc.verify(id(req), actorOf(req), S.VerificationSchema.parse(req.body))),
  );
  r.post(
    '/:id/findings',
    post('/:id/findings'),
    act('FINDINGS', (req) => svc.findings(id(req), actorOf(req), S.FindingsSchema.parse(req.body))),
  );
  r.post(
    '/:id/resolve',
    post('/:id/resolve'),
    act('RESOLVE', (req) => svc.resolve(id(req), actorOf(req), S.ResolveSchema.parse(req.body))),
  );
  r.post(
    '/:id/replies',
    post('/:id/replies'),
    act('REPLY', (req) => svc.reply(id(req), actorOf(req), S.ReplySchema.parse(req.body))),
  );
  r.post(
    '/:id/close',
    post('/:id/close'),
    act('CLOSE', (req) => svc.close(id(req), actorOf(req), S.CloseSchema.parse(req.body ?? {}))),
  );
  const actions: [string, string, (req: Request) => Promise<{ ticketId: string; stage: string }>][] = [
    ['/:id/assign', 'ASSIGN', (req) => svc.assign(id(req), actorOf(req), S.AssignSchema.parse(req.body))],
    [
      '/:id/escalations/acknowledge',
      'ACKNOWLEDGE',
      (req) => svc.acknowledge(id(req), actorOf(req), S.AcknowledgeSchema.parse(req.body)),
    ],
    [
      '/:id/clocks/pause',
      'PAUSE_CLOCK',
      (req) => svc.pauseClock(id(req), actorOf(req), S.PauseClockSchema.parse(req.body)),
    ],
    [
      '/:id/clocks/resume',
      'RESUME_CLOCK',
      (req) => svc.resumeClock(id(req), actorOf(req), S.ResumeClockSchema.parse(req.body)),
    ],
    [
      '/:id/clocks/extend',
      'EXTEND_CLOCK',
      (req) => svc.extendClock(id(req), actorOf(req), S.ExtendClockSchema.parse(req.body)),
    ],
    [
      '/:id/policy',
      'APPLY_POLICY',
      (req) => svc.applyPolicy(id(req), actorOf(req), S.ApplyPolicySchema.parse(req.body)),
    ],
    [
      '/:id/major',
      'MARK_MAJOR',
      (req) => svc.markMajor(id(req), actorOf(req), S.MarkMajorSchema.parse(req.body)),
    ],
    [
      '/:id/major-report',
      'MAJOR_REPORT',
      (req) => svc.majorReport(id(req), actorOf(req), S.MajorReportSchema.parse(req.body)),
    ],
    [
      '/:id/contact',
      'CONTACT',
      (req) => svc.contact(id(req), actorOf(req), S.ContactCustomerSchema.parse(req.body)),
    ],
    [
      '/:id/dispute-prone',
      'DISPUTE_PRONE',
      (req) => svc.markDisputeProne(id(req), actorOf(req), S.MarkDisputeProneSchema.parse(req.body)),
    ],
  ];
  for (const [path, action, fn] of actions) r.post(path, post(path), act(action, fn));
  r.post(
    '/:id/escalations',
    post('/:id/escalations'),
    route(async (req, res) => {
      const out = await svc.escalate(id(req), actorOf(req), S.EscalationSchema.parse(req.body));
      const stage = req.complaintAccess?.stage;
      await record(req, {
        ticketId: out.ticketId,
        action: 'ESCALATE',
        stageBefore: stage,
        stageAfter: stage,
      });
      res.status(202).json(out);
    }),
  );
  return r;
}
