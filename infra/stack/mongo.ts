// What the three MongoDB routes of the local stack (services/mongodb-uri.ts, mongod.ts,
// ferretdb.ts) share: the database name and the health check.
import mongoose from 'mongoose';
import { type ManagedProcess, waitUntil } from './processes';

export const DB_NAME = 'closedloop';
export const MONGO_READY_MS = 60_000;

/** Resolves once a MongoDB ping over `uri` answers. */
export function waitForMongo(uri: string, timeoutMs: number, abortOn?: ManagedProcess): Promise<void> {
  return waitUntil(`a MongoDB ping on ${redact(uri)}`, () => mongoPing(uri), timeoutMs, abortOn, 500);
}

async function mongoPing(uri: string): Promise<boolean> {
  const connection = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 2000 });
  try {
    await connection.asPromise();
    await connection.db?.admin().ping();
    return true;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

function redact(uri: string): string {
  return uri.replace(/\/\/([^@/]+)@/, '//***@');
}
