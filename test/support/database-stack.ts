// The local stack without the worker and API, for tests of the database itself: registers
// beforeAll/afterAll in the calling test file and hands out the connection once it is up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { connectMongo } from '../../activities/models';
import { startStack, type Stack } from '../../infra/stack/stack';

export interface DatabaseStack {
  readonly stack: Stack;
  readonly mongo: Connection;
}

export function useDatabaseStack(): DatabaseStack {
  let stack: Stack | undefined;
  let mongo: Connection | undefined;
  let dataDir: string | undefined;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'closedloop-it-'));
    stack = await startStack({ dataDir, ports: 'auto', quiet: true, startApp: false });
    mongo = await connectMongo(stack.env.MONGODB_URI!);
  }, 300_000);
  afterAll(async () => {
    await mongo?.close();
    await stack?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);
  return {
    get stack() {
      if (!stack) throw new Error('the database stack is not up (used outside a test?)');
      return stack;
    },
    get mongo() {
      if (!mongo) throw new Error('the database stack is not up (used outside a test?)');
      return mongo;
    },
  };
}
