// Personal identifiers encrypted at rest in MongoDB (S7), one field value at a time, with the payload
// codec's keys and key management (PAYLOAD_KEYS / PAYLOAD_KEY_ID, platform/codec.ts): AES-256-GCM,
// the key id stored beside the ciphertext, old keys kept for opening, new values sealed with the
// current key. A sealed value is a string, so the schemas keep their types:
//
//   enc:v1:<key id>:<base64url of IV (12 bytes) ‖ ciphertext ‖ GCM tag (16 bytes)>
//
// The key id and the field's name are authenticated with it (additional data), so that a value
// moved to another field, or a key id changed, fails to open. Values stored before encryption
// (no prefix) open as themselves; the migration seals them.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { keyRing } from './codec';
import { payloadKeysFrom } from './security-config';

const PREFIX = 'enc:v1:';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export class FieldDecryptionError extends Error {}

export class FieldCipher {
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(
    keys: Readonly<Record<string, Uint8Array>>,
    readonly currentKeyId: string,
  ) {
    this.keys = keyRing(keys, currentKeyId, 'field', (m) => new Error(m));
  }

  /** True for a value this format sealed. */
  static isSealed(value: string): boolean {
    return value.startsWith(PREFIX);
  }

  /** The key id a sealed value names (undefined for a clear one). */
  static keyIdOf(value: string): string | undefined {
    if (!FieldCipher.isSealed(value)) return undefined;
    const end = value.indexOf(':', PREFIX.length);
    return end < 0 ? '' : value.slice(PREFIX.length, end);
  }

  /** Sealed with the current key: nothing to do for the migration. */
  isCurrent(value: string): boolean {
    return FieldCipher.keyIdOf(value) === this.currentKeyId;
  }

  seal(value: string, field: string): string {
    const keyId = this.currentKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keys.get(keyId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(keyId, field));
    const sealed = Buffer.concat([iv, cipher.update(value, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${PREFIX}${keyId}:${sealed.toString('base64url')}`;
  }

  /** The clear value; a value that is not sealed is returned as it is (stored before S7). */
  open(stored: string, field: string): string {
    const keyId = FieldCipher.keyIdOf(stored);
    if (keyId === undefined) return stored;
    const key = this.keys.get(keyId);
    if (!key) throw new FieldDecryptionError(`a ${field} value names an unknown key id "${keyId}"`);
    const data = Buffer.from(stored.slice(PREFIX.length + keyId.length + 1), 'base64url');
    if (data.length < IV_BYTES + TAG_BYTES) throw new FieldDecryptionError(`a ${field} value is truncated`);
    const decipher = createDecipheriv(ALGORITHM, key, data.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(aad(keyId, field));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new FieldDecryptionError(`a ${field} value failed authentication (key id "${keyId}")`);
    }
  }
}

function aad(keyId: string, field: string): Buffer {
  return Buffer.from(`closedloop/field;key-id=${keyId};field=${field}`, 'utf8');
}

// --- The process's keys ---------------------------------------------------------------------------

let processCipher: FieldCipher | undefined;

/** Sets this process's field keys (worker and API at start: PAYLOAD_KEYS and PAYLOAD_KEY_ID). */
export function useFieldKeys(keys: Readonly<Record<string, Uint8Array>>, currentKeyId: string): FieldCipher {
  processCipher = new FieldCipher(keys, currentKeyId);
  return processCipher;
}

/**
 * The process's field cipher. Worker and API set it at start; another process (tools, tests) reads
 * PAYLOAD_KEYS and PAYLOAD_KEY_ID from its environment and fails, naming them, without.
 */
export function fieldCipher(): FieldCipher {
  processCipher ??= cipherFromEnv(process.env);
  return processCipher;
}

function cipherFromEnv(env: NodeJS.ProcessEnv): FieldCipher {
  const { keys, currentKeyId } = payloadKeysFrom(env);
  return new FieldCipher(keys, currentKeyId);
}
