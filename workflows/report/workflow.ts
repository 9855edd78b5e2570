// The report workflow (R9): started by the weekly and monthly Schedules (Monday and the first of the
// month, 09:00 in REPORT_TIMEZONE) or on demand through the API. It plans the period (the last
// completed one at the scheduled time unless one is named), produces and stores the report, and
// e-mails it to the interface people. The rollup workflow refreshes the per-day rollups hourly.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ReportActivities } from '../../activities/reports/types';
import type { ReportRequest, ReportResult } from './contract';

const plan = proxyActivities<ReportActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 10 },
});

const produce = proxyActivities<ReportActivities>({
  startToCloseTimeout: '1h',
  heartbeatTimeout: '5m',
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 5 },
});

const deliver = proxyActivities<ReportActivities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 20 },
});

const TemporalScheduledStartTime = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);

/** The time the Schedule meant this run for: its search attribute, or the suffix Schedules add to ids. */
export function scheduledTime(info: {
  workflowId: string;
  startTime: Date;
  typedSearchAttributes?: { get(key: typeof TemporalScheduledStartTime): Date | undefined };
}): Date {
  let fromAttribute: Date | undefined;
  try {
    fromAttribute = info.typedSearchAttributes?.get(TemporalScheduledStartTime);
  } catch {
    fromAttribute = undefined;
  }
  if (fromAttribute instanceof Date && !Number.isNaN(fromAttribute.getTime())) return fromAttribute;
  const suffix = /-(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)$/.exec(info.workflowId)?.[1];
  const parsed = suffix ? new Date(suffix) : undefined;
  return parsed && !Number.isNaN(parsed.getTime()) ? parsed : info.startTime;
}

export async function reportWorkflow(request: ReportRequest): Promise<ReportResult> {
  const info = workflowInfo();
  const at = scheduledTime(info);
  const p = await plan.planReport({
    kind: request.kind,
    period: request.period,
    at: at.toISOString(),
    requestedBy: request.requestedBy ?? 'schedule',
  });
  const produced = await produce.produceReport({ plan: p, runId: info.runId });
  const delivered =
    request.deliver === false
      ? undefined
      : await deliver.deliverReport({ id: p.id, idempotencyKey: `report:${p.id}:${info.runId}` });
  return { ...produced, kind: p.kind, period: p.period, ...(delivered ? { delivered } : {}) };
}

/** Rebuilds the per-day rollups of every day a projection marked changed (hourly Schedule). */
export async function reportRollupsWorkflow(): Promise<{ rebuilt: number; passes: number }> {
  return produce.refreshReportRollups();
}
