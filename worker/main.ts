// Worker process entry: `npm run worker`.
import { Runtime } from '@temporalio/worker';
import { ConfigError, loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { temporalLogger } from './temporal-logger';
import { createWorker } from './worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('worker', config.LOG_LEVEL);
  // The SDK's log lines (workflow.log, activity logs) are masked like ours (S3).
  Runtime.install({ logger: temporalLogger(logger.child({ component: 'temporal' })) });
  const running = await createWorker(config, logger);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    // Ctrl-C reaches the worker directly and again through `npm run dev`: shut down once.
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker shutting down (running activities may finish)');
    running.shutdown();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // The ready line is printed whatever LOG_LEVEL says: the local stack waits for it.
  logger.child({}, { level: 'info' }).info(
    {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      temporal: config.TEMPORAL_ADDRESS,
      namespace: config.TEMPORAL_NAMESPACE,
    },
    'worker ready',
  );
  if (config.WORKER_STATS_INTERVAL_MS > 0) {
    // Benchmarks (issue 9): memory of this process and the workflow cache, whatever LOG_LEVEL says.
    // heapUsed is the main thread's (activities, SDK); workflow code runs in its own thread's heap,
    // which only the RSS includes.
    const stats = logger.child({}, { level: 'info' });
    const mib = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;
    setInterval(() => {
      const m = process.memoryUsage();
      const status = running.worker.getStatus();
      stats.info(
        {
          rssMiB: mib(m.rss),
          heapUsedMiB: mib(m.heapUsed),
          heapTotalMiB: mib(m.heapTotal),
          externalMiB: mib(m.external),
          cachedWorkflows: status.numCachedWorkflows,
        },
        'worker stats',
      );
    }, config.WORKER_STATS_INTERVAL_MS).unref();
  }
  await running.run();
  logger.info('worker stopped');
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(`worker: ${err.message}`);
  else console.error('worker failed:', err);
  process.exit(1);
});
