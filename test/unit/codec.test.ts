// The payload codec (S3): AES-256-GCM with a key id in the metadata, rotation by adding keys,
// tamper detection, and pass-through of payloads recorded before encryption.
import { randomBytes } from 'node:crypto';
import { DefaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import { createCipheriv } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import {
  COMPRESS_ABOVE_BYTES,
  EncryptionCodec,
  METADATA_KEY_ID,
  PayloadDecryptionError,
} from '../../platform/codec';
import { createDataConverter, dataConverterFromEnv } from '../../platform/data-converter';
import { failureConverter } from '../../platform/failure-converter';
import { loadConfig } from '../../platform/config';

const converter = new DefaultPayloadConverter();
const k1 = randomBytes(32);
const k2 = randomBytes(32);
const complaint = {
  numbers: { callback: '+8613800138000' },
  terminal: { imei: '861234567890123' },
  imsi: '460001234567890',
  location: { address: '北京市海淀区中关村大街1号' },
  description: '家里室内信号差，打电话经常掉线',
};
const plain = () => converter.toPayload(complaint);
const meta = (p: Payload, key: string) => Buffer.from(p.metadata?.[key] ?? []).toString('utf8');
const bytesOf = (p: Payload) =>
  Buffer.concat([...Object.values(p.metadata ?? {}).map((v) => Buffer.from(v)), Buffer.from(p.data ?? [])]);

describe('S3 payload codec', () => {
  it('S3 round trip: encrypted payloads carry encoding and key id, no personal data in clear, and decode to the original', async () => {
    const codec = new EncryptionCodec({ k1 }, 'k1');
    const [sealed] = await codec.encode([plain()]);
    expect(meta(sealed!, METADATA_ENCODING_KEY)).toBe('binary/encrypted');
    expect(meta(sealed!, METADATA_KEY_ID)).toBe('k1');
    const raw = bytesOf(sealed!);
    for (const secret of [
      '8613800138000',
      '861234567890123',
      '460001234567890',
      '中关村',
      '掉线',
      'json/plain',
    ])
      expect(raw.includes(Buffer.from(secret))).toBe(false);
    const [opened] = await codec.decode([sealed!]);
    expect(converter.fromPayload(opened!)).toEqual(complaint);
    expect(meta(opened!, METADATA_ENCODING_KEY)).toBe('json/plain');
  });

  it('S3 each encryption uses a fresh 12-byte IV', async () => {
    const codec = new EncryptionCodec({ k1 }, 'k1');
    const [a, b] = await codec.encode([plain(), plain()]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
    expect(Buffer.from(a!.data!).subarray(0, 12).equals(Buffer.from(b!.data!).subarray(0, 12))).toBe(false);
  });

  it('S3 key rotation: a new current key encrypts, the old key still decrypts what it sealed', async () => {
    const before = new EncryptionCodec({ k1 }, 'k1');
    const [old] = await before.encode([plain()]);
    const after = new EncryptionCodec({ k1, k2 }, 'k2');
    const [fresh] = await after.encode([plain()]);
    expect(meta(fresh!, METADATA_KEY_ID)).toBe('k2');
    const decoded = await after.decode([old!, fresh!]);
    expect(decoded.map((p) => converter.fromPayload(p))).toEqual([complaint, complaint]);
    // A codec that lost the old key cannot read it, and says which key is missing.
    await expect(new EncryptionCodec({ k2 }, 'k2').decode([old!])).rejects.toThrow(/unknown key id "k1"/);
  });

  it('S3 tampering is detected: changed ciphertext, changed key id, truncated data', async () => {
    const codec = new EncryptionCodec({ k1, k2 }, 'k1');
    const [sealed] = await codec.encode([plain()]);
    const flipped = Buffer.from(sealed!.data!);
    flipped[20] = flipped[20]! ^ 0x01;
    await expect(codec.decode([{ ...sealed!, data: flipped }])).rejects.toThrow(PayloadDecryptionError);
    const relabelled = {
      data: sealed!.data,
      metadata: { ...sealed!.metadata, [METADATA_KEY_ID]: Buffer.from('k2') },
    };
    await expect(codec.decode([relabelled])).rejects.toThrow(/failed authentication/);
    await expect(
      codec.decode([{ ...sealed!, data: Buffer.from(sealed!.data!).subarray(0, 10) }]),
    ).rejects.toThrow(/truncated/);
    const noKey = {
      data: sealed!.data,
      metadata: { [METADATA_ENCODING_KEY]: Buffer.from('binary/encrypted') },
    };
    await expect(codec.decode([noKey])).rejects.toThrow(/without a key id/);
  });

  it('S3 payloads that are not encrypted pass through decode unchanged (histories recorded before the codec)', async () => {
    const codec = new EncryptionCodec({ k1 }, 'k1');
    const p = plain();
    const nullish: Payload = { metadata: { [METADATA_ENCODING_KEY]: Buffer.from('binary/null') } };
    const [a, b] = await codec.decode([p, nullish]);
    expect(a).toBe(p);
    expect(b).toBe(nullish);
  });

  it('S3 #9 a large payload is deflated before it is sealed: smaller, still no personal data in clear, same value back', async () => {
    const codec = new EncryptionCodec({ k1 }, 'k1');
    // A complaint's view: repetitive JSON of a few kB, as the projections carry.
    const view = {
      ...complaint,
      timeline: Array.from({ length: 40 }, (_, i) => ({
        at: `2026-12-04T10:${i}:00.000Z`,
        actor: 'system',
        action: 'CLOCK_STARTED',
      })),
    };
    const big = converter.toPayload(view);
    const size = temporal.api.common.v1.Payload.encode(big).finish().length;
    expect(size).toBeGreaterThan(COMPRESS_ABOVE_BYTES);
    const [sealed] = await codec.encode([big]);
    expect(sealed!.data!.length).toBeLessThan(size / 3);
    for (const secret of ['8613800138000', '中关村', 'CLOCK_STARTED', 'binary/deflate'])
      expect(bytesOf(sealed!).includes(Buffer.from(secret))).toBe(false);
    const [opened] = await codec.decode([sealed!]);
    expect(converter.fromPayload(opened!)).toEqual(view);
    expect(meta(opened!, METADATA_ENCODING_KEY)).toBe('json/plain');
    // A small payload is sealed as it is: 12 bytes of IV, its protobuf, 16 bytes of tag.
    const small = plain();
    const [tiny] = await codec.encode([small]);
    expect(tiny!.data!.length).toBe(12 + temporal.api.common.v1.Payload.encode(small).finish().length + 16);
  });

  it('S3 #9 a payload sealed before compression existed still opens, and an inflated size is bounded', async () => {
    // Sealed the old way (no compression) by hand, with the same format.
    const seal = (bytes: Uint8Array) => {
      const iv = Buffer.alloc(12, 7);
      const cipher = createCipheriv('aes-256-gcm', k1, iv, { authTagLength: 16 });
      cipher.setAAD(Buffer.from('binary/encrypted;encryption-key-id=k1'));
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from('binary/encrypted'),
          [METADATA_KEY_ID]: Buffer.from('k1'),
        },
        data: Buffer.concat([iv, cipher.update(bytes), cipher.final(), cipher.getAuthTag()]),
      };
    };
    const big = converter.toPayload({ text: 'x'.repeat(5000) });
    const codec = new EncryptionCodec({ k1 }, 'k1');
    const [old] = await codec.decode([seal(temporal.api.common.v1.Payload.encode(big).finish())]);
    expect(converter.fromPayload(old!)).toEqual({ text: 'x'.repeat(5000) });
    // A deflated wrapper that would inflate past the bound is refused, not inflated.
    const { deflateRawSync } = await import('node:zlib');
    const bomb = temporal.api.common.v1.Payload.encode({
      metadata: { [METADATA_ENCODING_KEY]: Buffer.from('binary/deflate') },
      data: deflateRawSync(Buffer.alloc(17 * 1024 * 1024)),
    }).finish();
    await expect(codec.decode([seal(bomb)])).rejects.toThrow(PayloadDecryptionError);
    await expect(codec.decode([seal(bomb)])).rejects.toThrow(/does not inflate within 16777216 bytes/);
  });

  it('S3 refuses keys of the wrong size and a current key it does not have', () => {
    expect(() => new EncryptionCodec({ short: randomBytes(16) }, 'short')).toThrow(/32 bytes/);
    expect(() => new EncryptionCodec({ k1 }, 'k9')).toThrow(/k9/);
  });

  it('S3 the data converter seals payloads and failure messages; it is built from the environment', async () => {
    const env = { PAYLOAD_KEYS: JSON.stringify({ k1: k1.toString('base64') }), PAYLOAD_KEY_ID: 'k1' };
    const dc = dataConverterFromEnv(env);
    expect(dc.payloadCodecs).toHaveLength(1);
    expect(dc.failureConverterPath).toMatch(/failure-converter/);
    const loaded = loadDataConverter(dc);
    expect(loaded.failureConverter).toBe(failureConverter);
    expect(failureConverter.options.encodeCommonAttributes).toBe(true);
    expect(() => dataConverterFromEnv({ PAYLOAD_KEYS: '{}', PAYLOAD_KEY_ID: 'k1' })).toThrow(/PAYLOAD_KEYS/);
    expect(createDataConverter({ keys: { k1 }, currentKeyId: 'k1' }).payloadCodecs![0]).toBeInstanceOf(
      EncryptionCodec,
    );
  });

  it('S3 configuration: PAYLOAD_KEYS must be JSON of 32-byte base64 keys and PAYLOAD_KEY_ID one of them', () => {
    const env = {
      SUPERVISOR_EMAILS: 'sup@example.com',
      TWILIO_ACCOUNT_SID: 'AC' + '0'.repeat(32),
      TWILIO_AUTH_TOKEN: 'secret-token',
      TWILIO_FROM_NUMBER: '+8610086000',
    };
    expect(() => loadConfig(env)).toThrow(/PAYLOAD_KEYS[\s\S]*PAYLOAD_KEY_ID/);
    expect(() =>
      loadConfig({ ...env, PAYLOAD_KEYS: JSON.stringify({ a: 'c2hvcnQ=' }), PAYLOAD_KEY_ID: 'a' }),
    ).toThrow(/PAYLOAD_KEYS.*32 bytes/);
    expect(() =>
      loadConfig({ ...env, PAYLOAD_KEYS: JSON.stringify({ a: k1.toString('base64') }), PAYLOAD_KEY_ID: 'b' }),
    ).toThrow(/PAYLOAD_KEY_ID: "b" is not a key id/);
    const ok = loadConfig({
      ...env,
      PAYLOAD_KEYS: JSON.stringify({ a: k1.toString('base64') }),
      PAYLOAD_KEY_ID: 'a',
    });
    expect(Buffer.from(ok.PAYLOAD_KEYS.a!).equals(k1)).toBe(true);
  });
});
