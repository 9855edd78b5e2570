// `npm run bench:list`: the supervisor's unfiltered complaint list (`GET /v1/complaints?limit=50`:
// the newest 50 by `receivedAt` and the total) on the local stack's database as the read model
// grows (FerretDB on PostgreSQL unless MONGODB_URI is set). Prints ms per list at each size, the
// product's way (sort on a declared sort field, SORT_QUERY_FIELDS, and a count without filter:
// infra/ferretdb/sort-count-pushdown.patch) beside FerretDB v1's own path in the same run (the
// same sort on an undeclared copy of the date, and `countDocuments({})`), which is what the list
// cost before the patch. Complaint documents of ~4 kB, as the read model's.
//   BENCH_LIST_SIZES=1000,3000,10000 npm run bench:list
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { countMatching, createModels } from '../../activities/models';
import { startStack } from '../../infra/stack/stack';
import { machine } from './stats';

const sizes = (process.env.BENCH_LIST_SIZES ?? '1000,3000,10000').split(',').map(Number);
const body = 'x'.repeat(4000);

async function timed(n: number, op: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await op();
  return Number(process.hrtime.bigint() - t0) / 1e6 / n;
}

async function main(): Promise<void> {
  console.log(`machine: ${machine()}`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'closedloop-listbench-'));
  const stack = await startStack({ dataDir, ports: 'auto', quiet: true, startApp: false });
  const conn = await mongoose.createConnection(stack.env.MONGODB_URI!).asPromise();
  const models = createModels(conn);
  await models.Complaint.init(); // its indexes, as the worker creates them
  const complaints = models.Complaint.collection;
  try {
    console.log(`database: ${stack.urls.mongo}`);
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
  } finally {
    await conn.close();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
