// Temporal as a production-shaped cluster (issue 18, D2/D3): the real server built from the Go
// module proxy (infra/cluster/build.ts), run as separate frontend, history (two), matching and
// internal-worker processes on the stack's PostgreSQL (databases `temporal` and
// `temporal_visibility`, schema set up with temporal-sql-tool), SQL visibility with the product's
// search attributes, the `default` namespace registered, and mTLS on the frontend: the product
// connects only through the standard TEMPORAL_* variables this service publishes.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { ALL_SEARCH_ATTRIBUTES } from '../../../workflows/search-attributes';
import { FRONTEND_SERVER_NAME, makeCerts, type ClusterCerts } from '../../cluster/certs';
import type { TemporalServerBuild } from '../../cluster/build';
import {
  PERSISTENCE_DB,
  VISIBILITY_DB,
  writeServerConfig,
  type ClusterPorts,
  type PostgresTarget,
  type ServiceRole,
} from '../../cluster/config';
import { childBase, HOST, readyOrStop, stopWith } from '../common';
import { type ManagedProcess, waitForTcp, waitUntil } from '../processes';
import type { PortSpec, Running, Service, ServiceContext } from '../service';

const READY_MS = 180_000;
const NAMESPACE_RETENTION = '3 days';

/** One process of the cluster. */
export interface ClusterProcess {
  /** e.g. `temporal-history-2`. */
  name: string;
  role: ServiceRole;
  grpcPort: number;
  membershipPort: number;
  process: ManagedProcess;
  /** SIGKILL = a crash; start() brings it back on the same ports and waits until it serves. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
}

export interface ClusterTls {
  serverNameOverride: string;
  serverRootCACertificate: Buffer;
  clientCertPair: { crt: Buffer; key: Buffer };
}

export interface TemporalClusterRunning extends Running {
  processes: ClusterProcess[];
  /** Undefined with `mtls: false`. */
  certs?: ClusterCerts;
  configFile: string;
  /** The product's TLS options for @temporalio/client's Connection (tests, benchmarks); undefined = plain. */
  tls?: ClusterTls;
}

/** The cluster's Temporal as a `temporal` service of a stack that runs the `postgres` service. */
export function temporalCluster(
  build: TemporalServerBuild,
  opts: { historyProcesses: number; mtls: boolean },
): Service<TemporalClusterRunning> {
  const free = (label: string): PortSpec => ({ fixed: 0, label, auto: 'free' });
  // Membership (ringpop) ports are stored as a PostgreSQL smallint by the server's SQL persistence.
  const membership = (label: string): PortSpec => ({ ...free(label), max: 32_000 });
  const ports: Record<string, PortSpec> = {
    frontend: free('Temporal frontend gRPC (mTLS)'),
    frontendHttp: free('Temporal frontend HTTP'),
    frontendMembership: membership('Temporal frontend membership'),
    matching: free('Temporal matching gRPC'),
    matchingMembership: membership('Temporal matching membership'),
    systemWorker: free('Temporal internal worker gRPC'),
    systemWorkerMembership: membership('Temporal internal worker membership'),
  };
  for (let i = 1; i <= opts.historyProcesses; i++) {
    ports[`history${i}`] = free(`Temporal history ${i} gRPC`);
    ports[`history${i}Membership`] = membership(`Temporal history ${i} membership`);
  }
  return {
    name: 'temporal',
    dependsOn: ['postgres'],
    ports,
    start: (ctx) => startCluster(ctx, build, opts.historyProcesses, opts.mtls),
  };
}

async function startCluster(
  ctx: ServiceContext,
  build: TemporalServerBuild,
  historyCount: number,
  mtls: boolean,
): Promise<TemporalClusterRunning> {
  const pg = postgresTarget(ctx.urls.postgres);
  const runDir = path.join(ctx.dataDir, 'temporal-cluster');
  const ports: ClusterPorts = {
    frontend: {
      grpc: ctx.port('frontend'),
      membership: ctx.port('frontendMembership'),
      http: ctx.port('frontendHttp'),
    },
    history: Array.from({ length: historyCount }, (_, i) => ({
      grpc: ctx.port(`history${i + 1}`),
      membership: ctx.port(`history${i + 1}Membership`),
    })),
    matching: { grpc: ctx.port('matching'), membership: ctx.port('matchingMembership') },
    worker: { grpc: ctx.port('systemWorker'), membership: ctx.port('systemWorkerMembership') },
  };
  const certs = mtls ? await makeCerts(path.join(runDir, 'certs')) : undefined;
  const { configFile, historyConfigFiles } = writeServerConfig(runDir, ports, pg, certs);
  const started = Date.now();
  await setupSchema(ctx, build, pg);
  ctx.say(`temporal cluster: schema of ${PERSISTENCE_DB} and ${VISIBILITY_DB} set up in ${secs(started)}`);

  const address = `${HOST}:${ports.frontend.grpc}`;
  const tls: ClusterTls | undefined = certs && {
    serverNameOverride: FRONTEND_SERVER_NAME,
    serverRootCACertificate: readFileSync(certs.ca.cert),
    clientCertPair: { crt: readFileSync(certs.client.cert), key: readFileSync(certs.client.key) },
  };
  const processes: ClusterProcess[] = [];
  const spawnRole = (
    role: ServiceRole,
    name: string,
    grpcPort: number,
    membershipPort: number,
    file = configFile,
  ) => {
    const proc = ctx.children.spawn({
      ...childBase(ctx, name),
      command: build.server,
      args: ['--config-file', file, 'start', '--service', role],
      env: serverEnv(),
      stopGraceMs: 15_000,
    });
    const serving = () => waitForTcp(HOST, grpcPort, READY_MS, proc);
    const entry: ClusterProcess = {
      name,
      role,
      grpcPort,
      membershipPort,
      process: proc,
      stop: (signal) => stopWith(proc, signal),
      start: async () => {
        proc.start();
        ctx.children.trackRestart(proc);
        await serving();
        await waitUntil(
          `${name} to serve again`,
          () => clusterAnswers(address, tls, ctx.namespace),
          READY_MS,
          proc,
          500,
        );
      },
    };
    processes.push(entry);
    return { entry, serving };
  };
  const stopAll = async () => {
    // The frontend first (no new requests), then the system worker, matching and history.
    for (const p of [...processes].reverse()) await p.process.stop();
  };
  await readyOrStop(stopAll, async () => {
    // The first process alone: on a fresh database each process applies the cluster metadata at
    // start, and several doing it at once can fail ("Failed to apply cluster metadata").
    const history = ports.history.map(
      (h, i) => () =>
        spawnRole('history', `temporal-history-${i + 1}`, h.grpc, h.membership, historyConfigFiles[i]),
    );
    await history[0]!().serving();
    const starting = [
      ...history.slice(1).map((spawn) => spawn()),
      spawnRole('matching', 'temporal-matching', ports.matching.grpc, ports.matching.membership),
      spawnRole('frontend', 'temporal-frontend', ports.frontend.grpc, ports.frontend.membership),
    ];
    await Promise.all(starting.map((s) => s.serving()));
    await registerNamespace(address, tls, ctx.namespace);
    // The internal worker (system workflows: scheduler, batcher, deletes) needs the frontend.
    await spawnRole(
      'worker',
      'temporal-internal-worker',
      ports.worker.grpc,
      ports.worker.membership,
    ).serving();
    await waitUntil(
      `the Temporal cluster at ${address} to serve ${ctx.namespace}`,
      () => clusterAnswers(address, tls, ctx.namespace),
      READY_MS,
      processes.find((p) => p.role === 'frontend')?.process,
      500,
    );
  });
  ctx.say(
    `temporal cluster ready on ${address} (${certs ? `mTLS, server name ${FRONTEND_SERVER_NAME}` : 'NO TLS'}) in ${secs(started)}: ` +
      processes.map((p) => `${p.name} pid ${p.process.pid} :${p.grpcPort}`).join(', '),
  );
  return {
    env: {
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: ctx.namespace,
      ...(certs
        ? {
            TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.ca.cert,
            TEMPORAL_TLS_SERVER_NAME: FRONTEND_SERVER_NAME,
            TEMPORAL_TLS_CLIENT_CERT_PATH: certs.client.cert,
            TEMPORAL_TLS_CLIENT_KEY_PATH: certs.client.key,
          }
        : {}),
    },
    urls: { temporal: address },
    processes,
    ...(certs ? { certs } : {}),
    configFile,
    ...(tls ? { tls } : {}),
    stop: stopAll,
  };
}

/** The server's environment: none of the product's TEMPORAL_* settings (the server reads some). */
function serverEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('TEMPORAL_')));
}

function postgresTarget(url: string | undefined): PostgresTarget {
  if (!url) {
    throw new Error(
      'temporal cluster: no PostgreSQL server was started (the cluster needs one: apt-get install postgresql)',
    );
  }
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port), user: decodeURIComponent(parsed.username) };
}

/** create-database, setup-schema 0.0 and update-schema to the newest version, for both databases. */
async function setupSchema(
  ctx: ServiceContext,
  build: TemporalServerBuild,
  pg: PostgresTarget,
): Promise<void> {
  const base = ['--plugin', 'postgres12', '--ep', pg.host, '-p', String(pg.port), '-u', pg.user];
  const steps = async (db: string, schema: string) => {
    const tool = (args: string[]) => runSqlTool(build.sqlTool, [...base, '--db', db, ...args]);
    await tool(['create-database']);
    await tool(['setup-schema', '-v', '0.0']);
    await tool(['update-schema', '-d', path.join(build.postgresSchemaDir, schema, 'versioned')]);
  };
  await Promise.all([steps(PERSISTENCE_DB, 'temporal'), steps(VISIBILITY_DB, 'visibility')]);
  ctx.say(
    `temporal cluster: temporal-sql-tool set up ${PERSISTENCE_DB} and ${VISIBILITY_DB} on ${pg.host}:${pg.port}`,
  );
}

function runSqlTool(tool: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(tool, args, { timeout: 120_000, env: serverEnv() }, (err, stdout, stderr) => {
      if (!err) return resolve();
      reject(
        new Error(
          `temporal-sql-tool ${args.slice(-3).join(' ')} failed: ${(stderr || stdout || err.message).slice(-2000)}`,
        ),
      );
    });
  });
}

type Tls = ClusterTls | undefined;

async function withConnection<T>(address: string, tls: Tls, fn: (c: Connection) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address, ...(tls ? { tls } : {}), connectTimeout: 5_000 });
  try {
    return await fn(connection);
  } finally {
    await connection.close();
  }
}

const INDEXED_VALUE_TYPE: Record<string, number> = {
  TEXT: 1,
  KEYWORD: 2,
  INT: 3,
  DOUBLE: 4,
  BOOL: 5,
  DATETIME: 6,
  KEYWORD_LIST: 7,
};

/** Registers the namespace (once) and the product's search attributes in its SQL visibility. */
async function registerNamespace(address: string, tls: Tls, namespace: string): Promise<void> {
  await waitUntil(
    `the frontend at ${address} to register namespace ${namespace}`,
    () =>
      withConnection(address, tls, async (c) => {
        try {
          await c.workflowService.registerNamespace({
            namespace,
            workflowExecutionRetentionPeriod: msToTs(NAMESPACE_RETENTION),
          });
        } catch (err) {
          if (!/already exists|AlreadyExists/i.test((err as Error).message)) throw err;
        }
        return true;
      }),
    READY_MS,
    undefined,
    1_000,
  );
  await waitUntil(
    `search attributes on ${namespace}`,
    () =>
      withConnection(address, tls, async (c) => {
        const wanted = ALL_SEARCH_ATTRIBUTES.map((k) => k.name);
        const have = await c.operatorService.listSearchAttributes({ namespace });
        const missing = wanted.filter((name) => !(name in (have.customAttributes ?? {})));
        if (missing.length === 0) return true;
        await c.operatorService.addSearchAttributes({
          namespace,
          searchAttributes: Object.fromEntries(
            ALL_SEARCH_ATTRIBUTES.filter((k) => missing.includes(k.name)).map((k) => [
              k.name,
              INDEXED_VALUE_TYPE[k.type] ?? 2,
            ]),
          ),
        });
        return false;
      }),
    READY_MS,
    undefined,
    1_000,
  );
}

/**
 * True when every part serves: the frontend knows the namespace, history answers (NotFound for a
 * workflow that does not exist), matching answers (describe a task queue), visibility answers.
 */
export async function clusterAnswers(address: string, tls: Tls, namespace: string): Promise<boolean> {
  return withConnection(address, tls, async (c) => {
    await c.workflowService.describeNamespace({ namespace });
    try {
      await c.workflowService.describeWorkflowExecution({
        namespace,
        execution: { workflowId: `cluster-readiness-probe-${Date.now()}` },
      });
    } catch (err) {
      if (!/not found/i.test((err as Error).message)) throw err;
    }
    await c.workflowService.describeTaskQueue({ namespace, taskQueue: { name: 'cluster-readiness-probe' } });
    await c.workflowService.countWorkflowExecutions({ namespace, query: '' });
    return true;
  });
}

function secs(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}
