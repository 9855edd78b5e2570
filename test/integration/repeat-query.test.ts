// R6.2 #9 Repeat detection against the real database (FerretDB in the local stack): equality queries
// per criterion instead of an `$or` that FerretDB v1 evaluated over the whole collection, and
// (issue 24) the number's matches queried and limited apart from the cell's.
import { createModels, type Models } from '../../activities/models';
import { createRepeatActivities, numberHash, repeatSubqueries } from '../../activities/repeat';
import { useDatabaseStack } from '../support/database-stack';

const db = useDatabaseStack();
let models: Models;

beforeAll(async () => {
  models = createModels(db.mongo);
  await models.Complaint.init();
});

const DAY = 86_400_000;
const now = Date.now();
const FIX = '天馈跳线老化导致驻波比告警';

/** A complaint as the projection writes it: open, or closed `closed` days ago with a root cause. */
async function complaint(
  id: string,
  callback: string,
  cellId: string,
  received: number,
  closed?: { daysAgo: number; rootCause: string },
) {
  await models.Complaint.collection.insertOne({
    _id: id as never,
    version: 1,
    stage: closed ? 'CLOSED' : 'IN_PROGRESS',
    callbackHash: numberHash(callback),
    cellId,
    receivedAt: new Date(now - received * DAY),
    closedAt: closed ? new Date(now - closed.daysAgo * DAY) : undefined,
    rootCause: closed?.rootCause ?? null,
    massIncidentId: null,
  });
}
const closed = (daysAgo: number, rootCause = FIX) => ({ daysAgo, rootCause });

it('R6.2 #9 repeats by number (closed within the window) and by cell (fixed there), newest first, without itself', async () => {
  const me = '+8613900000001';
  await complaint('N-1', me, '460-00-9-9', 5, closed(3, '经测试未发现网络故障')); // same number
  await complaint('N-2', me, '460-00-9-9', 45, closed(40)); // same number, closed before the window
  await complaint('N-3', me, '460-00-9-8', 36, closed(25)); // received before the window, closed within
  await complaint('C-1', '+8613900000002', '460-00-7-1', 2, closed(1)); // same cell, fixed there
  await complaint('C-2', '+8613900000005', '460-00-7-1', 3, closed(2, '用户终端不支持VoLTE')); // no fix
  await complaint('C-3', '+8613900000006', '460-00-7-1', 4, closed(3, 'mass incident MI-1')); // incident
  await complaint('B-1', me, '460-00-7-1', 4, closed(2)); // both: listed once, as a number match
  await complaint('X-1', '+8613900000003', '460-00-8-1', 1, closed(0.5)); // unrelated
  await complaint('SELF', me, '460-00-7-1', 0);

  const { findEarlierComplaints } = createRepeatActivities({ models });
  const since = new Date(now - 30 * DAY).toISOString();
  const found = await findEarlierComplaints({ ticketId: 'SELF', callback: me, cellId: '460-00-7-1', since });
  expect(found.map((f) => [f.ticketId, f.by])).toEqual([
    ['C-1', 'cell'],
    ['B-1', 'number'],
    ['N-1', 'number'],
    ['N-3', 'number'],
  ]);
  expect(found[0]).toMatchObject({ stage: 'CLOSED', closedAt: new Date(now - DAY).toISOString() });
  const none = await findEarlierComplaints({ ticketId: 'NEW', callback: '+8613900000009', since });
  expect(none).toEqual([]);
}, 60_000);

it('R6.2 issue 24 the number matches are never cut off by the cell matches, however busy the cell', async () => {
  const me = '+8613900000004';
  for (let i = 0; i < 12; i++) await complaint(`M-${i}`, me, `460-00-5-${i}`, 10 + i, closed(5 + i));
  // A busy cell: more fixes and more open complaints there than any limit, all newer.
  for (let i = 0; i < 15; i++)
    await complaint(
      `F-${i}`,
      `+86137000010${String(i).padStart(2, '0')}`,
      '460-00-6-1',
      3,
      closed(1 + i / 100),
    );
  const { findEarlierComplaints } = createRepeatActivities({ models });
  const since = new Date(now - 30 * DAY).toISOString();
  const found = await findEarlierComplaints({ ticketId: 'NEW', callback: me, cellId: '460-00-6-1', since });
  const byNumber = found.filter((m) => m.by === 'number').map((m) => m.ticketId);
  expect(byNumber).toHaveLength(10);
  expect(byNumber[0]).toBe('M-0');
  expect(found.filter((m) => m.by === 'cell')).toHaveLength(10);

  // Open complaints about the cell make the next one related to them, not a repeat of the fixes;
  // the customer's own closed complaints still count.
  for (let i = 0; i < 15; i++)
    await complaint(`O-${i}`, `+86137000020${String(i).padStart(2, '0')}`, '460-00-6-1', 0.1 + i / 100);
  const during = await findEarlierComplaints({ ticketId: 'NEW', callback: me, cellId: '460-00-6-1', since });
  expect(during.map((m) => m.by)).toEqual(Array(10).fill('number'));
}, 60_000);

it('R6.2 #9 an index serves every repeat query, however many complaints there are (no collection scan)', async () => {
  await complaint('I-1', '+8613900000011', '460-00-11-1', 1);
  // The filters findEarlierComplaints sends (activities/repeat.ts), as the database plans them.
  const subqueries = repeatSubqueries({
    ticketId: 'SELF',
    callback: '+8613900000011',
    cellId: '460-00-11-1',
    since: new Date(now - 30 * DAY).toISOString(),
  });
  expect(subqueries).toHaveLength(4);
  for (const { name, filter } of subqueries) {
    const p = JSON.stringify(
      await db.mongo.db!.command({
        explain: { find: models.Complaint.collection.collectionName, filter },
        verbosity: 'queryPlanner',
      }),
    );
    // FerretDB on PostgreSQL answers with PostgreSQL's plan, MongoDB with its own.
    expect([name, p]).toEqual([name, expect.stringMatching(/"Index Scan"|"Bitmap Index Scan"|IXSCAN/)]);
    expect(p).not.toMatch(/Seq Scan|COLLSCAN/);
    const field = name.startsWith('number') ? 'callbackHash' : 'cellId';
    expect(p).toMatch(new RegExp(`"(Index Name|indexName)":"[^"]*${field}`, 'i'));
  }
}, 60_000);
