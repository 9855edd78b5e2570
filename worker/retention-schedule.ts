// The Temporal Schedule of the retention sweep (issue 22, S8.1): every day at 03:30 in
// REPORT_TIMEZONE, created or brought up to date idempotently at worker start like the report
// schedules. Skips a run while the previous one is still going; a missed run is caught up within a day.
import { type Client, ScheduleOverlapPolicy, type ScheduleOptions } from '@temporalio/client';
import type { Logger } from 'pino';
import {
  RETENTION_SCHEDULE_ID,
  RETENTION_SWEEP_WORKFLOW_TYPE,
  type SweepInput,
} from '../workflows/privacy/contract';
import type { Config } from '../platform/config';
import { upsertSchedule, withScheduleClient } from './schedules';

export function retentionScheduleOptions(taskQueue: string, timeZone: string): ScheduleOptions {
  return {
    scheduleId: RETENTION_SCHEDULE_ID,
    spec: { calendars: [{ hour: 3, minute: 30, comment: 'every day 03:30' }], timezone: timeZone },
    action: {
      type: 'startWorkflow',
      workflowType: RETENTION_SWEEP_WORKFLOW_TYPE,
      taskQueue,
      // Temporal appends the scheduled time to this id.
      workflowId: 'retention-sweep',
      args: [{ trigger: 'schedule' } satisfies SweepInput],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    memo: { purpose: 'remove personal data past its retention (issue 22, S8.1)' },
  };
}

/** Creates the schedule, or updates its spec and action when it exists. */
export async function ensureRetentionSchedule(
  client: Client,
  opts: { taskQueue: string; timeZone: string; logger?: Logger },
): Promise<string> {
  return upsertSchedule(
    client,
    retentionScheduleOptions(opts.taskQueue, opts.timeZone),
    opts.logger,
    'retention',
  );
}

/** ensureRetentionSchedule over its own client connection (the worker holds a native one). */
export function ensureRetentionScheduleFor(config: Config, logger: Logger): Promise<string> {
  return withScheduleClient(config, (client) =>
    ensureRetentionSchedule(client, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      timeZone: config.REPORT_TIMEZONE,
      logger,
    }),
  );
}
