// `npm run bench:lifecycle` (issue 9): N complaints driven over HTTP through intake, triage,
// findings, resolve, reply and close by C simulated handlers at once; complaints completed per
// second, workflow steps (updates + signals + activities) per second and history events per
// complaint. In the same run, the ceiling: a minimal workflow with no business logic doing the same
// number of updates and activities, on a worker in this process, against the same Temporal server.
//   BENCH_N=200 BENCH_CONCURRENCY=16 npm run bench:lifecycle
// BENCH_TARGET=cluster runs the product part on the production-shaped cluster instead (clusterMain).
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import mongoose from 'mongoose';
import { startStack, type Stack } from '../../infra/stack/stack';
import { dataConverterFromEnv } from '../../platform/data-converter';
import { driveToClose, fileComplaint, newCallStats, pool, type ChaosEnv } from '../support/chaos';
import { startTestCluster } from '../support/cluster';
import { ApiClient, KEYS } from '../support/stack';
import { spreadComplaint } from './data';
import { minimalStepUpdate, type MinimalInput } from './ceiling/minimal-workflow';
import {
  cpuDelta,
  cpuProfileEnv,
  describeMachine,
  databaseStatements,
  resetDatabaseStatements,
  settledDatabaseWork,
  stackCpu,
  type DatabaseWork,
} from './machine';
import { percentile } from './stats';

const EventType = temporal.api.enums.v1.EventType;

export interface HistoryCounts {
  events: number;
  activities: number;
  /** Local activities (their markers): since issue 23 the complaint's TMF events. */
  localActivities: number;
  updates: number;
  signals: number;
  timers: number;
  children: number;
  upserts: number;
  workflowTasks: number;
  /** Encoded size of the history (protobuf bytes). */
  bytes: number;
}

/** Time spent per activity type (started → completed, in the worker) and in workflow tasks. */
export type Breakdown = Record<string, { n: number; ms: number }>;

const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;

/** Where one workflow's time went: each activity type and the workflow tasks, from its history. */
export async function historyBreakdown(handle: WorkflowHandle, into: Breakdown): Promise<void> {
  const history = await handle.fetchHistory();
  const scheduled = new Map<string, string>();
  const started = new Map<string, number>();
  const add = (key: string, d: number) => {
    const e = (into[key] ??= { n: 0, ms: 0 });
    e.n += 1;
    e.ms += d;
  };
  let taskStarted = 0;
  for (const e of history.events ?? []) {
    const id = String(e.eventId);
    const at = ms(e.eventTime);
    if (e.activityTaskScheduledEventAttributes)
      scheduled.set(id, e.activityTaskScheduledEventAttributes.activityType?.name ?? '?');
    else if (e.activityTaskStartedEventAttributes)
      started.set(String(e.activityTaskStartedEventAttributes.scheduledEventId), at);
    else if (e.activityTaskCompletedEventAttributes || e.activityTaskFailedEventAttributes) {
      const sid = String(
        (e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes)!.scheduledEventId,
      );
      add(`activity ${scheduled.get(sid) ?? '?'}`, at - (started.get(sid) ?? at));
    } else if (e.workflowTaskStartedEventAttributes) taskStarted = at;
    else if (e.workflowTaskCompletedEventAttributes) add('workflow task', at - taskStarted);
  }
}

/** Counts what one workflow's history holds (events by kind). */
export async function historyCounts(handle: WorkflowHandle): Promise<HistoryCounts> {
  const history = await handle.fetchHistory();
  const c: HistoryCounts = {
    events: 0,
    activities: 0,
    localActivities: 0,
    updates: 0,
    signals: 0,
    timers: 0,
    children: 0,
    upserts: 0,
    workflowTasks: 0,
    bytes: temporal.api.history.v1.History.encode(history).finish().length,
  };
  for (const e of history.events ?? []) {
    c.events += 1;
    switch (e.eventType) {
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        c.activities += 1;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        c.updates += 1;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        c.signals += 1;
        break;
      case EventType.EVENT_TYPE_TIMER_STARTED:
        c.timers += 1;
        break;
      case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        c.children += 1;
        break;
      case EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
      case EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED:
        c.upserts += 1;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        c.workflowTasks += 1;
        break;
      case EventType.EVENT_TYPE_MARKER_RECORDED:
        if (e.markerRecordedEventAttributes?.markerName === 'core_local_activity') c.localActivities += 1;
        break;
      default:
        break;
    }
  }
  return c;
}

export function sumCounts(list: HistoryCounts[]): HistoryCounts {
  const total: HistoryCounts = {
    events: 0,
    activities: 0,
    localActivities: 0,
    updates: 0,
    signals: 0,
    timers: 0,
    children: 0,
    upserts: 0,
    workflowTasks: 0,
    bytes: 0,
  };
  for (const c of list) for (const k of Object.keys(total) as (keyof HistoryCounts)[]) total[k] += c[k];
  return total;
}

const per = (total: HistoryCounts, n: number) =>
  Object.fromEntries(Object.entries(total).map(([k, v]) => [k, Number((v / n).toFixed(1))])) as Record<
    keyof HistoryCounts,
    number
  >;

/** Temporal Cloud bills "actions": starts, signals, updates, activities, timers, children, upserts. */
export const actionsOf = (c: HistoryCounts, workflows: number) =>
  workflows + c.signals + c.updates + c.activities + c.localActivities + c.timers + c.children + c.upserts;

async function waitQuiet(client: Client, ids: string[], timeoutMs: number): Promise<number> {
  // The worker has caught up when no workflow task or activity of these complaints is pending.
  const started = Date.now();
  for (;;) {
    const busy = await pool(ids, 8, async (id) => {
      const d = await client.workflowService.describeWorkflowExecution({
        namespace: 'default',
        execution: { workflowId: id },
      });
      return (d.pendingActivities?.length ?? 0) > 0 || d.pendingWorkflowTask ? 1 : 0;
    });
    const n = busy.reduce<number>((s, b) => s + b, 0);
    if (n === 0) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${n} complaints still busy after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function runProduct(
  stack: Stack,
  dataDir: string,
  client: Client,
  n: number,
  c: number,
  http: ApiClient = new ApiClient(stack.urls.api),
) {
  const env: ChaosEnv = { stack, http, log: () => undefined };
  const stats = newCallStats();
  const latencies: number[] = [];
  const cpu0 = stackCpu(dataDir);
  const t0 = performance.now();
  const ids = await pool(
    Array.from({ length: n }, (_, i) => i),
    c,
    async (i) => {
      const t = performance.now();
      const filed = await fileComplaint(env, stats, spreadComplaint(i));
      // A supervisor (also a handler) may act in every district the complaints are spread over.
      await driveToClose(env, stats, filed.ticketId, KEYS.supervisor);
      latencies.push(performance.now() - t);
      return filed.ticketId;
    },
  );
  const drivenMs = performance.now() - t0;
  const workflowIds = ids.map((id) => `complaint-${id}`);
  await waitQuiet(client, workflowIds, 600_000);
  const quietMs = performance.now() - t0;
  const cpu = cpuDelta(cpu0, stackCpu(dataDir));
  const counts = await pool(workflowIds, 8, (id) => historyCounts(client.workflow.getHandle(id)));
  const breakdown: Breakdown = {};
  await pool(workflowIds, 8, (id) => historyBreakdown(client.workflow.getHandle(id), breakdown));
  latencies.sort((a, b) => a - b);
  const errors = stats.http500 + stats.network + Object.values(stats.retryable).reduce((s, x) => s + x, 0);
  return { ids, drivenMs, quietMs, counts, cpu, latencies, errors, breakdown };
}

/**
 * What the read model holds per complaint after the run, and the report-rollup marks its
 * projections wrote (a mark per projection that changed a figure the rollup folds): documents
 * and BSON bytes per complaint, collection by collection.
 */
async function readModelFootprint(uri: string, ticketIds: string[]): Promise<string[]> {
  const conn = await mongoose.createConnection(uri).asPromise();
  try {
    const size = (doc: object) => mongoose.mongo.BSON.calculateObjectSize(doc);
    const ids = new Set(ticketIds);
    const rows: [string, object[]][] = [];
    for (const [name, filter] of [
      ['complaint_views', { _id: { $in: ticketIds } }],
      ['complaints', { _id: { $in: ticketIds } }],
      ['audit', { ticketId: { $in: ticketIds } }],
    ] as const)
      rows.push([name, await conn.collection<{ _id: string }>(name).find(filter).toArray()]);
    const marks = await conn.collection<{ _id: string }>('report_rollup_changes').find({}).toArray();
    rows.push(['report_rollup_changes', marks.filter((m) => ids.has(m._id.split('|')[1] ?? ''))]);
    const n = ticketIds.length;
    return [
      '| read model per complaint | documents | BSON bytes |',
      '| --- | ---: | ---: |',
      ...rows.map(
        ([name, docs]) =>
          `| ${name} | ${(docs.length / n).toFixed(1)} | ${(docs.reduce<number>((s, d) => s + size(d), 0) / n).toFixed(0)} |`,
      ),
    ];
  } finally {
    await conn.close();
  }
}

async function runCeiling(
  stack: Stack,
  dataDir: string,
  client: Client,
  n: number,
  c: number,
  shape: MinimalInput,
  nativeConnection: NativeConnection,
) {
  const taskQueue = `bench-minimal-${process.pid}`;
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('./ceiling'),
    activities: { noop: async (payload: string) => (payload.length > 0 ? 1 : 0) },
    dataConverter: dataConverterFromEnv(stack.env),
  });
  const running = worker.run();
  try {
    // Warm-up: the first workflow pays for the bundle's V8 context.
    await client.workflow.execute('minimalWorkflow', {
      taskQueue,
      workflowId: `minimal-warm-${process.pid}`,
      args: [{ ...shape, updates: 0, activitiesPerUpdate: 0 }],
    });
    const cpu0 = stackCpu(dataDir);
    const t0 = performance.now();
    const ids = await pool(
      Array.from({ length: n }, (_, i) => i),
      c,
      async (i) => {
        const handle = await client.workflow.start('minimalWorkflow', {
          taskQueue,
          workflowId: `minimal-${process.pid}-${i}`,
          args: [shape],
        });
        for (let u = 0; u < shape.updates; u++) await handle.executeUpdate(minimalStepUpdate, { args: [u] });
        await handle.result();
        return handle.workflowId;
      },
    );
    const ms = performance.now() - t0;
    const cpu = cpuDelta(cpu0, stackCpu(dataDir));
    const counts = await pool(ids, 8, (id) => historyCounts(client.workflow.getHandle(id)));
    return { ms, counts, cpu };
  } finally {
    worker.shutdown();
    await running;
  }
}

async function main(): Promise<void> {
  const n = Number(process.env.BENCH_N ?? 200);
  const c = Number(process.env.BENCH_CONCURRENCY ?? 16);
  if (process.env.BENCH_TARGET === 'cluster') return clusterMain(n, c);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'closedloop-bench-lifecycle-'));
  Runtime.install({
    logger: { log: () => undefined, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  console.log('starting the local stack …');
  const stack = await startStack({
    dataDir,
    ports: 'auto',
    quiet: true,
    appEnv: {
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '1000000',
      MASS_INCIDENTS: 'off',
      ...cpuProfileEnv(),
    },
  });
  const connection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  const nativeConnection = await NativeConnection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  const client = new Client({ connection, dataConverter: dataConverterFromEnv(stack.env) });
  let finished = false;
  try {
    const machine = await describeMachine(stack);
    machine.lines.forEach((l) => console.log(l));
    // Warm-up of the product path (connections, JIT, the worker's V8 context).
    await runProduct(stack, dataDir, client, 5, 5);
    console.log(`product: ${n} complaints, ${c} simulated handlers at once …`);
    const work0 = await settledDatabaseWork(stack);
    await resetDatabaseStatements(stack);
    const p = await runProduct(stack, dataDir, client, n, c);
    const work1 = await settledDatabaseWork(stack);
    const statements = await databaseStatements(stack);
    const footprint = await readModelFootprint(stack.env.MONGODB_URI!, p.ids);
    const pt = sumCounts(p.counts);
    const pp = per(pt, n);
    const productSteps = pt.updates + pt.signals + pt.activities + pt.localActivities;
    // The ceiling does what a complaint does: its intake activities, then 5 updates with the same
    // number of activities in all. A local activity of the product (issue 23: its TMF events) is a
    // regular activity in the ceiling, so the ceiling stays what it was before they became local.
    const updates = Math.round(pt.updates / n);
    const activities = Math.round((pt.activities + pt.localActivities) / n);
    const perUpdate = Math.max(1, Math.floor(activities / Math.max(1, updates)));
    const shape: MinimalInput = {
      startActivities: Math.max(0, activities - perUpdate * updates),
      updates,
      activitiesPerUpdate: perUpdate,
      payloadChars: Math.round(pt.bytes / Math.max(1, pt.activities + pt.localActivities) / 2),
    };
    console.log(`ceiling: ${n} minimal workflows, ${c} at once, shape ${JSON.stringify(shape)} …`);
    const m = await runCeiling(stack, dataDir, client, n, c, shape, nativeConnection);
    const mt = sumCounts(m.counts);
    const ceilingSteps = mt.updates + mt.signals + mt.activities;
    const cores = machine.cores;
    const pSec = p.quietMs / 1000;
    const mSec = m.ms / 1000;
    const rows = [
      ['complaints (workflows) completed per second', n / pSec, n / mSec],
      ['  … per core', n / pSec / cores, n / mSec / cores],
      [
        'workflow steps (updates + signals + activities) per second',
        productSteps / pSec,
        ceilingSteps / mSec,
      ],
      ['  … per core', productSteps / pSec / cores, ceilingSteps / mSec / cores],
      ['Temporal Cloud-style actions per second', actionsOf(pt, n) / pSec, actionsOf(mt, n) / mSec],
      ['  … per core', actionsOf(pt, n) / pSec / cores, actionsOf(mt, n) / mSec / cores],
    ];
    console.log('\n| figure | product | ceiling (minimal workflow) | product / ceiling |');
    console.log('| --- | ---: | ---: | ---: |');
    for (const [label, a, b] of rows)
      console.log(
        `| ${label} | ${(a as number).toFixed(1)} | ${(b as number).toFixed(1)} | ${((100 * (a as number)) / (b as number)).toFixed(0)} % |`,
      );
    const mp = per(mt, n);
    console.log('\n| per workflow | product (complaint to CLOSED) | ceiling |');
    console.log('| --- | ---: | ---: |');
    for (const k of Object.keys(pp) as (keyof HistoryCounts)[])
      console.log(`| ${k === 'bytes' ? 'history bytes' : `${k}`} | ${pp[k]} | ${mp[k]} |`);
    console.log(
      `\nproduct: HTTP driving ${(p.drivenMs / 1000).toFixed(1)} s, worker caught up at ${pSec.toFixed(1)} s; ` +
        `per complaint (intake → CLOSED, 6 HTTP calls in sequence) p50 ${percentile(p.latencies, 50).toFixed(0)} ms, ` +
        `p99 ${percentile(p.latencies, 99).toFixed(0)} ms; retried/failed calls ${p.errors}`,
    );
    const cpuOf = (list: [string, number][], name: string) => list.find(([k]) => k === name)?.[1] ?? 0;
    const names = [...new Set([...p.cpu, ...m.cpu].map(([k]) => k))];
    console.log('\n| CPU per workflow, ms (all processes of the stack) | product | ceiling |');
    console.log('| --- | ---: | ---: |');
    for (const k of names)
      console.log(
        `| ${k === 'bench' ? 'bench process (HTTP drivers; ceiling: its worker + client)' : k} | ${((1000 * cpuOf(p.cpu, k)) / n).toFixed(0)} | ${((1000 * cpuOf(m.cpu, k)) / n).toFixed(0)} |`,
      );
    const total = (list: [string, number][]) => list.reduce((sum, [, v]) => sum + v, 0);
    console.log(
      `| total | ${((1000 * total(p.cpu)) / n).toFixed(0)} | ${((1000 * total(m.cpu)) / n).toFixed(0)} |`,
    );
    console.log(
      `CPU-bound capacity of one core (1000 ms ÷ total CPU ms per workflow): product ${(total(p.cpu) > 0 ? n / total(p.cpu) : NaN).toFixed(2)} complaints/s, ceiling ${(total(m.cpu) > 0 ? n / total(m.cpu) : NaN).toFixed(2)} workflows/s`,
    );
    const rowsByTime = Object.entries(p.breakdown).sort((a, b) => b[1].ms - a[1].ms);
    const totalMs = rowsByTime.reduce((s, [, v]) => s + v.ms, 0);
    console.log(
      '\n| where the time of a complaint goes (worker side, from its history) | per complaint | mean ms | share |',
    );
    console.log('| --- | ---: | ---: | ---: |');
    for (const [k, v] of rowsByTime)
      console.log(
        `| ${k} | ${(v.n / n).toFixed(1)} | ${(v.ms / v.n).toFixed(1)} | ${((100 * v.ms) / totalMs).toFixed(0)} % |`,
      );
    console.log('');
    footprint.forEach((l) => console.log(l));
    if (work0 && work1) {
      console.log('\n| read-model database work per complaint (PostgreSQL behind FerretDB) | count |');
      console.log('| --- | ---: |');
      for (const k of Object.keys(work1) as (keyof DatabaseWork)[])
        console.log(`| ${k} | ${((work1[k] - work0[k]) / n).toFixed(1)} |`);
    }
    if (statements) {
      // STACK_PG_STATEMENTS=on: which of FerretDB's statements a complaint costs.
      console.log('\n| statements per complaint (STACK_PG_STATEMENTS=on) | calls | rows | statement |');
      console.log('| --- | ---: | ---: | --- |');
      statements
        .filter((st) => st.calls / n >= 0.5)
        .forEach((st, i) =>
          console.log(
            `| ${i + 1} | ${(st.calls / n).toFixed(1)} | ${(st.rows / n).toFixed(1)} | \`${st.query.slice(0, 160)}\` |`,
          ),
        );
    }
    console.log(
      'reference: Camunda 8 smallest SaaS cluster ≈ 100 tasks/s on 11 vCPU (≈ 9 per vCPU); ' +
        'Temporal Cloud default namespace limit 500 actions/s',
    );
    finished = true;
  } finally {
    await connection.close();
    await nativeConnection.close();
    await stack.stop();
    // A failed run keeps its logs (api.log, worker.log, …) for whoever reads the error.
    if (finished) rmSync(dataDir, { recursive: true, force: true });
    else console.error(`the run failed: its stack's logs are in ${path.join(dataDir, 'logs')}`);
  }
}

/**
 * BENCH_TARGET=cluster: the same product run on the production-shaped cluster (infra/cluster:
 * Temporal frontend/history ×2/matching/internal worker on PostgreSQL with mTLS, two workers, two
 * APIs taking the requests in turn). No ceiling run; the figures to set beside the dev server's.
 */
async function clusterMain(n: number, c: number): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'closedloop-bench-cluster-'));
  console.log('starting the production-shaped cluster …');
  const cluster = await startTestCluster({ LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '1000000' }, dataDir);
  const { client, close } = await cluster.temporalClient();
  try {
    const stack = cluster.chaos.stack;
    console.log(
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' / ')}`,
    );
    cluster.layout().forEach((l) => console.log(`  ${l}`));
    await runProduct(stack, dataDir, client, 5, 5, cluster.http);
    console.log(`product on the cluster: ${n} complaints, ${c} simulated handlers at once …`);
    const p = await runProduct(stack, dataDir, client, n, c, cluster.http);
    const pt = sumCounts(p.counts);
    const pSec = p.quietMs / 1000;
    const steps = pt.updates + pt.signals + pt.activities + pt.localActivities;
    console.log('\n| figure (cluster) | product |');
    console.log('| --- | ---: |');
    console.log(`| complaints (workflows) completed per second | ${(n / pSec).toFixed(1)} |`);
    console.log(
      `| workflow steps (updates + signals + activities) per second | ${(steps / pSec).toFixed(1)} |`,
    );
    console.log(`| Temporal Cloud-style actions per second | ${(actionsOf(pt, n) / pSec).toFixed(1)} |`);
    console.log(
      `\nproduct: HTTP driving ${(p.drivenMs / 1000).toFixed(1)} s, workers caught up at ${pSec.toFixed(1)} s; ` +
        `per complaint p50 ${percentile(p.latencies, 50).toFixed(0)} ms, p99 ${percentile(p.latencies, 99).toFixed(0)} ms; ` +
        `retried/failed calls ${p.errors}; requests per API ${cluster.http.answeredBy.join(' / ')}`,
    );
    console.log('\n| CPU per complaint, ms (all processes of the cluster) | product |');
    console.log('| --- | ---: |');
    for (const [k, v] of p.cpu) console.log(`| ${k} | ${((1000 * v) / n).toFixed(0)} |`);
    console.log(`| total | ${((1000 * p.cpu.reduce((s, [, v]) => s + v, 0)) / n).toFixed(0)} |`);
  } finally {
    await close();
    await cluster.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
