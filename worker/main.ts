// Worker process entry: `npm run worker`.
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { createWorker } from './worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('worker', config.LOG_LEVEL);
  const running = await createWorker(config, logger);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'worker shutting down');
      running.shutdown();
    });
  }
  logger.info(
    { taskQueue: config.TEMPORAL_TASK_QUEUE, temporal: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE },
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
