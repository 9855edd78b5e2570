// Temporal Schedules of the reports (R9.3), created or brought up to date idempotently at worker
// start: the weekly report every Monday 09:00 and the monthly report on the first of the month
// 09:00 in REPORT_TIMEZONE, and an hourly refresh of the per-day rollups. Several workers starting
// at once are fine: the loser of a create updates the same spec.
import { type Client, ScheduleOverlapPolicy, type ScheduleOptions } from '@temporalio/client';
import type { Logger } from 'pino';
import {
  REPORT_SCHEDULE_IDS,
  REPORT_WORKFLOW_TYPE,
  type ReportKind,
  type ReportRequest,
} from '../workflows/report/contract';
import type { Config } from '../platform/config';
import { DEFAULT_HOT_POLICY, type HotPolicy } from '../domain/policy/hot';
import type { PolicySet } from '../domain/policy/sla';
import {
  HOT_DIGEST_SCHEDULE_ID,
  HOT_DIGEST_SCHEDULED_ID,
  HOT_DIGEST_WORKFLOW_TYPE,
  type HotDigestRequest,
} from '../workflows/hot-digest/contract';
import { upsertSchedule, withScheduleClient } from './schedules';

export const ROLLUP_SCHEDULE_ID = 'closedloop-report-rollups';

export function reportScheduleOptions(taskQueue: string, timeZone: string): ScheduleOptions[] {
  const report = (
    kind: ReportKind,
    calendar: NonNullable<ScheduleOptions['spec']['calendars']>[number],
  ): ScheduleOptions => ({
    scheduleId: REPORT_SCHEDULE_IDS[kind],
    spec: { calendars: [calendar], timezone: timeZone },
    action: {
      type: 'startWorkflow',
      workflowType: REPORT_WORKFLOW_TYPE,
      taskQueue,
      // Temporal appends the scheduled time to this id; the workflow reads the period from it.
      workflowId: `report-${kind}-scheduled`,
      args: [{ kind, requestedBy: 'schedule' } satisfies ReportRequest],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    memo: { purpose: `${kind} complaint report (R9)` },
  });
  return [
    report('weekly', { dayOfWeek: 'MONDAY', hour: 9, minute: 0, comment: 'Monday 09:00' }),
    report('monthly', { dayOfMonth: 1, hour: 9, minute: 0, comment: 'first of the month 09:00' }),
    {
      scheduleId: ROLLUP_SCHEDULE_ID,
      spec: { intervals: [{ every: '1h', offset: '20m' }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'reportRollupsWorkflow',
        taskQueue,
        workflowId: 'report-rollups-scheduled',
        args: [],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
      memo: { purpose: 'refresh the per-day report rollups of changed days' },
    },
  ];
}

/** Creates each schedule, or updates its spec and action when it exists. Returns the ids. */
export async function ensureReportSchedules(
  client: Client,
  opts: { taskQueue: string; timeZone: string; logger?: Logger },
): Promise<string[]> {
  const ids: string[] = [];
  for (const options of reportScheduleOptions(opts.taskQueue, opts.timeZone))
    ids.push(await upsertSchedule(client, options, opts.logger, 'report'));
  return ids;
}

/** ensureReportSchedules over its own client connection (the worker holds a native one). */
export function ensureReportSchedulesFor(config: Config, logger: Logger): Promise<string[]> {
  return withScheduleClient(config, (client) =>
    ensureReportSchedules(client, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      timeZone: config.REPORT_TIMEZONE,
      logger,
    }),
  );
}

/**
 * The daily digest of the hot list to the interface person(s) (R4.7), at the hot policy's digest
 * time of day in its time zone.
 */
export function hotDigestScheduleOptions(
  taskQueue: string,
  digest: HotPolicy['digest'] = DEFAULT_HOT_POLICY.digest,
): ScheduleOptions {
  const [hour, minute] = digest.at.split(':').map(Number) as [number, number];
  return {
    scheduleId: HOT_DIGEST_SCHEDULE_ID,
    spec: { calendars: [{ hour, minute, comment: `every day ${digest.at}` }], timezone: digest.timeZone },
    action: {
      type: 'startWorkflow',
      workflowType: HOT_DIGEST_WORKFLOW_TYPE,
      taskQueue,
      workflowId: HOT_DIGEST_SCHEDULED_ID,
      args: [{ requestedBy: 'schedule' } satisfies HotDigestRequest],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '6 hours' },
    memo: { purpose: 'daily digest of the hot complaints to the interface person (R4.7)' },
  };
}

/**
 * Creates or updates the hot-digest Schedule from the active policy set's digest time. A digest
 * time changed through the policy API applies at the next worker start.
 */
export function ensureHotDigestScheduleFor(
  config: Config,
  logger: Logger,
  activePolicySet: () => Promise<PolicySet>,
): Promise<string> {
  return withScheduleClient(config, async (client) => {
    const set = await activePolicySet();
    return upsertSchedule(
      client,
      hotDigestScheduleOptions(config.TEMPORAL_TASK_QUEUE, set.hot?.digest),
      logger,
      'hot digest',
    );
  });
}
