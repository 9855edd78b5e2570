// The embedded local stack, used by `npm run dev` and by the integration tests' Jest globalSetup:
// Temporal dev server (+ Web UI, custom search attributes), MongoDB (URI, mongod, or FerretDB on a
// local PostgreSQL server or on SQLite),
// mail sink, Twilio simulator and, unless startApp is false, the worker and API processes.
// Every part is waited on until healthy; stop() stops what was started, app tier first.
import { execFile } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import { searchAttributeFlags } from '../../workflows/search-attributes';
import { SCALAR_QUERY_FIELDS } from '../../activities/models';
import { startMailSink } from '../mail-sink/server';
import {
  describePortUser,
  freePort,
  isPortFree,
  ManagedProcess,
  waitForHttp,
  waitForTcp,
  waitUntil,
} from './processes';
import {
  ensureMongo,
  ensureTemporalCli,
  mongoBackendOverride,
  type MongoRoute,
  type PostgresServer,
} from './provision';

export interface StackOptions {
  /** e.g. <repo>/.data, or a temp dir for tests. */
  dataDir: string;
  /** fixed = the dev defaults (7233, 8233, 27017, 1025, 1080, 3010, 3000); auto = free ports. */
  ports: 'fixed' | 'auto';
  /** Start the worker and API child processes (default true). */
  startApp?: boolean;
  /** Extra env for the worker and the API (e.g. POLICY_FILE). */
  appEnv?: Record<string, string>;
  /** Child output only to log files (tests). */
  quiet?: boolean;
  /** Default 'default'. */
  namespace?: string;
}

export interface StackUrls {
  api: string;
  docs: string;
  temporalUi: string;
  mailInbox: string;
  twilioSim: string;
  /** host:port of the Temporal frontend (gRPC). */
  temporal: string;
  mongo: string;
  /** FerretDB's PostgreSQL backend, when FerretDB runs on PostgreSQL. */
  postgres?: string;
}

export interface Stack {
  /** The full env for product processes (worker, API, tests). */
  env: Record<string, string>;
  urls: StackUrls;
  /** Where each process writes its log (<dataDir>/logs). */
  logDir: string;
  worker?: ManagedProcess;
  api?: ManagedProcess;
  /**
   * Starts a fresh worker process (e.g. after a SIGKILL test) and waits until it is ready;
   * `extraEnv` overrides the product env for this worker (e.g. WORKER_MAX_CACHED_WORKFLOWS).
   */
  startWorker(extraEnv?: Record<string, string>): Promise<ManagedProcess>;
  /**
   * Fault tests (issue 9): stop a part of the stack and start it again on the same port with the
   * same data (Temporal's SQLite file, FerretDB's backend, the mail sink's inbox), or restart the API.
   * `signal` SIGKILL = a crash instead of a clean stop.
   */
  stopTemporal(signal?: NodeJS.Signals): Promise<void>;
  startTemporal(): Promise<void>;
  /** S10: the Temporal server keeps its port and connections but answers nothing (SIGSTOP / SIGCONT). */
  pauseTemporal(): void;
  resumeTemporal(): void;
  /** FerretDB (or mongod) only; FerretDB's PostgreSQL backend keeps running. */
  stopMongo(signal?: NodeJS.Signals): Promise<void>;
  startMongo(): Promise<void>;
  /**
   * S10: FerretDB (or mongod) keeps its port and connections but answers nothing (SIGSTOP), the
   * way it froze under load (docs/decisions.md, "The freeze"), until resumeMongo (SIGCONT).
   */
  pauseMongo(): void;
  resumeMongo(): void;
  /** The mail sink's SMTP server and inbox (it keeps its messages on disk). */
  stopMail(): Promise<void>;
  startMail(): Promise<void>;
  /** Stops the API process (SIGTERM: in-flight requests finish) and starts it again; waits for health. */
  restartApi(signal?: NodeJS.Signals): Promise<void>;
  /** Stops everything it started, in reverse order. */
  stop(): Promise<void>;
}

export const FIXED_PORTS = {
  temporal: 7233,
  temporalUi: 8233,
  mongo: 27017,
  smtp: 1025,
  mailHttp: 1080,
  twilioSim: 3010,
  api: 3000,
  postgres: 5433,
} as const;

const PORT_LABELS: Record<keyof typeof FIXED_PORTS, string> = {
  temporal: 'Temporal gRPC',
  temporalUi: 'Temporal Web UI',
  mongo: 'MongoDB (FerretDB/mongod)',
  smtp: 'mail sink SMTP',
  mailHttp: 'mail sink HTTP inbox',
  twilioSim: 'Twilio simulator',
  api: 'ClosedLoop API',
  postgres: "PostgreSQL (FerretDB's backend)",
};

/** Dev defaults of the product configuration (see .env.example). */
export const DEV_DEFAULTS = {
  TEMPORAL_TASK_QUEUE: 'complaints',
  MAIL_FROM: 'ClosedLoop <closedloop@localhost>',
  SUPERVISOR_EMAILS: 'supervisor@operator.example',
  ROLE_EMAILS: JSON.stringify({
    interface: ['interface@operator.example'],
    leader: ['leader@operator.example'],
    optCenter: ['opt-center@operator.example'],
    'department:network': ['network@operator.example'],
    'department:data': ['data@operator.example'],
    'department:billing': ['billing@operator.example'],
    'department:core': ['core@operator.example'],
    'department:transmission': ['transmission@operator.example'],
  }),
  ROLE_PHONES: JSON.stringify({
    leader: ['+8613800000001'],
    interface: ['+8613800000002'],
    'department:network': ['+8613800000003'],
  }),
  TWILIO_ACCOUNT_SID: 'ACdev00000000000000000000000000000',
  TWILIO_AUTH_TOKEN: 'dev-auth-token',
  TWILIO_FROM_NUMBER: '+8610086000',
  API_KEYS: JSON.stringify({
    'dev-intake-key': { user: 'emos-gateway', roles: ['intake'] },
    'dev-handler-key': { user: 'handler.li', roles: ['handler'], team: 'haidian' },
    'dev-supervisor-key': { user: 'supervisor.wang', roles: ['supervisor', 'handler'] },
  }),
  LOG_LEVEL: 'info',
  // Payload encryption (S3) with a dev key: never use this key outside the local stack.
  PAYLOAD_KEYS: JSON.stringify({ 'dev-2026-1': '0LZN04ThYZrzxi/w90cbOxZkQZmn7QayybHYwNMbZVs=' }),
  PAYLOAD_KEY_ID: 'dev-2026-1',
  // People log in with JWTs from the API's own dev issuer (DEV_AUTH); the dev Web UI has no login,
  // so its codec server needs none (CODEC_AUTH=off).
  DEV_AUTH: 'on',
  CODEC_AUTH: 'off',
  AUTH_AUDIENCE: 'closedloop-api',
} as const;

const HOST = '127.0.0.1';
const DB_NAME = 'closedloop';
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const TEMPORAL_READY_MS = 60_000;
const MONGO_READY_MS = 60_000;
const CHILD_READY_MS = 60_000;
const WORKER_READY_MS = 180_000;

type Port = number;
type Ports = { [K in keyof typeof FIXED_PORTS]: Port };

interface Component {
  name: string;
  stop(): Promise<void>;
}

/** A part the fault tests can stop and start again (same port, same data). */
interface Restartable {
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: the process keeps its port and connections but does nothing meanwhile. */
  pause?(): void;
  resume?(): void;
}

interface Context {
  dataDir: string;
  logDir: string;
  quiet: boolean;
  namespace: string;
  registry: ChildRegistry;
  /** Filled in as the parts start: what stopTemporal/startTemporal … act on. */
  restartable: Partial<Record<'temporal' | 'mongo' | 'mail', Restartable>>;
}

// ---------------------------------------------------------------------------------------------
// startStack

export async function startStack(opts: StackOptions): Promise<Stack> {
  const started = Date.now();
  const dataDir = path.resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const registry = await ChildRegistry.claim(dataDir, say(opts.quiet));
  const ctx: Context = {
    dataDir,
    logDir: path.join(dataDir, 'logs'),
    quiet: opts.quiet ?? false,
    namespace: opts.namespace ?? 'default',
    registry,
    restartable: {},
  };
  const infra: Component[] = [];
  try {
    const [temporalBin, mongoRoute] = await Promise.all([ensureTemporalCli(), ensureMongo()]);
    const ports = await choosePorts(opts.ports, mongoRoute, opts.startApp !== false);
    const parts = await startInfra(ctx, temporalBin, mongoRoute, ports, infra);
    const env = productEnv(ctx, ports, parts, opts.appEnv);
    await routeInboundSms(parts.twilioSimUrl, env);
    const stack = createStack(ctx, env, urlsOf(env, parts), infra);
    if (opts.startApp !== false) await startApp(stack, ctx, env);
    say(ctx.quiet)(`stack ready in ${((Date.now() - started) / 1000).toFixed(1)}s (logs: ${ctx.logDir})`);
    return stack;
  } catch (err) {
    await stopAll([...infra].reverse());
    registry.release();
    throw err;
  }
}

interface InfraParts {
  temporalAddress: string;
  temporalUiUrl: string;
  mongoUri: string;
  postgresUrl?: string;
  smtpPort: number;
  mailUrl: string;
  twilioSimUrl: string;
}

/** Starts Temporal, MongoDB, the mail sink and the Twilio simulator in parallel; all must become healthy. */
async function startInfra(
  ctx: Context,
  temporalBin: string,
  mongo: MongoRoute,
  ports: Ports,
  started: Component[],
): Promise<InfraParts> {
  const results = await Promise.allSettled([
    startTemporal(ctx, temporalBin, ports, started),
    startMongo(ctx, mongo, ports, started),
    startMail(ctx, ports, started),
    startTwilioSim(ctx, ports.twilioSim, started),
  ]);
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0) {
    const messages = failures.map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason)));
    throw new Error(`the local stack did not start:\n- ${messages.join('\n- ')}`);
  }
  const [temporal, mongoDb, mail, twilioSimUrl] = results.map(
    (r) => (r as PromiseFulfilledResult<unknown>).value,
  );
  const t = temporal as { address: string; uiUrl: string };
  const db = mongoDb as { uri: string; postgresUrl?: string };
  const m = mail as { smtpPort: number; url: string };
  return {
    temporalAddress: t.address,
    temporalUiUrl: t.uiUrl,
    mongoUri: db.uri,
    ...(db.postgresUrl ? { postgresUrl: db.postgresUrl } : {}),
    smtpPort: m.smtpPort,
    mailUrl: m.url,
    twilioSimUrl: twilioSimUrl as string,
  };
}

function createStack(ctx: Context, env: Record<string, string>, urls: StackUrls, infra: Component[]): Stack {
  const workers: ManagedProcess[] = [];
  let stopped = false;
  const stack: Stack = {
    env,
    urls,
    logDir: ctx.logDir,
    async startWorker(extraEnv) {
      const worker = await startWorkerProcess(ctx, { ...env, ...extraEnv }, workers.length + 1);
      workers.push(worker);
      stack.worker = worker;
      return worker;
    },
    stopTemporal: (signal) => part(ctx, 'temporal').stop(signal),
    startTemporal: () => part(ctx, 'temporal').start(),
    stopMongo: (signal) => part(ctx, 'mongo').stop(signal),
    startMongo: () => part(ctx, 'mongo').start(),
    pauseMongo: () => pausable(ctx, 'mongo').pause(),
    resumeMongo: () => pausable(ctx, 'mongo').resume(),
    pauseTemporal: () => pausable(ctx, 'temporal').pause(),
    resumeTemporal: () => pausable(ctx, 'temporal').resume(),
    stopMail: () => part(ctx, 'mail').stop(),
    startMail: () => part(ctx, 'mail').start(),
    async restartApi(signal = 'SIGTERM') {
      const api = stack.api;
      if (!api) throw new Error('the stack was started without the API');
      if (signal === 'SIGTERM') await api.stop();
      else {
        api.kill(signal);
        await api.exited;
      }
      api.start();
      ctx.registry.trackRestart(api);
      await waitForHttp(`${urls.api}/healthz`, CHILD_READY_MS, api);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      say(ctx.quiet)('stopping the local stack …');
      // a paused process would not see its stop signal
      for (const name of ['mongo', 'temporal'] as const) ctx.restartable[name]?.resume?.();
      const app = [...workers, ...(stack.api ? [stack.api] : [])];
      await Promise.all(app.map((p) => p.stop()));
      await stopAll([...infra].reverse());
      ctx.registry.release();
    },
  };
  return stack;
}

function pausable(ctx: Context, name: 'mongo' | 'temporal'): Required<Pick<Restartable, 'pause' | 'resume'>> {
  const { pause, resume } = part(ctx, name);
  if (!pause || !resume) throw new Error(`${name} of this stack cannot be paused`);
  return { pause, resume };
}

function part(ctx: Context, name: keyof Context['restartable']): Restartable {
  const found = ctx.restartable[name];
  if (!found) throw new Error(`${name} was not started by this stack, so it cannot be stopped or restarted`);
  return found;
}

/** Stops a child with `signal` (SIGTERM = the usual stop with its grace period) and waits for its exit. */
async function stopWith(proc: ManagedProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (signal === 'SIGTERM') {
    await proc.stop();
    return;
  }
  proc.kill(signal);
  await proc.exited;
}

async function startApp(stack: Stack, ctx: Context, env: Record<string, string>): Promise<void> {
  const api = spawnChild(ctx, 'api', 'api/server.ts', env);
  stack.api = api;
  const [worker] = await Promise.all([
    stack.startWorker(),
    waitForHttp(`${stack.urls.api}/healthz`, CHILD_READY_MS, api),
  ]).catch(async (err: unknown) => {
    await stack.stop();
    throw err;
  });
  say(ctx.quiet)(`worker ready (pid ${worker.pid}), api ready on ${stack.urls.api} (pid ${api.pid})`);
}

async function startWorkerProcess(
  ctx: Context,
  env: Record<string, string>,
  n: number,
): Promise<ManagedProcess> {
  const worker = spawnChild(ctx, n === 1 ? 'worker' : `worker-${n}`, 'worker/main.ts', env);
  try {
    await worker.waitForOutput(/worker ready/i, WORKER_READY_MS);
    return worker;
  } catch (err) {
    await worker.stop();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Ports

async function choosePorts(mode: StackOptions['ports'], mongo: MongoRoute, withApi: boolean): Promise<Ports> {
  const withPostgres = mongo.kind === 'ferretdb' && mongo.postgres !== undefined;
  if (mode === 'fixed') {
    await assertFixedPortsFree(mongo.kind !== 'uri', withApi, withPostgres);
    return { ...FIXED_PORTS };
  }
  // Children that print their address get port 0 (no race); the rest get a port that is free now.
  const [temporal, temporalUi, api, mongod, postgres] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  return {
    temporal,
    temporalUi,
    api,
    mongo: mongo.kind === 'mongod' ? mongod : 0,
    postgres: withPostgres ? postgres : 0,
    smtp: 0,
    mailHttp: 0,
    twilioSim: 0,
  };
}

async function assertFixedPortsFree(
  withMongo: boolean,
  withApi: boolean,
  withPostgres: boolean,
): Promise<void> {
  const names = (Object.keys(FIXED_PORTS) as (keyof typeof FIXED_PORTS)[]).filter(
    (name) =>
      (withMongo || name !== 'mongo') && (withApi || name !== 'api') && (withPostgres || name !== 'postgres'),
  );
  const busy = await Promise.all(
    names.map(async (name) => ((await isPortFree(FIXED_PORTS[name], HOST)) ? undefined : name)),
  );
  const problems = await Promise.all(
    busy
      .filter((name): name is keyof typeof FIXED_PORTS => name !== undefined)
      .map(async (name) => {
        const user = await describePortUser(FIXED_PORTS[name]);
        return `port ${FIXED_PORTS[name]} (${PORT_LABELS[name]}) is already in use${user ? ` by ${user}` : ''}`;
      }),
  );
  if (problems.length > 0) {
    throw new Error(
      `cannot start the local stack:\n- ${problems.join('\n- ')}\n` +
        'Is another `npm run dev` still running? Stop it (Ctrl-C in its terminal) or free these ports.',
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Temporal

async function startTemporal(
  ctx: Context,
  bin: string,
  ports: Ports,
  started: Component[],
): Promise<{ address: string; uiUrl: string }> {
  const args = temporalArgs(ctx, ports);
  const proc = ctx.registry.spawn({ ...childBase(ctx, 'temporal'), command: bin, args, stopGraceMs: 15_000 });
  started.push(asComponent(proc));
  const address = `${HOST}:${ports.temporal}`;
  const uiUrl = `http://${HOST}:${ports.temporalUi}`;
  const ready = async () => {
    await waitForTcp(HOST, ports.temporal, TEMPORAL_READY_MS, proc);
    await waitUntil(
      `Temporal at ${address} to answer`,
      () => temporalAnswers(address, ctx.namespace),
      TEMPORAL_READY_MS,
      proc,
      500,
    );
    await waitForHttp(uiUrl, 30_000, proc);
  };
  await ready();
  // Same ports and the same --db-filename: the restarted server finds every workflow and timer.
  ctx.restartable.temporal = {
    stop: (signal) => stopWith(proc, signal),
    start: async () => {
      proc.start();
      ctx.registry.trackRestart(proc);
      await ready();
    },
    pause: () => proc.kill('SIGSTOP'),
    resume: () => proc.kill('SIGCONT'),
  };
  say(ctx.quiet)(`temporal ready on ${address} (UI ${uiUrl}, namespace ${ctx.namespace})`);
  return { address, uiUrl };
}

function temporalArgs(ctx: Context, ports: Ports): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    HOST,
    '--port',
    String(ports.temporal),
    '--ui-port',
    String(ports.temporalUi),
    '--db-filename',
    path.join(ctx.dataDir, 'temporal.sqlite'),
    '--namespace',
    ctx.namespace,
    // Write-ahead log: readers do not block the writer and each commit is one append. A crashed
    // process loses nothing; only a power cut can lose the last commits (docs/decisions.md).
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=normal',
    '--log-level',
    'warn',
    ...searchAttributeFlags().flatMap((flag) => ['--search-attribute', flag]),
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
    // The Web UI decrypts payloads through the API's codec server (S3); the API port is known now.
    '--ui-codec-endpoint',
    `http://${HOST}:${ports.api}/codec`,
  ];
}

/** True when the frontend answers GetSystemInfo and knows the namespace. */
export async function temporalAnswers(address: string, namespace: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 2000 });
  try {
    await connection.workflowService.getSystemInfo({});
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } finally {
    await connection.close();
  }
}

// ---------------------------------------------------------------------------------------------
// MongoDB

async function startMongo(
  ctx: Context,
  route: MongoRoute,
  ports: Ports,
  started: Component[],
): Promise<{ uri: string; postgresUrl?: string }> {
  if (route.kind === 'uri') {
    await waitForMongo(route.uri, MONGO_READY_MS);
    say(ctx.quiet)('mongodb: MONGODB_URI answers');
    return { uri: route.uri };
  }
  if (route.kind === 'mongod') {
    const proc = spawnMongod(ctx, route.bin, ports.mongo);
    started.push(asComponent(proc));
    const uri = `mongodb://${HOST}:${ports.mongo}/${DB_NAME}`;
    await waitForMongo(uri, MONGO_READY_MS, proc);
    ctx.restartable.mongo = {
      stop: (signal) => stopWith(proc, signal),
      start: async () => {
        proc.start();
        ctx.registry.trackRestart(proc);
        await waitForMongo(uri, MONGO_READY_MS, proc);
      },
      pause: () => proc.kill('SIGSTOP'),
      resume: () => proc.kill('SIGCONT'),
    };
    say(ctx.quiet)(`mongodb (mongod) ready on ${uri}`);
    return { uri };
  }
  // FerretDB, on PostgreSQL when the route found a server that can use this data dir: stopped
  // FerretDB first, then PostgreSQL.
  const parts = inSequence('mongodb', started);
  const pg = route.postgres && postgresUsable(ctx, route.postgres) ? route.postgres : undefined;
  const postgresUrl = pg ? await startPostgres(ctx, pg, ports.postgres, parts) : undefined;
  let proc = spawnFerretDb(ctx, route.bin, ports.mongo, postgresUrl);
  parts.add({ name: 'ferretdb', stop: async () => void (await proc.stop()) });
  const address =
    (await proc.waitForOutput(/ferretdb ready on (\S+)/, CHILD_READY_MS))[1] ?? `${HOST}:${ports.mongo}`;
  const uri = `mongodb://${address}/${DB_NAME}`;
  await waitForMongo(uri, MONGO_READY_MS, proc);
  // A restart listens on the port the first start got (port 0 picked it), so MONGODB_URI stays valid.
  const port = Number(address.split(':').pop());
  ctx.restartable.mongo = {
    stop: (signal) => stopWith(proc, signal),
    start: async () => {
      proc = spawnFerretDb(ctx, route.bin, port, postgresUrl);
      await proc.waitForOutput(/ferretdb ready on (\S+)/, CHILD_READY_MS);
      await waitForMongo(uri, MONGO_READY_MS, proc);
    },
    pause: () => proc.kill('SIGSTOP'),
    resume: () => proc.kill('SIGCONT'),
  };
  say(ctx.quiet)(`mongodb (ferretdb on ${pg ? `postgresql ${pg.version}` : 'sqlite'}) ready on ${uri}`);
  return postgresUrl ? { uri, postgresUrl } : { uri };
}

/**
 * FerretDB's pool of PostgreSQL connections (`pool_max_conns`; FerretDB's default is 50). Larger
 * than all product processes' driver pools together (MONGO_POOL_SIZE, 20 each: the API, the worker,
 * a second worker of the crash tests, tools), so that requests wait in the drivers, which give up
 * after their deadline, and not in FerretDB, which waits forever. Before our release-before-write
 * patch a full pool froze FerretDB for good (S10, docs/decisions.md "The freeze").
 */
export const FERRETDB_PG_POOL = 80;
/** PostgreSQL's max_connections: FerretDB's pool, 3 reserved for superusers, psql and headroom. */
const PG_MAX_CONNECTIONS = 100;

function spawnFerretDb(ctx: Context, bin: string, port: number, postgresUrl?: string): ManagedProcess {
  const backend = postgresUrl
    ? ['--handler', 'postgresql', '--postgresql-url', `${postgresUrl}?pool_max_conns=${FERRETDB_PG_POOL}`]
    : ['--handler', 'sqlite', '--sqlite-url', `file:${sqliteDir(ctx)}/`];
  const args = ['--listen-addr', `${HOST}:${port}`, ...backend, '--log-level', 'error'];
  // Our FerretDB patch pushes equality on these fields down so that their indexes serve it
  // (infra/ferretdb/id-pushdown.patch; repeat detection queries them at every intake).
  const env = { ...process.env, FERRETDB_SCALAR_FIELDS: SCALAR_QUERY_FIELDS.join(',') };
  return ctx.registry.spawn({ ...childBase(ctx, 'ferretdb'), command: bin, args, env });
}

function sqliteDir(ctx: Context): string {
  const dir = path.join(ctx.dataDir, 'ferretdb');
  mkdirSync(dir, { recursive: true });
  return dir;
}

function spawnMongod(ctx: Context, bin: string, port: number): ManagedProcess {
  const dir = path.join(ctx.dataDir, 'mongo');
  mkdirSync(dir, { recursive: true });
  const args = ['--dbpath', dir, '--bind_ip', HOST, '--port', String(port), '--quiet'];
  return ctx.registry.spawn({ ...childBase(ctx, 'mongod'), command: bin, args, stopGraceMs: 20_000 });
}

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

// ---------------------------------------------------------------------------------------------
// PostgreSQL, FerretDB's backend when the route found a server: cluster in <dataDir>/postgres/data
// (initdb on the first start, kept across restarts), unix socket in <dataDir>/postgres/run (or a
// temp dir under /tmp when that path is too long for a unix socket), TCP on 127.0.0.1 only, trust
// auth, fsync off (local dev data). As root it runs as the `postgres` user (see provision.ts).

const PG_SUPERUSER = 'postgres';
const PG_DATABASE = 'ferretdb';
const PG_READY_MS = 60_000;
const PG_STOP_MS = 30_000;
/** sun_path holds 108 bytes including the terminating NUL. */
const UNIX_SOCKET_PATH_MAX = 107;

interface Sequence {
  add(component: Component): void;
}

/** One component that stops its parts one after the other, the last added first. */
function inSequence(name: string, started: Component[]): Sequence {
  const parts: Component[] = [];
  started.push({
    name,
    stop: async () => {
      for (const part of [...parts].reverse()) {
        await part
          .stop()
          .catch((err: unknown) => console.error(`[stack] could not stop ${part.name}: ${String(err)}`));
      }
    },
  });
  return { add: (component) => void parts.push(component) };
}

/**
 * False (after saying why) when the server's user cannot reach the data dir, so that FerretDB
 * falls back to SQLite; throws instead when CLOSEDLOOP_MONGO_BACKEND=postgresql forces PostgreSQL.
 */
function postgresUsable(ctx: Context, pg: PostgresServer): boolean {
  if (!pg.runAs) return true;
  const blocked = unsearchableDir(path.dirname(ctx.dataDir), pg.runAs.uid, pg.runAs.gid);
  if (!blocked) return true;
  const problem =
    `user ${pg.runAs.user} (PostgreSQL refuses to run as root) cannot reach ${ctx.dataDir}: ` +
    `${blocked} is not searchable by it`;
  if (mongoBackendOverride() === 'postgresql') {
    throw new Error(`${problem}. Make it searchable (chmod o+x ${blocked}) or use another data dir.`);
  }
  say(ctx.quiet)(`mongodb: ${problem}; using FerretDB on SQLite (chmod o+x ${blocked} for PostgreSQL)`);
  return false;
}

/** The first directory from / down to `dir` that uid/gid cannot search (no x bit for them), if any. */
function unsearchableDir(dir: string, uid: number, gid: number): string | undefined {
  const chain: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    chain.unshift(d);
    if (path.dirname(d) === d) break;
  }
  return chain.find((d) => !searchableBy(d, uid, gid));
}

function searchableBy(dir: string, uid: number, gid: number): boolean {
  const st = statSync(dir);
  if (st.uid === uid) return (st.mode & 0o100) !== 0;
  if (st.gid === gid) return (st.mode & 0o010) !== 0;
  return (st.mode & 0o001) !== 0;
}

/** Starts (and on the first start initdb's) the cluster and creates FerretDB's database; returns its URL. */
async function startPostgres(
  ctx: Context,
  pg: PostgresServer,
  port: number,
  parts: Sequence,
): Promise<string> {
  const root = path.join(ctx.dataDir, 'postgres');
  const pgdata = path.join(root, 'data');
  mkdirSync(root, { recursive: true });
  const socket = socketDir(root, port);
  grantToServerUser(ctx, pg, [root, socket.dir]);
  if (existsSync(path.join(pgdata, 'PG_VERSION'))) {
    assertClusterVersion(root, pgdata, pg);
  } else {
    noteSqliteData(ctx);
    await initdb(ctx, pg, root, pgdata);
  }
  const serverArgs = [
    ...['-D', pgdata, '-p', String(port), '-k', socket.dir],
    ...['-c', `listen_addresses=${HOST}`, '-c', 'fsync=off', '-c', 'log_checkpoints=off'],
    ...['-c', `max_connections=${PG_MAX_CONNECTIONS}`],
  ];
  const proc = ctx.registry.spawn({
    ...childBase(ctx, 'postgres'),
    // Log file only: FerretDB's expected duplicate-key errors (idempotent inserts) would read as alarms.
    console: false,
    ...asServerUser(pg, path.join(pg.bindir, 'postgres'), serverArgs),
    env: postgresEnv(),
    stopGraceMs: PG_STOP_MS,
  });
  const server: { postmasterPid?: number } = {};
  parts.add({ name: 'postgres', stop: () => stopPostgres(proc, server.postmasterPid, socket) });
  await waitUntil(
    `PostgreSQL on ${HOST}:${port} to answer`,
    async () => (await psql(pg, port, 'postgres', 'SELECT 1')) === '1',
    PG_READY_MS,
    proc,
    200,
  );
  server.postmasterPid = trackPostmaster(ctx, pgdata, proc);
  const exists = `SELECT 1 FROM pg_database WHERE datname = '${PG_DATABASE}'`;
  if ((await psql(pg, port, 'postgres', exists)) !== '1') {
    await psql(pg, port, 'postgres', `CREATE DATABASE ${PG_DATABASE}`);
  }
  const url = `postgres://${PG_SUPERUSER}@${HOST}:${port}/${PG_DATABASE}`;
  say(ctx.quiet)(`postgresql ${pg.version} ready on ${url} (data ${pgdata}, socket dir ${socket.dir})`);
  return url;
}

function socketDir(root: string, port: number): { dir: string; temporary: boolean } {
  const dir = path.join(root, 'run');
  if (Buffer.byteLength(path.join(dir, `.s.PGSQL.${port}`)) <= UNIX_SOCKET_PATH_MAX) {
    mkdirSync(dir, { recursive: true });
    return { dir, temporary: false };
  }
  return { dir: mkdtempSync('/tmp/closedloop-pg-'), temporary: true };
}

/** As root: the server's user owns its directories and can search the data dir (o+x, no listing). */
function grantToServerUser(ctx: Context, pg: PostgresServer, dirs: string[]): void {
  if (!pg.runAs) return;
  const { uid, gid, user } = pg.runAs;
  if (!searchableBy(ctx.dataDir, uid, gid)) {
    chmodSync(ctx.dataDir, (statSync(ctx.dataDir).mode & 0o7777) | 0o001);
    say(ctx.quiet)(`postgresql: made ${ctx.dataDir} searchable (o+x) for user ${user}`);
  }
  dirs.forEach((dir) => chownSync(dir, uid, gid));
}

/** Command and args that run a PostgreSQL program as the server's user (directly unless we are root). */
function asServerUser(
  pg: PostgresServer,
  program: string,
  args: string[],
): { command: string; args: string[] } {
  if (!pg.runAs) return { command: program, args };
  const [command, ...prefix] = pg.runAs.command as [string, ...string[]];
  return { command, args: [...prefix, program, ...args] };
}

/** The environment of PostgreSQL programs: none of our PG* settings, the C locale. */
function postgresEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PG')));
  return { ...env, LC_ALL: 'C' };
}

async function initdb(ctx: Context, pg: PostgresServer, root: string, pgdata: string): Promise<void> {
  const started = Date.now();
  // Into a side directory first, so that a half-made cluster is never taken for a finished one.
  const tmp = path.join(root, 'data.init');
  rmSync(tmp, { recursive: true, force: true });
  const args = ['-D', tmp, '-U', PG_SUPERUSER, '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'];
  const { command, args: argv } = asServerUser(pg, path.join(pg.bindir, 'initdb'), args);
  const logFile = path.join(ctx.logDir, 'postgres-initdb.log');
  mkdirSync(ctx.logDir, { recursive: true });
  const result = await runTool(command, argv, postgresEnv(), 120_000);
  writeFileSync(logFile, `$ ${[command, ...argv].join(' ')}\n${result.output}`);
  if (!result.ok) {
    throw new Error(
      `initdb of ${pgdata} failed (log: ${logFile}):\n${result.output.trim().split('\n').slice(-15).join('\n')}\n` +
        'Set CLOSEDLOOP_MONGO_BACKEND=sqlite to run FerretDB on SQLite instead.',
    );
  }
  renameSync(tmp, pgdata);
  say(ctx.quiet)(`postgresql: initdb ${pgdata} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

function assertClusterVersion(root: string, pgdata: string, pg: PostgresServer): void {
  const version = readFileSync(path.join(pgdata, 'PG_VERSION'), 'utf8').trim();
  if (version === pg.version) return;
  throw new Error(
    `${pgdata} holds a PostgreSQL ${version} cluster, but the server found is PostgreSQL ${pg.version} ` +
      `(${pg.bindir}). It holds only local data: delete ${root} to start afresh, ` +
      'or set CLOSEDLOOP_MONGO_BACKEND=sqlite.',
  );
}

/** FerretDB on SQLite's data is not carried over to PostgreSQL: say so on the first PostgreSQL start. */
function noteSqliteData(ctx: Context): void {
  const dir = path.join(ctx.dataDir, 'ferretdb');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.sqlite')) : [];
  if (files.length === 0) return;
  say(ctx.quiet)(
    `mongodb: ${dir} holds data of FerretDB on SQLite from earlier runs; it is not copied to PostgreSQL ` +
      '(CLOSEDLOOP_MONGO_BACKEND=sqlite uses it again)',
  );
}

/**
 * The postmaster's pid (from postmaster.pid), registered for the orphan cleanup with SIGINT. It is
 * the child's own pid unless runuser sits in between.
 */
function trackPostmaster(ctx: Context, pgdata: string, proc: ManagedProcess): number | undefined {
  let pid: number | undefined;
  try {
    pid = Number(readFileSync(path.join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    pid = proc.pid;
  }
  const cmdline = pid ? processCmdline(pid) : undefined;
  if (!pid || !cmdline) return proc.pid;
  ctx.registry.track({ name: 'postgres', pid, cmdline, stopSignal: 'SIGINT' });
  return pid;
}

/** SIGINT = fast shutdown (clients are disconnected, then a checkpoint); SIGTERM/SIGKILL if it hangs. */
async function stopPostgres(
  proc: ManagedProcess,
  postmasterPid: number | undefined,
  socket: { dir: string; temporary: boolean },
): Promise<void> {
  if (proc.running) {
    // Through runuser, signal the postmaster itself: runuser would send SIGTERM and SIGKILL 2 s later.
    if (postmasterPid !== undefined && postmasterPid !== proc.pid && isAlive(postmasterPid)) {
      process.kill(postmasterPid, 'SIGINT');
    } else {
      proc.kill('SIGINT');
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([proc.exited, new Promise((resolve) => (timer = setTimeout(resolve, PG_STOP_MS)))]);
    clearTimeout(timer);
    await proc.stop(5_000);
  }
  if (socket.temporary) rmSync(socket.dir, { recursive: true, force: true });
}

/** Runs psql against the local server; resolves with its trimmed unaligned output. */
function psql(pg: PostgresServer, port: number, db: string, sql: string): Promise<string> {
  const args = ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', HOST, '-p', String(port)];
  args.push('-U', PG_SUPERUSER, '-d', db, '-c', sql);
  return runTool(
    path.join(pg.bindir, 'psql'),
    args,
    { ...postgresEnv(), PGCONNECT_TIMEOUT: '2' },
    15_000,
  ).then((r) => {
    if (!r.ok) throw new Error(`psql: ${r.output.trim() || 'failed'}`);
    return r.stdout.trim();
  });
}

function runTool(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ ok: boolean; stdout: string; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: timeoutMs, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      const output = `${stdout}${stderr}${err && !stderr ? `${err.message}\n` : ''}`;
      resolve({ ok: !err, stdout, output });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Mail sink (in-process) and Twilio simulator (child process)

async function startMail(
  ctx: Context,
  ports: Ports,
  started: Component[],
): Promise<{ smtpPort: number; url: string }> {
  const dataDir = path.join(ctx.dataDir, 'mail');
  let sink = await startMailSink({ host: HOST, smtpPort: ports.smtp, httpPort: ports.mailHttp, dataDir });
  let running = true;
  started.push({ name: 'mail-sink', stop: async () => void (running && (await sink.close())) });
  // Down = both ports closed; up again on the same ports, the inbox reloaded from dataDir.
  const { smtpPort, httpPort } = sink;
  ctx.restartable.mail = {
    stop: async () => {
      running = false;
      await sink.close();
    },
    start: async () => {
      sink = await startMailSink({ host: HOST, smtpPort, httpPort, dataDir });
      running = true;
    },
  };
  say(ctx.quiet)(`mail sink ready on smtp://${HOST}:${sink.smtpPort} (inbox ${sink.httpUrl})`);
  return { smtpPort: sink.smtpPort, url: sink.httpUrl };
}

async function startTwilioSim(ctx: Context, port: number, started: Component[]): Promise<string> {
  const env = {
    TWILIO_SIM_HOST: HOST,
    TWILIO_SIM_PORT: String(port),
    TWILIO_ACCOUNT_SID: DEV_DEFAULTS.TWILIO_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: DEV_DEFAULTS.TWILIO_AUTH_TOKEN,
  };
  const proc = spawnChild(ctx, 'twilio-sim', 'infra/twilio-sim/main.ts', env);
  started.push(asComponent(proc));
  const url =
    (await proc.waitForOutput(/twilio-sim ready on (\S+)/, CHILD_READY_MS))[1] ?? `http://${HOST}:${port}`;
  await waitForHttp(`${url}/healthz`, CHILD_READY_MS, proc);
  say(ctx.quiet)(`twilio simulator ready on ${url}`);
  return url;
}

/** Like a configured Twilio number: SMS to TWILIO_FROM_NUMBER go to the API's inbound webhook. */
async function routeInboundSms(simUrl: string, env: Record<string, string>): Promise<void> {
  const from = env.TWILIO_FROM_NUMBER ?? DEV_DEFAULTS.TWILIO_FROM_NUMBER;
  const res = await fetch(`${simUrl}/_sim/numbers/${encodeURIComponent(from)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ smsUrl: `${env.PUBLIC_BASE_URL}/webhooks/twilio/sms-inbound` }),
  });
  if (!res.ok) throw new Error(`twilio simulator: number ${from} not configured (HTTP ${res.status})`);
}

// ---------------------------------------------------------------------------------------------
// Environment of the product processes

function productEnv(
  ctx: Context,
  ports: Ports,
  parts: InfraParts,
  appEnv: Record<string, string> | undefined,
): Record<string, string> {
  const api = `http://${HOST}:${ports.api}`;
  return {
    TEMPORAL_ADDRESS: parts.temporalAddress,
    TEMPORAL_NAMESPACE: ctx.namespace,
    TEMPORAL_TASK_QUEUE: DEV_DEFAULTS.TEMPORAL_TASK_QUEUE,
    TEMPORAL_UI_URL: parts.temporalUiUrl,
    MONGODB_URI: parts.mongoUri,
    SMTP_HOST: HOST,
    SMTP_PORT: String(parts.smtpPort),
    SMTP_SECURE: 'false',
    MAIL_FROM: DEV_DEFAULTS.MAIL_FROM,
    SUPERVISOR_EMAILS: DEV_DEFAULTS.SUPERVISOR_EMAILS,
    ROLE_EMAILS: DEV_DEFAULTS.ROLE_EMAILS,
    ROLE_PHONES: DEV_DEFAULTS.ROLE_PHONES,
    RATE_LIMIT_PER_MINUTE: '600',
    NETWORK_DATA_SOURCE: 'mongo',
    NETWORK_DATA_TIMEOUT_MS: '5000',
    TWILIO_ACCOUNT_SID: DEV_DEFAULTS.TWILIO_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: DEV_DEFAULTS.TWILIO_AUTH_TOKEN,
    TWILIO_FROM_NUMBER: DEV_DEFAULTS.TWILIO_FROM_NUMBER,
    TWILIO_API_BASE_URL: parts.twilioSimUrl,
    API_HOST: HOST,
    API_PORT: String(ports.api),
    PUBLIC_BASE_URL: api,
    API_KEYS: DEV_DEFAULTS.API_KEYS,
    LOG_LEVEL: DEV_DEFAULTS.LOG_LEVEL,
    PAYLOAD_KEYS: DEV_DEFAULTS.PAYLOAD_KEYS,
    PAYLOAD_KEY_ID: DEV_DEFAULTS.PAYLOAD_KEY_ID,
    DEV_AUTH: DEV_DEFAULTS.DEV_AUTH,
    CODEC_AUTH: DEV_DEFAULTS.CODEC_AUTH,
    AUTH_JWKS_URL: `${api}/dev/jwks.json`,
    AUTH_ISSUER: `${api}/dev`,
    AUTH_AUDIENCE: DEV_DEFAULTS.AUTH_AUDIENCE,
    ...appEnv,
  };
}

function urlsOf(env: Record<string, string>, parts: InfraParts): StackUrls {
  const api = `http://${env.API_HOST}:${env.API_PORT}`;
  return {
    api,
    docs: `${api}/docs`,
    temporalUi: parts.temporalUiUrl,
    mailInbox: parts.mailUrl,
    twilioSim: parts.twilioSimUrl,
    temporal: parts.temporalAddress,
    mongo: parts.mongoUri,
    ...(parts.postgresUrl ? { postgres: parts.postgresUrl } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Child processes

function childBase(
  ctx: Context,
  name: string,
): { name: string; logFile: string; console: boolean; cwd: string } {
  return { name, logFile: path.join(ctx.logDir, `${name}.log`), console: !ctx.quiet, cwd: REPO_ROOT };
}

/**
 * Runs a TypeScript entry point as `node --import <tsx loader> <script>`. Unlike the `tsx` CLI
 * (which runs the script in a second node process), the pid is the script's own, so kill('SIGKILL')
 * really kills it, as crash tests need.
 */
function spawnChild(ctx: Context, name: string, script: string, env: Record<string, string>): ManagedProcess {
  const loader = pathToFileURL(require.resolve('tsx', { paths: [REPO_ROOT] })).href;
  return ctx.registry.spawn({
    ...childBase(ctx, name),
    command: process.execPath,
    args: ['--import', loader, path.join(REPO_ROOT, script)],
    env: { ...process.env, ...env },
  });
}

function asComponent(proc: ManagedProcess): Component {
  return {
    name: proc.name,
    stop: async () => {
      await proc.stop();
    },
  };
}

async function stopAll(components: Component[]): Promise<void> {
  await Promise.all(
    components.map((c) =>
      c.stop().catch((err: unknown) => console.error(`[stack] could not stop ${c.name}: ${String(err)}`)),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Registry of child pids in <dataDir>/stack.json: one stack per data dir, and processes left
// behind by a stack that died without stopping (e.g. SIGKILL) are stopped at the next start.

interface RegistryEntry {
  name: string;
  pid: number;
  cmdline: string;
  /** What stops it when left over (default SIGTERM; PostgreSQL: SIGINT = fast shutdown). */
  stopSignal?: NodeJS.Signals;
}

interface RegistryFile {
  ownerPid: number;
  host: string;
  startedAt: string;
  children: RegistryEntry[];
}

class ChildRegistry {
  private readonly children: RegistryEntry[] = [];
  private readonly startedAt = new Date().toISOString();

  private constructor(private readonly file: string) {}

  static async claim(dataDir: string, log: (m: string) => void): Promise<ChildRegistry> {
    const file = path.join(dataDir, 'stack.json');
    const previous = readRegistry(file);
    if (
      previous &&
      previous.ownerPid !== process.pid &&
      previous.host === hostname() &&
      isAlive(previous.ownerPid)
    ) {
      throw new Error(
        `another local stack (pid ${previous.ownerPid}, started ${previous.startedAt}) is using ${dataDir}. ` +
          'Stop it first (Ctrl-C in its terminal), or use another data dir.',
      );
    }
    if (previous) await reapLeftovers(previous.children, log);
    const registry = new ChildRegistry(file);
    registry.save();
    return registry;
  }

  spawn(opts: ConstructorParameters<typeof ManagedProcess>[0]): ManagedProcess {
    const proc = ManagedProcess.start(opts);
    if (proc.pid !== undefined) {
      this.children.push({ name: proc.name, pid: proc.pid, cmdline: proc.commandLine });
      this.save();
    }
    return proc;
  }

  /** Registers a child started again by ManagedProcess.start() (a new pid), for the orphan cleanup. */
  trackRestart(proc: ManagedProcess): void {
    if (proc.pid !== undefined) this.track({ name: proc.name, pid: proc.pid, cmdline: proc.commandLine });
  }

  /** Registers (or replaces, same pid) a process the stack did not spawn itself, e.g. the postmaster. */
  track(entry: RegistryEntry): void {
    const others = this.children.filter((c) => c.pid !== entry.pid);
    this.children.splice(0, this.children.length, ...others, entry);
    this.save();
  }

  release(): void {
    rmSync(this.file, { force: true });
  }

  private save(): void {
    const content: RegistryFile = {
      ownerPid: process.pid,
      host: hostname(),
      startedAt: this.startedAt,
      children: this.children,
    };
    writeFileSync(this.file, `${JSON.stringify(content, null, 2)}\n`);
  }
}

function readRegistry(file: string): RegistryFile | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RegistryFile;
  } catch {
    return undefined;
  }
}

async function reapLeftovers(children: RegistryEntry[], log: (m: string) => void): Promise<void> {
  const leftovers = children.filter((c) => processCmdline(c.pid) === c.cmdline);
  for (const child of leftovers) {
    log(`stopping ${child.name} (pid ${child.pid}) left over from an earlier run`);
    process.kill(child.pid, child.stopSignal ?? 'SIGTERM');
  }
  await waitUntil(
    'leftover processes to exit',
    async () => leftovers.every((c) => processCmdline(c.pid) !== c.cmdline),
    10_000,
  ).catch(() => leftovers.forEach((c) => isAlive(c.pid) && process.kill(c.pid, 'SIGKILL')));
}

/** The command line of a running process (Linux /proc), or undefined. */
function processCmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function say(quiet: boolean | undefined): (message: string) => void {
  return (message) => {
    if (!quiet) process.stderr.write(`[stack] ${message}\n`);
  };
}

function redact(uri: string): string {
  return uri.replace(/\/\/([^@/]+)@/, '//***@');
}
