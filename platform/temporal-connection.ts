// Temporal client connections whose every call has a deadline (S10, issue 26): a Temporal server
// that accepts connections but never answers must not hang an API request or an activity. Used by
// the API and by the worker's client for activities that signal or start workflows.
//
// D1 (issue 18): every process connects from the same configuration, read by the SDK's own
// environment configuration (`@temporalio/envconfig`: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
// TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_GRPC_META_*, TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE),
// resolved and checked once at start (`loadTemporalTarget`, called by `loadConfig`): a missing or
// unreadable certificate, key or CA file is a start-up error naming the variable and the path.
import { accessSync, constants, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { checkServerIdentity, connect as tlsConnect } from 'node:tls';
import {
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type ConnectionOptions,
  type TLSConfig,
} from '@temporalio/client';
import { z } from 'zod';
import {
  loadClientConfigProfile,
  type ClientConfigProfile,
  type ConfigDataSource,
} from '@temporalio/envconfig';

type GrpcInterceptor = NonNullable<ConnectionOptions['interceptors']>[number];

/** A Temporal call that has no deadline of its own gets this one. */
export const TEMPORAL_CALL_MS = 10_000;
/**
 * Long polls: the server holds these for up to 20 s (its long-poll interval) and answers before
 * the caller's deadline with what it has, and the SDK asks again (an update's result, a workflow's).
 */
export const TEMPORAL_LONG_POLL_MS = 30_000;
const LONG_POLLS = /\/(GetWorkflowExecutionHistory|UpdateWorkflowExecution|PollWorkflowExecutionUpdate)$/;

/**
 * Gives every call without a deadline one (`client.withDeadline` still sets its own), ahead of the
 * SDK's retry interceptor, which otherwise retries an UNAVAILABLE server ten times with backoff:
 * the deadline is absolute, so it bounds the retries too.
 */
export function defaultDeadlineInterceptor(
  callMs = TEMPORAL_CALL_MS,
  longPollMs = TEMPORAL_LONG_POLL_MS,
): GrpcInterceptor {
  return (options, nextCall) => {
    const ms = LONG_POLLS.test(options.method_definition.path) ? longPollMs : callMs;
    const call = nextCall(
      options.deadline === undefined ? { ...options, deadline: Date.now() + ms } : options,
    );
    // grpc-js only uses the interface of what an interceptor returns; its type asks for the class,
    // which would mean importing @grpc/grpc-js (not a dependency of ours) for a pass-through wrapper.
    return call as ReturnType<GrpcInterceptor>;
  };
}

// An empty value counts as unset (compose files pass every variable, set or not).
const flag = z.enum(['', 'true', 'false', '1', '0']).optional();
const path = z.string().optional();

/**
 * The standard Temporal client variables besides TEMPORAL_ADDRESS/TEMPORAL_NAMESPACE, declared in
 * the configuration schema (`platform/config.ts`) so that they are listed and checked like the
 * others; `loadTemporalTarget` reads them (and TEMPORAL_GRPC_META_<HEADER>, a prefix).
 */
export const TEMPORAL_ENV = {
  /** API key (Temporal Cloud); implies TLS. */
  TEMPORAL_API_KEY: z.string().optional(),
  /** `true` = TLS (implied by a CA, client certificate or API key); `false` = plain gRPC. */
  TEMPORAL_TLS: flag,
  TEMPORAL_TLS_CLIENT_CERT_PATH: path,
  TEMPORAL_TLS_CLIENT_KEY_PATH: path,
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: path,
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  /** Refused when true (the SDK always verifies the name); set TEMPORAL_TLS_SERVER_NAME. */
  TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: flag,
  /** A profile of the TOML file (default "default"). */
  TEMPORAL_PROFILE: z.string().optional(),
  /** A Temporal CLI/SDK TOML config file (default ~/.config/temporalio/temporal.toml when it exists). */
  TEMPORAL_CONFIG_FILE: path,
};

/** Where and how to reach Temporal: resolved once at start from the environment (D1). */
export interface TemporalTarget {
  address: string;
  namespace: string;
  apiKey?: string;
  /** `undefined`/`false` = plain gRPC; `true` = TLS with the system's CAs. */
  tls?: TLSConfig | boolean;
  /** gRPC metadata sent with every call (TEMPORAL_GRPC_META_*). */
  metadata?: Record<string, string>;
}

/** A wrong Temporal setting, worded for the operator (the process stops at start). */
export class TemporalConfigError extends Error {}

/** Where each TLS file of a profile comes from, for the error message. */
const TLS_FILES = [
  ['clientCert', 'TEMPORAL_TLS_CLIENT_CERT', 'client_cert'],
  ['clientKey', 'TEMPORAL_TLS_CLIENT_KEY', 'client_key'],
  ['serverCACert', 'TEMPORAL_TLS_SERVER_CA_CERT', 'server_ca_cert'],
] as const;

function truthy(value: string | undefined): boolean {
  return value === '1' || value === 'true';
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ?? e.message;
}

/**
 * The Temporal target from the standard Temporal environment variables (and the TOML profile they
 * may name), over `defaults` (the configuration's TEMPORAL_ADDRESS/TEMPORAL_NAMESPACE defaults).
 * The variables win over the profile file, as in the Temporal CLI. Reads the certificate files now:
 * a missing, unreadable or non-PEM file throws a TemporalConfigError naming the variable and path.
 */
export function loadTemporalTarget(
  env: NodeJS.ProcessEnv,
  defaults: { address: string; namespace: string },
): TemporalTarget {
  const vars = Object.fromEntries(
    Object.entries(env).filter(
      (e): e is [string, string] =>
        e[1] !== undefined && (e[1] !== '' || e[0].startsWith('TEMPORAL_GRPC_META_')),
    ),
  );
  const configFile = vars.TEMPORAL_CONFIG_FILE;
  if (configFile) {
    try {
      accessSync(configFile, constants.R_OK);
    } catch (err) {
      throw new TemporalConfigError(`TEMPORAL_CONFIG_FILE: cannot read ${configFile} (${reason(err)})`);
    }
  }
  if (truthy(vars.TEMPORAL_TLS_DISABLE_HOST_VERIFICATION)) {
    throw new TemporalConfigError(
      "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: the TypeScript SDK always verifies the server's name; " +
        "set TEMPORAL_TLS_SERVER_NAME to the name in the server's certificate instead",
    );
  }
  let profile: ClientConfigProfile;
  try {
    profile = loadClientConfigProfile({ overrideEnvVars: vars });
  } catch (err) {
    const where = configFile ? `TEMPORAL_CONFIG_FILE ${configFile}` : 'the Temporal config file';
    const which = vars.TEMPORAL_PROFILE ? ` (TEMPORAL_PROFILE=${vars.TEMPORAL_PROFILE})` : '';
    throw new TemporalConfigError(`${where}${which}: ${(err as Error).message}`);
  }
  const target: TemporalTarget = {
    address: profile.address ?? defaults.address,
    namespace: profile.namespace ?? defaults.namespace,
  };
  if (profile.apiKey) target.apiKey = profile.apiKey;
  if (profile.grpcMeta && Object.keys(profile.grpcMeta).length) target.metadata = profile.grpcMeta;
  const tls = profile.tls;
  if (tls?.disabled === true) {
    if (target.apiKey)
      throw new TemporalConfigError(
        'TEMPORAL_API_KEY: an API key is only sent over TLS; unset TEMPORAL_TLS=false',
      );
    return target;
  }
  if (!tls) {
    // An API key implies TLS with the system's CAs (Temporal Cloud), as in the SDK.
    if (target.apiKey) target.tls = true;
    return target;
  }
  const files: Partial<Record<(typeof TLS_FILES)[number][0], Uint8Array>> = {};
  for (const [field, variable, tomlKey] of TLS_FILES) {
    const source = tls[field];
    if (source) files[field] = readPem(source, variable, tomlKey, vars, configFile);
  }
  if (Boolean(files.clientCert) !== Boolean(files.clientKey)) {
    throw new TemporalConfigError(
      'TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH: mTLS needs both the client certificate and its key',
    );
  }
  const config: TLSConfig = {};
  if (tls.serverName) config.serverNameOverride = tls.serverName;
  if (files.serverCACert) config.serverRootCACertificate = files.serverCACert;
  if (files.clientCert && files.clientKey)
    config.clientCertPair = { crt: files.clientCert, key: files.clientKey };
  target.tls = Object.keys(config).length ? config : true;
  return target;
}

function readPem(
  source: ConfigDataSource,
  variable: string,
  tomlKey: string,
  vars: Record<string, string>,
  configFile: string | undefined,
): Uint8Array {
  const isPath = 'path' in source;
  // Name the variable when the value came from it, else the profile's key in the TOML file.
  const name =
    vars[`${variable}_${isPath ? 'PATH' : 'DATA'}`] !== undefined
      ? `${variable}_${isPath ? 'PATH' : 'DATA'}`
      : `${configFile ?? 'temporal.toml'} tls.${tomlKey}_${isPath ? 'path' : 'data'}`;
  let bytes: Uint8Array;
  if (isPath) {
    try {
      bytes = readFileSync(source.path);
    } catch (err) {
      throw new TemporalConfigError(`${name}: cannot read ${source.path} (${reason(err)})`);
    }
  } else {
    bytes = typeof source.data === 'string' ? Buffer.from(source.data) : source.data;
  }
  if (!Buffer.from(bytes).toString('latin1').includes('-----BEGIN ')) {
    throw new TemporalConfigError(
      `${name}: ${isPath ? source.path : 'the value'} is not a PEM file (no -----BEGIN line)`,
    );
  }
  return bytes;
}

function describe(target: TemporalTarget): string {
  return `Temporal at ${target.address}${target.tls ? ' (TLS)' : ''}`;
}

const TLS_HINT =
  "check TEMPORAL_TLS_SERVER_CA_CERT_PATH (the CA that signed the server's certificate), " +
  'TEMPORAL_TLS_SERVER_NAME (a name in that certificate) and, for mTLS, ' +
  'TEMPORAL_TLS_CLIENT_CERT_PATH/TEMPORAL_TLS_CLIENT_KEY_PATH (a certificate the server accepts)';

/**
 * Opens a TLS connection to the target with its settings and returns why the handshake fails
 * (`undefined` when it succeeds). gRPC reports a failed handshake only as "failed to connect before
 * the deadline"; this names the cause (an unknown CA, a name not in the certificate, a client
 * certificate the server refused, a server that does not speak TLS).
 */
export function probeTls(target: TemporalTarget, timeoutMs = 3_000): Promise<string | undefined> {
  const config: TLSConfig = typeof target.tls === 'object' ? target.tls : {};
  const at = target.address.lastIndexOf(':');
  const host = (at > 0 ? target.address.slice(0, at) : target.address).replace(/^\[|\]$/g, '');
  const port = at > 0 ? Number(target.address.slice(at + 1)) : 7233;
  return new Promise((resolve) => {
    let settled = false;
    const done = (why: string | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(why);
    };
    const timer = setTimeout(() => done(`no TLS answer within ${timeoutMs} ms`), timeoutMs);
    const socket = tlsConnect({
      host,
      port,
      servername: config.serverNameOverride ?? (isIP(host) ? undefined : host),
      ca: config.serverRootCACertificate ? Buffer.from(config.serverRootCACertificate) : undefined,
      cert: config.clientCertPair ? Buffer.from(config.clientCertPair.crt) : undefined,
      key: config.clientCertPair ? Buffer.from(config.clientCertPair.key) : undefined,
      ALPNProtocols: ['h2'],
      checkServerIdentity: (hostname, cert) =>
        checkServerIdentity(config.serverNameOverride ?? hostname, cert),
    });
    socket.on('error', (err) => done(tlsReason(err.message)));
    // TLS 1.3: the server checks the client's certificate after the client's side is done, and says
    // so with an alert, which arrives once the client reads: send the HTTP/2 preface and read.
    socket.on('secureConnect', () => {
      socket.resume();
      socket.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
      setTimeout(() => done(undefined), 1_000);
    });
  });
}

/** OpenSSL's "…:ssl3_read_bytes:tlsv13 alert certificate required:…" → the alert's words. */
function tlsReason(message: string): string {
  const alert = /alert ([a-z ]+?)(?::|$)/i.exec(message);
  return alert ? `the server answered with the TLS alert "${alert[1]}"` : message.replace(/\s+/g, ' ').trim();
}

/**
 * Rewords a failed connection: with TLS on, a probe of the handshake names what failed and the
 * settings to check; otherwise the address that did not answer.
 */
export async function explainConnectError(target: TemporalTarget, err: unknown): Promise<Error> {
  const message = ((err as Error)?.message ?? String(err)).split('\n')[0];
  if (target.tls) {
    const why = await probeTls(target).catch((e: unknown) => (e as Error).message);
    if (why)
      return new Error(`${describe(target)}: the TLS handshake failed (${why}); ${TLS_HINT}`, { cause: err });
  }
  return new Error(`${describe(target)}: cannot connect (${message})`, { cause: err });
}

function asTarget(target: TemporalTarget | string): TemporalTarget {
  return typeof target === 'string' ? { address: target, namespace: 'default' } : target;
}

/** The connection options of a target (the worker's NativeConnection takes the same fields). */
export function temporalConnectionOptions(target: TemporalTarget): {
  address: string;
  tls?: TLSConfig | boolean;
  apiKey?: string;
  metadata?: Record<string, string>;
} {
  return { address: target.address, tls: target.tls, apiKey: target.apiKey, metadata: target.metadata };
}

/** A connection on which every call has a deadline; UNAVAILABLE is retried within it. */
export async function connectTemporal(
  target: TemporalTarget | string,
  options: Pick<ConnectionOptions, 'connectTimeout'> = {},
): Promise<Connection> {
  const t = asTarget(target);
  try {
    return await Connection.connect({
      ...temporalConnectionOptions(t),
      ...options,
      interceptors: [defaultDeadlineInterceptor(), makeGrpcRetryInterceptor(defaultGrpcRetryOptions())],
    });
  } catch (err) {
    throw await explainConnectError(t, err);
  }
}
