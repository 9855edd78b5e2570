// `npm run bench:id-lookup`: the cost of reading and writing one complaint by `_id` on the local
// stack's database as the collection grows (FerretDB on PostgreSQL unless MONGODB_URI is set).
// Prints ms per operation at each size; a flat line means the `_id` index serves the lookup. The
// last column is repeat detection's query (activities/repeat.ts, two equality queries on
// `callbackHash` and `cellId`, R6.2) over as many complaints: flat when their indexes serve it.
//   BENCH_ID_SIZES=1000,3000,10000 npm run bench:id-lookup
import { createRepeatActivities, numberHash } from '../../activities/repeat';
import { msPerCall as timed, runBench, withBenchDatabase } from './database';

const sizes = (process.env.BENCH_ID_SIZES ?? '1000,3000,10000').split(',').map(Number);
const body = 'x'.repeat(4000);

runBench(() =>
  withBenchDatabase('idlookup', async ({ conn, models }) => {
    const coll = conn.collection<{ _id: string; version: number; body: string }>('idbench');
    const complaints = models.Complaint.collection;
    const { findEarlierComplaints } = createRepeatActivities({ models });
    const callback = (i: number) => `+86138${String(i % 100_000).padStart(8, '0')}`;
    const cell = (i: number) => `460-00-${1000 + (i % 3000)}-1`;
    console.log(
      '| documents | findOne({_id}) ms | updateOne({_id, version: {$lt}}) ms | findOne({version}) (no index, for scale) ms | repeat detection ms |',
    );
    console.log('| ---: | ---: | ---: | ---: | ---: |');
    let have = 0;
    for (const size of sizes) {
      while (have < size) {
        const batch = Array.from({ length: Math.min(500, size - have) }, (_, k) => ({
          _id: `C-${have + k}`,
          version: 1,
          body,
        }));
        await coll.insertMany(batch);
        // As many complaints, spread over 100,000 numbers and 3,000 cells, received in the last day.
        await complaints.insertMany(
          batch.map((d, k) => ({
            _id: d._id,
            stage: 'RECEIVED',
            callbackHash: numberHash(callback(have + k)),
            cellId: cell(have + k),
            receivedAt: new Date(Date.now() - ((have + k) % 86_400) * 1000),
            body,
          })) as never[],
        );
        have += batch.length;
      }
      const pick = (i: number) => `C-${(i * 7919) % size}`;
      const find = await timed(50, (i) => coll.findOne({ _id: pick(i) }));
      const update = await timed(50, (i) =>
        coll.updateOne({ _id: pick(i), version: { $lt: 1000 + i } }, { $set: { version: 1000 + i } }),
      );
      const scan = await timed(5, (i) => coll.findOne({ version: -i }));
      const since = new Date(Date.now() - 2 * 86_400_000).toISOString();
      const repeat = await timed(20, (i) =>
        findEarlierComplaints({
          ticketId: `N-${i}`,
          callback: callback(i * 31),
          cellId: cell(i * 17),
          since,
        }),
      );
      console.log(
        `| ${size} | ${find.toFixed(1)} | ${update.toFixed(1)} | ${scan.toFixed(1)} | ${repeat.toFixed(1)} |`,
      );
    }
  }),
);
