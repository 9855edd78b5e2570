// R6.2 #9 Repeat detection against the real database (FerretDB in the local stack): one equality
// query per criterion instead of an `$or` that FerretDB v1 evaluated over the whole collection.
import { createModels, type Models } from '../../activities/models';
import { createRepeatActivities, numberHash } from '../../activities/repeat';
import { useDatabaseStack } from '../support/database-stack';

const db = useDatabaseStack();
let models: Models;

beforeAll(async () => {
  models = createModels(db.mongo);
  await models.Complaint.init();
});

const DAY = 86_400_000;
const now = Date.now();

async function complaint(id: string, callback: string, cellId: string, daysAgo: number) {
  await models.Complaint.collection.insertOne({
    _id: id as never,
    version: 1,
    stage: 'CLOSED',
    callbackHash: numberHash(callback),
    cellId,
    receivedAt: new Date(now - daysAgo * DAY),
  });
}

it('R6.2 #9 earlier complaints by number or by cell, newest first, within the window, at most 10, without itself', async () => {
  await complaint('N-1', '+8613900000001', '460-00-1-1', 3); // same number
  await complaint('N-2', '+8613900000001', '460-00-9-9', 40); // same number, outside the window
  await complaint('C-1', '+8613900000002', '460-00-7-1', 1); // same cell
  await complaint('B-1', '+8613900000001', '460-00-7-1', 2); // both: listed once, as a number match
  await complaint('X-1', '+8613900000003', '460-00-8-1', 1); // unrelated
  await complaint('SELF', '+8613900000001', '460-00-7-1', 0);
  for (let i = 0; i < 12; i++) await complaint(`M-${i}`, '+8613900000004', '460-00-6-1', 5 + i);

  const { findEarlierComplaints } = createRepeatActivities({ models });
  const since = new Date(now - 30 * DAY).toISOString();
  const found = await findEarlierComplaints({
    ticketId: 'SELF',
    callback: '+8613900000001',
    cellId: '460-00-7-1',
    since,
  });
  expect(found.map((f) => [f.ticketId, f.by])).toEqual([
    ['C-1', 'cell'],
    ['B-1', 'number'],
    ['N-1', 'number'],
  ]);
  const many = await findEarlierComplaints({
    ticketId: 'NEW',
    callback: '+8613900000004',
    cellId: '460-00-6-1',
    since,
  });
  expect(many).toHaveLength(10);
  expect(many[0]!.ticketId).toBe('M-0');
  expect(many.every((m) => m.by === 'number')).toBe(true);
  const none = await findEarlierComplaints({ ticketId: 'NEW', callback: '+8613900000009', since });
  expect(none).toEqual([]);
}, 60_000);

it('R6.2 #9 an index serves both repeat queries, however many complaints there are (no collection scan)', async () => {
  await complaint('I-1', '+8613900000011', '460-00-11-1', 1);
  // The filters findEarlierComplaints sends (activities/repeat.ts), as the database plans them.
  const plan = async (criterion: Record<string, unknown>) =>
    JSON.stringify(
      await db.mongo.db!.command({
        explain: {
          find: models.Complaint.collection.collectionName,
          filter: { ...criterion, receivedAt: { $gte: new Date(now - 30 * DAY) }, _id: { $ne: 'SELF' } },
        },
        verbosity: 'queryPlanner',
      }),
    );
  for (const criterion of [{ callbackHash: numberHash('+8613900000011') }, { cellId: '460-00-11-1' }]) {
    const p = await plan(criterion);
    // FerretDB on PostgreSQL answers with PostgreSQL's plan, MongoDB with its own.
    expect(p).toMatch(/"Index Scan"|"Bitmap Index Scan"|IXSCAN/);
    expect(p).not.toMatch(/Seq Scan|COLLSCAN/);
    const field = Object.keys(criterion)[0]!;
    expect(p).toMatch(new RegExp(`"(Index Name|indexName)":"[^"]*${field}`, 'i'));
  }
}, 60_000);
