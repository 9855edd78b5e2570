// Temporal Schedules the worker keeps (reports R9, retention S8.1): created or brought up to date
// idempotently at every start, over a client connection of their own (the worker holds a native
// one). One place for both, so that every schedule is kept the same way.
import { Client, ScheduleAlreadyRunning, type ScheduleOptions } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Config } from '../platform/config';
import { createDataConverter } from '../platform/data-converter';
import { connectTemporal } from '../platform/temporal-connection';

/** Creates the schedule, or updates its spec, action and policies when it exists. Returns its id. */
export async function upsertSchedule(
  client: Client,
  options: ScheduleOptions,
  logger: Logger | undefined,
  what: string,
): Promise<string> {
  try {
    await client.schedule.create(options);
    logger?.info({ scheduleId: options.scheduleId }, `${what} schedule created`);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(options.scheduleId).update((prev) => ({
      ...prev,
      spec: options.spec,
      action: options.action,
      policies: { ...prev.policies, ...options.policies },
    }));
    logger?.debug({ scheduleId: options.scheduleId }, `${what} schedule up to date`);
  }
  return options.scheduleId;
}

/** Runs `use` with a client of its own (calls with deadlines, S10, and the payload codec). */
export async function withScheduleClient<T>(config: Config, use: (client: Client) => Promise<T>): Promise<T> {
  const connection = await connectTemporal(config.temporal);
  try {
    return await use(
      new Client({
        connection,
        namespace: config.TEMPORAL_NAMESPACE,
        dataConverter: createDataConverter({
          keys: config.PAYLOAD_KEYS,
          currentKeyId: config.PAYLOAD_KEY_ID,
        }),
      }),
    );
  } finally {
    await connection.close();
  }
}
