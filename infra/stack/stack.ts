// The embedded local stack, used by `npm run dev` and by the integration tests' Jest globalSetup:
// Temporal dev server (+ Web UI, custom search attributes), MongoDB (URI, mongod or FerretDB),
// mail sink, Twilio simulator and, unless startApp is false, the worker and API processes.
// Every part is waited on until healthy; stop() stops what was started, app tier first.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import { searchAttributeFlags } from '../../workflows/search-attributes';
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
import { ensureMongo, ensureTemporalCli, type MongoRoute } from './provision';

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
}

export interface Stack {
  /** The full env for product processes (worker, API, tests). */
  env: Record<string, string>;
  urls: StackUrls;
  /** Where each process writes its log (<dataDir>/logs). */
  logDir: string;
  worker?: ManagedProcess;
  api?: ManagedProcess;
  /** Starts a fresh worker process (e.g. after a SIGKILL test) and waits until it is ready. */
  startWorker(): Promise<ManagedProcess>;
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
} as const;

const PORT_LABELS: Record<keyof typeof FIXED_PORTS, string> = {
  temporal: 'Temporal gRPC',
  temporalUi: 'Temporal Web UI',
  mongo: 'MongoDB (FerretDB/mongod)',
  smtp: 'mail sink SMTP',
  mailHttp: 'mail sink HTTP inbox',
  twilioSim: 'Twilio simulator',
  api: 'ClosedLoop API',
};

/** Dev defaults of the product configuration (see .env.example). */
export const DEV_DEFAULTS = {
  TEMPORAL_TASK_QUEUE: 'complaints',
  MAIL_FROM: 'ClosedLoop <closedloop@localhost>',
  SUPERVISOR_EMAILS: 'supervisor@operator.example',
  TWILIO_ACCOUNT_SID: 'ACdev00000000000000000000000000000',
  TWILIO_AUTH_TOKEN: 'dev-auth-token',
  TWILIO_FROM_NUMBER: '+8610086000',
  API_KEYS: JSON.stringify({
    'dev-intake-key': { user: 'emos-gateway', roles: ['intake'] },
    'dev-handler-key': { user: 'handler.li', roles: ['handler'] },
    'dev-supervisor-key': { user: 'supervisor.wang', roles: ['supervisor', 'handler'] },
  }),
  LOG_LEVEL: 'info',
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

interface Context {
  dataDir: string;
  logDir: string;
  quiet: boolean;
  namespace: string;
  registry: ChildRegistry;
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
  };
  const infra: Component[] = [];
  try {
    const [temporalBin, mongoRoute] = await Promise.all([ensureTemporalCli(), ensureMongo()]);
    const ports = await choosePorts(opts.ports, mongoRoute, opts.startApp !== false);
    const parts = await startInfra(ctx, temporalBin, mongoRoute, ports, infra);
    const env = productEnv(ctx, ports, parts, opts.appEnv);
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
    startMongo(ctx, mongo, ports.mongo, started),
    startMail(ctx, ports, started),
    startTwilioSim(ctx, ports.twilioSim, started),
  ]);
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0) {
    const messages = failures.map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason)));
    throw new Error(`the local stack did not start:\n- ${messages.join('\n- ')}`);
  }
  const [temporal, mongoUri, mail, twilioSimUrl] = results.map(
    (r) => (r as PromiseFulfilledResult<unknown>).value,
  );
  const t = temporal as { address: string; uiUrl: string };
  const m = mail as { smtpPort: number; url: string };
  return {
    temporalAddress: t.address,
    temporalUiUrl: t.uiUrl,
    mongoUri: mongoUri as string,
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
    async startWorker() {
      const worker = await startWorkerProcess(ctx, env, workers.length + 1);
      workers.push(worker);
      stack.worker = worker;
      return worker;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      say(ctx.quiet)('stopping the local stack …');
      const app = [...workers, ...(stack.api ? [stack.api] : [])];
      await Promise.all(app.map((p) => p.stop()));
      await stopAll([...infra].reverse());
      ctx.registry.release();
    },
  };
  return stack;
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
  if (mode === 'fixed') {
    await assertFixedPortsFree(mongo.kind !== 'uri', withApi);
    return { ...FIXED_PORTS };
  }
  // Children that print their address get port 0 (no race); the rest get a port that is free now.
  const [temporal, temporalUi, api, mongod] = await Promise.all([
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
    smtp: 0,
    mailHttp: 0,
    twilioSim: 0,
  };
}

async function assertFixedPortsFree(withMongo: boolean, withApi: boolean): Promise<void> {
  const names = (Object.keys(FIXED_PORTS) as (keyof typeof FIXED_PORTS)[]).filter(
    (name) => (withMongo || name !== 'mongo') && (withApi || name !== 'api'),
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
  await waitForTcp(HOST, ports.temporal, TEMPORAL_READY_MS, proc);
  await waitUntil(
    `Temporal at ${address} to answer`,
    () => temporalAnswers(address, ctx.namespace),
    TEMPORAL_READY_MS,
    proc,
    500,
  );
  await waitForHttp(uiUrl, 30_000, proc);
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
    '--log-level',
    'warn',
    ...searchAttributeFlags().flatMap((flag) => ['--search-attribute', flag]),
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
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
  port: number,
  started: Component[],
): Promise<string> {
  if (route.kind === 'uri') {
    await waitForMongo(route.uri, MONGO_READY_MS);
    say(ctx.quiet)('mongodb: MONGODB_URI answers');
    return route.uri;
  }
  const proc =
    route.kind === 'ferretdb' ? spawnFerretDb(ctx, route.bin, port) : spawnMongod(ctx, route.bin, port);
  started.push(asComponent(proc));
  const address =
    route.kind === 'ferretdb'
      ? ((await proc.waitForOutput(/ferretdb ready on (\S+)/, CHILD_READY_MS))[1] ?? `${HOST}:${port}`)
      : `${HOST}:${port}`;
  const uri = `mongodb://${address}/${DB_NAME}`;
  await waitForMongo(uri, MONGO_READY_MS, proc);
  say(ctx.quiet)(`mongodb (${route.kind}) ready on ${uri}`);
  return uri;
}

function spawnFerretDb(ctx: Context, bin: string, port: number): ManagedProcess {
  const dir = path.join(ctx.dataDir, 'ferretdb');
  mkdirSync(dir, { recursive: true });
  const args = ['--listen-addr', `${HOST}:${port}`, '--sqlite-url', `file:${dir}/`, '--log-level', 'error'];
  return ctx.registry.spawn({ ...childBase(ctx, 'ferretdb'), command: bin, args });
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
// Mail sink (in-process) and Twilio simulator (child process)

async function startMail(
  ctx: Context,
  ports: Ports,
  started: Component[],
): Promise<{ smtpPort: number; url: string }> {
  const sink = await startMailSink({
    host: HOST,
    smtpPort: ports.smtp,
    httpPort: ports.mailHttp,
    dataDir: path.join(ctx.dataDir, 'mail'),
  });
  started.push({ name: 'mail-sink', stop: () => sink.close() });
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
    TWILIO_ACCOUNT_SID: DEV_DEFAULTS.TWILIO_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: DEV_DEFAULTS.TWILIO_AUTH_TOKEN,
    TWILIO_FROM_NUMBER: DEV_DEFAULTS.TWILIO_FROM_NUMBER,
    TWILIO_API_BASE_URL: parts.twilioSimUrl,
    API_HOST: HOST,
    API_PORT: String(ports.api),
    PUBLIC_BASE_URL: api,
    API_KEYS: DEV_DEFAULTS.API_KEYS,
    LOG_LEVEL: DEV_DEFAULTS.LOG_LEVEL,
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
    process.kill(child.pid, 'SIGTERM');
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
