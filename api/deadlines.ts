// The API's health probe (S10, issue 26): answers within a second whatever its dependencies do. The
// calls' own deadlines are set on the connections: the database's in activities/models.ts
// (connectMongo), Temporal's in platform/temporal-connection.ts.
import type { Client } from '@temporalio/client';
import type { Connection as MongoConnection } from 'mongoose';

/** /healthz waits this long for each dependency; S10 asks for an answer within a second. */
export const HEALTH_PROBE_MS = 700;

export type DependencyState = 'up' | 'down';

export interface Health {
  ok: boolean;
  temporal: DependencyState;
  mongodb: DependencyState;
  /** Names what does not answer, for people and for the 503's reader. */
  message?: string;
}

/** Resolves with `fallback` after `ms` unless `work` settles first; never rejects. */
function within<T>(ms: number, work: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  return Promise.race([work.catch(() => fallback), late]).finally(() => clearTimeout(timer));
}

/**
 * Asks Temporal and the database at once, each with its own deadline (gRPC deadline, the driver's
 * abort signal) and a timer around both in case a call ignores its deadline (e.g. mongoose still
 * buffering while disconnected): answers within `ms` whatever the dependencies do.
 */
export async function checkHealth(
  deps: { client: Client; mongo: MongoConnection },
  ms = HEALTH_PROBE_MS,
): Promise<Health> {
  const temporalUp = within(
    ms,
    deps.client
      .withDeadline(Date.now() + ms, () => deps.client.workflowService.getSystemInfo({}))
      .then(() => true),
    false,
  );
  const db = deps.mongo.db;
  const mongoUp = within(
    ms,
    db
      ? db.command({ ping: 1 }, { signal: AbortSignal.timeout(ms) }).then(() => true)
      : Promise.resolve(false),
    false,
  );
  const [temporal, mongodb] = await Promise.all([temporalUp, mongoUp]);
  const down = [
    ...(temporal ? [] : ['the workflow service (Temporal)']),
    ...(mongodb ? [] : ['the database (MongoDB)']),
  ];
  return {
    ok: down.length === 0,
    temporal: temporal ? 'up' : 'down',
    mongodb: mongodb ? 'up' : 'down',
    ...(down.length > 0 ? { message: `${down.join(' and ')} did not answer within ${ms} ms` } : {}),
  };
}
