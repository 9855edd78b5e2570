// `npm run chaos` (issue 9): the fault scenarios of test/integration/chaos.test.ts in their long form
// (larger counts, longer outages, crash stops), on one local stack. Prints, per fault, complaints in
// flight, finished, duplicates sent and data lost, and exits 1 unless every one is clean.
//   CHAOS_SCALE=1 npm run chaos      (0.25 for a quicker pass; counts scale, outages do not)
//   CHAOS_ONLY=worker,temporal,database,providers,api   a subset, in this order
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStack } from '../../infra/stack/stack';
import { describeMachine } from '../bench/machine';
import {
  apiRestart,
  databaseDown,
  providersDown,
  reportTable,
  temporalRestart,
  workerKill,
  type ChaosEnv,
  type FaultReport,
} from '../support/chaos';
import { ApiClient } from '../support/stack';

const scale = Number(process.env.CHAOS_SCALE ?? 1);
const only = (process.env.CHAOS_ONLY ?? 'worker,temporal,database,providers,api').split(',');
const count = (n: number) => Math.max(5, Math.round(n * scale));

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'closedloop-chaos-'));
  console.log('starting the local stack …');
  const stack = await startStack({
    dataDir,
    ports: 'auto',
    quiet: true,
    appEnv: {
      LOG_LEVEL: 'info',
      POLICY_FILE: path.resolve(__dirname, '../fixtures/policy-fast.json'),
      RATE_LIMIT_PER_MINUTE: '1000000',
      MASS_INCIDENTS: 'off',
    },
  });
  const env: ChaosEnv = {
    stack,
    http: new ApiClient(stack.urls.api),
    log: (m) => console.log(`  ${new Date().toISOString().slice(11, 19)} ${m}`),
  };
  const reports: FaultReport[] = [];
  const run = async (name: string, scenario: () => Promise<FaultReport>) => {
    if (!only.includes(name)) return;
    console.log(`\n== ${name}`);
    const r = await scenario();
    const { filed: _filed, ...printable } = r as FaultReport & { filed?: unknown };
    console.log(JSON.stringify(printable, null, 2));
    reports.push(r);
  };
  try {
    (await describeMachine(stack)).lines.forEach((l) => console.log(l));
    await run('worker', () =>
      workerKill(env, { n: count(200), concurrency: 20, killAfterMs: 5_000, downMs: 10_000 }),
    );
    await run('temporal', () =>
      temporalRestart(env, { n: count(50), concurrency: 10, downMs: 30_000, signal: 'SIGKILL' }),
    );
    await run('database', () =>
      databaseDown(env, { before: count(20), during: count(40), downMs: 60_000, concurrency: 8 }),
    );
    await run('providers', () =>
      providersDown(env, {
        n: count(40),
        concurrency: 8,
        twilioDownMs: 60_000,
        mailDownMs: 60_000,
        // The first 10 s Twilio acts but answers after the client gave up (30 s): the outbox must
        // find the message instead of sending it again.
        slowMs: 10_000,
      }),
    );
    await run('api', () =>
      apiRestart(env, { n: count(200), clients: 16, restarts: 3, signal: 'SIGKILL', gapMs: 3_000 }),
    );
    await run('api', () =>
      apiRestart(env, { n: count(100), clients: 16, restarts: 2, signal: 'SIGTERM', gapMs: 3_000 }),
    );
    console.log(`\n${reportTable(reports)}`);
    const dirty = reports.filter(
      (r) =>
        r.finished !== r.inFlight ||
        r.duplicatesSent > 0 ||
        r.lost > 0 ||
        r.versionRegressions > 0 ||
        // A watcher that never read the read model proves nothing about versions.
        r.versionSamples === 0 ||
        r.http500 > 0,
    );
    if (dirty.length) {
      console.error(`\n${dirty.length} fault(s) not clean: ${dirty.map((r) => r.fault).join(', ')}`);
      process.exitCode = 1;
    }
  } finally {
    await stack.stop();
    if (!process.env.KEEP_CHAOS_DATA) rmSync(dataDir, { recursive: true, force: true });
    else console.log(`data kept in ${dataDir}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
