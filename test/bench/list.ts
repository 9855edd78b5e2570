// `npm run bench:list`: the supervisor's unfiltered complaint list (`GET /v1/complaints?limit=50`:
// the newest 50 by `receivedAt` and the total) on the local stack's database as the read model
// grows (FerretDB on PostgreSQL unless MONGODB_URI is set). Prints ms per list at each size, the
// product's way (sort on a declared sort field, SORT_QUERY_FIELDS, and a count without filter:
// infra/ferretdb/sort-count-pushdown.patch) beside FerretDB v1's own path in the same run (the
// same sort on an undeclared copy of the date, and `countDocuments({})`), which is what the list
// cost before the patch. Complaint documents of ~4 kB, as the read model's.
//   BENCH_LIST_SIZES=1000,3000,10000 npm run bench:list
import { countMatching } from '../../activities/models';
import { msPerCall as timed, runBench, withBenchDatabase } from './database';

const sizes = (process.env.BENCH_LIST_SIZES ?? '1000,3000,10000').split(',').map(Number);
const body = 'x'.repeat(4000);

runBench(() =>
  withBenchDatabase('listbench', async ({ models }) => {
    const complaints = models.Complaint.collection;
    console.log(
      '| complaints | list now: newest 50 + total, ms | of which the page | of which the total | before: in-memory sort + countDocuments({}), ms |',
    );
    console.log('| ---: | ---: | ---: | ---: | ---: |');
    let have = 0;
    for (const size of sizes) {
      while (have < size) {
        const n = Math.min(500, size - have);
        await complaints.insertMany(
          Array.from({ length: n }, (_, k) => {
            const receivedAt = new Date(Date.now() - (((have + k) * 7919) % 2_592_000) * 1000);
            return { _id: `C-${have + k}`, stage: 'RECEIVED', receivedAt, receivedCopy: receivedAt, body };
          }) as never[],
        );
        have += n;
      }
      const page = () => models.Complaint.find({}).sort({ receivedAt: -1 }).limit(50).lean();
      const total = () => countMatching(models.Complaint, {});
      const runs = size >= 10_000 ? 3 : 10;
      const now = await timed(runs, () => Promise.all([page(), total()]));
      const pageMs = await timed(runs, page);
      const totalMs = await timed(runs, total);
      const before = await timed(Math.min(runs, 3), () =>
        Promise.all([
          complaints.find({}).sort({ receivedCopy: -1 }).limit(50).toArray(),
          complaints.countDocuments({}),
        ]),
      );
      console.log(
        `| ${size} | ${now.toFixed(1)} | ${pageMs.toFixed(1)} | ${totalMs.toFixed(1)} | ${before.toFixed(1)} |`,
      );
    }
  }),
);
