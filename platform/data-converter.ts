// The one data converter of ClosedLoop: the worker, the API's Temporal client, the replay test, the
// benchmark and any test that reads workflow results through its own client all build it here.
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './codec';
import { payloadKeysFrom } from './security-config';

export interface PayloadKeyring {
  /** Key id → 32-byte key; old keys stay here to decrypt what they sealed. */
  keys: Readonly<Record<string, Uint8Array>>;
  /** The key that encrypts new payloads. */
  currentKeyId: string;
}

export function createPayloadCodec(ring: PayloadKeyring): EncryptionCodec {
  return new EncryptionCodec(ring.keys, ring.currentKeyId);
}

export function createDataConverter(ring: PayloadKeyring): DataConverter {
  return {
    payloadCodecs: [createPayloadCodec(ring)],
    failureConverterPath: require.resolve('./failure-converter'),
  };
}

/** From PAYLOAD_KEYS and PAYLOAD_KEY_ID alone (tests, benchmark, tools). */
export function dataConverterFromEnv(env: Record<string, string | undefined> = process.env): DataConverter {
  return createDataConverter(payloadKeysFrom(env));
}
