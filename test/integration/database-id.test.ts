// #9 The local stack's FerretDB is built with infra/ferretdb/id-pushdown.patch: an `_id` equality
// is pushed down to PostgreSQL as `_jsonb->'_id' = $n`, which the unique `_id` index serves,
// instead of a containment filter that scanned the table; so is an equality on the fields the
// product declares scalar (SCALAR_QUERY_FIELDS). These tests pin the rows it returns (the speed is
// shown by `npm run bench:id-lookup`).
import mongoose from 'mongoose';
import { useDatabaseStack } from '../support/database-stack';

const db = useDatabaseStack();

describe('reads and writes by _id on the stack database', () => {
  // (FerretDB v1's unique `_id` index already treats an ObjectId and the string of its hex digits
  // as one key, before and after the patch; ClosedLoop's ids are strings.)
  it('R1.3 R1.4 a complaint read, upserted or deleted by its id touches exactly that document, whatever the id type', async () => {
    const coll = db.mongo.collection<{
      _id: string | number | mongoose.Types.ObjectId | { channel: string; id: number };
      version: number;
      tag: string;
    }>('idcheck');
    const oid = new mongoose.Types.ObjectId();
    await coll.insertMany([
      { _id: 'EMOS:1', version: 1, tag: 'string' },
      { _id: 'EMOS:10', version: 1, tag: 'string prefix' },
      { _id: oid, version: 1, tag: 'object id' },
      { _id: 7, version: 1, tag: 'number' },
      { _id: { channel: 'EMOS', id: 1 }, version: 1, tag: 'document' },
    ]);
    expect((await coll.findOne({ _id: 'EMOS:1' }))?.tag).toBe('string');
    expect((await coll.findOne({ _id: oid }))?.tag).toBe('object id');
    expect((await coll.findOne({ _id: 7 }))?.tag).toBe('number');
    expect((await coll.findOne({ _id: { channel: 'EMOS', id: 1 } }))?.tag).toBe('document');
    expect(await coll.findOne({ _id: 'EMOS:2' })).toBeNull();
    expect(await coll.countDocuments({ _id: { $in: ['EMOS:1', 'EMOS:10', 'nope'] } })).toBe(2);

    // The read model's version-guarded upsert (activities/projection.ts): newer applies, older does not.
    const newer = await coll.updateOne(
      { _id: 'EMOS:1', version: { $lt: 2 } },
      { $set: { version: 2 } },
      { upsert: true },
    );
    expect(newer.modifiedCount).toBe(1);
    await expect(
      coll.updateOne({ _id: 'EMOS:1', version: { $lt: 2 } }, { $set: { version: 1 } }, { upsert: true }),
    ).rejects.toThrow(/duplicate key/);
    expect((await coll.findOne({ _id: 'EMOS:1' }))?.version).toBe(2);
    expect((await coll.findOne({ _id: 'EMOS:10' }))?.version).toBe(1);

    expect((await coll.deleteOne({ _id: oid })).deletedCount).toBe(1);
    expect(await coll.findOne({ _id: oid })).toBeNull();
    expect(await coll.countDocuments({})).toBe(4);
  });

  it('R6.2 equality on a field not declared scalar still matches an element of an array (only declared fields use =)', async () => {
    const coll = db.mongo.collection<{ _id: string; cells: string | string[]; cellId: string }>(
      'scalarcheck',
    );
    await coll.insertMany([
      { _id: 'A', cells: ['460-00-1-1', '460-00-2-1'], cellId: '460-00-1-1' },
      { _id: 'B', cells: '460-00-1-1', cellId: '460-00-3-1' },
    ]);
    // Mongo semantics: `cells` equal to a value matches the array holding it and the scalar.
    expect((await coll.find({ cells: '460-00-1-1' }).toArray()).map((d) => d._id).sort()).toEqual(['A', 'B']);
    // A declared field (SCALAR_QUERY_FIELDS) answers the same rows through its index.
    expect((await coll.find({ cellId: '460-00-1-1' }).toArray()).map((d) => d._id)).toEqual(['A']);
    expect(await coll.countDocuments({ cellId: '460-00-9-9' })).toBe(0);
  });

  it("S10 a complaint's records by ticket and a TMF event's rows are read through their index, not a scan", async () => {
    // The S10 soak found the audit trail (read by ticketId) and the TMF outbox (by eventId) scanned
    // whole at every read as they grew; both fields are declared scalar now.
    for (const [name, field, index] of [
      ['auditcheck', 'ticketId', { ticketId: 1, seq: 1 }],
      ['tmfcheck', 'eventId', { eventId: 1 }],
    ] as const) {
      const coll = db.mongo.collection<Record<string, unknown>>(name);
      await coll.createIndex(index);
      await coll.insertMany(
        Array.from({ length: 300 }, (_, i) => ({ [field]: `T-${i % 30}`, seq: i, body: 'x'.repeat(200) })),
      );
      expect(await coll.countDocuments({ [field]: 'T-7' })).toBe(10);
      const plan = JSON.stringify(
        await db.mongo.db!.command({
          explain: { find: name, filter: { [field]: 'T-7' } },
          verbosity: 'queryPlanner',
        }),
      );
      expect([field, plan]).toEqual([
        field,
        expect.stringMatching(/"Index Scan"|"Bitmap Index Scan"|IXSCAN/),
      ]);
      expect(plan).not.toMatch(/Seq Scan|COLLSCAN/);
    }
  });
});
