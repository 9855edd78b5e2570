// The ceiling of the memory benchmark (issue 9), run as its own process so that its RSS is its own:
// a worker whose workflows only sleep, with every one of them kept in the cache. Two bundles:
//   bare             the sleeping workflow alone (what the SDK costs per cached workflow)
//   product-modules  the same workflow bundled with every product workflow module, which the SDK
//                    evaluates again for each workflow it caches (its reusable V8 context shares
//                    only the modules loaded before the first workflow)
//   product-shared   the same bundle as the worker builds it: the workflow modules preloaded, so
//                    shared by every workflow (worker/workflow-bundle.ts)
// The bench reads VmRSS of this process; the process prints "ready" once the worker is built and
// then, every second, the number of workflows in its cache.
//   tsx test/bench/ceiling/memory-worker.ts <bare|product-modules|product-shared> <taskQueue> <maxCached>
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { dataConverterFromEnv } from '../../../platform/data-converter';
import { SHARED_WORKFLOW_MODULES } from '../../../worker/workflow-bundle';

const bundles = {
  bare: './timer-workflow',
  'product-modules': './product-modules-workflow',
  'product-shared': './product-modules-workflow',
} as const;

async function main(): Promise<void> {
  const [kind, taskQueue, maxCached] = process.argv.slice(2);
  if (!kind || !(kind in bundles) || !taskQueue || !Number(maxCached))
    throw new Error('usage: memory-worker.ts <bare|product-modules|product-shared> <taskQueue> <maxCached>');
  Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: require.resolve(bundles[kind as keyof typeof bundles]),
    ...(kind === 'product-shared' ? { bundlerOptions: { preloadModules: SHARED_WORKFLOW_MODULES } } : {}),
    dataConverter: dataConverterFromEnv(process.env),
    maxCachedWorkflows: Number(maxCached),
  });
  const stop = () => worker.shutdown();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  console.log('ready');
  const tick = setInterval(() => console.log(`cached ${worker.getStatus().numCachedWorkflows}`), 1_000);
  await worker.run();
  clearInterval(tick);
  await connection.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
