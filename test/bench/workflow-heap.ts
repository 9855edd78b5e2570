// `npm run bench:workflow-heap` (issue 23 item 2): the V8 heap an open complaint keeps in the worker,
// measured directly rather than through the process's RSS. The worker runs the product's workflows
// in debug mode (in this thread, in the SDK's reusable V8 context, the bundle preloaded as the
// product's worker does), so the workflows' objects are on this thread's heap; activities are the
// workflow tests' fakes (test/support/workflow-harness.ts) on the Temporal test server, so the heap
// holds no database driver or HTTP state of the product. After a warm-up, N complaints are filed and
// left open (nobody acts) until each has sent its acknowledgement and its projections have stopped;
// the fakes' records are dropped, garbage is collected, and the heap growth divided by N is the
// figure. Beside it: how large one complaint's view is as JSON (what its state holds at least).
//   npm run bench:workflow-heap -- --n 500
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import v8 from 'node:v8';
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

async function main(): Promise<void> {
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

  await fileAndSettle(warm);
  dropRecords();
  const base = await settledHeapMiB();
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
