// The lookup-hash migration (S7): brings every stored lookup hash to the current lookup key and every
// VIP identifier to the current payload key. It runs at every worker start (in the background:
// lookups accept every configured key meanwhile) and as `npm run migrate:hashes`; it is idempotent
// (a second run changes nothing) and safe beside running processes and other migrations (each write
// is conditional on the value it replaces).
//
// A hash cannot be recomputed from itself, only from the number:
// - complaint summaries (`callbackHash`): the number is in the complaint's view (`complaint_views`,
//   kept until the complaint's personal data is anonymised). Summaries whose stamp
//   (`callbackHashKey`) is not the current key, including every one written before S7 (unkeyed
//   SHA-256, no stamp), are rehashed from it; where the view no longer has the number the hash is
//   removed: an unkeyed hash of a phone number can be reversed, and nothing could find it anyway.
// - VIP profiles (`numberHash`): the number is in the profile (clear before S7, sealed since);
//   each profile is opened, and rewritten when its hash or any identifier is not current.
import type { Connection } from 'mongoose';
import { fieldCipher } from '../platform/field-cipher';
import { lookupHasher } from '../platform/lookup-hash';
import {
  openProfileFields,
  SEALED_ASSISTANT_FIELDS,
  SEALED_PROFILE_FIELDS,
  sealedProfileFields,
  vipModel,
} from './vip';

const BATCH = 500;
const E164 = /^\+[1-9]\d{4,14}$/;

export interface HashMigrationResult {
  /** The lookup key id the hashes now have. */
  lookupKeyId: string;
  complaints: { rehashed: number; dropped: number };
  vipProfiles: { checked: number; rewritten: number; failed: number };
}

export interface MigrationLogger {
  warn(o: object, m: string): void;
}

export async function migrateLookupHashes(
  connection: Connection,
  logger?: MigrationLogger,
): Promise<HashMigrationResult> {
  return {
    lookupKeyId: lookupHasher().currentKeyId,
    complaints: await migrateComplaintHashes(connection),
    vipProfiles: await migrateVipProfiles(connection, logger),
  };
}

type Summary = { _id: string; callbackHash: string };
type ViewNumbers = { _id: string; view?: { input?: { numbers?: { callback?: unknown } } } };

async function migrateComplaintHashes(connection: Connection): Promise<HashMigrationResult['complaints']> {
  const hasher = lookupHasher();
  const summaries = connection.collection<Summary>('complaints');
  const views = connection.collection<ViewNumbers>('complaint_views');
  const counts = { rehashed: 0, dropped: 0 };
  const cursor = summaries
    .find(
      { callbackHash: { $exists: true }, callbackHashKey: { $ne: hasher.currentKeyId } },
      { projection: { _id: 1, callbackHash: 1 } },
    )
    .batchSize(BATCH);
  let page: Summary[] = [];
  const flush = async () => {
    const numbers = new Map(
      (
        await views
          .find(
            { _id: { $in: page.map((s) => s._id) } },
            { projection: { 'view.input.numbers.callback': 1 } },
          )
          .toArray()
      ).map((v) => [v._id, v.view?.input?.numbers?.callback]),
    );
    for (const s of page) {
      const number = numbers.get(s._id);
      const unchanged = { _id: s._id, callbackHash: s.callbackHash };
      if (typeof number === 'string' && E164.test(number)) {
        const res = await summaries.updateOne(unchanged, {
          $set: { callbackHash: hasher.hash(number), callbackHashKey: hasher.currentKeyId },
        });
        counts.rehashed += res.modifiedCount;
      } else {
        const res = await summaries.updateOne(unchanged, {
          $unset: { callbackHash: '', callbackHashKey: '' },
        });
        counts.dropped += res.modifiedCount;
      }
    }
    page = [];
  };
  for await (const s of cursor) {
    page.push(s);
    if (page.length >= BATCH) await flush();
  }
  if (page.length) await flush();
  return counts;
}

type StoredProfile = Record<string, unknown> & { _id: string; numberHash: string; number: string };

async function migrateVipProfiles(
  connection: Connection,
  logger?: MigrationLogger,
): Promise<HashMigrationResult['vipProfiles']> {
  const hasher = lookupHasher();
  const cipher = fieldCipher();
  const profiles = connection.collection<StoredProfile>(vipModel(connection).collection.collectionName);
  const counts = { checked: 0, rewritten: 0, failed: 0 };
  const fields = ['numberHash', ...SEALED_PROFILE_FIELDS, 'assistants'];
  const cursor = profiles
    .find({}, { projection: Object.fromEntries(fields.map((f) => [f, 1])) })
    .batchSize(BATCH);
  for await (const stored of cursor) {
    counts.checked += 1;
    const clear = structuredClone(stored);
    try {
      openProfileFields(clear);
    } catch (err) {
      // A value sealed with a key no longer configured: only that key can open it.
      counts.failed += 1;
      logger?.warn({ profileId: stored._id, err }, 'VIP profile cannot be opened: its key is not configured');
      continue;
    }
    const current =
      stored.numberHash === hasher.hash(clear.number) &&
      identifiers(stored).every((v) => cipher.isCurrent(v));
    if (current) continue;
    const { _id, ...update } = sealedProfileFields(clear);
    const res = await profiles.updateOne({ _id, numberHash: stored.numberHash }, { $set: update });
    counts.rewritten += res.modifiedCount;
  }
  return counts;
}

/** The identifier values a stored profile holds (top-level and each assistant's). */
function identifiers(profile: Record<string, unknown>): string[] {
  const top = SEALED_PROFILE_FIELDS.map((f) => profile[f]);
  const assistants = Array.isArray(profile.assistants)
    ? (profile.assistants as Record<string, unknown>[])
    : [];
  const nested = assistants.flatMap((a) => SEALED_ASSISTANT_FIELDS.map((f) => a[f]));
  return [...top, ...nested].filter((v): v is string => typeof v === 'string');
}
