// `npm run bench:pool-deadlock`: the trigger of the S10 freeze (issue 26), on the local stack's
// database alone. Several clients, as many connections as the API and the worker open together,
// update documents that exist while new collections and indexes are created (metadata under load).
// FerretDB v1.24 on PostgreSQL ran such an update holding one pooled connection (the query's
// rows) while it waited for a second one (the update's transaction); once every connection of its
// pool (50 by default) was held that way, nothing answered again (docs/decisions.md, "The freeze").
//
// Each round must finish within FREEZE_WAIT_MS; when one does not, the script prints what the
// database shows (a new client's ping, PostgreSQL's connections, FerretDB's goroutines from a
// SIGQUIT dump) and exits 1.
//   FREEZE_CLIENTS=2 FREEZE_POOL=100 FREEZE_OPS=400 FREEZE_ROUNDS=5 npm run bench:pool-deadlock
// The clients connect as the product does (activities/models.ts connectMongo: deadlines) but with
// FREEZE_POOL connections each, more than FerretDB's PostgreSQL pool, as the product's processes did
// with the driver's default of 100; FREEZE_DRIVER_DEFAULTS=1 leaves out the product's deadlines.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { connectMongo } from '../../activities/models';
import { startStack, type Stack } from '../../infra/stack/stack';
import { freezeRound, seedFreezeProbe } from '../support/freeze-load';
import { machine } from './stats';

const CLIENTS = Number(process.env.FREEZE_CLIENTS ?? 2);
const POOL = Number(process.env.FREEZE_POOL ?? 100);
const OPS = Number(process.env.FREEZE_OPS ?? 400);
const ROUNDS = Number(process.env.FREEZE_ROUNDS ?? 5);
const WAIT_MS = Number(process.env.FREEZE_WAIT_MS ?? 30_000);
/** FREEZE_METADATA=0: no collection or index is created during the rounds (updates only). */
const METADATA = process.env.FREEZE_METADATA !== '0';
async function connect(uri: string): Promise<Connection> {
  if (process.env.FREEZE_DRIVER_DEFAULTS === '1') {
    return mongoose.createConnection(uri, { maxPoolSize: POOL }).asPromise();
  }
  return connectMongo(uri, { maxPoolSize: POOL });
}

async function describeHang(stack: Stack, dataDir: string): Promise<void> {
  const fresh = mongoose.createConnection(stack.env.MONGODB_URI!, { serverSelectionTimeoutMS: 5_000 });
  const ping = await Promise.race([
    fresh
      .asPromise()
      .then((c) => c.db!.admin().ping())
      .then(() => 'answered'),
    new Promise<string>((resolve) => setTimeout(() => resolve('no answer in 5 s'), 5_000).unref()),
  ]).catch((err: Error) => `failed: ${err.message}`);
  console.log(`a new client's ping: ${ping}`);
  void fresh.close().catch(() => undefined);
  if (stack.urls.postgres) {
    const q =
      "SELECT state, count(*) FROM pg_stat_activity WHERE application_name = 'FerretDB' GROUP BY state";
    const out = execFileSync('psql', [stack.urls.postgres, '-Atc', q], { encoding: 'utf8' });
    console.log(`PostgreSQL connections of FerretDB (state|count): ${out.trim().replace(/\n/g, ', ')}`);
  }
  const registry = JSON.parse(readFileSync(path.join(dataDir, 'stack.json'), 'utf8')) as {
    children: { name: string; pid: number }[];
  };
  const ferret = registry.children.find((c) => c.name === 'ferretdb');
  if (!ferret) return;
  process.kill(ferret.pid, 'SIGQUIT'); // Go prints every goroutine's stack and exits
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  // The stack's log prefixes the child's stderr lines with "! ".
  const log = readFileSync(path.join(stack.logDir, 'ferretdb.log'), 'utf8').replace(/^! ?/gm, '');
  const goroutines = log.split(/\n\s*\n(?=goroutine \d+ )/).filter((g) => g.startsWith('goroutine '));
  const count = (...all: RegExp[]) => goroutines.filter((g) => all.every((re) => re.test(g))).length;
  const acquire = /pgxpool\.\(\*Pool\)\.Acquire/;
  const update = /common\.UpdateDocument/;
  const lockWait = /sync\.\(\*RWMutex\)\.R?Lock/;
  console.log(`FerretDB goroutines: ${goroutines.length}`);
  console.log(`  waiting for a PostgreSQL connection (pgxpool Acquire): ${count(acquire)}`);
  console.log(`    in metadata/pool.InTransaction: ${count(acquire, /pool\.InTransaction/)}`);
  console.log(
    `    in the registry's collectionCreate, holding its lock: ${count(acquire, /collectionCreate/)}`,
  );
  console.log(`  waiting for the registry lock: ${count(lockWait, /metadata\.\(\*Registry\)/)}`);
  console.log(`  in common.UpdateDocument, the query's connection held: ${count(update)}`);
  console.log(`    of them waiting for a second connection: ${count(update, acquire)}`);
  console.log(`    of them waiting for the registry lock: ${count(update, lockWait)}`);
  const example = goroutines.find((g) => update.test(g) && lockWait.test(g));
  const frames = (g: string) =>
    g
      .split('\n')
      .filter((l) => l && !l.startsWith('\t'))
      .slice(0, 18);
  if (example) console.log(`one of them:\n${frames(example).join('\n')}`);
  const holder = goroutines.find((g) => acquire.test(g) && /collectionCreate/.test(g));
  if (holder) console.log(`the lock holder:\n${frames(holder).join('\n')}`);
}

async function main(): Promise<void> {
  console.log(`machine: ${machine()}`);
  console.log(
    `clients ${CLIENTS} × maxPoolSize ${POOL}, ${OPS} operations per round, ${ROUNDS} rounds` +
      (METADATA ? ', collections and indexes created meanwhile' : ', updates only'),
  );
  const dataDir = mkdtempSync(path.join(tmpdir(), 'closedloop-freeze-'));
  const stack = await startStack({ dataDir, ports: 'auto', quiet: true, startApp: false });
  console.log(`database: ${stack.urls.mongo} on ${stack.urls.postgres ?? 'sqlite'}`);
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => connect(stack.env.MONGODB_URI!)));
  let hung = false;
  try {
    await seedFreezeProbe(clients[0]!);
    for (let r = 1; r <= ROUNDS; r++) {
      const outcome = await freezeRound(clients, r, OPS, WAIT_MS, METADATA);
      if (outcome === 'hang') {
        console.log(`round ${r}: HANG — not all ${OPS} operations answered within ${WAIT_MS / 1000} s`);
        hung = true;
        await describeHang(stack, dataDir);
        break;
      }
      const first = outcome.firstError ? ` (first: ${outcome.firstError})` : '';
      console.log(`round ${r}: ${OPS} operations in ${outcome.ms} ms, ${outcome.errors} errors${first}`);
    }
  } finally {
    await Promise.all(clients.map((c) => c.close(true).catch(() => undefined)));
    await stack.stop();
    if (hung) console.log(`logs kept in ${stack.logDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
  if (hung) process.exit(1);
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
