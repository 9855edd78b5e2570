// Payload encryption for Temporal (S3): every payload the client or the worker hands to the
// Temporal server is sealed with AES-256-GCM, so that histories hold no personal data in clear.
//
//   encoded payload = { metadata: { encoding: "binary/encrypted", "encryption-key-id": <id> },
//                       data: IV (12 random bytes) ‖ ciphertext ‖ GCM tag (16 bytes) }
//
// The plaintext is the whole original payload (metadata and data) as protobuf bytes. The key id is
// bound to the ciphertext as additional authenticated data, so that changing it is detected too.
// Key rotation: add a key, make it current; payloads name the key they were sealed with and old
// keys keep decrypting them. Payloads that are not encrypted (histories recorded before the codec
// existed) pass through decode unchanged.
//
// Compression (#9): a payload whose protobuf is larger than COMPRESS_ABOVE_BYTES is deflated before
// it is sealed, when that makes it smaller; the plaintext is then itself a Payload with encoding
// "binary/deflate" whose data is the deflated original. The flag is inside the ciphertext, so it is
// authenticated with it, and payloads sealed before compression existed open as before.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { METADATA_ENCODING_KEY, ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
export const COMPRESSED_ENCODING = 'binary/deflate';
export const COMPRESS_ABOVE_BYTES = 1024;
/** Far above Temporal's 2 MB payload limit: an inflated payload larger than this is refused. */
const MAX_INFLATED_BYTES = 16 * 1024 * 1024;

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

/** The error a payload that fails authentication (tampered, wrong key) raises. */
export class PayloadDecryptionError extends ValueError {}

/**
 * AES-256 keys by id, each checked to be 32 bytes, with the current one present: the key ring of
 * the payload codec and of the field cipher (platform/field-cipher.ts).
 */
export function keyRing(
  keys: Readonly<Record<string, Uint8Array>>,
  currentKeyId: string,
  what: string,
  fail: (message: string) => Error,
): ReadonlyMap<string, Buffer> {
  const map = new Map<string, Buffer>();
  for (const [id, key] of Object.entries(keys)) {
    if (key.length !== KEY_BYTES) throw fail(`${what} key ${id} must have ${KEY_BYTES} bytes`);
    map.set(id, Buffer.from(key));
  }
  if (!map.has(currentKeyId)) throw fail(`the current ${what} key ${currentKeyId} is not given`);
  return map;
}

export class EncryptionCodec implements PayloadCodec {
  private readonly keys: ReadonlyMap<string, Buffer>;

  /**
   * @param keys every key that may still be needed to decrypt, by id (32 bytes each)
   * @param currentKeyId the key that encrypts from now on
   */
  constructor(
    keys: Readonly<Record<string, Uint8Array>>,
    readonly currentKeyId: string,
  ) {
    this.keys = keyRing(keys, currentKeyId, 'payload', (m) => new ValueError(m));
  }

  /** The key ids this codec can decrypt. */
  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  /** True when the payload is one this codec format sealed. */
  static isEncrypted(payload: Payload): boolean {
    return text(payload.metadata?.[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING;
  }

  private encrypt(payload: Payload): Payload {
    const keyId = this.currentKeyId;
    const key = this.keys.get(keyId)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(keyId));
    const plain = compressed(temporal.api.common.v1.Payload.encode(payload).finish());
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [METADATA_KEY_ID]: utf8(keyId) },
      data: sealed,
    };
  }

  private decrypt(payload: Payload): Payload {
    if (!EncryptionCodec.isEncrypted(payload)) return payload;
    const keyId = text(payload.metadata?.[METADATA_KEY_ID]);
    if (!keyId) throw new PayloadDecryptionError('encrypted payload without a key id');
    const key = this.keys.get(keyId);
    if (!key) throw new PayloadDecryptionError(`encrypted payload names an unknown key id "${keyId}"`);
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES)
      throw new PayloadDecryptionError('encrypted payload is truncated');
    const iv = data.subarray(0, IV_BYTES);
    const tag = data.subarray(data.length - TAG_BYTES);
    const body = data.subarray(IV_BYTES, data.length - TAG_BYTES);
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(keyId));
    decipher.setAuthTag(tag);
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(`encrypted payload failed authentication (key id "${keyId}")`);
    }
    let inner = temporal.api.common.v1.Payload.decode(plain);
    if (text(inner.metadata?.[METADATA_ENCODING_KEY]) === COMPRESSED_ENCODING) {
      let inflated: Buffer;
      try {
        inflated = inflateRawSync(inner.data ?? new Uint8Array(), { maxOutputLength: MAX_INFLATED_BYTES });
      } catch (err) {
        throw new PayloadDecryptionError(
          `compressed payload does not inflate within ${MAX_INFLATED_BYTES} bytes: ${(err as Error).message}`,
        );
      }
      inner = temporal.api.common.v1.Payload.decode(inflated);
    }
    return { metadata: inner.metadata, data: inner.data };
  }
}

/** The plaintext to seal: the payload's bytes, or a deflated wrapper of them when that is smaller. */
function compressed(bytes: Uint8Array): Uint8Array {
  if (bytes.length <= COMPRESS_ABOVE_BYTES) return bytes;
  const wrapped = temporal.api.common.v1.Payload.encode({
    metadata: { [METADATA_ENCODING_KEY]: utf8(COMPRESSED_ENCODING) },
    data: deflateRawSync(bytes),
  }).finish();
  return wrapped.length < bytes.length ? wrapped : bytes;
}

function aad(keyId: string): Buffer {
  return utf8(`${ENCRYPTED_ENCODING};${METADATA_KEY_ID}=${keyId}`);
}

/** A fresh random key, base64 — what PAYLOAD_KEYS holds per key id. */
export function generatePayloadKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}
