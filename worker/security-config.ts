// Security-related configuration (issue 8): payload keys, people's tokens, the codec server and the
// edge. Part of the one configuration schema in worker/config.ts; every variable is in .env.example.
import { z } from 'zod';

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

export const SECURITY_ENV = {
  PAYLOAD_KEYS: PayloadKeysEnv,
  PAYLOAD_KEY_ID: z.string().min(1, 'name the key (in PAYLOAD_KEYS) that encrypts new payloads'),
  CODEC_AUTH: onOff('on'),
  AUTH_JWKS_URL: optionalUrl,
  AUTH_ISSUER: z.string().default(''),
  AUTH_AUDIENCE: z.string().default(''),
  DEV_AUTH: onOff('off'),
  CORS_ORIGINS: origins,
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  TRUST_PROXY: z.string().default(''),
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
  if (c.AUTH_JWKS_URL && (!c.AUTH_ISSUER || !c.AUTH_AUDIENCE))
    for (const name of ['AUTH_ISSUER', 'AUTH_AUDIENCE'] as const)
      if (!c[name]) problems.push({ path: name, message: 'required when AUTH_JWKS_URL is set' });
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
