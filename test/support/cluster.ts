// The production-shaped cluster for tests (issue 18, D2/D3): clients that spread their requests
// round-robin over both APIs and, when one API does not answer, send the retry to the other; the
// lifecycle of complaints through both; and the fault scenario (a history service, a worker and an
// API killed under load), counted the way the chaos suite counts (test/support/chaos.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startCluster, type AppProcess, type Cluster } from '../../infra/cluster/cluster';
import type { ClusterProcess } from '../../infra/stack/services/temporal-cluster';
import type { Stack } from '../../infra/stack/stack';
import { dataConverterFromEnv } from '../../platform/data-converter';
import {
  callDuplicates,
  driveToClose,
  fileComplaint,
  mailDuplicates,
  newCallStats,
  readModel,
  smsDuplicates,
  VersionWatch,
  view,
  waitForAll,
  type CallStats,
  type ChaosEnv,
  type FaultReport,
  type ViewLite,
} from './chaos';
import { ApiClient, type ApiResponse } from './stack';

export interface TestCluster extends Cluster {
  http: FailoverClient;
  chaos: ChaosEnv;
  /** A Temporal client over mTLS, from the env the product gets. */
  temporalClient(): Promise<{ client: Client; close(): Promise<void> }>;
  dispose(): Promise<void>;
}

export async function startTestCluster(
  appEnv: Record<string, string> = {},
  dataDir = mkdtempSync(path.join(tmpdir(), 'closedloop-cluster-it-')),
  /** `temporalUi`: the standalone Temporal UI with sign-in (S9.4); off for the benchmark. */
  options: { temporalUi?: boolean } = {},
): Promise<TestCluster> {
  const cluster = await startCluster({
    dataDir,
    quiet: process.env.CLUSTER_VERBOSE !== '1',
    appEnv: { LOG_LEVEL: 'info', MASS_INCIDENTS: 'off', ...appEnv },
    ...(options.temporalUi ? { temporalUi: true } : {}),
  });
  const http = new FailoverClient(cluster.urls.apis);
  // The chaos helpers read only `urls` (the Twilio simulator, the mail sink) of the stack they get.
  const asStack = { env: cluster.env, urls: cluster.urls, logDir: cluster.logDir } as unknown as Stack;
  const chaos: ChaosEnv = { stack: asStack, http, log: (m) => console.log(`[cluster] ${m}`) };
  return Object.assign(cluster, {
    http,
    chaos,
    async temporalClient() {
      const connection = await Connection.connect({
        address: cluster.env.TEMPORAL_ADDRESS!,
        ...(cluster.temporal.tls ? { tls: cluster.temporal.tls } : {}),
      });
      const client = new Client({
        connection,
        namespace: cluster.env.TEMPORAL_NAMESPACE!,
        dataConverter: dataConverterFromEnv(cluster.env),
      });
      return { client, close: () => connection.close() };
    },
    async dispose() {
      await cluster.stop();
      if (!process.env.KEEP_TEST_DATA) rmSync(dataDir, { recursive: true, force: true });
      else console.log(`cluster data kept in ${dataDir}`);
    },
  });
}

/**
 * An API client over several API processes behind no load balancer: each request goes to the next
 * API in turn; an API that did not answer (connection refused or reset) is skipped for a few
 * seconds, so that the caller's retry goes to another one. The error itself is passed on, so the
 * chaos helpers count it and retry as they do against one API.
 */
export class FailoverClient extends ApiClient {
  private readonly targets: ApiClient[];
  private next = 0;
  private readonly downUntil: number[];
  /** Requests answered by each API (index as in the URL list). */
  readonly answeredBy: number[];

  constructor(readonly urls: string[]) {
    super(urls[0]!);
    this.targets = urls.map((u) => new ApiClient(u));
    this.downUntil = urls.map(() => 0);
    this.answeredBy = urls.map(() => 0);
  }

  override async request<T = Record<string, unknown>>(
    method: string,
    urlPath: string,
    opts: { key?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const now = Date.now();
    let i = this.next++ % this.targets.length;
    for (let k = 0; k < this.targets.length && this.downUntil[i]! > now; k++)
      i = (i + 1) % this.targets.length;
    try {
      const res = await this.targets[i]!.request<T>(method, urlPath, opts);
      this.answeredBy[i]! += 1;
      return res;
    } catch (err) {
      // No HTTP answer: this API is down or restarting; the retry goes elsewhere.
      if (!(err instanceof Error) || !/fit \/openapi\.json/.test(err.message))
        this.downUntil[i] = Date.now() + 3_000;
      throw err;
    }
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const closedAndAcked = (v: ViewLite) =>
  v.stage === 'CLOSED' && v.timeline.some((t) => t.action === 'ACK_SMS_SENT');

/** Files `n` complaints (requests alternate between the APIs) and drives each to CLOSED. */
export async function lifecycleThroughBothApis(cluster: TestCluster, n: number, concurrency: number) {
  const stats = newCallStats();
  const started = Date.now();
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next += 1;
        const filed = await fileComplaint(cluster.chaos, stats);
        await driveToClose(cluster.chaos, stats, filed.ticketId);
        ids.push(filed.ticketId);
      }
    }),
  );
  const notDone = await waitForAll(cluster.chaos, ids, closedAndAcked, 60_000);
  return { ids, stats, notDone, seconds: (Date.now() - started) / 1000 };
}

export interface FaultStep {
  what: string;
  /** SIGKILLed, then started again `downMs` later on the same ports. */
  target: ClusterProcess | AppProcess;
  downMs: number;
}

/**
 * Under load (`clients` simulated handlers filing complaints and driving each to CLOSED, without
 * pause), each fault in turn: SIGKILL, `downMs` down, started again, `gapMs` of load; then the
 * load stops and every complaint must close with its acknowledgement SMS. Counted as the chaos
 * suite counts: lost, duplicates sent (SMS, calls, e-mails), projections backwards (with the
 * watcher's samples), HTTP 500.
 */
export async function faultsUnderLoad(
  cluster: TestCluster,
  o: { clients: number; warmupMs: number; gapMs: number; faults: FaultStep[] },
): Promise<FaultReport & { timeline: string[] }> {
  const env = cluster.chaos;
  const stats: CallStats = newCallStats();
  const watch = new VersionWatch(env);
  const timeline: string[] = [];
  const t0 = Date.now();
  const mark = (m: string) => {
    const line = `${((Date.now() - t0) / 1000).toFixed(1)} s ${m}`;
    timeline.push(line);
    env.log(line);
  };
  watch.start();
  const ids: string[] = [];
  const failures: string[] = [];
  let loading = true;
  const load = Promise.all(
    Array.from({ length: o.clients }, async () => {
      while (loading) {
        try {
          const filed = await fileComplaint(env, stats);
          ids.push(filed.ticketId);
          await driveToClose(env, stats, filed.ticketId);
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
    }),
  );
  await sleep(o.warmupMs);
  const faultDetails: Record<string, unknown>[] = [];
  for (const f of o.faults) {
    const before = ids.length;
    const pid = f.target.process.pid;
    await f.target.stop('SIGKILL');
    mark(`${f.what}: ${f.target.name} (pid ${pid}) SIGKILLed`);
    await sleep(f.downMs);
    const restartStarted = Date.now();
    await f.target.start();
    mark(
      `${f.what}: ${f.target.name} serving again as pid ${f.target.process.pid} (${Date.now() - restartStarted} ms)`,
    );
    await sleep(o.gapMs);
    faultDetails.push({ fault: f.what, filedMeanwhile: ids.length - before });
  }
  loading = false;
  await load;
  mark(`load stopped: ${ids.length} complaints filed`);
  const notFinished = await waitForAll(env, ids, closedAndAcked, 180_000);
  await watch.stop();
  const samples = watch.samples;
  const model = await readModel(env);
  watch.observe(model);
  const sms = await smsDuplicates(env.stack);
  const mail = await mailDuplicates(env.stack);
  const calls = await callDuplicates(env.stack);
  const ackPerTicket: Record<string, number> = {};
  for (const id of ids) {
    const k = String(sms.sent.filter((m) => m.body.includes(id)).length);
    ackPerTicket[k] = (ackPerTicket[k] ?? 0) + 1;
  }
  return {
    fault: 'cluster: history, worker and API SIGKILLed under load',
    inFlight: ids.length,
    finished: ids.length - notFinished.length,
    duplicatesSent: sms.duplicates + mail + calls,
    lost: ids.filter((id) => !model.has(id)).length,
    versionRegressions: watch.regressions.length,
    versionSamples: samples,
    versionReadErrors: watch.readErrors,
    http500: stats.http500,
    timeline,
    details: {
      notFinished: notFinished.slice(0, 5),
      driveFailures: failures.slice(0, 5),
      driveFailureCount: failures.length,
      smsDuplicates: sms.duplicates,
      mailDuplicates: mail,
      calls,
      ackSmsPerComplaint: ackPerTicket,
      retryableAnswers: stats.retryable,
      networkErrors: stats.network,
      messages503: [...stats.messages503].slice(0, 5),
      answeredByApi: [...cluster.http.answeredBy],
      versionReadErrorMessages: watch.readErrorMessages,
      versionRegressionsSeen: watch.regressions.slice(0, 5),
      faults: faultDetails,
      seconds: (Date.now() - t0) / 1000,
    },
  };
}

/** The views of `ids`, for assertions on their timelines. */
export async function views(cluster: TestCluster, ids: string[]): Promise<ViewLite[]> {
  const out: ViewLite[] = [];
  for (const id of ids) {
    const v = await view(cluster.chaos, id);
    if (v) out.push(v);
  }
  return out;
}
