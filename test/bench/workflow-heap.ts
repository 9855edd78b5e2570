// `npm run bench:workflow-heap` (issue 23 item 2): the V8 heap an open complaint keeps in the worker,
// measured directly rather than through the process's RSS. The worker runs the product's workflows
// in debug mode (in this thread, in the SDK's reusable V8 context, the bundle preloaded as the
// product's worker does), so the workflows' objects are on this thread's heap; activities are the
// workflow tests' fakes (test/support/workflow-harness.ts) on the Temporal test server, so the heap
// holds no database driver or HTTP state of the product. After a warm-up, N complaints are filed and
// left open (nobody acts) until each has sent its acknowledgement and its projections have stopped;
// the fakes' records are dropped, garbage is collected, and the heap growth divided by N is the
// figure. Beside it: how large one complaint's view is as JSON (what its state holds at least).
//   npm run bench:workflow-heap -- --n 500 [--snapshot]   (--snapshot: what the heap holds, by kind)
import { performance } from 'node:perf_hooks';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { getComplaintQuery } from '../../workflows/complaint/contract';
import { complaintInput } from '../support/fixtures';
import { startHarness } from '../support/workflow-harness';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run bench:workflow-heap)');

async function settledHeapMiB(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc!();
    await new Promise((r) => setTimeout(r, 200));
  }
  return v8.getHeapStatistics().used_heap_size / 2 ** 20;
}

/** Self size by `type:constructor` of a heap snapshot (`--snapshot`): where the heap goes. */
function heapByKind(): Map<string, { count: number; bytes: number }> {
  const file = v8.writeHeapSnapshot(
    path.join(os.tmpdir(), `workflow-heap-${process.pid}-${Date.now()}.heapsnapshot`),
  );
  const snap = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  rmSync(file);
  const fields = snap.snapshot.meta.node_fields;
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const types = snap.snapshot.meta.node_types[0];
  const kinds = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt!]!]!;
    const name = type === 'object' || type === 'closure' ? snap.strings[snap.nodes[i + nameAt!]!]! : '';
    const key = `${type}${name ? `:${name.slice(0, 40)}` : ''}`;
    const k = kinds.get(key) ?? { count: 0, bytes: 0 };
    k.count += 1;
    k.bytes += snap.nodes[i + sizeAt!]!;
    kinds.set(key, k);
  }
  return kinds;
}

async function main(): Promise<void> {
  if (process.argv.includes('--no-stack-traces')) {
    // The SDK records a stack trace for every promise a workflow creates (for the __stack_trace
    // query) when v8.promiseHooks exists; without it, it records none. For comparison only.
    const hooks = v8.promiseHooks as { createHook: (...a: unknown[]) => unknown };
    const createHook = hooks.createHook.bind(hooks);
    hooks.createHook = (...a: unknown[]) => {
      if (new Error().stack?.includes('vm-shared')) throw new Error('promise hooks off for this measurement');
      return createHook(...a);
    };
  }
  const n = Number(arg('n') ?? process.env.BENCH_N ?? 500);
  const warm = 20;
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; Node ${process.version}; ` +
      `load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' / ')}`,
  );
  const h = await startHarness('workflow-heap-bench', {
    debugMode: true,
    maxCachedWorkflows: n + warm + 100,
  });
  const start = performance.now();

  async function fileAndSettle(count: number): Promise<void> {
    const before = h.sms.length;
    for (let i = 0; i < count; i += 20)
      await Promise.all(Array.from({ length: Math.min(20, count - i) }, () => h.start(complaintInput())));
    // Each complaint texts its acknowledgement once; then wait until no projection comes for 3 s.
    while (h.sms.length < before + count) await new Promise((r) => setTimeout(r, 500));
    for (let last = -1; last !== h.projections.length;) {
      last = h.projections.length;
      await new Promise((r) => setTimeout(r, 3_000));
    }
  }
  function dropRecords(): void {
    h.projections.length = 0;
    h.sms.length = 0;
    h.emails.length = 0;
  }

  // The SDK's floor, in the same thread first: workflows that only sleep (a timer, like a
  // complaint's clocks), on a worker of their own bundle.
  const sleeperBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./ceiling/timer-workflow'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never,
  });
  const sleeper = await Worker.create({
    connection: h.env.nativeConnection,
    taskQueue: 'workflow-heap-sleepers',
    workflowBundle: sleeperBundle,
    debugMode: true,
    maxCachedWorkflows: n + warm + 100,
  });
  const sleeping = sleeper.run();
  const sleepers = async (count: number, tag: string) => {
    const due = Date.now() + 3_600_000;
    const handles = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        h.env.client.workflow.start('sleepUntilWorkflow', {
          taskQueue: 'workflow-heap-sleepers',
          workflowId: `sleeper-${tag}-${i}`,
          args: [due],
        }),
      ),
    );
    // Each has run its first workflow task once its timer is in the history.
    for (const handle of handles)
      while (((await handle.describe()).historyLength ?? 0) < 5) await new Promise((r) => setTimeout(r, 100));
  };
  await sleepers(warm, 'warm');
  const sleeperBase = await settledHeapMiB();
  await sleepers(n, 'n');
  const sleeperAfter = await settledHeapMiB();
  sleeper.shutdown();
  await sleeping;
  const sleeperKiB = ((sleeperAfter - sleeperBase) * 1024) / n;

  await fileAndSettle(warm);
  dropRecords();
  const base = await settledHeapMiB();
  const snapshots = process.argv.includes('--snapshot');
  const kindsBefore = snapshots ? heapByKind() : undefined;
  await fileAndSettle(n);
  const last = h.projections.at(-1)!;
  const view = await h.env.client.workflow.getHandle(last.workflowId).query(getComplaintQuery);
  dropRecords();
  const after = await settledHeapMiB();
  const perKiB = ((after - base) * 1024) / n;
  const json = JSON.stringify(view);
  const { timeline: _timeline, ...rest } = view;
  console.log(
    `\n${n} open complaints filed and settled in ${((performance.now() - start) / 1000).toFixed(0)} s (debug-mode worker, ${warm} warm-up)\n`,
  );
  console.log('| figure | value |');
  console.log('| --- | ---: |');
  console.log(`| heap used, ${warm} warm-up complaints cached | ${base.toFixed(1)} MiB |`);
  console.log(`| heap used, ${n + warm} complaints cached | ${after.toFixed(1)} MiB |`);
  console.log(`| **heap per open complaint** | **${perKiB.toFixed(0)} KiB** |`);
  console.log(
    `| heap per sleeping workflow (the SDK's floor, same thread, before the complaints) | ${sleeperKiB.toFixed(0)} KiB |`,
  );
  console.log(
    `| one complaint's view as JSON (its state holds at least this) | ${(json.length / 1024).toFixed(1)} KiB |`,
  );
  console.log(
    `| … of which the timeline (${view.timeline.length} entries) | ${((json.length - JSON.stringify(rest).length) / 1024).toFixed(1)} KiB |`,
  );
  console.log(
    `| … the evidence outcome | ${(JSON.stringify(view.evidence ?? {}).length / 1024).toFixed(1)} KiB |`,
  );
  console.log(
    `| … the policy snapshot | ${(JSON.stringify(view.policy ?? {}).length / 1024).toFixed(1)} KiB |`,
  );
  if (kindsBefore) {
    const kindsAfter = heapByKind();
    const growth = [...kindsAfter.entries()]
      .map(([kind, a]) => {
        const b = kindsBefore.get(kind) ?? { count: 0, bytes: 0 };
        return { kind, count: (a.count - b.count) / n, bytes: (a.bytes - b.bytes) / n };
      })
      .sort((x, y) => y.bytes - x.bytes);
    console.log(
      '\n| what an open complaint adds to the heap (snapshot after − before, ÷ N) | objects | bytes |',
    );
    console.log('| --- | ---: | ---: |');
    for (const g of growth.slice(0, 20))
      console.log(`| ${g.kind} | ${g.count.toFixed(1)} | ${g.bytes.toFixed(0)} |`);
  }
  await h.cleanup();
  await h.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
