// `npm run bench:worker-ready` (issue 23 item 3): how long a worker takes from its start to "worker
// ready" (both task queues created, schedules ensured) and to polling (/readyz 200), bundling the
// workflows at start versus loading the prebuilt bundle of `npm run build:workflows`, and the
// compiled JavaScript of `npm run build` with the prebuilt bundle (what the deploy image runs:
// `node dist/worker/main.js`). Each run starts one more worker process in the same local stack (the
// stack's first worker keeps running).
//   BENCH_RUNS=3 npm run bench:worker-ready
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../infra/stack/processes';
import { startStack } from '../../infra/stack/stack';
import { buildWorkflowBundle } from '../../worker/build-workflow-bundle';
import { describeMachine } from './machine';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const MODES = ['bundle at start', 'prebuilt bundle', 'compiled, prebuilt bundle'] as const;

async function readyzWithin(url: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} not ready within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'closedloop-ready-'));
  const bundlePath = path.join(dataDir, 'workflow-bundle.js');
  const built = Date.now();
  const manifest = await buildWorkflowBundle(bundlePath);
  console.log(
    `build:workflows ${((Date.now() - built) / 1000).toFixed(1)} s, ${(manifest.bytes / 1024).toFixed(0)} KiB`,
  );
  // The product compiled as the deploy image has it (tsc -p tsconfig.build.json → dist/).
  const compiledAt = Date.now();
  const root = path.resolve(__dirname, '../..');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  console.log(`tsc -p tsconfig.build.json ${((Date.now() - compiledAt) / 1000).toFixed(1)} s`);
  const stack = await startStack({ dataDir, ports: 'auto', quiet: true, appEnv: { MASS_INCIDENTS: 'off' } });
  console.log((await describeMachine(stack)).lines.join('\n'));
  const rows: { mode: string; readyS: number; pollingS: number }[] = [];
  try {
    for (let i = 0; i < RUNS; i++)
      for (const mode of MODES) {
        const health = await freePort();
        const started = Date.now();
        const worker = await stack.startWorker({
          WORKFLOW_BUNDLE_PATH: mode === 'bundle at start' ? '' : bundlePath,
          ...(mode === 'compiled, prebuilt bundle' ? { STACK_COMPILED_DIR: path.join(root, 'dist') } : {}),
          WORKER_HEALTH_ADDRESS: `127.0.0.1:${health}`,
          WORKER_METRICS_ADDRESS: '',
        });
        const readyS = (Date.now() - started) / 1000;
        await readyzWithin(`http://127.0.0.1:${health}/readyz`, 30_000);
        const pollingS = (Date.now() - started) / 1000;
        rows.push({ mode, readyS, pollingS });
        console.log(
          `run ${i + 1} ${mode}: "worker ready" after ${readyS.toFixed(2)} s, polling after ${pollingS.toFixed(2)} s`,
        );
        await worker.stop();
      }
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  for (const mode of MODES) {
    const mine = rows.filter((r) => r.mode === mode).map((r) => r.pollingS);
    console.log(
      `${mode}: polling after ${mine.map((s) => s.toFixed(1)).join(' / ')} s (median ${mine.sort((a, b) => a - b)[Math.floor(mine.length / 2)]!.toFixed(1)} s)`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
