// S7 against the real database (FerretDB in the local stack): data stored before S7 (unkeyed SHA-256
// hashes, VIP identifiers in clear) is migrated to keyed hashes and sealed identifiers, lookups keep
// finding it, a second run changes nothing, and a key rotation works without a gap: old hashes and
// old ciphertexts are found and opened until the migration has moved them to the new keys.
import { createHash, randomBytes } from 'node:crypto';
import { migrateLookupHashes } from '../../activities/lookup-hash-migration';
import { createModels, type Models } from '../../activities/models';
import { createRepeatActivities } from '../../activities/repeat';
import { createVipActivities, vipModel } from '../../activities/vip';
import { useFieldKeys } from '../../platform/field-cipher';
import { LookupHasher, useLookupKeys } from '../../platform/lookup-hash';
import { useDatabaseStack } from '../support/database-stack';

const db = useDatabaseStack();
let models: Models;

const DAY = 86_400_000;
const now = Date.now();
const vipNumber = '+8613900007001';
const customer = '+8613900007002';
const h1 = randomBytes(32);
const h2 = randomBytes(32);
const p1 = randomBytes(32);
const p2 = randomBytes(32);
const unkeyed = (n: string) =>
  createHash('sha256').update(`closedloop:msisdn:${n}`).digest('hex').slice(0, 32);
const hashUnder = (key: Buffer, n: string) =>
  new LookupHasher({ keys: { k: key }, currentKeyId: 'k' }).hash(n);

const raw = (name: string) => db.mongo.db!.collection<Record<string, unknown> & { _id: string }>(name);

beforeAll(async () => {
  models = createModels(db.mongo);
  vipModel(db.mongo);
  await Promise.all(Object.values(db.mongo.models).map((m) => m.init()));
  useLookupKeys({ keys: { h1 }, currentKeyId: 'h1' });
  useFieldKeys({ p1 }, 'p1');
  // As stored before S7: the profile in clear with an unkeyed hash; three closed complaints with
  // unkeyed hashes, one whose view still has the number, one anonymised, one without a view.
  await raw('vip_profiles').insertOne({
    _id: 'vip-legacy',
    numberHash: unkeyed(vipNumber),
    number: vipNumber,
    name: '某领导',
    imsi: '460001234567890',
    imei: '35693803564380',
    vipLevel: 2,
    activityLocations: [],
    assistants: [{ name: '王秘书', phone: '+8613900007003', email: 'assistant@gov.example' }],
    active: true,
    version: 1,
  });
  const closed = (id: string) => ({
    _id: id,
    version: 1,
    stage: 'CLOSED',
    callbackHash: unkeyed(customer),
    cellId: `cell-${id}`,
    receivedAt: new Date(now - 5 * DAY),
    closedAt: new Date(now - 3 * DAY),
    rootCause: '天线下倾角设置不当',
    massIncidentId: null,
  });
  await raw('complaints').insertMany([closed('OLD-1'), closed('OLD-ERASED'), closed('OLD-NOVIEW')]);
  await raw('complaint_views').insertMany([
    { _id: 'OLD-1', version: 1, view: { input: { numbers: { callback: customer } } } },
    { _id: 'OLD-ERASED', version: 1, view: { input: { numbers: { callback: '[erased]' } } } },
  ]);
}, 60_000);

const since = () => new Date(now - 30 * DAY).toISOString();
const repeatsOf = async (ticketId: string) =>
  (
    await createRepeatActivities({ models }).findEarlierComplaints({
      ticketId,
      callback: customer,
      since: since(),
    })
  ).map((r) => r.ticketId);
const vipOf = (number: string) => createVipActivities({ connection: db.mongo }).lookupVip({ number });

it('S7 the migration turns unkeyed hashes into keyed ones and seals VIP identifiers; lookups find them; a second run changes nothing', async () => {
  // Before: an unkeyed hash is not found by a keyed lookup.
  expect(await repeatsOf('NEW-1')).toEqual([]);
  const first = await migrateLookupHashes(db.mongo);
  expect(first).toEqual({
    lookupKeyId: 'h1',
    complaints: { rehashed: 1, dropped: 2 },
    vipProfiles: { checked: 1, rewritten: 1, failed: 0 },
  });
  const summaries = await raw('complaints').find({}).sort({ _id: 1 }).toArray();
  expect(summaries.map((s) => [s._id, s.callbackHash, s.callbackHashKey])).toEqual([
    ['OLD-1', hashUnder(h1, customer), 'h1'],
    ['OLD-ERASED', undefined, undefined],
    ['OLD-NOVIEW', undefined, undefined],
  ]);
  const stored = (await raw('vip_profiles').findOne({ _id: 'vip-legacy' }))!;
  expect(stored.numberHash).toBe(hashUnder(h1, vipNumber));
  const json = JSON.stringify(stored);
  for (const clear of [
    '13900007001',
    '某领导',
    '460001234567890',
    '35693803564380',
    '13900007003',
    'gov.example',
  ])
    expect([clear, json.includes(clear)]).toEqual([clear, false]);
  expect(stored.number).toMatch(/^enc:v1:p1:/);

  expect(await repeatsOf('NEW-1')).toEqual(['OLD-1']);
  expect(await vipOf(vipNumber)).toMatchObject({
    profileId: 'vip-legacy',
    level: 2,
    imsi: '460001234567890',
    assistants: [{ name: '王秘书', phone: '+8613900007003', email: 'assistant@gov.example' }],
  });
  expect(await migrateLookupHashes(db.mongo)).toEqual({
    lookupKeyId: 'h1',
    complaints: { rehashed: 0, dropped: 0 },
    vipProfiles: { checked: 1, rewritten: 0, failed: 0 },
  });
});

it('S7 a write through the model stamps the key; reads through the model open the identifiers', async () => {
  await models.Complaint.updateOne(
    { _id: 'NEW-2' },
    { $set: { version: 1, stage: 'RECEIVED', callbackHash: hashUnder(h1, customer) } },
    { upsert: true },
  );
  expect(await raw('complaints').findOne({ _id: 'NEW-2' })).toMatchObject({ callbackHashKey: 'h1' });
  await models.Complaint.updateOne({ _id: 'NEW-2' }, { $unset: { callbackHash: '' } });
  expect(await raw('complaints').findOne({ _id: 'NEW-2' })).not.toHaveProperty('callbackHashKey');
  const Vip = vipModel(db.mongo);
  await Vip.updateOne({ _id: 'vip-legacy' }, { $set: { imei: '35693803564381' } });
  expect((await raw('vip_profiles').findOne({ _id: 'vip-legacy' }))!.imei).toMatch(/^enc:v1:p1:/);
  expect((await Vip.findById('vip-legacy').lean())?.imei).toBe('35693803564381');
  expect((await Vip.findById('vip-legacy'))?.imei).toBe('35693803564381');
});

it('S7 key rotation: old hashes and ciphertexts are still found and opened, then migrated; the old keys can go', async () => {
  useLookupKeys({ keys: { h1, h2 }, currentKeyId: 'h2' });
  useFieldKeys({ p1, p2 }, 'p2');
  expect(await repeatsOf('NEW-3')).toEqual(['OLD-1']);
  expect(await vipOf(vipNumber)).toMatchObject({ profileId: 'vip-legacy', imsi: '460001234567890' });

  expect(await migrateLookupHashes(db.mongo)).toEqual({
    lookupKeyId: 'h2',
    complaints: { rehashed: 1, dropped: 0 },
    vipProfiles: { checked: 1, rewritten: 1, failed: 0 },
  });
  const stored = (await raw('vip_profiles').findOne({ _id: 'vip-legacy' }))!;
  expect(stored.numberHash).toBe(hashUnder(h2, vipNumber));
  expect([stored.number, stored.imsi, (stored.assistants as { phone: string }[])[0]!.phone]).toEqual([
    expect.stringMatching(/^enc:v1:p2:/),
    expect.stringMatching(/^enc:v1:p2:/),
    expect.stringMatching(/^enc:v1:p2:/),
  ]);
  expect(await raw('complaints').findOne({ _id: 'OLD-1' })).toMatchObject({
    callbackHash: hashUnder(h2, customer),
    callbackHashKey: 'h2',
  });

  useLookupKeys({ keys: { h2 }, currentKeyId: 'h2' });
  useFieldKeys({ p2 }, 'p2');
  expect(await repeatsOf('NEW-3')).toEqual(['OLD-1']);
  expect(await vipOf(vipNumber)).toMatchObject({
    profileId: 'vip-legacy',
    imsi: '460001234567890',
    level: 2,
  });
  expect((await vipModel(db.mongo).findById('vip-legacy').lean())?.imei).toBe('35693803564381');
});
