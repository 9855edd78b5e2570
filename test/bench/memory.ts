// `npm run bench:memory` (issue 9): the worker's memory with many open complaints in its cache, and
// with the cache capped (the complaints evicted). RSS from /proc/<pid>/status (VmRSS) of the worker
// process, which includes the workflow thread; heap from the worker's own "worker stats" log line
// (WORKER_STATS_INTERVAL_MS), which is the main thread's V8 heap only (activities, SDK) — the
// workflow code runs in a worker thread whose heap only the RSS shows.
//   BENCH_N=10000 npm run bench:memory         (default 10,000; `-- --n 2000` for fewer)
//   BENCH_CAP=100                               cache size of the second worker (eviction)
//   -- --ceilings-only                          only the three ceiling workers (a few minutes)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { ManagedProcess } from '../../infra/stack/processes';
import { startStack, type Stack } from '../../infra/stack/stack';
import { getComplaintQuery } from '../../workflows/complaint/contract';
import { dataConverterFromEnv } from '../../platform/data-converter';
import { fileComplaint, newCallStats, pool, type ChaosEnv } from '../support/chaos';
import { ApiClient } from '../support/stack';
import { spreadComplaint } from './data';
import { describeMachine, rssMiB } from './machine';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface Stats {
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
  cachedWorkflows: number;
}

/** The newest "worker stats" line of this worker's log file. */
function lastStats(worker: ManagedProcess): Stats | undefined {
  if (!worker.logFile) return undefined;
  const lines = readFileSync(worker.logFile, 'utf8').split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!lines[i]!.includes('"worker stats"')) continue;
    return JSON.parse(lines[i]!) as Stats;
  }
  return undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until a process's RSS stops growing (three samples within 2 %) and returns it. */
async function settledRss(pid: number | undefined): Promise<number> {
  let last = rssMiB(pid);
  for (let i = 0; i < 30; i++) {
    await sleep(3_000);
    const now = rssMiB(pid);
    if (Math.abs(now - last) / last < 0.02) break;
    last = now;
  }
  return rssMiB(pid);
}

/** The worker's settled RSS and its next "worker stats" line. */
async function settled(worker: ManagedProcess): Promise<{ rss: number; stats?: Stats }> {
  await settledRss(worker.pid);
  await sleep(2_500); // one more stats line
  return { rss: rssMiB(worker.pid), stats: lastStats(worker) };
}

/** MiB of RSS spread over n workflows, in KiB each. */
const kibPer = (mib: number, n: number) => ((mib * 1024) / n).toFixed(0);

type CeilingKind = 'bare' | 'product-modules' | 'product-shared';

/**
 * The ceiling (test/bench/ceiling/memory-worker.ts, its own process): N workflows that only sleep,
 * all cached, with the SDK alone ('bare') and with every product workflow module bundled and
 * evaluated per workflow ('product-modules'). Returns the worker's RSS idle and with N cached.
 */
async function ceiling(
  stack: Stack,
  client: Client,
  kind: CeilingKind,
  n: number,
  nodeOptions: Record<string, string>,
): Promise<{ idle: number; full: number }> {
  const taskQueue = `bench-memory-${kind}-${process.pid}`;
  const loader = pathToFileURL(require.resolve('tsx')).href;
  const child = spawn(
    process.execPath,
    ['--import', loader, require.resolve('./ceiling/memory-worker.ts'), kind, taskQueue, String(n + 200)],
    { env: { ...process.env, ...stack.env, ...nodeOptions }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let cached = -1;
  let ready = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) {
      if (line === 'ready') ready = true;
      const m = /^cached (\d+)$/.exec(line);
      if (m) cached = Number(m[1]);
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    while (!ready) {
      if (child.exitCode !== null) throw new Error(`ceiling worker (${kind}) exited with ${child.exitCode}`);
      await sleep(500);
    }
    const idle = await settledRss(child.pid);
    const wakeAt = Date.now() + 24 * 3600_000; // they sleep through the run
    await pool(
      Array.from({ length: n }, (_, i) => i),
      16,
      (i) =>
        client.workflow.start('sleepUntilWorkflow', {
          taskQueue,
          workflowId: `bench-memory-${kind}-${process.pid}-${i}`,
          args: [wakeAt],
        }),
    );
    while (cached < n) await sleep(1_000);
    const full = await settledRss(child.pid);
    return { idle, full };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

async function waitAcked(stack: Stack, n: number): Promise<void> {
  for (;;) {
    const sent = ((await (await fetch(`${stack.urls.twilioSim}/_sim/messages`)).json()) as unknown[]).length;
    if (sent >= n) return;
    await sleep(3_000);
  }
}

async function main(): Promise<void> {
  const n = Number(arg('n') ?? process.env.BENCH_N ?? 10_000);
  const cap = Number(process.env.BENCH_CAP ?? 100);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
  // ~0.6 MiB per cached complaint: 10,000 need more than V8's default heap limit.
  const nodeOptions: Record<string, string> = n > 2000 ? { NODE_OPTIONS: '--max-old-space-size=12288' } : {};
  const dataDir = mkdtempSync(path.join(tmpdir(), 'closedloop-bench-memory-'));
  const stack = await startStack({
    dataDir,
    ports: 'auto',
    quiet: true,
    appEnv: {
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '1000000',
      MASS_INCIDENTS: 'off',
      WORKER_MAX_CACHED_WORKFLOWS: String(n + 200),
      ...nodeOptions,
      WORKER_STATS_INTERVAL_MS: '2000',
    },
  });
  const connection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  const client = new Client({ connection, dataConverter: dataConverterFromEnv(stack.env) });
  const rows: [string, number, Stats | undefined][] = [];
  // Each row is printed as soon as it is measured: a long run that is cut short keeps its figures.
  const keep = (label: string, rss: number, s?: Stats) => {
    rows.push([label, rss, s]);
    console.log(
      `measured: ${label}: RSS ${rss.toFixed(0)} MiB, heap ${s ? `${s.heapUsedMiB.toFixed(0)} / ${s.heapTotalMiB.toFixed(0)} MiB` : 'not reported'}, cached ${s?.cachedWorkflows ?? 'not reported'}`,
    );
  };
  try {
    (await describeMachine(stack)).lines.forEach((l) => console.log(l));
    const env: ChaosEnv = { stack, http: new ApiClient(stack.urls.api), log: () => undefined };
    // The ceilings first (a few minutes): a long product run that is cut short keeps them.
    const ceilings: [string, { idle: number; full: number }][] = [];
    for (const [kind, label] of [
      ['bare', 'ceiling: a workflow that only sleeps, SDK alone'],
      ['product-modules', 'ceiling: the same, bundled with every product workflow module'],
      ['product-shared', 'ceiling: the same, the modules shared (as the worker bundles them)'],
    ] as const) {
      console.log(`ceiling (${kind}): ${n} sleeping workflows on a worker of their own …`);
      const c = await ceiling(stack, client, kind, n, nodeOptions);
      ceilings.push([label, c]);
      keep(`${label}, idle`, c.idle);
      keep(`${label}, ${n} cached`, c.full);
      console.log(`  per cached workflow: ${kibPer(c.full - c.idle, n)} KiB of RSS`);
    }
    if (process.argv.includes('--ceilings-only')) return;
    const idle = await settled(stack.worker!);
    keep('worker idle, nothing cached', idle.rss, idle.stats);
    console.log(`filing ${n} complaints (each stays open: default policy, no handler acts) …`);
    const stats = newCallStats();
    const started = Date.now();
    const ids = await pool(
      Array.from({ length: n }, (_, i) => i),
      concurrency,
      async (i) => {
        const f = await fileComplaint(env, stats, spreadComplaint(i));
        if ((i + 1) % 1000 === 0)
          console.log(`  filed ${i + 1} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
        return f.ticketId;
      },
    );
    await waitAcked(stack, n);
    console.log(`all ${n} acknowledged after ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const full = await settled(stack.worker!);
    keep(`${n} open complaints cached (cache ${n + 200})`, full.rss, full.stats);

    // Eviction: a worker whose cache holds `cap` workflows takes over; every complaint is touched
    // once (a query replays it into the cache, evicting the least recently used).
    console.log(
      `restarting the worker with WORKER_MAX_CACHED_WORKFLOWS=${cap} and touching every complaint …`,
    );
    await stack.worker!.stop();
    const capped = await stack.startWorker({ WORKER_MAX_CACHED_WORKFLOWS: String(cap) });
    const fresh = await settled(capped);
    keep(`new worker, cache ${cap}, before touching`, fresh.rss, fresh.stats);
    const t = Date.now();
    await pool(ids, 8, (id) => client.workflow.getHandle(`complaint-${id}`).query(getComplaintQuery));
    console.log(
      `queried ${n} complaints in ${((Date.now() - t) / 1000).toFixed(0)} s (each replayed from history)`,
    );
    const after = await settled(capped);
    keep(`${n} open complaints, cache ${cap} (all but ${cap} evicted)`, after.rss, after.stats);

    console.log('\n| worker state | RSS MiB | main-thread heap used / total MiB | cached workflows |');
    console.log('| --- | ---: | ---: | ---: |');
    for (const [label, rss, s] of rows)
      console.log(
        `| ${label} | ${rss.toFixed(0)} | ${s ? `${s.heapUsedMiB.toFixed(0)} / ${s.heapTotalMiB.toFixed(0)}` : '—'} | ${s?.cachedWorkflows ?? '—'} |`,
      );
    console.log(
      `\nper cached complaint: ${kibPer(full.rss - idle.rss, n)} KiB of RSS ((cached − idle) / ${n}); ` +
        `eviction brings the worker to ${after.rss.toFixed(0)} MiB with ${n} complaints still open`,
    );
    for (const [label, c] of ceilings)
      console.log(`per cached workflow, ${label}: ${kibPer(c.full - c.idle, n)} KiB of RSS`);
  } finally {
    await connection.close();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
