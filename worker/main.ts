// Worker process entry: `npm run worker`.
import { Runtime } from '@temporalio/worker';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
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
  await running.run();
  logger.info('worker stopped');
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(`worker: ${err.message}`);
  else console.error('worker failed:', err);
  process.exit(1);
});
