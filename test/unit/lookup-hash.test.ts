// S7: lookup hashes of phone numbers are keyed (HMAC with a managed, rotatable key), and VIP
// identifiers are sealed at rest with the payload keys (AES-256-GCM with key ids).
import { createHash, randomBytes } from 'node:crypto';
import { repeatSubqueries } from '../../activities/repeat';
import { openProfileFields, sealedProfileFields } from '../../activities/vip';
import { loadConfig } from '../../platform/config';
import { FieldCipher, FieldDecryptionError, useFieldKeys } from '../../platform/field-cipher';
import {
  deriveLookupKeys,
  LookupHasher,
  lookupKeyringOf,
  numberHash,
  useLookupKeys,
} from '../../platform/lookup-hash';

const number = '+8613912345678';
const k1 = randomBytes(32);
const k2 = randomBytes(32);

/** The hash stored before S7: SHA-256 without a key. */
const unkeyed = (n: string) =>
  createHash('sha256').update(`closedloop:msisdn:${n}`).digest('hex').slice(0, 32);

describe('S7 lookup hashes are keyed', () => {
  it('S7 different keys give different hashes, and neither is the unkeyed SHA-256', () => {
    const a = new LookupHasher({ keys: { k1 }, currentKeyId: 'k1' }).hash(number);
    const b = new LookupHasher({ keys: { k2 }, currentKeyId: 'k2' }).hash(number);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
    for (const h of [a, b]) {
      expect(h).not.toBe(unkeyed(number));
      expect(createHash('sha256').update(number).digest('hex')).not.toContain(h);
    }
    // Same key, same number: the same hash (what a lookup relies on); another number: another hash.
    expect(new LookupHasher({ keys: { k1 }, currentKeyId: 'k1' }).hash(number)).toBe(a);
    expect(new LookupHasher({ keys: { k1 }, currentKeyId: 'k1' }).hash('+8613912345679')).not.toBe(a);
  });

  it('S7 rotation: the new key hashes, the old key still finds what it hashed', () => {
    const before = new LookupHasher({ keys: { k1 }, currentKeyId: 'k1' });
    const during = new LookupHasher({ keys: { k1, k2 }, currentKeyId: 'k2' });
    const stored = before.hash(number);
    expect(during.hash(number)).not.toBe(stored);
    expect(during.hashes(number)).toEqual([during.hash(number), stored]);
    expect(during.keyIds).toEqual(['k2', 'k1']);
    const after = new LookupHasher({ keys: { k2 }, currentKeyId: 'k2' });
    expect(after.hashes(number)).not.toContain(stored);
  });

  it('S7 the keyring refuses short keys and a current key it does not hold', () => {
    expect(() => new LookupHasher({ keys: { short: randomBytes(16) }, currentKeyId: 'short' })).toThrow(
      /at least 32 bytes/,
    );
    expect(() => new LookupHasher({ keys: { k1 }, currentKeyId: 'k9' })).toThrow(/k9 is not given/);
  });

  it('S7 without LOOKUP_HASH_KEYS the lookup keys are derived from the payload keys, never equal to them', () => {
    const derived = deriveLookupKeys({ k1, k2 });
    expect(Object.keys(derived)).toEqual(['k1', 'k2']);
    expect(derived.k1!.equals(k1)).toBe(false);
    expect(derived.k1!.equals(derived.k2!)).toBe(false);
    expect(deriveLookupKeys({ k1 }).k1!.equals(derived.k1!)).toBe(true);
  });

  it('S7 the repeat check queries the number once per accepted key, each an equality (index-served)', () => {
    useLookupKeys({ keys: { k1, k2 }, currentKeyId: 'k2' });
    const subs = repeatSubqueries({ ticketId: 'NEW', callback: number, since: new Date().toISOString() });
    expect(subs.map((s) => [s.name, s.filter.callbackHash])).toEqual([
      ['number-closed', numberHash(number)],
      ['number-open', numberHash(number)],
      ['number-closed', new LookupHasher({ keys: { k1 }, currentKeyId: 'k1' }).hash(number)],
      ['number-open', new LookupHasher({ keys: { k1 }, currentKeyId: 'k1' }).hash(number)],
    ]);
  });
});

describe('S7 LOOKUP_HASH_KEYS / LOOKUP_HASH_KEY_ID are validated at start', () => {
  const env = {
    SUPERVISOR_EMAILS: 'sup@example.com',
    TWILIO_ACCOUNT_SID: 'AC' + '0'.repeat(32),
    TWILIO_AUTH_TOKEN: 'secret-token',
    TWILIO_FROM_NUMBER: '+8610086000',
    PAYLOAD_KEYS: JSON.stringify({ p1: k1.toString('base64') }),
    PAYLOAD_KEY_ID: 'p1',
  };
  const own = JSON.stringify({ h1: k1.toString('base64'), h2: k2.toString('base64') });

  it('S7 own keys with the current one named; empty = derived from the payload keys', () => {
    const c = loadConfig({ ...env, LOOKUP_HASH_KEYS: own, LOOKUP_HASH_KEY_ID: 'h2' });
    expect(lookupKeyringOf(c).currentKeyId).toBe('h2');
    expect(Object.keys(lookupKeyringOf(c).keys)).toEqual(['h1', 'h2']);
    const d = loadConfig(env);
    expect(lookupKeyringOf(d).currentKeyId).toBe('p1');
    expect(Buffer.from(lookupKeyringOf(d).keys.p1!).equals(k1)).toBe(false);
  });

  it('S7 names the variable when the keys or the current id are wrong', () => {
    expect(() => loadConfig({ ...env, LOOKUP_HASH_KEYS: own })).toThrow(/LOOKUP_HASH_KEY_ID: name the key/);
    expect(() => loadConfig({ ...env, LOOKUP_HASH_KEYS: own, LOOKUP_HASH_KEY_ID: 'h9' })).toThrow(
      /LOOKUP_HASH_KEY_ID: "h9" is not a key id/,
    );
    expect(() => loadConfig({ ...env, LOOKUP_HASH_KEY_ID: 'h1' })).toThrow(/LOOKUP_HASH_KEYS: required/);
    expect(() =>
      loadConfig({ ...env, LOOKUP_HASH_KEYS: JSON.stringify({ h1: 'c2hvcnQ=' }), LOOKUP_HASH_KEY_ID: 'h1' }),
    ).toThrow(/LOOKUP_HASH_KEYS: each key must be the base64 of at least 32 bytes/);
    expect(() => loadConfig({ ...env, LOOKUP_HASH_KEYS: '{bad', LOOKUP_HASH_KEY_ID: 'h1' })).toThrow(
      /LOOKUP_HASH_KEYS: must be JSON/,
    );
  });
});

describe('S7 identifiers sealed at rest with the payload keys', () => {
  it('S7 a sealed value holds no clear digits, names its key, and opens only for its field', () => {
    const cipher = new FieldCipher({ k1 }, 'k1');
    const sealed = cipher.seal(number, 'number');
    expect(sealed).toMatch(/^enc:v1:k1:/);
    expect(sealed).not.toContain('13912345678');
    expect(cipher.seal(number, 'number')).not.toBe(sealed); // a fresh IV each time
    expect(cipher.open(sealed, 'number')).toBe(number);
    expect(() => cipher.open(sealed, 'imsi')).toThrow(FieldDecryptionError);
    expect(() => cipher.open(sealed.replace('enc:v1:k1:', 'enc:v1:k2:'), 'number')).toThrow(
      /unknown key id "k2"/,
    );
    expect(cipher.open(number, 'number')).toBe(number); // stored before S7: clear
  });

  it('S7 rotation: values sealed with the old key still open; new ones use the new key', () => {
    const old = new FieldCipher({ k1 }, 'k1').seal(number, 'number');
    const rotated = new FieldCipher({ k1, k2 }, 'k2');
    expect(rotated.open(old, 'number')).toBe(number);
    expect(rotated.isCurrent(old)).toBe(false);
    expect(rotated.isCurrent(rotated.seal(number, 'number'))).toBe(true);
    expect(() => new FieldCipher({ k2 }, 'k2').open(old, 'number')).toThrow(/unknown key id "k1"/);
  });

  it('S7 a VIP profile is stored with number, name, IMSI, IMEI and assistants sealed, and opens to the same', () => {
    useFieldKeys({ k1 }, 'k1');
    useLookupKeys({ keys: { k2 }, currentKeyId: 'k2' });
    const profile = {
      _id: 'vip-1',
      number,
      name: '某领导',
      imsi: '460001234567890',
      imei: '35693803564380',
      vipLevel: 2,
      assistants: [{ name: '王秘书', phone: '+8613900000021', email: 'assistant.wang@gov.example' }],
    };
    const stored = sealedProfileFields(profile);
    expect(stored.numberHash).toBe(numberHash(number));
    const json = JSON.stringify(stored);
    for (const clear of [
      '13912345678',
      '某领导',
      '460001234567890',
      '35693803564380',
      '13900000021',
      'gov.example',
    ])
      expect([clear, json.includes(clear)]).toEqual([clear, false]);
    expect(stored.assistants[0]!.name).toBe('王秘书');
    expect(profile.number).toBe(number); // the caller's object is not changed
    const opened = structuredClone(stored);
    openProfileFields(opened);
    expect(opened).toEqual({ ...profile, numberHash: numberHash(number) });
    // Sealing what is sealed changes nothing (the model may see a profile twice).
    expect(sealedProfileFields(stored)).toEqual(stored);
  });
});
