// What the database-only benchmarks share (`bench:id-lookup`, `bench:list`): the local stack's
// database without worker and API (FerretDB on PostgreSQL unless MONGODB_URI is set), the product's
// models with their indexes, and a per-operation timer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { createModels, type Models } from '../../activities/models';
import { startStack, type Stack } from '../../infra/stack/stack';
import { machine } from './stats';

/** Starts the database, runs `bench` with it, and stops and removes everything afterwards. */
export async function withBenchDatabase(
  name: string,
  bench: (db: { stack: Stack; conn: Connection; models: Models }) => Promise<void>,
): Promise<void> {
  console.log(`machine: ${machine()}`);
  const dataDir = mkdtempSync(path.join(tmpdir(), `closedloop-${name}-`));
  const stack = await startStack({ dataDir, ports: 'auto', quiet: true, startApp: false });
  const conn = await mongoose.createConnection(stack.env.MONGODB_URI!).asPromise();
  const models = createModels(conn);
  await models.Complaint.init(); // its indexes, as the worker creates them
  try {
    console.log(`database: ${stack.urls.mongo}`);
    await bench({ stack, conn, models });
  } finally {
    await conn.close();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Mean ms per call of `op` over `n` calls in a row. */
export async function msPerCall(n: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await op(i);
  return Number(process.hrtime.bigint() - t0) / 1e6 / n;
}

/** Runs a benchmark's main and exits 1 with the error when it fails. */
export function runBench(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
