// The trigger of the S10 freeze (issue 26, docs/decisions.md "The freeze"), for the test
// (test/integration/database-freeze.test.ts) and the script (`npm run bench:pool-deadlock`):
// updates and findAndModify of documents that exist, from more client connections than FerretDB
// has PostgreSQL connections, while now and then a new collection and a new index are created.
// Unpatched FerretDB v1.24 ran such an update holding its query's pooled connection while it
// waited for a second one and for the registry lock, and stopped answering for good.
import type { Connection } from 'mongoose';

export const FREEZE_PROBE_DOCS = 500;

interface Probe {
  _id: string;
  n: number;
  body: string;
}

/** The documents the rounds update (a first write creates the collection). */
export async function seedFreezeProbe(db: Connection): Promise<void> {
  await db
    .collection<Probe>('freeze_probe')
    .insertMany(
      Array.from({ length: FREEZE_PROBE_DOCS }, (_, i) => ({ _id: `P-${i}`, n: 0, body: 'x'.repeat(2000) })),
    );
}

export type RoundOutcome = { ms: number; errors: number; firstError?: string } | 'hang';

/**
 * `ops` operations at once, spread over `clients`: a quarter findOneAndUpdate, a quarter findOne,
 * the rest updateOne (all on existing documents), and (unless `metadata` is false) every 50th a
 * first insert into a new collection followed by a new index. Resolves with the time taken, or
 * 'hang' after `waitMs`.
 */
export async function freezeRound(
  clients: Connection[],
  round: number,
  ops: number,
  waitMs: number,
  metadata = true,
): Promise<RoundOutcome> {
  const started = performance.now();
  let errors = 0;
  let firstError: string | undefined;
  const work = Array.from({ length: ops }, (_, i) => {
    const db = clients[i % clients.length]!;
    const probe = db.collection<Probe>('freeze_probe');
    const id = `P-${(i * 7 + round) % FREEZE_PROBE_DOCS}`;
    let op: Promise<unknown>;
    if (metadata && i % 50 === 25) {
      const name = `freeze_new_${round}_${i}`;
      op = db
        .collection<{ _id: string }>(name)
        .insertOne({ _id: 'x' })
        .then(() => db.collection(name).createIndex({ at: 1 }));
    } else if (i % 4 === 0) {
      op = probe.findOneAndUpdate({ _id: id }, { $inc: { n: 1 } });
    } else if (i % 4 === 1) {
      op = probe.findOne({ _id: id });
    } else {
      op = probe.updateOne({ _id: id }, { $inc: { n: 1 } });
    }
    return op.catch((err: Error) => {
      errors += 1;
      firstError ??= `${err.name}: ${err.message}`;
    });
  });
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => (timer = setTimeout(() => resolve('hang'), waitMs)));
  const outcome = await Promise.race([Promise.all(work).then(() => 'done' as const), hang]);
  clearTimeout(timer);
  if (outcome === 'hang') return 'hang';
  return { ms: Math.round(performance.now() - started), errors, ...(firstError ? { firstError } : {}) };
}
