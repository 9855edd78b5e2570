// `npm run bench:timers` (issue 9): many open complaints whose deadlines fall in the same minute;
// how late do the breach escalations fire? Every complaint's acceptance clock runs on a business
// calendar whose only working window opens at T0, with a target of 60–109 s (by category), so
// every deadline falls between T0+60 s and T0+109 s however early the complaint was filed. The
// lateness is read from the projection: the CLOCK_BREACHED timeline entry (the workflow reacted)
// and the escalation e-mail in the mail sink (the person was told), against the clock's deadline.
// The ceiling: the same number of bare Temporal timers (a workflow that only sleeps until the same
// instants) on a worker in this process, against the same server, measured in the same run.
//   BENCH_N=10000 npm run bench:timers          (default 10,000; `-- --n 1000` for fewer)
// T0 is chosen so that the worker has settled before it: a calibration batch (n/20, 20–200
// complaints, default policy, left open) measures how fast this machine files and settles
// complaints; then the bench policy set is activated (PolicyStore.save, what an admin's
// POST /v1/policies does) and the N complaints are filed. BENCH_LEAD_S overrides the lead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import mongoose from 'mongoose';
import { PolicyStore } from '../../activities/policy-store';
import { startStack, type Stack } from '../../infra/stack/stack';
import { CATEGORIES } from '../../workflows/complaint/contract';
import { DEFAULT_POLICY_SET } from '../../domain/policy/default-policies';
import type { PolicySet } from '../../domain/policy/sla';
import { dataConverterFromEnv } from '../../platform/data-converter';
import { fileComplaint, newCallStats, pool, type ChaosEnv } from '../support/chaos';
import { ApiClient } from '../support/stack';
import { spreadComplaint } from './data';
import { cpuDelta, cpuProfileEnv, describeMachine, rssMiB, stackCpu } from './machine';
import { percentile } from './stats';

const TARGET_S = (i: number) => 60 + 7 * i; // by category index: 60 … 109 s

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** A policy set whose acceptance clocks all fall due in the minute after T0 (UTC minute boundary). */
function benchPolicySet(t0: Date): Omit<PolicySet, 'version'> {
  const hhmm = (d: Date) => d.toISOString().slice(11, 16);
  const end = new Date(t0.getTime() + 30 * 60_000);
  const set = {
    calendars: {
      'bench-window': {
        kind: 'business',
        days: [1, 2, 3, 4, 5, 6, 7],
        from: hhmm(t0),
        to: end.getUTCDate() === t0.getUTCDate() ? hhmm(end) : '23:59',
        utcOffsetMinutes: 0,
        holidays: [],
      },
    },
    policies: CATEGORIES.map((category, i) => ({
      id: `bench-timers-${category}`,
      version: 1,
      description: 'bench:timers — acceptance due in the minute after the window opens',
      match: i === 0 ? {} : { categories: [category] },
      clocks: {
        acceptance: { target: `${TARGET_S(i)}s`, warnAt: [], calendar: 'bench-window' },
        firstReply: { target: '48h', warnAt: [] },
        handling: { target: '30d', warnAt: [] },
      },
    })),
  };
  return set as Omit<PolicySet, 'version'>;
}

interface Lateness {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

function lateness(values: number[]): Lateness {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s.at(-1) ?? NaN };
}

const fmt = (l: Lateness) =>
  `n ${l.n}, p50 ${(l.p50 / 1000).toFixed(2)} s, p99 ${(l.p99 / 1000).toFixed(2)} s, max ${(l.max / 1000).toFixed(2)} s`;

/** The ceiling: N workflows that only sleep until the same instants, then complete. */
async function ceiling(stack: Stack, client: Client, dues: number[]): Promise<Lateness> {
  const native = await NativeConnection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  const taskQueue = `bench-timers-${process.pid}`;
  const worker = await Worker.create({
    connection: native,
    taskQueue,
    workflowsPath: require.resolve('./ceiling/timer-workflow'),
    dataConverter: dataConverterFromEnv(stack.env),
    maxCachedWorkflows: dues.length + 100,
  });
  const running = worker.run();
  try {
    const handles = await pool(dues, 16, (due, i) =>
      client.workflow.start('sleepUntilWorkflow', {
        taskQueue,
        workflowId: `bench-timer-${process.pid}-${i}`,
        args: [due],
      }),
    );
    const fired = await pool(handles, 16, (h) => h.result() as Promise<number>);
    return lateness(fired.map((at, i) => at - dues[i]!));
  } finally {
    worker.shutdown();
    await running;
    await native.close();
  }
}

async function main(): Promise<void> {
  const n = Number(arg('n') ?? process.env.BENCH_N ?? 10_000);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'closedloop-bench-timers-'));
  Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
  const stack = await startStack({
    dataDir,
    ports: 'auto',
    quiet: true,
    appEnv: {
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '1000000',
      MASS_INCIDENTS: 'off',
      // Every complaint stays cached, as in production with enough memory.
      WORKER_MAX_CACHED_WORKFLOWS: String(n + 400),
      // ~0.6 MiB per cached complaint: 10,000 need more than V8's default heap limit.
      ...(n > 2000 ? { NODE_OPTIONS: '--max-old-space-size=12288' } : {}),
      ...cpuProfileEnv(),
    },
  });
  const connection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  const client = new Client({ connection, dataConverter: dataConverterFromEnv(stack.env) });
  const db = await mongoose.createConnection(stack.env.MONGODB_URI!).asPromise();
  try {
    (await describeMachine(stack)).lines.forEach((l) => console.log(l));
    const env: ChaosEnv = { stack, http: new ApiClient(stack.urls.api), log: () => undefined };
    const stats = newCallStats();
    const smsSent = async () =>
      ((await (await fetch(`${stack.urls.twilioSim}/_sim/messages`)).json()) as unknown[]).length;
    // Calibration: how fast does this machine file and settle complaints right now?
    const k = Math.min(200, Math.max(20, Math.round(n / 20)));
    const calibrationStart = Date.now();
    await pool(
      Array.from({ length: k }, (_, i) => i),
      concurrency,
      (i) => fileComplaint(env, stats, spreadComplaint(n + i)),
    );
    while ((await smsSent()) < k) await new Promise((r) => setTimeout(r, 1_000));
    const rate = k / ((Date.now() - calibrationStart) / 1000);
    const leadS = Number(process.env.BENCH_LEAD_S ?? Math.ceil((1.5 * n) / rate) + 60);
    const t0 = new Date(Math.ceil((Date.now() + leadS * 1000) / 60_000) * 60_000);
    if (t0.getUTCDate() !== new Date(t0.getTime() + 30 * 60_000).getUTCDate())
      throw new Error('the window would cross midnight UTC; run again later or set BENCH_LEAD_S');
    const saved = await new PolicyStore(db, DEFAULT_POLICY_SET).save(benchPolicySet(t0), 'bench');
    if (!('version' in saved)) throw new Error(`bench policy set refused: ${JSON.stringify(saved)}`);
    await new Promise((r) => setTimeout(r, 6_000)); // the worker's policy cache holds 5 s
    console.log(
      `calibration: ${k} complaints settled at ${rate.toFixed(1)}/s → lead ${leadS} s; ${n} complaints, ` +
        `every acceptance deadline between ${new Date(t0.getTime() + 60_000).toISOString()} and ` +
        `${new Date(t0.getTime() + 109_000).toISOString()}`,
    );
    const started = Date.now();
    const ids = await pool(
      Array.from({ length: n }, (_, i) => i),
      concurrency,
      async (i) => {
        const f = await fileComplaint(env, stats, spreadComplaint(i));
        if ((i + 1) % 1000 === 0)
          console.log(`  filed ${i + 1} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
        return { ticketId: f.ticketId, due: t0.getTime() + TARGET_S(i % CATEGORIES.length) * 1000 };
      },
    );
    const filedS = (Date.now() - started) / 1000;
    console.log(
      `filed ${n} in ${filedS.toFixed(0)} s (${(n / filedS).toFixed(1)}/s); waiting for T0 ${t0.toISOString()} …`,
    );
    // Is the worker idle before T0? (Every complaint acknowledged by SMS.)
    const views = db.collection('complaint_views');
    for (;;) {
      const a = (await smsSent()) - k;
      if (a >= n || Date.now() > t0.getTime()) {
        console.log(
          `before T0: ${a}/${n} complaints acknowledged (${a >= n ? 'worker settled' : 'worker still busy at T0: lateness includes that backlog'})`,
        );
        break;
      }
      await new Promise((r) => setTimeout(r, 5_000));
    }
    const cpu0 = stackCpu(dataDir);
    // Wait for every breach to be committed (a light poll of Temporal's visibility, not the database).
    const deadline = t0.getTime() + 3_600_000;
    let breached = 0;
    for (;;) {
      const { count } = await client.workflow.count(
        'WorkflowType = "complaintWorkflow" AND SlaBreached = true',
      );
      breached = count;
      if (breached >= n || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 5_000));
    }
    const allProjectedAt = Date.now();
    const cpu = cpuDelta(cpu0, stackCpu(dataDir));
    console.log(
      `${breached}/${n} breaches projected ${((allProjectedAt - t0.getTime() - 60_000) / 1000).toFixed(0)} s after the first deadline; worker RSS ${rssMiB(stack.worker?.pid).toFixed(0)} MiB; CPU ms per breach: ${cpu.map(([k, v]) => `${k} ${((1000 * v) / n).toFixed(0)}`).join(', ')}`,
    );
    const due = new Map(ids.map((x) => [x.ticketId, x.due]));
    // The search attribute is set just before the projection is written: read until all are there.
    let reacted: number[] = [];
    for (let attempt = 0; attempt < 24; attempt++) {
      reacted = [];
      const cursor = views.find({}, { projection: { 'view.timeline': 1 } });
      for await (const doc of cursor) {
        const timeline = (doc.view as { timeline: { at: string; action: string; detail?: string }[] })
          .timeline;
        const entry = timeline.find((t) => t.action === 'CLOCK_BREACHED' && t.detail === 'acceptance');
        const d = due.get(String(doc._id));
        if (entry && d !== undefined) reacted.push(Date.parse(entry.at) - d);
      }
      if (reacted.length >= n) break;
      await new Promise((r) => setTimeout(r, 5_000));
    }
    // Escalation e-mails (the supervisor was told), by receipt time in the mail sink.
    const mails = (await (await fetch(`${stack.urls.mailInbox}/api/messages?subject=Escalation`)).json()) as {
      subject: string;
      receivedAt: string;
    }[];
    const told: number[] = [];
    for (const m of mails) {
      const d = due.get(m.subject.slice(m.subject.indexOf('】') + 1).trim());
      if (d !== undefined) told.push(Date.parse(m.receivedAt) - d);
    }
    const product = lateness(reacted);
    const mail = lateness(told);
    // Printed before the ceiling runs (several minutes at 10,000): a run cut short keeps them.
    console.log(`product: ${fmt(product)}\nmail: ${fmt(mail)}`);
    console.log('running the ceiling: the same number of bare timers at the same instants …');
    const c0 = new Date(Math.ceil((Date.now() + 60_000 + n * 30) / 60_000) * 60_000).getTime();
    const bare = await ceiling(
      stack,
      client,
      ids.map((x) => x.due - t0.getTime() + c0),
    );
    console.log('\n| lateness after the deadline | p50 | p99 | max | n |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    const row = (label: string, l: Lateness) =>
      console.log(
        `| ${label} | ${(l.p50 / 1000).toFixed(2)} s | ${(l.p99 / 1000).toFixed(2)} s | ${(l.max / 1000).toFixed(2)} s | ${l.n} |`,
      );
    row('CLOCK_BREACHED on the complaint timeline (workflow reacted)', product);
    row('escalation e-mail received by the mail sink', mail);
    row('ceiling: bare Temporal timer fired (sleep → workflow task)', bare);
    console.log(`\nproduct: ${fmt(product)}\nmail: ${fmt(mail)}\nceiling: ${fmt(bare)}`);
  } finally {
    await db.close();
    await connection.close();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
