// Weekly and monthly reports (R9): produce one on demand (the report workflow), read it as JSON, as
// an HTML page with charts, or one of its tables as CSV. Roles: analyst, supervisor, interface, admin.
// A draft (R9.4) takes the interface person's analysis and measures and is approved through its run.
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { Router, type Response } from 'express';
import type { Connection } from 'mongoose';
import { reportLinks } from '../../activities/reports/activities';
import { CSV_TABLES, csvFileName, renderCsv } from '../../activities/reports/csv';
import { renderReportHtml } from '../../activities/reports/html';
import type { Report } from '../../activities/reports/model';
import { lastCompletedPeriod } from '../../domain/reports/periods';
import { reportModels, type ReportDoc } from '../../activities/reports/store';
import { analysisProblem } from '../../domain/reports/analysis';
import {
  approveReportUpdate,
  getReportRunQuery,
  REPORT_WORKFLOW_TYPE,
  reportId,
  saveReportAnalysisUpdate,
  reportWorkflowId,
  type ReportRequest,
  type ReportResult,
  type ReportRunView,
} from '../../workflows/report/contract';
import { actorOf } from '../auth';
import { HttpError, notFound } from '../errors';
import { serve } from '../guard';
import {
  CsvTableParam,
  ReportAnalysisSchema,
  ReportApprovalSchema,
  ReportIdParam,
  ReportListQuery,
  ReportRequestSchema,
} from '../report-schemas';

/** Resolves once a draft run holds its draft (or ends): what POST answers for draft: true. */
async function draftReady(handle: WorkflowHandle, waitMs: number): Promise<ReportRunView | undefined> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    const run = await handle.query(getReportRunQuery).catch(() => undefined);
    if (run?.stage === 'DRAFT') return run;
    // Sent already (released at once): the result answers.
    if (run && run.stage !== 'PRODUCING') return undefined;
    await new Promise((r) => setTimeout(r, 250));
  }
  return undefined;
}

export interface ReportRouteDeps {
  client: Client;
  mongo: Connection;
  taskQueue: string;
  timeZone: string;
  publicBaseUrl: string;
  /** How long POST waits for the report before answering 202 (default 60 s). */
  waitMs?: number;
}

export function reportRoutes(deps: ReportRouteDeps): Router {
  const r = Router();
  const store = reportModels(deps.mongo);
  const waitMs = deps.waitMs ?? 60_000;
  const links = (id: string) => {
    const l = reportLinks('', id);
    return { self: l.json, html: l.html, csv: Object.fromEntries(CSV_TABLES.map((t) => [t, l.csv(t)])) };
  };

  async function load(id: string): Promise<ReportDoc> {
    const doc = await store.Report.findById(ReportIdParam.parse(id)).lean();
    if (!doc) throw notFound(`report ${id}`);
    return doc;
  }

  serve(r, '/v1/reports', 'produceReport', async (req, res: Response) => {
    const body = ReportRequestSchema.parse(req.body ?? {});
    const period = body.period ?? lastCompletedPeriod(body.kind, Date.now(), deps.timeZone);
    const id = reportId(body.kind, period);
    const request: ReportRequest = {
      kind: body.kind,
      period,
      deliver: body.deliver ?? true,
      requestedBy: actorOf(req).user,
      // On demand it is sent at once unless a draft is asked for (R9.4).
      release: body.draft ? 'policy' : 'now',
    };
    // A run of the same period in progress is joined; a finished one is produced again (new revision).
    const handle = await deps.client.workflow.start(REPORT_WORKFLOW_TYPE, {
      taskQueue: deps.taskQueue,
      workflowId: reportWorkflowId(body.kind, period),
      args: [request],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([
      handle.result().then((result: ReportResult) => ({ result, draft: undefined })),
      ...(body.draft && request.deliver
        ? [draftReady(handle, waitMs).then((draft) => (draft ? { draft, result: undefined } : undefined))]
        : []),
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), waitMs))),
    ])
      .catch((err: unknown) => {
        if (err instanceof WorkflowFailedError)
          throw new HttpError(
            500,
            'report_failed',
            `the report workflow failed: ${err.cause?.message ?? err.message}`,
          );
        throw err;
      })
      .finally(() => clearTimeout(timer));
    const base = { id, workflowId: handle.workflowId, runId: handle.firstExecutionRunId, links: links(id) };
    if (!waited) {
      res.status(202).json({ ...base, status: 'RUNNING' });
      return;
    }
    if (waited.draft) {
      res.status(202).json({ ...base, status: 'DRAFT', ...waited.draft });
      return;
    }
    res.status(201).json({ ...base, status: 'COMPLETED', ...waited.result });
  });

  /** The run that holds a report's draft; 409 when the report is not a draft. */
  async function draftRun(id: string): Promise<{ doc: ReportDoc; handle: WorkflowHandle }> {
    const doc = await load(id);
    if (doc.status !== 'DRAFT' || !doc.workflowId)
      throw new HttpError(
        409,
        'action_refused',
        `report ${doc._id} is not a draft (${doc.status ?? 'PRODUCED'}): only a draft takes an analysis or an approval`,
      );
    return { doc, handle: deps.client.workflow.getHandle(doc.workflowId) };
  }

  serve(r, '/v1/reports', 'writeReportAnalysis', async (req, res) => {
    const input = ReportAnalysisSchema.parse(req.body ?? {});
    const { doc, handle } = await draftRun(req.params.id as string);
    const problem = analysisProblem(
      input,
      doc.report.hotTopics.map((t) => t.key),
    );
    if (problem) throw new HttpError(400, 'validation_failed', problem);
    res.json(
      await handle.executeUpdate(saveReportAnalysisUpdate, { args: [{ actor: actorOf(req), input }] }),
    );
  });

  serve(r, '/v1/reports', 'approveReport', async (req, res) => {
    const input = ReportApprovalSchema.parse(req.body ?? {});
    const { handle } = await draftRun(req.params.id as string);
    res.json(await handle.executeUpdate(approveReportUpdate, { args: [{ actor: actorOf(req), input }] }));
  });

  serve(r, '/v1/reports', 'listReports', async (req, res) => {
    const q = ReportListQuery.parse(req.query);
    const docs = await store.Report.find(q.kind ? { kind: q.kind } : {})
      .select({ _id: 1, kind: 1, period: 1, revision: 1, generatedAt: 1, timeZone: 1 })
      .lean();
    const items = docs
      .sort((a, b) => b.generatedAt.getTime() - a.generatedAt.getTime() || (a._id < b._id ? -1 : 1))
      .slice(0, q.limit)
      .map((d) => ({
        id: d._id,
        kind: d.kind,
        period: d.period,
        revision: d.revision,
        generatedAt: d.generatedAt,
        timeZone: d.timeZone,
        links: links(d._id),
      }));
    res.json({ items });
  });

  serve(r, '/v1/reports', 'getReportPage', async (req, res) => {
    const doc = await load(req.params.id as string);
    const base = `/v1/reports/${encodeURIComponent(doc._id)}`;
    const report = doc.analysis ? { ...doc.report, written: doc.analysis } : doc.report;
    res.type('text/html; charset=utf-8').send(renderReportHtml(report, { csv: (t) => `${base}/${t}.csv` }));
  });

  serve(r, '/v1/reports', 'getReportTable', async (req, res) => {
    const table = CsvTableParam.parse(req.params.table);
    const doc = await load(req.params.id as string);
    const report: Report = doc.report;
    res.type('text/csv; charset=utf-8').attachment(csvFileName(report, table)).send(renderCsv(report, table));
  });

  serve(r, '/v1/reports', 'getReport', async (req, res) => {
    const doc = await load(req.params.id as string);
    res.json({
      ...doc.report,
      ...(doc.analysis ? { written: doc.analysis } : {}),
      revision: doc.revision,
      status: doc.status ?? 'PRODUCED',
      ...(doc.draft ? { draft: doc.draft } : {}),
      ...(doc.sentAt ? { sentAt: doc.sentAt, sentTo: doc.sentTo } : {}),
      ...(doc.approvedBy ? { approvedBy: doc.approvedBy } : {}),
      links: links(doc._id),
    });
  });

  return r;
}
