// Lookup hashes of personal identifiers (S7): a phone number is found by HMAC-SHA-256 under a managed
// key, never by a plain hash (the space of phone numbers is small enough to reverse a plain SHA-256
// by trying them all). One keyring for every lookup hash: the complaint summaries' `callbackHash`
// (repeat check, R6.2), the VIP profiles' `numberHash` (R7.2) and the privacy look-ups (S8.2).
//
// Rotation: LOOKUP_HASH_KEYS holds every key still accepted, LOOKUP_HASH_KEY_ID the one that hashes
// from now on. Lookups ask for the hashes under every key (`hashes`), so stored hashes made with a
// previous key are still found; the migration (activities/lookup-hash-migration.ts, at worker start
// and `npm run migrate:hashes`) rewrites them with the current key, after which the old key can go.
// Without LOOKUP_HASH_KEYS the keys are derived (HKDF) from the payload keys, one per payload key id,
// so rotating PAYLOAD_KEY_ID rotates the lookup key too.
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { useFieldKeys } from './field-cipher';

/** Hex characters kept of the HMAC (128 bits): the stored hashes keep their length and indexes. */
const HASH_HEX_CHARS = 32;
const MIN_KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** Domain separation: a payload key never serves as a lookup key itself. */
const DERIVE_INFO = 'closedloop/lookup-hash/v1';

export interface LookupKeyring {
  /** Every key still accepted for lookups, by id. */
  keys: Readonly<Record<string, Uint8Array>>;
  /** The key that hashes from now on. */
  currentKeyId: string;
}

export class LookupHasher {
  private readonly ordered: readonly [string, Buffer][];

  constructor(ring: LookupKeyring) {
    const entries = Object.entries(ring.keys).map(([id, key]): [string, Buffer] => {
      if (key.length < MIN_KEY_BYTES)
        throw new Error(`lookup hash key ${id} must have at least ${MIN_KEY_BYTES} bytes`);
      return [id, Buffer.from(key)];
    });
    const current = entries.find(([id]) => id === ring.currentKeyId);
    if (!current) throw new Error(`the current lookup hash key ${ring.currentKeyId} is not given`);
    // The current key first: writers and callers that want one hash take the first.
    this.ordered = [current, ...entries.filter(([id]) => id !== ring.currentKeyId)];
  }

  get currentKeyId(): string {
    return this.ordered[0]![0];
  }

  get keyIds(): string[] {
    return this.ordered.map(([id]) => id);
  }

  /** The hash stored from now on (current key). */
  hash(e164: string): string {
    return hmac(this.ordered[0]![1], e164);
  }

  /** The hashes under every accepted key, current first: what a lookup matches during a rotation. */
  hashes(e164: string): string[] {
    return this.ordered.map(([, key]) => hmac(key, e164));
  }
}

function hmac(key: Buffer, e164: string): string {
  return createHmac('sha256', key).update(`closedloop:msisdn:${e164}`).digest('hex').slice(0, HASH_HEX_CHARS);
}

/** The lookup key of each payload key (same id), for deployments without LOOKUP_HASH_KEYS. */
export function deriveLookupKeys(payloadKeys: Readonly<Record<string, Uint8Array>>): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [id, key] of Object.entries(payloadKeys))
    out[id] = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), DERIVE_INFO, MIN_KEY_BYTES));
  return out;
}

// --- Configuration (part of the one schema in the worker's config) -------------------------------

const lookupKeysJson = z
  .string()
  .default('')
  .transform((s, ctx) => {
    if (s.trim() === '') return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(s);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON: key id -> base64 of at least 32 random bytes' });
      return z.NEVER;
    }
    const checked = z
      .record(
        z.string().regex(KEY_ID, 'key ids: letters, digits, . _ - only'),
        z
          .string()
          .transform((k) => Buffer.from(k, 'base64'))
          .refine(
            (b) => b.length >= MIN_KEY_BYTES,
            `each key must be the base64 of at least ${MIN_KEY_BYTES} bytes`,
          ),
      )
      .safeParse(parsed);
    if (!checked.success) {
      for (const issue of checked.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
      return z.NEVER;
    }
    return checked.data;
  });

/** LOOKUP_HASH_KEYS (JSON id → base64, empty = derived from PAYLOAD_KEYS) and LOOKUP_HASH_KEY_ID. */
export const LOOKUP_HASH_ENV = {
  LOOKUP_HASH_KEYS: lookupKeysJson,
  LOOKUP_HASH_KEY_ID: z.string().default(''),
} as const;

interface LookupHashSettings {
  LOOKUP_HASH_KEYS: Record<string, Buffer>;
  LOOKUP_HASH_KEY_ID: string;
  PAYLOAD_KEYS: Readonly<Record<string, Uint8Array>>;
  PAYLOAD_KEY_ID: string;
}

/** Checks across the variables; one message per problem, naming the variable. */
export function checkLookupHashEnv(c: LookupHashSettings): { path: string; message: string }[] {
  const own = Object.keys(c.LOOKUP_HASH_KEYS).length > 0;
  if (own && !c.LOOKUP_HASH_KEY_ID)
    return [
      { path: 'LOOKUP_HASH_KEY_ID', message: 'name the key (in LOOKUP_HASH_KEYS) that hashes new values' },
    ];
  if (own && !(c.LOOKUP_HASH_KEY_ID in c.LOOKUP_HASH_KEYS))
    return [
      {
        path: 'LOOKUP_HASH_KEY_ID',
        message: `"${c.LOOKUP_HASH_KEY_ID}" is not a key id in LOOKUP_HASH_KEYS`,
      },
    ];
  if (!own && c.LOOKUP_HASH_KEY_ID)
    return [{ path: 'LOOKUP_HASH_KEYS', message: 'required when LOOKUP_HASH_KEY_ID is set' }];
  return [];
}

/** The keyring the configuration names: its own keys, or those derived from the payload keys. */
export function lookupKeyringOf(c: LookupHashSettings): LookupKeyring {
  if (Object.keys(c.LOOKUP_HASH_KEYS).length > 0)
    return { keys: c.LOOKUP_HASH_KEYS, currentKeyId: c.LOOKUP_HASH_KEY_ID };
  return { keys: deriveLookupKeys(c.PAYLOAD_KEYS), currentKeyId: c.PAYLOAD_KEY_ID };
}

// --- The process's keyring ------------------------------------------------------------------------

let processHasher: LookupHasher | undefined;

/** Sets the keyring of this process (worker and API at start, from the validated configuration). */
export function useLookupKeys(ring: LookupKeyring): LookupHasher {
  processHasher = new LookupHasher(ring);
  return processHasher;
}

/**
 * The process's keyring. Worker and API set it at start; a process that did not (tools, tests)
 * reads the same variables from its environment. A process with neither LOOKUP_HASH_KEYS nor
 * PAYLOAD_KEYS (unit tests) gets a random key of its own: its hashes match only within itself.
 */
export function lookupHasher(): LookupHasher {
  processHasher ??= new LookupHasher(keyringFromEnv(process.env));
  return processHasher;
}

function keyringFromEnv(env: NodeJS.ProcessEnv): LookupKeyring {
  const parsed = z
    .object({
      ...LOOKUP_HASH_ENV,
      PAYLOAD_KEYS: lookupKeysJson,
      PAYLOAD_KEY_ID: z.string().default(''),
    })
    .parse(env);
  const problems = checkLookupHashEnv(parsed);
  if (problems.length) throw new Error(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  if (Object.keys(parsed.LOOKUP_HASH_KEYS).length === 0 && !(parsed.PAYLOAD_KEY_ID in parsed.PAYLOAD_KEYS))
    return { keys: { ephemeral: randomBytes(MIN_KEY_BYTES) }, currentKeyId: 'ephemeral' };
  return lookupKeyringOf(parsed);
}

/** Worker and API at start: the lookup keyring and the field keys (S7) from the validated configuration. */
export function usePersonalDataKeys(c: LookupHashSettings): void {
  useLookupKeys(lookupKeyringOf(c));
  useFieldKeys(c.PAYLOAD_KEYS, c.PAYLOAD_KEY_ID);
}

/** The number's hash under the current key (what is stored). */
export function numberHash(e164: string): string {
  return lookupHasher().hash(e164);
}

/** The number's hashes under every accepted key: `{ field: { $in: numberHashes(n) } }` finds it. */
export function numberHashes(e164: string): string[] {
  return lookupHasher().hashes(e164);
}
