// The production-shaped cluster on one machine (issue 18, D2/D3), used by `npm run cluster`
// (infra/cluster/run.ts), the cluster test suite (test/integration/cluster.test.ts) and
// `BENCH_TARGET=cluster npm run bench:lifecycle`:
//   PostgreSQL (one server: databases ferretdb, temporal, temporal_visibility)
//   Temporal from source: frontend (mTLS), history ×2, matching, internal worker — separate processes
//   FerretDB on PostgreSQL, the mail sink, the Twilio simulator, the OpenID Connect provider
//   the standalone Temporal UI (opt-in: ClusterOptions.temporalUi), signing in through the provider,
//   connected to the frontend over mTLS, its https gateway's /codec/ going to the first API
//   the product: two worker processes and two API processes
// The local stack's services (infra/stack/services) are reused; Temporal is the cluster service
// (services/temporal-cluster.ts) instead of the dev server. The product gets the standard
// TEMPORAL_* variables only (address, namespace, CA, server name, client certificate and key).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ChildRegistry } from '../stack/child-registry';
import { CHILD_READY_MS, HOST, readyOrStop, say, spawnChild, stopWith } from '../stack/common';
import { choosePorts } from '../stack/ports';
import { freePort, type ManagedProcess, waitForHttp } from '../stack/processes';
import { productEnv } from '../stack/product-env';
import { ensureMongo, ProvisionError } from '../stack/provision';
import { type Published, ServiceRegistry } from '../stack/registry';
import type { Service, ServiceContext, StackSetup, StackUrls } from '../stack/service';
import { ferretdb } from '../stack/services/ferretdb';
import { mailSink } from '../stack/services/mail-sink';
import { oidc } from '../stack/services/oidc';
import { temporalUi, type TemporalUiRunning } from '../stack/services/temporal-ui';
import { postgres } from '../stack/services/postgres';
import {
  temporalCluster,
  type ClusterProcess,
  type TemporalClusterRunning,
} from '../stack/services/temporal-cluster';
import { twilioSim } from '../stack/services/twilio-sim';
import { ensureTemporalServer } from './build';

const WORKER_READY_MS = 240_000;

export interface ClusterOptions {
  dataDir: string;
  quiet?: boolean;
  /** Extra env for the workers and APIs (e.g. POLICY_FILE). */
  appEnv?: Record<string, string>;
  /** Default 2 each. */
  workers?: number;
  apis?: number;
  historyProcesses?: number;
  /** Default true. False (CLUSTER_TLS=off): a frontend without TLS, for debugging only. */
  mtls?: boolean;
  /**
   * The standalone Temporal UI with sign-in (S9.4), as in the local stack: with it the APIs' codec
   * server requires a person's token (CODEC_AUTH=on) and TEMPORAL_UI_URL points at it. Default false
   * (`npm run cluster` and the cluster test turn it on).
   */
  temporalUi?: boolean;
}

/** A product process (worker or API) that can be killed and started again. */
export interface AppProcess {
  name: string;
  role: 'worker' | 'api';
  process: ManagedProcess;
  /** API only. */
  url?: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
}

export interface Cluster {
  /** The env of the first API (what a test client of the product needs); TEMPORAL_* included. */
  env: Record<string, string>;
  /** `api` = the first API; `apis` = every API's base URL. */
  urls: StackUrls & { apis: string[] };
  logDir: string;
  temporal: TemporalClusterRunning;
  temporalProcesses: ClusterProcess[];
  workers: AppProcess[];
  apis: AppProcess[];
  /** One line per process: role, name, pid, ports. */
  layout(): string[];
  stop(): Promise<void>;
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const started = Date.now();
  const dataDir = path.resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const quiet = opts.quiet ?? false;
  const log = say(quiet);
  const children = await ChildRegistry.claim(dataDir, log);
  let services: ServiceRegistry | undefined;
  const apps: AppProcess[] = [];
  try {
    const [build, mongo] = await Promise.all([ensureTemporalServer(), ferretDbOnPostgres()]);
    // The dev server's CLI is not used: Temporal here is the cluster service.
    const setup: StackSetup = {
      tools: { temporal: '', mongo },
      startApp: true,
      temporalUi: opts.temporalUi === true,
    };
    const catalogue: Service[] = [
      temporalCluster(build, {
        historyProcesses: opts.historyProcesses ?? 2,
        mtls: opts.mtls ?? process.env.CLUSTER_TLS !== 'off',
      }),
      postgres,
      ferretdb,
      mailSink,
      twilioSim,
      oidc,
      // Reads the TEMPORAL_TLS_* files the cluster publishes; its gateway sends /codec/ to the first
      // API (PUBLIC_BASE_URL of the env below); it publishes CODEC_AUTH=on for every API.
      temporalUi,
    ];
    services = new ServiceRegistry(catalogue, setup);
    const ports = await choosePorts('auto', services.portClaims());
    const apiPorts = await Promise.all(Array.from({ length: opts.apis ?? 2 }, () => freePort()));
    const appEnv = { ...opts.appEnv };
    const logDir = path.join(dataDir, 'logs');
    const envFor = (apiPort: number, deps: Published) => ({
      ...productEnv(apiPort),
      ...deps.env,
      ...appEnv,
    });
    const contextFor = (service: Service, deps: Published): ServiceContext => ({
      ...setup,
      dataDir,
      logDir,
      quiet,
      namespace: 'default',
      children,
      port: (name) => {
        const port = ports[name];
        if (port === undefined) throw new Error(`cluster: ${service.name} uses port ${name}, undeclared`);
        return port;
      },
      env: envFor(apiPorts[0]!, deps),
      urls: deps.urls,
      say: log,
    });
    await services.startAll(contextFor);
    const published = services.published();
    const temporal = services.running('temporal') as TemporalClusterRunning;
    const ui = opts.temporalUi ? (services.running('temporal-ui') as TemporalUiRunning) : undefined;
    const appCtx = { logDir, quiet, children };
    const spawnApp = async (role: 'worker' | 'api', n: number): Promise<AppProcess> => {
      const apiPort = role === 'api' ? apiPorts[n - 1]! : apiPorts[0]!;
      const env = envFor(apiPort, published);
      const name = `${role}-${n}`;
      const proc = spawnChild(appCtx, name, role === 'api' ? 'api/server.ts' : 'worker/main.ts', env);
      const url = role === 'api' ? `http://${HOST}:${apiPort}` : undefined;
      const ready = () =>
        url
          ? waitForHttp(`${url}/healthz`, CHILD_READY_MS, proc)
          : proc.waitForOutput(/worker ready/i, WORKER_READY_MS).then(() => undefined);
      await readyOrStop(() => proc.stop(), ready);
      const app: AppProcess = {
        name,
        role,
        process: proc,
        ...(url ? { url } : {}),
        stop: (signal) => stopWith(proc, signal),
        start: async () => {
          proc.start();
          children.trackRestart(proc);
          await ready();
        },
      };
      apps.push(app);
      return app;
    };
    // Workers one after the other (each bundles the workflows: CPU-heavy), the APIs beside them.
    const workersReady = (async () => {
      const list: AppProcess[] = [];
      for (let n = 1; n <= (opts.workers ?? 2); n++) list.push(await spawnApp('worker', n));
      return list;
    })();
    const apis = await Promise.all(apiPorts.map((_, i) => spawnApp('api', i + 1)));
    const workers = await workersReady;
    const apiUrls = apis.map((a) => a.url!);
    const { mailInbox, twilioSim: sim, mongo: mongoUrl } = published.urls;
    if (!mailInbox || !sim || !mongoUrl) throw new Error('cluster: a service did not publish its URL');
    const urls: Cluster['urls'] = {
      ...published.urls,
      api: apiUrls[0]!,
      apis: apiUrls,
      docs: `${apiUrls[0]!}/docs`,
      temporal: published.urls.temporal ?? '',
      temporalUi: '',
      mailInbox,
      twilioSim: sim,
      mongo: mongoUrl,
    };
    const registry = services;
    let stopped = false;
    const cluster: Cluster = {
      env: envFor(apiPorts[0]!, published),
      urls,
      logDir,
      temporal,
      temporalProcesses: temporal.processes,
      workers,
      apis,
      layout: () => [
        ...temporal.processes.map(
          (p) =>
            `${p.role.padEnd(9)} ${p.name.padEnd(26)} pid ${String(p.process.pid ?? '-').padEnd(8)} ` +
            `gRPC ${HOST}:${p.grpcPort}  membership :${p.membershipPort}`,
        ),
        ...apps.map(
          (a) =>
            `${a.role.padEnd(9)} ${a.name.padEnd(26)} pid ${String(a.process.pid ?? '-').padEnd(8)} ` +
            (a.url ?? `task queue ${cluster.env.TEMPORAL_TASK_QUEUE}`),
        ),
        ...(ui
          ? [
              `${'ui'.padEnd(9)} ${'temporal-ui'.padEnd(26)} pid ${String(ui.process.pid ?? '-').padEnd(8)} ` +
                `${ui.urls?.temporalUiSignIn ?? ''} (https gateway, /codec/ → ${apiUrls[0]!})`,
            ]
          : []),
      ],
      async stop() {
        if (stopped) return;
        stopped = true;
        log('stopping the cluster …');
        await Promise.all(apps.map((a) => a.process.stop()));
        await registry.stopAll();
        children.release();
      },
    };
    log(`cluster ready in ${((Date.now() - started) / 1000).toFixed(1)}s (logs: ${logDir})`);
    return cluster;
  } catch (err) {
    await Promise.all(apps.map((a) => a.process.stop()));
    await services?.stopAll();
    children.release();
    throw err;
  }
}

/** The cluster needs PostgreSQL (Temporal's persistence), so FerretDB runs on it too. */
async function ferretDbOnPostgres() {
  const saved = { backend: process.env.CLOSEDLOOP_MONGO_BACKEND, uri: process.env.MONGODB_URI };
  process.env.CLOSEDLOOP_MONGO_BACKEND = 'postgresql';
  delete process.env.MONGODB_URI;
  try {
    const route = await ensureMongo();
    if (route.kind !== 'ferretdb' || !route.postgres) {
      throw new ProvisionError('cluster: no PostgreSQL server found (apt-get install postgresql)');
    }
    return route;
  } finally {
    restoreEnv('CLOSEDLOOP_MONGO_BACKEND', saved.backend);
    restoreEnv('MONGODB_URI', saved.uri);
  }
}

function restoreEnv(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}
