// D6 / S10 The shared rate-limit counters (api/rate-limit-store.ts) on the stack's database: every
// hit is counted, across replicas, while one process writes a window's document once per batch of
// concurrent hits instead of once per request (the hour-long soak of 2026-12-05 found every API
// request of one client queueing on that single document's row lock).
import type { Model } from 'mongoose';
import type { Options } from 'express-rate-limit';
import { DatabaseRateLimitStore } from '../../api/rate-limit-store';
import { useDatabaseStack } from '../support/database-stack';

const db = useDatabaseStack();

function storeOnDb(): { store: DatabaseRateLimitStore; writes: () => number } {
  const store = new DatabaseRateLimitStore(db.mongo, undefined, { timeoutMs: 10_000 });
  store.init({ windowMs: 60_000 } as Options);
  const model = (store as unknown as { model: Model<unknown> }).model;
  const spy = jest.spyOn(model, 'findOneAndUpdate');
  return { store, writes: () => spy.mock.calls.length };
}

afterEach(() => jest.restoreAllMocks());

describe('D6 S10 rate-limit counters shared in the database', () => {
  it('D6 one after another, each hit is told the count so far', async () => {
    const { store } = storeOnDb();
    const hits: number[] = [];
    for (let i = 0; i < 4; i++) hits.push((await store.increment('key:sequential')).totalHits);
    expect(hits).toEqual([1, 2, 3, 4]);
    store.shutdown();
  });

  it('S10 60 hits at once: all counted, each told its own place, in far fewer writes than hits', async () => {
    const { store, writes } = storeOnDb();
    const results = await Promise.all(Array.from({ length: 60 }, () => store.increment('key:burst')));
    const told = results.map((r) => r.totalHits);
    // Arrival order is call order: the n-th hit learns it was the n-th.
    expect(told).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(writes()).toBeLessThan(10);
    const doc = await db.mongo.collection('rate_limits').findOne({ key: 'key:burst' });
    expect(doc?.hits).toBe(60);
    store.shutdown();
  });

  it('D6 two replicas hit at once share one count: nothing lost, no count told twice', async () => {
    const a = storeOnDb().store;
    const b = new DatabaseRateLimitStore(db.mongo, undefined, { timeoutMs: 10_000 });
    b.init({ windowMs: 60_000 } as Options);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).increment('key:replicas')),
    );
    const told = results.map((r) => r.totalHits).sort((x, y) => x - y);
    expect(told).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const doc = await db.mongo.collection('rate_limits').findOne({ key: 'key:replicas' });
    expect(doc?.hits).toBe(40);
    a.shutdown();
    b.shutdown();
  });
});
