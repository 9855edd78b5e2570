// D3 Projections of one complaint stay in order with several worker processes on FerretDB (issue 18).
//
// Two processes (test/support/projection-writer.ts) write the same complaints' projections through
// the product's projection activity at the same time, each round the one a version newer than the
// other's (v and v-1 race on every complaint), and at the end one of them replays stale versions
// (a retried attempt whose write arrives late). The KeyedLock serialises writes inside one process
// only; across processes the versioned upsert relies on the database applying `version < v` and the
// write atomically, which the stack's FerretDB does with infra/ferretdb/update-cas.patch. A watcher
// polls both read-model collections meanwhile: no version may go backwards, and the last version
// must win everywhere.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createModels, ensureCollections, type Models } from '../../activities/models';
import { useDatabaseStack } from '../support/database-stack';
import type { WriterPlan } from '../support/projection-writer';

const db = useDatabaseStack();
const COMPLAINTS = 12;
const VERSIONS = 60;
let models: Models;
let dir: string;

beforeAll(async () => {
  models = createModels(db.mongo);
  await ensureCollections(db.mongo);
  dir = mkdtempSync(path.join(tmpdir(), 'closedloop-d3-'));
});
afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

type Writer = ChildProcessByStdio<Writable, Readable, Readable>;

function startWriter(
  name: string,
  plan: WriterPlan,
): { proc: Writer; ready: Promise<void>; done: Promise<{ writes: number; applied: number }> } {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(plan));
  const loader = pathToFileURL(require.resolve('tsx')).href;
  const proc = spawn(
    process.execPath,
    ['--import', loader, path.join(__dirname, '../support/projection-writer.ts'), file],
    {
      env: { ...process.env, MONGODB_URI: db.stack.env.MONGODB_URI },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.startsWith('ready\n')) resolve();
    });
    proc.once('exit', (code) =>
      reject(new Error(`${name} exited (${String(code)}) before it was ready: ${err}`)),
    );
  });
  const done = new Promise<{ writes: number; applied: number }>((resolve, reject) => {
    proc.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`${name} failed (${String(code)}): ${err}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as { writes: number; applied: number });
    });
  });
  return { proc, ready, done };
}

/** Polls both collections until stopped; counts reads and versions seen going backwards. */
function watch(ids: string[]) {
  const last = { summary: new Map<string, number>(), full: new Map<string, number>() };
  const seen = { samples: 0, backwards: [] as string[] };
  let running = true;
  const check = (kind: 'summary' | 'full', rows: { _id: string; version: number }[]) => {
    for (const row of rows) {
      const before = last[kind].get(row._id) ?? 0;
      if (row.version < before) seen.backwards.push(`${kind} ${row._id}: ${before} → ${row.version}`);
      last[kind].set(row._id, Math.max(before, row.version));
      seen.samples += 1;
    }
  };
  const loop = (async () => {
    while (running) {
      const [summary, full] = await Promise.all([
        models.Complaint.find({ _id: { $in: ids } }, { version: 1 }).lean<
          { _id: string; version: number }[]
        >(),
        models.ComplaintView.find({ _id: { $in: ids } }, { version: 1 }).lean<
          { _id: string; version: number }[]
        >(),
      ]);
      check('summary', summary);
      check('full', full);
    }
  })();
  return {
    seen,
    async stop() {
      running = false;
      await loop;
    },
  };
}

describe('D3 projection order across worker processes', () => {
  it('D3 two processes racing on the same complaints (v and v-1 at once, then stale retries): no version goes backwards, the newest wins', async () => {
    const run = Date.now().toString(36);
    const externalIds = Array.from({ length: COMPLAINTS }, (_, i) => `D3-${run}-${i}`);
    const ids = externalIds.map((e) => `EMOS-${e}`);
    const rounds = (parity: number) =>
      Array.from({ length: VERSIONS / 2 }, (_, r) =>
        externalIds.map((externalId) => ({ externalId, version: 2 * r + 1 + parity })),
      );
    // A writes the even versions, B the odd ones: in round r, A writes 2r+2 while B writes 2r+1.
    const a = startWriter('writer-a', { rounds: rounds(1) });
    // B ends with late retries of old versions, racing A's last rounds.
    const stale = [5, 1, VERSIONS - 3].map((version) =>
      externalIds.map((externalId) => ({ externalId, version })),
    );
    const b = startWriter('writer-b', { rounds: [...rounds(0), ...stale] });
    await Promise.all([a.ready, b.ready]);
    const watcher = watch(ids);
    a.proc.stdin.write('go\n');
    b.proc.stdin.write('go\n');
    const [ra, rb] = await Promise.all([a.done, b.done]);
    await watcher.stop();

    expect(ra.writes).toBe((COMPLAINTS * VERSIONS) / 2);
    expect(rb.writes).toBe((COMPLAINTS * VERSIONS) / 2 + 3 * COMPLAINTS);
    // Every write either applied or was dropped as stale; the last of each complaint applied.
    expect(ra.applied + rb.applied).toBeGreaterThanOrEqual(COMPLAINTS);
    // The watcher saw the race (a watcher that saw nothing must fail).
    expect(watcher.seen.samples).toBeGreaterThan(COMPLAINTS * 20);
    expect(watcher.seen.backwards).toEqual([]);
    const summary = await models.Complaint.find(
      { _id: { $in: ids } },
      { version: 1, escalationLevel: 1 },
    ).lean();
    const full = await models.ComplaintView.find({ _id: { $in: ids } }, { version: 1, view: 1 }).lean();
    expect(summary.map((d) => d.version)).toEqual(ids.map(() => VERSIONS));
    expect(full.map((d) => d.version)).toEqual(ids.map(() => VERSIONS));
    // The whole document is the newest version's, not a mix.
    expect(summary.map((d) => d.escalationLevel)).toEqual(ids.map(() => VERSIONS % 3));
    expect(full.map((d) => (d.view as { timeline: unknown[] }).timeline.length)).toEqual(
      ids.map(() => VERSIONS),
    );
  }, 600_000);
});
