// Complaint routes, mounted from the declarations in ../operations/complaints: every human action is
// one row of COMPLAINT_ACTIONS (update, body schema, roles, audit name) and is served by the same
// code here. Who may do what is applied by ../guard, errors by the middleware.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { actorOf } from '../auth';
import type { ComplaintService } from '../complaints-service';
import { HttpError } from '../errors';
import { requireRule } from '../guard';
import { hasMajorReport, renderMajorReportHtml } from '../major-report-html';
import {
  COMPLAINT_ACTIONS,
  escalateComplaint,
  fileComplaint,
  getComplaint,
  getMajorReportPage,
  listComplaints,
  TicketParams,
} from '../operations/complaints';
import { expressPath, type Operation } from '../operations/define';
import * as S from '../schemas';

type Handler = (req: Request, res: Response) => Promise<unknown>;
const route =
  (fn: Handler): RequestHandler =>
  (req, res, next) => {
    fn(req, res).catch(next);
  };
const id = (req: Request) => TicketParams.parse(req.params).id;
const MOUNT = '/v1/complaints';

/** Records an accepted human action (S5, R10.2); never throws. */
export type ActionRecorder = (
  req: Request,
  entry: {
    ticketId: string;
    action: string;
    stageBefore?: string;
    stageAfter?: string;
    /** This request created the complaint: its audit chain starts here. */
    created?: boolean;
  },
) => Promise<void>;

export function complaintRoutes(svc: ComplaintService, record: ActionRecorder = async () => {}): Router {
  const r = Router();
  // A read's access check and its answer share one read of the view.
  const views = new WeakMap<Request, ReturnType<ComplaintService['get']>>();
  const load = (req: Request) => {
    let view = views.get(req);
    if (!view) views.set(req, (view = svc.get(id(req))));
    return view;
  };
  // An action's access check reads only the fields it needs (issue 23); a read serves the view.
  const loadAccess = (req: Request) => svc.accessOf(id(req));
  const at = (o: Operation) => expressPath(o.path, MOUNT);
  const rule = (o: Operation) =>
    requireRule(o, o.scope !== 'complaint' ? undefined : o.method === 'GET' ? load : loadAccess);

  r.post(
    at(fileComplaint),
    rule(fileComplaint),
    route(async (req, res) => {
      const out = await svc.intake(S.IntakeSchema.parse(req.body), actorOf(req));
      if (out.created)
        await record(req, {
          ticketId: out.ticketId,
          action: 'INTAKE',
          stageAfter: 'RECEIVED',
          created: true,
        });
      res
        .status(out.created ? 201 : 200)
        .location(out.links.self)
        .json(out);
    }),
  );
  r.get(
    at(listComplaints),
    rule(listComplaints),
    route(async (req, res) => res.json(await svc.list(S.ListQuerySchema.parse(req.query), req.listScope))),
  );
  r.get(
    at(getComplaint),
    rule(getComplaint),
    route(async (req, res) => res.json(await load(req))),
  );
  // R5.3: the written report of a major complaint as a printable page (linked from its e-mail).
  r.get(
    at(getMajorReportPage),
    rule(getMajorReportPage),
    route(async (req, res) => {
      const view = await load(req);
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
  // Every human action: validate the body, send the update, audit, answer with the complaint.
  for (const action of COMPLAINT_ACTIONS)
    r.post(
      at(action),
      rule(action),
      route(async (req, res) => {
        const view = await svc.act(action.update, id(req), actorOf(req), action.body.parse(req.body ?? {}));
        const stageBefore = req.complaintAccess?.stage;
        await record(req, {
          ticketId: view.ticketId,
          action: action.audit,
          stageBefore,
          stageAfter: view.stage,
        });
        res.json(view);
      }),
    );
  r.post(
    at(escalateComplaint),
    rule(escalateComplaint),
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
