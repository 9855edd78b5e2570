// API process entry: `npm run api`.
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Client } from '@temporalio/client';
import { connectMongo, createModels, ensureCollections } from '../activities/models';
import { ConfigError, loadConfig } from '../platform/config';
import { createDataConverter } from '../platform/data-converter';
import { createLogger } from '../platform/logger';
import { usePersonalDataKeys } from '../platform/lookup-hash';
import { startupWarnings } from '../platform/ops-config';
import { connectTemporal } from '../platform/temporal-connection';
import { createApp } from './app';
import { createApiMetrics } from './metrics';
import { READ_DEADLINE_MS } from './request-deadline';

/** Node's own answers to a request it cannot take (node:_http_server socketOnError). */
function clientErrorAnswer(code: string | undefined): string {
  const status =
    code === 'HPE_HEADER_OVERFLOW'
      ? '431 Request Header Fields Too Large'
      : code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW'
        ? '413 Payload Too Large'
        : code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : '400 Bad Request';
  return `HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`;
}

async function main(): Promise<void> {
  const config = loadConfig();
  // Lookup hashes and VIP identifiers at rest (S7) use the configured keys.
  usePersonalDataKeys(config);
  const logger = createLogger('api', config.LOG_LEVEL);
  for (const warning of startupWarnings(process.env)) logger.warn(warning);
  // A person waits on every API call: with the database down, fail within 2 s (503 / intake without
  // its audit entry) rather than the driver's 10 s; a database that does not answer, within 4 s per call (S10).
  // Reads stop in the database a little after the request's deadline has answered 503 (S10).
  const mongo = await connectMongo(config.MONGODB_URI, {
    waitMs: 2_000,
    answerMs: 4_000,
    readMaxTimeMs: READ_DEADLINE_MS + 300,
  });
  const models = createModels(mongo);
  // Every Temporal call has a deadline (S10).
  const connection = await connectTemporal(config.temporal);
  const client = new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: createDataConverter({ keys: config.PAYLOAD_KEYS, currentKeyId: config.PAYLOAD_KEY_ID }),
  });
  // D4: request, intake and webhook counters and the business gauges, on their own listener.
  const metrics = createApiMetrics({
    models,
    mongo,
    cacheMs: config.API_METRICS_CACHE_MS,
    onGaugeError: (err) =>
      logger.warn({ err: (err as Error).message }, 'business gauges: the read model did not answer'),
  });
  let draining = false;
  const app = createApp({ config, client, mongo, models, logger, metrics, draining: () => draining });
  const metricsServer = config.API_METRICS_ADDRESS
    ? await metrics.listen(config.API_METRICS_ADDRESS)
    : undefined;
  // Collections and indexes exist before the first request, so none is created under load (S10).
  await ensureCollections(mongo);
  const server = app.listen(config.API_PORT, config.API_HOST, () => {
    logger
      .child({}, { level: 'info' })
      .info({ url: `http://${config.API_HOST}:${config.API_PORT}` }, 'api ready');
  });
  server.requestTimeout = 30_000;
  // An idle keep-alive connection is closed by its client or load balancer first (their usual idle
  // limit is 60 s), never by the API while a request is on its way: with Node's 5 s default a
  // client reusing a connection idle for about 4 s can lose its request (seen once in CI; a later
  // lost POST came on a connection reused at once, so there is another cause: clientError below and
  // the error middleware's after-answer branch now log what closes a connection).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // A connection the server drops (bad request, request timeout, a reset) is logged with Node's
  // reason; then what Node does without a listener: an error answer unless one has begun, and close.
  server.on(
    'clientError',
    (err: NodeJS.ErrnoException, socket: Duplex & { _httpMessage?: ServerResponse }) => {
      logger.warn({ code: err.code, err: err.message }, 'http connection closed without an answer');
      if (socket.writable && !socket._httpMessage?.headersSent) socket.write(clientErrorAnswer(err.code));
      socket.destroy(err);
    },
  );
  const stop = () => {
    logger.info('api shutting down');
    // D5: /readyz answers 503 from now on; requests under way finish before the process exits.
    draining = true;
    metricsServer?.close();
    server.close(() => {
      void connection
        .close()
        .then(() => mongo.close())
        .finally(() => process.exit(0));
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(`api: ${err.message}`);
  else console.error('api failed:', err);
  process.exit(1);
});
