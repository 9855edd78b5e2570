// The Express app, without listen(): tests and the server build it the same way.
import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import swaggerUi from 'swagger-ui-express';
import type { Models } from '../activities/models';
import type { Config } from '../platform/config';
import { createComplaintService } from './complaints-service';
import { checkHealth } from './deadlines';
import { errorMiddleware, HttpError } from './errors';
import { requestLog } from './edge';
import { buildOpenApi } from './openapi';
import { complaintRoutes } from './routes/complaints';
import { policyRoutes } from './routes/policies';
import { worklistRoutes } from './routes/worklists';
import { hotComplaintRoutes } from './routes/hot-complaints';
import { PolicyStore } from '../activities/policy-store';
import { reportRoutes } from './routes/reports';
import { guaranteeAreaRoutes } from './routes/guarantee-areas';
import { guaranteeTestRoutes } from './routes/guarantee-tests';
import { incidentRoutes } from './routes/incidents';
import { vipRoutes } from './routes/vips';
import { signatureImageRoute, signatureRoutes } from './routes/signature';
import { networkDataRoutes } from './routes/network-data';
import { privacyRoutes } from './routes/privacy';
import { createSecurity } from './security';
import { twilioContactRoutes } from './routes/twilio-contact';
import { createContactModels } from '../activities/contact-models';
import { createWebhookHandlers, verifyTwilioSignature } from './webhooks';
import { consoleSignIn } from './auth';
import { consoleStatic, meRoutes, recordingRoutes } from './routes/console';
import { createAreaReporter } from '../activities/incidents';
import { networkSourcesFor } from '../activities/evidence';
import { INCIDENT_TASK_QUEUE } from '../workflows/incident/contract';
import { DEFAULT_LADDER } from '../domain/policy/escalation';
import { DEFAULT_DEPARTMENTS, type PolicySet } from '../domain/policy/sla';
import type { PolicyVocabulary } from './complaints-service';
import { TMF_BASE, tmfRoutes } from './tmf/router';
import { tmfAdminRoutes } from './tmf/hub';
import { createTmfEventModels } from '../activities/tmf-events-models';
import { readDeadline } from './request-deadline';
import type { ApiMetrics } from './metrics';

/** The departments and ladder levels of a policy set, with the built-in defaults it falls back on. */
function vocabularyOf(set: PolicySet): PolicyVocabulary {
  return {
    departments: set.departments ?? DEFAULT_DEPARTMENTS,
    levels: (set.escalation ?? DEFAULT_LADDER).map((l) => l.level),
  };
}

export interface AppDeps {
  config: Config;
  client: Client;
  mongo: Connection;
  models: Models;
  logger: Logger;
  /** D4: counts every request (api/metrics.ts); served on API_METRICS_ADDRESS by api/server.ts. */
  metrics?: ApiMetrics;
  /** D5: true once the process is shutting down: /readyz answers 503 so the load balancer drains it. */
  draining?: () => boolean;
}

export function createApp(deps: AppDeps): Express {
  const { config, client, models, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  if (deps.metrics) app.use(deps.metrics.middleware);
  const security = createSecurity(deps);
  // D6: every request gets its id (X-Request-Id) and its log line, before anything can refuse it.
  app.use(requestLog(logger));
  security.applyEdge(app);

  // S10: answers within a second whatever the dependencies do; a 503 names the one that did not answer.
  app.get('/healthz', (_req, res, next) => {
    checkHealth({ client, mongo: deps.mongo })
      .then((health) => {
        if (!health.ok) logger.warn(health, 'health check failed');
        res.status(health.ok ? 200 : 503).json(health);
      })
      .catch(next);
  });

  // D5: liveness asks nothing (a restart would not bring a dependency back); readiness is /healthz's
  // check, and 503 while the process drains.
  app.get('/livez', (_req, res) => void res.json({ ok: true }));
  app.get('/readyz', (_req, res, next) => {
    if (deps.draining?.())
      return void res
        .status(503)
        .json({ ok: false, message: 'shutting down: finishing the requests under way' });
    checkHealth({ client, mongo: deps.mongo })
      .then((health) => res.status(health.ok ? 200 : 503).json(health))
      .catch(next);
  });

  const openapi = security.openapi(buildOpenApi(config.PUBLIC_BASE_URL));
  app.get('/openapi.json', (_req, res) => res.json(openapi));
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(openapi));
  app.use('/console', consoleStatic(undefined, consoleSignIn(config)));

  // Every Twilio webhook: the signature first, then the idempotency token (S4, docs/security.md).
  const webhooks = createWebhookHandlers({ client, models, logger });
  app.post(
    '/webhooks/twilio/message-status',
    express.urlencoded({ extended: false, limit: '64kb' }),
    verifyTwilioSignature(config.TWILIO_AUTH_TOKEN, config.PUBLIC_BASE_URL),
    security.webhookReplay,
    (req, res, next) => {
      webhooks.messageStatus(req.body, req.query.key).then(() => res.status(204).end(), next);
    },
  );

  app.use(
    '/webhooks/twilio',
    twilioContactRoutes({
      client,
      contactModels: createContactModels(deps.mongo),
      logger,
      authToken: config.TWILIO_AUTH_TOKEN,
      publicBaseUrl: config.PUBLIC_BASE_URL,
      replay: security.webhookReplay,
    }),
  );

  const policies = new PolicyStore(deps.mongo, config.policySet);
  // R8.1: the intake tells the area's watch itself, so a burst reaches the watch as it arrives and
  // not after each complaint's first workflow task; the workflow's own report is the durable path.
  const reportToArea = createAreaReporter({
    network: networkSourcesFor(config, deps.mongo),
    policies,
    temporal: () => Promise.resolve(client),
    taskQueue: INCIDENT_TASK_QUEUE,
    enabled: config.MASS_INCIDENTS === 'on',
  });
  const service = createComplaintService({
    client,
    models,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    temporalUiUrl: config.TEMPORAL_UI_URL,
    namespace: config.TEMPORAL_NAMESPACE,
    vocabulary: () => policies.active().then(vocabularyOf),
    onStarted: (input, at) =>
      void reportToArea({ ticketId: input.ticketId, at, location: input.location }).catch((err: unknown) =>
        logger.warn(
          { ticketId: input.ticketId, err: (err as Error).message },
          'area watch not told at intake (the complaint workflow reports itself)',
        ),
      ),
  });
  // The customer's signature page (R5.5): public, the link's one-time token is the credential.
  app.use('/sign', signatureRoutes({ client, mongo: deps.mongo }));
  app.use('/v1', express.json({ limit: '256kb' }), security.authenticate);
  // S10: reads of the read model answer within READ_DEADLINE_MS (503 + Retry-After), never hang.
  app.use(
    ['/v1/complaints', '/v1/worklists', '/v1/hot-complaints', '/v1/incidents', '/v1/me'],
    readDeadline({
      except: /\/recordings\//,
      diagnose: (ms) => checkHealth({ client, mongo: deps.mongo }, ms),
    }),
  );
  app.use('/v1/complaints', complaintRoutes(service, security.recordAction));
  app.use('/v1/complaints', recordingRoutes(service, createContactModels(deps.mongo)));
  app.use(
    '/v1/complaints',
    signatureImageRoute(deps.mongo, (req) => service.get(String(req.params.id))),
  );
  app.use('/v1/me', meRoutes());
  app.use('/v1/network-data', networkDataRoutes(deps.mongo));
  app.use('/v1/worklists', worklistRoutes(service));
  app.use('/v1/hot-complaints', hotComplaintRoutes(models, service.links));
  app.use('/v1/policies', policyRoutes(policies));
  app.use('/v1/admin/audit', security.auditRoutes);
  app.use(
    '/v1/admin',
    privacyRoutes({
      client,
      mongo: deps.mongo,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      namespace: config.TEMPORAL_NAMESPACE,
      logger,
    }),
  );
  app.use(
    '/v1/reports',
    reportRoutes({
      client,
      mongo: deps.mongo,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      timeZone: config.REPORT_TIMEZONE,
      publicBaseUrl: config.PUBLIC_BASE_URL,
    }),
  );

  app.use(
    '/v1/guarantee-areas',
    guaranteeAreaRoutes({
      client,
      mongo: deps.mongo,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      minWatchIntervalMs: config.GUARANTEE_MIN_WATCH_INTERVAL,
      cells: networkSourcesFor(config, deps.mongo).cells,
    }),
  );
  app.use('/v1/guarantee-tests', guaranteeTestRoutes({ client, mongo: deps.mongo }));

  const incidents = incidentRoutes({ client, mongo: deps.mongo });
  app.use('/v1/incidents', incidents);
  app.use('/v1/knowledge', incidents.knowledge);
  app.use('/v1/vips', vipRoutes(deps.mongo));
  app.use(TMF_BASE, tmfRoutes({ service, models, security, logger }));
  app.use(
    '/v1/admin/tmf',
    tmfAdminRoutes(createTmfEventModels(deps.mongo), {
      secret: (channel) => (config.WORK_ORDER_REPLY_CREDENTIALS as Partial<Record<string, string>>)[channel],
      timeoutMs: 10_000,
    }),
  );

  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route ${req.method} ${req.path}`)));
  app.use(errorMiddleware(logger));
  return app;
}
