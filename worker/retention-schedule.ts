// The Temporal Schedule of the retention sweep (issue 22, S8.1): every day at 03:30 in
// REPORT_TIMEZONE, created or brought up to date idempotently at worker start like the report
// schedules. Skips a run while the previous one is still going; a missed run is caught up within a day.
import {
  Client,
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type ScheduleOptions,
} from '@temporalio/client';
import type { Logger } from 'pino';
import {
  RETENTION_SCHEDULE_ID,
  RETENTION_SWEEP_WORKFLOW_TYPE,
  type SweepInput,
} from '../workflows/privacy/contract';
import type { Config } from './config';
import { createDataConverter } from './data-converter';
import { connectTemporal } from './temporal-connection';

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
  const options = retentionScheduleOptions(opts.taskQueue, opts.timeZone);
  try {
    await client.schedule.create(options);
    opts.logger?.info({ scheduleId: options.scheduleId }, 'retention schedule created');
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(options.scheduleId).update((prev) => ({
      ...prev,
      spec: options.spec,
      action: options.action,
      policies: { ...prev.policies, ...options.policies },
    }));
  }
  return options.scheduleId;
}

/** ensureRetentionSchedule over its own client connection (the worker holds a native one). */
export async function ensureRetentionScheduleFor(config: Config, logger: Logger): Promise<string> {
  const connection = await connectTemporal(config.TEMPORAL_ADDRESS);
  try {
    const client = new Client({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      dataConverter: createDataConverter({ keys: config.PAYLOAD_KEYS, currentKeyId: config.PAYLOAD_KEY_ID }),
    });
    return await ensureRetentionSchedule(client, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      timeZone: config.REPORT_TIMEZONE,
      logger,
    });
  } finally {
    await connection.close();
  }
}
