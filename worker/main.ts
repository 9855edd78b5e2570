// Worker process entry: `npm run worker`.
import { Runtime } from '@temporalio/worker';
import { ConfigError, loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { startupWarnings } from '../platform/ops-config';
import { startHealthListener } from './health';
import { workerTelemetry } from './metrics';
import { temporalLogger } from './temporal-logger';
import { createWorker, type RunningWorker } from './worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('worker', config.LOG_LEVEL);
  for (const warning of startupWarnings(process.env)) logger.warn(warning);
  // The SDK's log lines (workflow.log, activity logs) are masked like ours (S3); its metrics are
  // served at WORKER_METRICS_ADDRESS (D4).
  Runtime.install({
    logger: temporalLogger(logger.child({ component: 'temporal' })),
    telemetryOptions: workerTelemetry(config),
  });
  const started: { worker?: RunningWorker } = {};
  let stopping = false;
  // D5: alive from the first moment (bundling and connecting take a while), ready while polling.
  const health = config.WORKER_HEALTH_ADDRESS
    ? await startHealthListener(config.WORKER_HEALTH_ADDRESS, {
        phase: () => (stopping ? 'draining' : started.worker?.polling() ? 'polling' : 'starting'),
      })
    : undefined;
  const running = await createWorker(config, logger);
  started.worker = running;
  const stop = (signal: NodeJS.Signals) => {
    // Ctrl-C reaches the worker directly and again through `npm run dev`: shut down once.
    if (stopping) return;
    stopping = true;
    logger.info(
      { signal, graceMs: config.WORKER_SHUTDOWN_GRACE },
      'worker shutting down (running activities may finish within the grace time)',
    );
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
      ...(config.WORKER_METRICS_ADDRESS ? { metrics: config.WORKER_METRICS_ADDRESS } : {}),
      ...(config.WORKER_HEALTH_ADDRESS ? { health: config.WORKER_HEALTH_ADDRESS } : {}),
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
  try {
    await running.run();
  } finally {
    health?.close();
  }
  logger.info('worker stopped');
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(`worker: ${err.message}`);
  else console.error('worker failed:', err);
  process.exit(1);
});
