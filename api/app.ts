// The Express app, without listen(): tests and the server build it the same way.
import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import swaggerUi from 'swagger-ui-express';
import type { Models } from '../activities/models';
import type { Config } from '../worker/config';
import { authenticate } from './auth';
import { createComplaintService } from './complaints-service';
import { errorMiddleware, HttpError } from './errors';
import { buildOpenApi } from './openapi';
import { complaintRoutes } from './routes/complaints';
import { createWebhookHandlers, verifyTwilioSignature } from './webhooks';

export interface AppDeps {
  config: Config;
  client: Client;
  mongo: Connection;
  models: Models;
  logger: Logger;
}

export function createApp(deps: AppDeps): Express {
  const { config, client, models, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Math.round(ms),
          user: req.actor?.user,
        },
        'request',
      );
    });
    next();
  });

  app.get('/healthz', (_req, res, next) => {
    Promise.all([client.workflowService.getSystemInfo({}), deps.mongo.db?.admin().ping()])
      .then(() => res.json({ ok: true, temporal: 'up', mongodb: 'up' }))
      .catch((err: Error) => {
        logger.warn({ err: err.message }, 'health check failed');
        res.status(503).json({ ok: false, message: 'Temporal or MongoDB does not answer' });
      })
      .catch(next);
  });

  const openapi = buildOpenApi(config.PUBLIC_BASE_URL);
  app.get('/openapi.json', (_req, res) => res.json(openapi));
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(openapi));

  const webhooks = createWebhookHandlers({ client, models, logger });
  app.post(
    '/webhooks/twilio/message-status',
    express.urlencoded({ extended: false, limit: '64kb' }),
    verifyTwilioSignature(config.TWILIO_AUTH_TOKEN, config.PUBLIC_BASE_URL),
    (req, res, next) => {
      webhooks.messageStatus(req.body).then(() => res.status(204).end(), next);
    },
  );

  const service = createComplaintService({
    client,
    models,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    temporalUiUrl: config.TEMPORAL_UI_URL,
    namespace: config.TEMPORAL_NAMESPACE,
  });
  app.use('/v1', express.json({ limit: '256kb' }), authenticate(config.API_KEYS));
  app.use('/v1/complaints', complaintRoutes(service));

  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route ${req.method} ${req.path}`)));
  app.use(errorMiddleware(logger));
  return app;
}
