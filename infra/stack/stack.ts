// The embedded local stack, used by `npm run dev` and by the integration tests' Jest globalSetup:
// Temporal dev server (+ Web UI, custom search attributes), MongoDB (URI, mongod, or FerretDB on a
// local PostgreSQL server or on SQLite), mail sink, Twilio simulator and, unless startApp is false,
// the worker and API processes. Each part is a service in services/ (listed in services/index.ts);
// the registry starts them in dependency order, each waited on until healthy, and stop() stops
// them in reverse, the app tier first.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ChildRegistry } from './child-registry';
import { say } from './common';
import { choosePorts, type PortMode } from './ports';
import type { ManagedProcess } from './processes';
import { API_PORT, productEnv } from './product-env';
import { ensureMongo, ensureTemporalCli } from './provision';
import { type Published, ServiceRegistry } from './registry';
import type { Control, Service, ServiceContext, StackSetup, StackUrls } from './service';
import { api } from './services/api';
import { SERVICES } from './services/index';
import { worker } from './services/worker';

export { DEV_DEFAULTS } from './product-env';
export type { StackUrls } from './service';

export interface StackOptions {
  /** e.g. <repo>/.data, or a temp dir for tests. */
  dataDir: string;
  /** fixed = the dev defaults (7233, 8233, 27017, 1025, 1080, 3010, 3000); auto = free ports. */
  ports: PortMode;
  /** Start the worker and API child processes (default true). */
  startApp?: boolean;
  /** Also the standalone Temporal UI that signs in through the OIDC provider (S9.4; default false). */
  temporalUi?: boolean;
  /** Extra env for the worker and the API (e.g. POLICY_FILE). */
  appEnv?: Record<string, string>;
  /** Child output only to log files (tests). */
  quiet?: boolean;
  /** Default 'default'. */
  namespace?: string;
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

/** What a stack's services share: where its data and logs go, its child processes, its ports. */
interface Base {
  setup: StackSetup;
  dataDir: string;
  logDir: string;
  quiet: boolean;
  namespace: string;
  children: ChildRegistry;
  ports: Record<string, number>;
  appEnv: Record<string, string>;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const started = Date.now();
  const dataDir = path.resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const quiet = opts.quiet ?? false;
  const children = await ChildRegistry.claim(dataDir, say(quiet));
  let services: ServiceRegistry | undefined;
  try {
    const [temporal, mongo] = await Promise.all([ensureTemporalCli(), ensureMongo()]);
    const setup: StackSetup = {
      tools: { temporal, mongo },
      startApp: opts.startApp !== false,
      temporalUi: opts.temporalUi === true,
    };
    services = new ServiceRegistry(SERVICES, setup);
    const claims = services.portClaims();
    // The product env names the API's address even when the API process is not started.
    if (!claims.has('api')) claims.set('api', { spec: API_PORT, check: false });
    const base: Base = {
      setup,
      dataDir,
      logDir: path.join(dataDir, 'logs'),
      quiet,
      namespace: opts.namespace ?? 'default',
      children,
      ports: await choosePorts(opts.ports, claims),
      appEnv: opts.appEnv ?? {},
    };
    await services.startAll((service, deps) => serviceContext(base, service, deps));
    const published = services.published();
    const env = productEnvOf(base, published);
    const stack = createStack(base, services, env, stackUrls(env, published.urls));
    say(quiet)(`stack ready in ${((Date.now() - started) / 1000).toFixed(1)}s (logs: ${base.logDir})`);
    return stack;
  } catch (err) {
    await services?.stopAll();
    children.release();
    throw err;
  }
}

function serviceContext(base: Base, service: Service, deps: Published): ServiceContext {
  return {
    ...base.setup,
    dataDir: base.dataDir,
    logDir: base.logDir,
    quiet: base.quiet,
    namespace: base.namespace,
    children: base.children,
    port: (name) => {
      const port = base.ports[name];
      if (port === undefined) throw new Error(`local stack: ${service.name} uses port ${name}, undeclared`);
      return port;
    },
    env: productEnvOf(base, deps),
    urls: deps.urls,
    say: say(base.quiet),
  };
}

/** The dev configuration, then what the services published, then the caller's appEnv over all. */
function productEnvOf(base: Base, published: Published): Record<string, string> {
  return { ...productEnv(base.ports.api ?? API_PORT.fixed), ...published.env, ...base.appEnv };
}

function stackUrls(env: Record<string, string>, urls: Partial<StackUrls>): StackUrls {
  const api = `http://${env.API_HOST}:${env.API_PORT}`;
  const { temporalUi, mailInbox, twilioSim, temporal, mongo } = urls;
  if (!temporalUi || !mailInbox || !twilioSim || !temporal || !mongo) {
    throw new Error(`local stack: a service did not publish its URL (got ${Object.keys(urls).join(', ')})`);
  }
  return { ...urls, api, docs: `${api}/docs`, temporalUi, mailInbox, twilioSim, temporal, mongo };
}

function createStack(
  base: Base,
  services: ServiceRegistry,
  env: Record<string, string>,
  urls: StackUrls,
): Stack {
  const workers = services.handle(worker);
  const apiProcess = services.handle(api);
  let stopped = false;
  const stack: Stack = {
    env,
    urls,
    logDir: base.logDir,
    ...(workers ? { worker: workers.first } : {}),
    ...(apiProcess ? { api: apiProcess.process } : {}),
    async startWorker(extraEnv) {
      if (!workers) throw new Error('the stack was started without the worker');
      const started = await workers.add(extraEnv);
      stack.worker = started;
      return started;
    },
    stopTemporal: (signal) => control(services, 'temporal').stop(signal),
    startTemporal: () => control(services, 'temporal').start(),
    stopMongo: (signal) => control(services, 'mongo').stop(signal),
    startMongo: () => control(services, 'mongo').start(),
    pauseMongo: () => pausable(services, 'mongo').pause(),
    resumeMongo: () => pausable(services, 'mongo').resume(),
    pauseTemporal: () => pausable(services, 'temporal').pause(),
    resumeTemporal: () => pausable(services, 'temporal').resume(),
    stopMail: () => control(services, 'mail-sink').stop(),
    startMail: () => control(services, 'mail-sink').start(),
    async restartApi(signal = 'SIGTERM') {
      if (!apiProcess) throw new Error('the stack was started without the API');
      await apiProcess.control.stop(signal);
      await apiProcess.control.start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      say(base.quiet)('stopping the local stack …');
      await services.stopAll();
      base.children.release();
    },
  };
  return stack;
}

function control(services: ServiceRegistry, name: string): Control {
  const found = services.running(name)?.control;
  if (!found) throw new Error(`${name} was not started by this stack, so it cannot be stopped or restarted`);
  return found;
}

function pausable(services: ServiceRegistry, name: string): Required<Pick<Control, 'pause' | 'resume'>> {
  const { pause, resume } = control(services, name);
  if (!pause || !resume) throw new Error(`${name} of this stack cannot be paused`);
  return { pause, resume };
}
