// Security-related configuration (issue 8): payload keys, people's tokens, the codec server and the
// edge. Part of the one configuration schema in platform/config.ts; every variable is in .env.example.
import { z } from 'zod';
import { parseTrustProxy } from './trust-proxy';

const onOff = (fallback: 'on' | 'off') =>
  z
    .enum(['on', 'off'])
    .default(fallback)
    .transform((s) => s === 'on');

const json = z.string().transform((s, ctx) => {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be JSON' });
    return z.NEVER;
  }
});

const base64Key = z
  .string()
  .transform((s) => Buffer.from(s, 'base64'))
  .refine((b) => b.length === 32, 'each key must be the base64 of exactly 32 bytes (AES-256)');

/** PAYLOAD_KEYS: JSON object key id → base64 of 32 random bytes. */
export const PayloadKeysEnv = json.pipe(
  z
    .record(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'key ids: letters, digits, . _ - only'), base64Key)
    .refine((keys) => Object.keys(keys).length > 0, 'give at least one key'),
);

const optionalUrl = z.union([z.literal(''), z.url()]).default('');
const origins = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim().replace(/\/+$/, ''))
      .filter(Boolean),
  )
  .pipe(z.array(z.url('each origin must be a URL such as https://console.example')));

/** A ClosedLoop role name as tokens and OIDC_GROUP_MAP carry it. */
export const CLOSEDLOOP_ROLE =
  /^(intake|handler|supervisor|interface|leader|vipManager|analyst|admin|privacy|department:[a-z0-9_-]{1,40})$/;

/** What one directory group grants (S9.2): roles, a handling team, departments (`department:<name>`). */
const GroupGrant = z
  .object({
    roles: z.array(z.string().regex(CLOSEDLOOP_ROLE, 'not a ClosedLoop role')).optional(),
    team: z.string().min(1).max(60).optional(),
    departments: z.array(z.string().regex(/^[a-z0-9_-]{1,40}$/, 'a department name: a-z 0-9 _ -')).optional(),
  })
  .strict();

/** OIDC_GROUP_MAP: JSON object group (or provider role) name → what it grants in ClosedLoop. */
export const GroupMapEnv = z
  .string()
  .default('{}')
  // Empty (as compose passes an unset variable) = no map.
  .transform((s) => s.trim() || '{}')
  .pipe(json)
  .pipe(z.record(z.string().min(1), GroupGrant));

export type GroupMap = z.infer<typeof GroupMapEnv>;

/** A claim name, or a dotted path into nested claims (Keycloak's `realm_access.roles`). */
const claimName = (fallback: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_:/.-]{1,200}$/, 'a claim name or dotted path such as realm_access.roles')
    .default(fallback);

export const SECURITY_ENV = {
  PAYLOAD_KEYS: PayloadKeysEnv,
  PAYLOAD_KEY_ID: z.string().min(1, 'name the key (in PAYLOAD_KEYS) that encrypts new payloads'),
  CODEC_AUTH: onOff('on'),
  /** People's identity provider (S9): its issuer URL; the JWKS comes from its discovery document. */
  OIDC_ISSUER: optionalUrl,
  /** The audience the API accepts in access tokens (Entra: the app ID URI; Keycloak: an audience mapper). */
  OIDC_AUDIENCE: z.string().default(''),
  /** Only when the provider has no discovery document: its JWKS URL. */
  OIDC_JWKS_URL: optionalUrl,
  /** The console's client id at the provider (a public client with PKCE); empty = no console sign-in. */
  OIDC_CLIENT_ID: z.string().default(''),
  OIDC_SCOPES: z.string().min(1).default('openid profile email offline_access'),
  OIDC_USER_CLAIM: claimName('preferred_username'),
  OIDC_ROLES_CLAIM: claimName('roles'),
  OIDC_TEAM_CLAIM: claimName('team'),
  OIDC_GROUP_MAP: GroupMapEnv,
  DEV_AUTH: onOff('off'),
  CORS_ORIGINS: origins,
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** D6: the proxies' addresses/CIDRs, comma separated; empty = none (platform/trust-proxy.ts). */
  TRUST_PROXY: z
    .string()
    .default('')
    .superRefine((v, ctx) => {
      const parsed = parseTrustProxy(v);
      if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
    }),
} as const;

type SecurityEnv = { [K in keyof typeof SECURITY_ENV]: z.infer<(typeof SECURITY_ENV)[K]> };

/** Checks that need more than one variable; returns one message per problem, naming the variable. */
export function checkSecurityEnv(c: SecurityEnv): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  if (!(c.PAYLOAD_KEY_ID in c.PAYLOAD_KEYS))
    problems.push({
      path: 'PAYLOAD_KEY_ID',
      message: `"${c.PAYLOAD_KEY_ID}" is not a key id in PAYLOAD_KEYS`,
    });
  if (c.OIDC_ISSUER && !c.OIDC_AUDIENCE)
    problems.push({ path: 'OIDC_AUDIENCE', message: 'required when OIDC_ISSUER is set' });
  for (const name of ['OIDC_JWKS_URL', 'OIDC_CLIENT_ID'] as const)
    if (c[name] && !c.OIDC_ISSUER)
      problems.push({ path: 'OIDC_ISSUER', message: `required when ${name} is set` });
  return problems;
}

/** Only the payload keys, for processes that need the data converter but not the whole config. */
export function payloadKeysFrom(env: Record<string, string | undefined>): {
  keys: Record<string, Buffer>;
  currentKeyId: string;
} {
  const parsed = z
    .object({ PAYLOAD_KEYS: PayloadKeysEnv, PAYLOAD_KEY_ID: SECURITY_ENV.PAYLOAD_KEY_ID })
    .safeParse(env);
  if (!parsed.success)
    throw new Error(
      `invalid payload keys: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return { keys: parsed.data.PAYLOAD_KEYS, currentKeyId: parsed.data.PAYLOAD_KEY_ID };
}
