// Configuration from environment variables, validated once at start (fail fast, naming the variable).
// Shared by the worker and the API. Every variable is listed in .env.example.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_POLICY_SET } from '../domain/policy/default-policies';
import { validatePolicySet, type PolicySet } from '../domain/policy/sla';
import { GUARANTEE_ENV } from './guarantee-config';
import { OPS_ENV } from './ops-config';
import { REPORT_ENV } from './report-config';
import { checkLookupHashEnv, LOOKUP_HASH_ENV } from './lookup-hash';
import { checkSecurityEnv, SECURITY_ENV } from './security-config';
import { checkTmfEventsEnv, TMF_EVENTS_ENV } from './tmf-events-config';
import {
  loadTemporalTarget,
  TEMPORAL_ENV,
  TemporalConfigError,
  type TemporalTarget,
} from './temporal-connection';

const csv = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

const bool = z
  .enum(['true', 'false'])
  .default('false')
  .transform((s) => s === 'true');

/** A variable holding JSON (default `{}`), parsed before its schema checks it. */
const jsonEnv = z
  .string()
  .default('{}')
  .transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON' });
      return z.NEVER;
    }
  });

const ApiKeys = z.record(
  z.string().min(8, 'API key must have at least 8 characters'),
  z.object({
    user: z.string().min(1),
    roles: z.array(z.string().min(1)).min(1),
    team: z.string().min(1).optional(),
  }),
);

const schema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('complaints'),
  TEMPORAL_UI_URL: z.url().default('http://127.0.0.1:8233'),
  ...TEMPORAL_ENV,
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URI')
    .default('mongodb://127.0.0.1:27017/closedloop'),
  SMTP_HOST: z.string().min(1).default('127.0.0.1'),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(1025),
  SMTP_SECURE: bool,
  SMTP_USER: z.string().default(''),
  SMTP_PASS: z.string().default(''),
  MAIL_FROM: z.string().min(3).default('ClosedLoop <closedloop@localhost>'),
  SUPERVISOR_EMAILS: csv.pipe(z.array(z.email()).min(1, 'at least one supervisor e-mail address')),
  ROLE_EMAILS: jsonEnv.pipe(z.record(z.string().min(1), z.array(z.email()))),
  /** Role → mobile numbers told by SMS at once when a mass incident starts (R8.2). */
  ROLE_PHONES: jsonEnv.pipe(
    z.record(z.string().min(1), z.array(z.string().regex(/^\+[1-9]\d{4,14}$/, 'must be an E.164 number'))),
  ),
  /** Mass-incident recognition (R8.1); `off` only for stacks that file many look-alike test complaints. */
  MASS_INCIDENTS: z.enum(['on', 'off']).default('on'),
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-zA-Z]{32}$/, 'must look like AC followed by 32 characters'),
  TWILIO_AUTH_TOKEN: z.string().min(8),
  TWILIO_FROM_NUMBER: z.string().regex(/^\+[1-9]\d{4,14}$/, 'must be an E.164 number'),
  TWILIO_API_BASE_URL: z.union([z.literal(''), z.url()]).default(''),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_BASE_URL: z.url().default('http://127.0.0.1:3000'),
  API_KEYS: jsonEnv.pipe(ApiKeys),
  POLICY_FILE: z.string().default(''),
  NETWORK_DATA_SOURCE: z.enum(['mongo', 'http']).default('mongo'),
  NETWORK_DATA_URL: z.union([z.literal(''), z.url()]).default(''),
  NETWORK_DATA_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Workflows kept in the worker's cache (empty = the SDK's default, from the heap limit). */
  WORKER_MAX_CACHED_WORKFLOWS: z.union([z.literal(''), z.coerce.number().int().min(0)]).default(''),
  /** Log memory (RSS, main-thread heap) and the cached workflow count this often; 0 = never. */
  WORKER_STATS_INTERVAL_MS: z.coerce.number().int().min(0).default(0),
  ...SECURITY_ENV,
  ...LOOKUP_HASH_ENV,
  ...REPORT_ENV,
  ...GUARANTEE_ENV,
  ...OPS_ENV,
  ...TMF_EVENTS_ENV,
});

/** Every variable of the schema (the D5 test checks each reaches .env.example and the deployment). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

export type Config = z.infer<typeof schema> & {
  policySet: PolicySet;
  /** D1: address, namespace, TLS/mTLS, API key and gRPC metadata of Temporal (its files read at start). */
  temporal: TemporalTarget;
};

export class ConfigError extends Error {}

export function loadPolicySet(file: string): PolicySet {
  if (!file) return DEFAULT_POLICY_SET;
  let set: PolicySet;
  try {
    set = JSON.parse(readFileSync(file, 'utf8')) as PolicySet;
  } catch (err) {
    throw new ConfigError(`POLICY_FILE: cannot read ${file}: ${(err as Error).message}`);
  }
  const problems = validatePolicySet(set);
  if (problems.length) throw new ConfigError(`POLICY_FILE ${file}: ${problems.join('; ')}`);
  return set;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema
    .superRefine((c, ctx) => {
      for (const p of checkSecurityEnv(c))
        ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
      for (const p of checkLookupHashEnv(c))
        ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
      for (const p of checkTmfEventsEnv(c))
        ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
      if (c.NETWORK_DATA_SOURCE === 'http' && !c.NETWORK_DATA_URL)
        ctx.addIssue({
          code: 'custom',
          path: ['NETWORK_DATA_URL'],
          message: 'required when NETWORK_DATA_SOURCE=http',
        });
    })
    .safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const temporal = loadTemporalSettings(env, parsed.data);
  return {
    ...parsed.data,
    // A TOML profile (TEMPORAL_CONFIG_FILE/TEMPORAL_PROFILE) may set them; the variables win.
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    temporal,
    policySet: loadPolicySet(parsed.data.POLICY_FILE),
  };
}

function loadTemporalSettings(
  env: NodeJS.ProcessEnv,
  c: { TEMPORAL_ADDRESS: string; TEMPORAL_NAMESPACE: string },
): TemporalTarget {
  try {
    // The schema's defaults apply only where neither a variable nor the profile says otherwise.
    return loadTemporalTarget(
      {
        ...env,
        TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS || undefined,
        TEMPORAL_NAMESPACE: env.TEMPORAL_NAMESPACE || undefined,
      },
      { address: c.TEMPORAL_ADDRESS, namespace: c.TEMPORAL_NAMESPACE },
    );
  } catch (err) {
    if (err instanceof TemporalConfigError) throw new ConfigError(`invalid configuration:\n  ${err.message}`);
    throw err;
  }
}
