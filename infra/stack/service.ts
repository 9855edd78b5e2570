// The contract of one part of the embedded local stack (services/<name>.ts): a name, the parts it
// needs first, the ports it binds, and a start() that resolves once the part is healthy with what
// the rest of the stack needs from it (env for the product processes, URLs, a stop). The registry
// (registry.ts) starts the parts in dependency order and stops them in reverse.
import type { ChildRegistry } from './child-registry';
import type { MongoRoute } from './provision';

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
  /** The embedded OpenID Connect provider's issuer, when the stack runs the API. */
  oidc?: string;
  /** The EMOS-like dispatcher simulator: TMF621 hub events and work-order replies it received. */
  dispatcherSim?: string;
  /** D4: the first worker's Prometheus endpoint (SDK metrics) and health listener, the API's metrics. */
  workerMetrics?: string;
  workerHealth?: string;
  apiMetrics?: string;
  /** The standalone Temporal UI that signs in through the provider (https), when the stack runs it. */
  temporalUiSignIn?: string;
}

/** A port a service binds: the dev default, and how `ports: 'auto'` picks it. */
export interface PortSpec {
  /** The `npm run dev` port; checked free before anything starts. */
  fixed: number;
  /** For the "port … is already in use" message. */
  label: string;
  /**
   * With `ports: 'auto'`: `free` = a port free now, picked by the stack (the number is needed before
   * the service starts); `own` = 0, the service binds a free port itself and reports which.
   */
  auto: 'free' | 'own';
  /** With `auto: 'free'`: the highest port allowed (the Temporal server keeps membership ports in a
   *  PostgreSQL smallint, so they must stay below 32768, under the kernel's ephemeral range). */
  max?: number;
}

/** The tools provisioned before anything starts (provision.ts). */
export interface Tools {
  temporal: string;
  mongo: MongoRoute;
}

/** What decides which services a stack runs. */
export interface StackSetup {
  tools: Tools;
  /** The worker and API processes (StackOptions.startApp). */
  startApp: boolean;
  /** The standalone Temporal UI with sign-in (StackOptions.temporalUi; services/temporal-ui.ts). */
  temporalUi?: boolean;
}

export interface ServiceContext extends StackSetup {
  dataDir: string;
  /** Where each child process writes its log (<dataDir>/logs). */
  logDir: string;
  quiet: boolean;
  namespace: string;
  /** Spawns and records child processes (stack.json), for the orphan cleanup of the next start. */
  children: ChildRegistry;
  /** The number chosen for a port that some service of this stack declared; throws for others. */
  port(name: string): number;
  /**
   * The env of the product processes as far as it is known to this service: the dev configuration,
   * what its dependencies published, and the caller's appEnv over all of it.
   */
  env: Readonly<Record<string, string>>;
  /** The URLs its dependencies published. */
  urls: Readonly<Partial<StackUrls>>;
  /** A progress line on stderr (`[stack] …`) unless quiet. */
  say(message: string): void;
}

/** Fault tests: stop a part and start it again on the same port with the same data. */
export interface Control {
  /** SIGTERM = the usual stop with its grace period; SIGKILL = a crash. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: the process keeps its port and connections but does nothing meanwhile. */
  pause?(): void;
  resume?(): void;
}

/** A started service. */
export interface Running {
  /** Settings for the product processes (worker, API, tests), e.g. TEMPORAL_ADDRESS. */
  env?: Record<string, string>;
  urls?: Partial<StackUrls>;
  /** For Stack.stopTemporal, pauseMongo, restartApi …; the registry resumes it before stopping. */
  control?: Control;
  /** Stops what start() started; the services that depend on this one have stopped already. */
  stop(): Promise<void>;
}

export interface Service<R extends Running = Running> {
  /**
   * Unique among the services a stack runs. Alternatives for one part share the name and are
   * enabled one at a time: `mongo` is MONGODB_URI, mongod or FerretDB.
   */
  name: string;
  /** Names of the services that must be healthy first; a name that is not enabled is skipped. */
  dependsOn: readonly string[];
  /** Default: always. */
  enabled?(setup: StackSetup): boolean;
  ports?: Readonly<Record<string, PortSpec>>;
  /**
   * Resolves once the service is healthy. On failure it stops whatever it started itself; the
   * registry then stops the services that did start.
   */
  start(ctx: ServiceContext): Promise<R>;
}
