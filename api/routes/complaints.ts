// Complaint routes: one line each over the service; validation in the schemas, errors in the
// middleware, who may do what in ../access (applied by ../guard), every accepted action audited.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { actorOf } from '../auth';
import type { ComplaintService } from '../complaints-service';
import { guard } from '../guard';
import { HttpError } from '../errors';
import { hasMajorReport, renderMajorReportHtml } from '../major-report-html';
import type { z } from 'zod';
import * as S from '../schemas';
import { OnSiteResultSchema, ProposeOnSiteTestSchema, RequestSignatureSchema } from '../on-site-schemas';

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
  // R5.3: the written report of a major complaint as a printable page (linked from its e-mail).
  r.get(
    '/:id/major-report.html',
    rule('GET', '/{id}/major-report.html'),
    route(async (req, res) => {
      const view = await svc.get(id(req));
      if (!hasMajorReport(view))
        throw new HttpError(
          404,
          'no_major_report',
          view.major
            ? `complaint ${view.ticketId} has no written report yet: the interface person submits it with POST /v1/complaints/{id}/major-report (R5.3)`
            : `complaint ${view.ticketId} is not a major complaint, so it has no written report (R5.3)`,
        );
      res
        .type('text/html; charset=utf-8')
        .set('Cache-Control', 'private, no-store')
        .send(renderMajorReportHtml(view));
    }),
  );
  // Every human action on a complaint: path, audit name, service call, body schema.
  const step = <T, V extends { ticketId: string; stage: string }>(
    path: string,
    action: string,
    fn: (ticketId: string, actor: ReturnType<typeof actorOf>, input: T) => Promise<V>,
    schema: z.ZodType<T>,
  ) =>
    r.post(
      path,
      post(path),
      act(action, (req) => fn(id(req), actorOf(req), schema.parse(req.body ?? {}))),
    );
  step('/:id/triage', 'TRIAGE', svc.triage, S.TriageSchema);
  step('/:id/on-site-tests', 'ON_SITE_PROPOSED', svc.proposeOnSite, ProposeOnSiteTestSchema);
  step('/:id/on-site-tests/result', 'ON_SITE_RESULT', svc.onSiteResult, OnSiteResultSchema);
  step('/:id/signature-requests', 'SIGNATURE_REQUEST', svc.requestSignature, RequestSignatureSchema);
  step('/:id/verification', 'VERIFICATION', svc.verify, S.VerificationSchema);
  step('/:id/findings', 'FINDINGS', svc.findings, S.FindingsSchema);
  step('/:id/resolve', 'RESOLVE', svc.resolve, S.ResolveSchema);
  step('/:id/replies', 'REPLY', svc.reply, S.ReplySchema);
  step('/:id/close', 'CLOSE', svc.close, S.CloseSchema);
  step('/:id/assign', 'ASSIGN', svc.assign, S.AssignSchema);
  step('/:id/escalations/acknowledge', 'ACKNOWLEDGE', svc.acknowledge, S.AcknowledgeSchema);
  step('/:id/clocks/pause', 'PAUSE_CLOCK', svc.pauseClock, S.PauseClockSchema);
  step('/:id/clocks/resume', 'RESUME_CLOCK', svc.resumeClock, S.ResumeClockSchema);
  step('/:id/clocks/extend', 'EXTEND_CLOCK', svc.extendClock, S.ExtendClockSchema);
  step('/:id/policy', 'APPLY_POLICY', svc.applyPolicy, S.ApplyPolicySchema);
  step('/:id/major', 'MARK_MAJOR', svc.markMajor, S.MarkMajorSchema);
  step('/:id/major-report', 'MAJOR_REPORT', svc.majorReport, S.MajorReportSchema);
  step('/:id/contact', 'CONTACT', svc.contact, S.ContactCustomerSchema);
  step('/:id/dispute-prone', 'DISPUTE_PRONE', svc.markDisputeProne, S.MarkDisputeProneSchema);
  step('/:id/evidence/regather', 'REGATHER_EVIDENCE', svc.regatherEvidence, S.RegatherEvidenceSchema);
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
