// The report activities (R9): plan a period, produce the report (aggregate, build, store), and
// deliver it by e-mail with the HTML page and the CSV tables through the outbox.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import {
  reportId,
  type ReportDelivered,
  type ReportPlan,
  type ReportProduced,
} from '../../domain/reports/report';
import type { Models } from '../models';
import { claim } from '../notifications';
import { mergeAggs, rowOf, type PeriodAgg } from './aggregate';
import { CSV_TABLES, csvFileName, renderCsv } from './csv';
import { FIRST_REPLY_LIMIT_MS } from './fields';
import type { ReportConfig } from '../../domain/reports/config';
import type { ReportRelease, WrittenAnalysis } from '../../domain/reports/analysis';
import type { HotRule } from '../../domain/reports/hot';
import { renderReportHtml, renderReportText } from './html';
import { buildReport, hotTopics, TOP, type Report } from './model';
import {
  endOfDay,
  lastCompletedPeriod,
  periodBounds,
  periodProblem,
  shiftPeriod,
} from '../../domain/reports/periods';
import { createReportSource, type ReportSource } from './source';
import { reportModels, type ReportModels } from './store';
import type {
  DeliverReportInput,
  PlanReportInput,
  ProduceReportInput,
  RefreshRollupsResult,
  ReportActivities,
  SaveReportAnalysisInput,
} from './types';

export interface ReportDeps {
  models: Models;
  mailer: Transporter;
  logger: Logger;
  config: ReportConfig;
}

/** The period a request names, or the last completed one at `at`. Throws a non-retryable failure when invalid. */
export function planFor(input: PlanReportInput, timeZone: string, release?: ReportRelease): ReportPlan {
  const period = input.period ?? lastCompletedPeriod(input.kind, Date.parse(input.at), timeZone);
  const problem = periodProblem(input.kind, period);
  if (problem)
    throw ApplicationFailure.nonRetryable(`${input.kind} period ${period}: ${problem}`, 'InvalidPeriod');
  const b = periodBounds(input.kind, period, timeZone);
  return {
    id: reportId(input.kind, period),
    kind: input.kind,
    period,
    previousPeriod: shiftPeriod(input.kind, period, -1),
    timeZone,
    from: new Date(b.from).toISOString(),
    to: new Date(b.to).toISOString(),
    requestedBy: input.requestedBy,
    ...(release ? { release } : {}),
  };
}

export interface ComputeOptions {
  mode: 'rollups' | 'direct';
  hotRule: HotRule;
  trendPeriods: number;
  /** The report's "now": first replies still missing 48 h after intake count as late. */
  now?: number;
  /** The interface person's analysis of the previous period's report, tracked in this one (R9.4). */
  previousAnalysis?: WrittenAnalysis;
}

/** Aggregates the periods a report needs and builds it (no storage). */
export async function computeReport(
  source: ReportSource,
  plan: ReportPlan,
  opts: ComputeOptions,
): Promise<Report> {
  const { kind, period, timeZone } = plan;
  const now = opts.now ?? Date.now();
  const previousPeriod = shiftPeriod(kind, period, -1);
  const beforePeriod = shiftPeriod(kind, period, -2);
  const cur = periodBounds(kind, period, timeZone);
  const prev = periodBounds(kind, previousPeriod, timeZone);
  const before = periodBounds(kind, beforePeriod, timeZone);
  const trendPeriods = Array.from({ length: opts.trendPeriods }, (_, i) =>
    shiftPeriod(kind, period, i - opts.trendPeriods + 1),
  );
  const keyField = kind === 'weekly' ? 'weekKey' : 'monthKey';

  let current: PeriodAgg;
  let previous: PeriodAgg;
  let beforeAgg: PeriodAgg;
  let trend: { period: string; count: number }[];
  if (opts.mode === 'rollups') {
    const trendDays = trendPeriods.map((p) => periodBounds(kind, p, timeZone).days);
    const allDays = [...new Set([...cur.days, ...prev.days, ...before.days, ...trendDays.flat()])];
    await source.refresh(allDays);
    const days = await source.rollups(allDays);
    const of = (list: string[]) => mergeAggs(list.map((d) => days.get(d)!));
    current = of(cur.days);
    previous = of(prev.days);
    beforeAgg = of(before.days);
    trend = trendPeriods.map((p, i) => ({
      period: p,
      count: trendDays[i]!.reduce((s, d) => s + rowOf(days.get(d)!, 'all').n, 0),
    }));
  } else {
    [current, previous, beforeAgg] = await Promise.all([
      source.direct({ [keyField]: period }),
      source.direct({ [keyField]: previousPeriod }),
      source.direct({ [keyField]: beforePeriod }),
    ]);
    trend = [];
    for (const p of trendPeriods)
      trend.push({ period: p, count: await source.directCount({ [keyField]: p }) });
    const hot = hotTopics(current, previous, opts.hotRule)
      .slice(0, TOP)
      .map((t) => t.key);
    current.examples = await source.directExamples({ [keyField]: period }, hot);
  }
  const overdueDays = [...cur.days, ...prev.days].filter(
    (d) => endOfDay(d, timeZone) + FIRST_REPLY_LIMIT_MS <= now,
  );
  return buildReport({
    plan,
    current,
    previous,
    before: beforeAgg,
    days: cur.days,
    previousDays: prev.days,
    overdueDays,
    trend,
    hotRule: opts.hotRule,
    generatedAt: new Date(now).toISOString(),
    source: opts.mode,
    ...(opts.previousAnalysis ? { previousAnalysis: opts.previousAnalysis } : {}),
  });
}

/** Stores a report; a new run bumps the revision, a retry of the same run keeps it. */
export async function storeReport(
  models: ReportModels,
  report: Report,
  runId: string,
  run: Pick<ProduceReportInput, 'workflowId' | 'draft'> = {},
): Promise<number> {
  const existing = await models.Report.findById(report.id).select({ revision: 1, runId: 1 }).lean();
  const revision = existing?.runId === runId ? existing.revision : (existing?.revision ?? 0) + 1;
  await models.Report.updateOne(
    { _id: report.id },
    {
      $set: {
        kind: report.kind,
        period: report.period,
        timeZone: report.timeZone,
        revision,
        runId,
        generatedAt: new Date(report.generatedAt),
        report,
        // A new draft of the period is the one the interface person works on (R9.4); its
        // analysis, written for an earlier revision of the same period, stays.
        status: run.draft ? 'DRAFT' : 'PRODUCED',
        ...(run.workflowId ? { workflowId: run.workflowId } : {}),
        ...(run.draft ? { draft: run.draft } : {}),
      },
    },
    { upsert: true },
  );
  return revision;
}

function heartbeat(detail: Record<string, unknown>): void {
  try {
    Context.current().heartbeat(detail);
  } catch {
    // not inside an activity (bench, tests)
  }
}

export function reportLinks(publicBaseUrl: string, id: string) {
  const base = `${publicBaseUrl.replace(/\/$/, '')}/v1/reports/${encodeURIComponent(id)}`;
  return { json: base, html: `${base}.html`, csv: (table: string) => `${base}/${table}.csv` };
}

export function createReportActivities(deps: ReportDeps): ReportActivities {
  const { config, logger } = deps;
  const store = reportModels(deps.models.Complaint.db);
  const source = () =>
    createReportSource({ models: deps.models, reportModels: store, logger, progress: heartbeat });

  async function planReport(input: PlanReportInput): Promise<ReportPlan> {
    return planFor(input, config.timeZone, config.release[input.kind]);
  }

  /** What the interface person wrote into the previous period's report, if anything (R9.4). */
  async function previousAnalysis(plan: ReportPlan): Promise<WrittenAnalysis | undefined> {
    const doc = await store.Report.findById(reportId(plan.kind, plan.previousPeriod))
      .select({ analysis: 1 })
      .lean();
    return doc?.analysis ?? undefined;
  }

  async function produceReport(input: ProduceReportInput): Promise<ReportProduced> {
    const started = Date.now();
    // A direct aggregation on FerretDB can run for minutes without a progress callback in between.
    const ticker = setInterval(() => heartbeat({ id: input.plan.id, ms: Date.now() - started }), 30_000);
    const written = await previousAnalysis(input.plan);
    const report = await computeReport(source(), input.plan, {
      mode: config.source,
      hotRule: config.hotRules[input.plan.kind],
      trendPeriods: config.trendPeriods[input.plan.kind],
      ...(written ? { previousAnalysis: written } : {}),
    }).finally(() => clearInterval(ticker));
    const revision = await storeReport(store, report, input.runId, input);
    logger.info(
      {
        id: report.id,
        revision,
        total: report.figures.total,
        ms: Date.now() - started,
        source: report.source,
      },
      'report produced',
    );
    return {
      id: report.id,
      revision,
      generatedAt: report.generatedAt,
      total: report.figures.total,
      hotTopics: report.hotTopics.length,
      source: report.source,
      topics: report.hotTopics.map((t) => t.key),
    };
  }

  async function saveReportAnalysis(input: SaveReportAnalysisInput): Promise<void> {
    const res = await store.Report.updateOne({ _id: input.id }, { $set: { analysis: input.analysis } });
    if (res.matchedCount === 0)
      throw ApplicationFailure.nonRetryable(`report ${input.id} not found`, 'ReportNotFound');
  }

  async function deliverReport(input: DeliverReportInput): Promise<ReportDelivered> {
    const doc = await store.Report.findById(input.id).lean();
    if (!doc) throw ApplicationFailure.nonRetryable(`report ${input.id} not found`, 'ReportNotFound');
    // The interface person's analysis goes out with the report it was written for (R9.4).
    const report: Report = doc.analysis ? { ...doc.report, written: doc.analysis } : doc.report;
    // Each report to its own addressees (R9.4): weekly 上级管理接口人, monthly 优化中心接口人.
    const to = config.recipients[report.kind];
    const links = reportLinks(config.publicBaseUrl, report.id);
    const subject = `ClosedLoop ${report.kind === 'weekly' ? '周报 weekly' : '月报 monthly'} report ${report.period}`;
    const attachments = CSV_TABLES.map((t) => ({
      filename: csvFileName(report, t),
      content: renderCsv(report, t),
      contentType: 'text/csv; charset=utf-8',
    }));
    const names = attachments.map((a) => a.filename);
    const messageId = `<${input.idempotencyKey.replace(/[^A-Za-z0-9.:-]/g, '_')}@closedloop>`;
    const prior = await claim(deps.models, {
      _id: input.idempotencyKey,
      kind: 'EMAIL',
      ticketId: report.id,
      to,
      subject,
      body: `report ${report.id} revision ${doc.revision}`,
    });
    const markSent = () =>
      store.Report.updateOne(
        { _id: report.id },
        {
          $set: {
            status: 'SENT',
            sentAt: new Date(),
            sentTo: to,
            ...(input.approvedBy ? { approvedBy: input.approvedBy } : {}),
          },
        },
      );
    if (prior?.state === 'SENT') {
      await markSent();
      return { to, messageId: prior.providerId ?? messageId, alreadySent: true, attachments: names };
    }
    await deps.mailer.sendMail({
      from: config.mailFrom,
      to,
      subject,
      text: renderReportText(report, links.html),
      html: renderReportHtml(report, { csv: links.csv }),
      attachments,
      messageId,
      headers: { 'X-ClosedLoop-Report': report.id, 'X-ClosedLoop-Key': input.idempotencyKey },
    });
    await deps.models.Outbox.updateOne(
      { _id: input.idempotencyKey },
      { $set: { state: 'SENT', providerId: messageId, updatedAt: new Date() } },
    );
    await markSent();
    logger.info({ id: report.id, to: to.length, attachments: names.length }, 'report e-mailed');
    return { to, messageId, alreadySent: false, attachments: names };
  }

  async function refreshReportRollups(): Promise<RefreshRollupsResult> {
    const res = await source().refresh();
    return { rebuilt: res.rebuilt.length, passes: res.passes };
  }

  return { planReport, produceReport, deliverReport, saveReportAnalysis, refreshReportRollups };
}
