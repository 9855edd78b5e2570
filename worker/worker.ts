// Builds the worker from validated config: clients first, then activities, then the Temporal worker.
import { Client, type Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { INCIDENT_TASK_QUEUE } from '../workflows/incident/contract';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import { createActivities } from '../activities';
import { migrateLookupHashes } from '../activities/lookup-hash-migration';
import { createNetworkSources } from '../activities/evidence';
import { connectMongo, createModels, ensureCollections } from '../activities/models';
import { PolicyStore } from '../activities/policy-store';
import { createTwilioClient } from '../activities/twilio-redirect';
import type { Config } from '../platform/config';
import { createDataConverter } from '../platform/data-converter';
import { usePersonalDataKeys } from '../platform/lookup-hash';
import { reportConfigFrom } from '../platform/report-config';
import { loadWorkflowCode } from './workflow-bundle';
import {
  connectTemporal,
  explainConnectError,
  temporalConnectionOptions,
} from '../platform/temporal-connection';
import { ensureHotDigestScheduleFor, ensureReportSchedulesFor } from './report-schedules';
import { ensureRetentionScheduleFor } from './retention-schedule';

export interface RunningWorker {
  worker: Worker;
  /** Resolves when the worker has stopped and every client is closed. */
  run(): Promise<void>;
  /** Both task queues' workers are polling (the worker's /readyz). */
  polling(): boolean;
  shutdown(): void;
}

export async function createWorker(config: Config, logger: Logger): Promise<RunningWorker> {
  // Lookup hashes and VIP identifiers at rest (S7) use the configured keys, not the environment's.
  usePersonalDataKeys(config);
  const mongo = await connectMongo(config.MONGODB_URI);
  const models = createModels(mongo);
  await Promise.all(Object.values(models).map((m: { init(): Promise<unknown> }) => m.init()));

  const twilio = createTwilioClient({
    accountSid: config.TWILIO_ACCOUNT_SID,
    authToken: config.TWILIO_AUTH_TOKEN,
    apiBaseUrl: config.TWILIO_API_BASE_URL,
  });
  const mailer = nodemailer.createTransport({
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    auth: config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASS } : undefined,
    // The local mail sink speaks plain SMTP; a relay in production offers STARTTLS.
    ignoreTLS: !config.SMTP_SECURE && config.SMTP_HOST === '127.0.0.1',
    // Bounded, so that an attempt cannot still be sending after the e-mail lease
    // (EMAIL_SEND_LEASE_MS, activities/notifications.ts) has let a later attempt send.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });

  // A client for activities that start or signal other workflows (the mass-incident area watch).
  const dataConverter = createDataConverter({
    keys: config.PAYLOAD_KEYS,
    currentKeyId: config.PAYLOAD_KEY_ID,
  });
  let clientConnection: Promise<Connection> | undefined;
  let client: Promise<Client> | undefined;
  const temporal = () => {
    // Every call has a deadline (S10): an activity never waits on Temporal past its own timeout.
    clientConnection ??= connectTemporal(config.temporal);
    client ??= clientConnection.then(
      (connection) => new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter }),
      (err: unknown) => {
        // Not cached: the next activity attempt connects again.
        clientConnection = client = undefined;
        throw err;
      },
    );
    return client;
  };

  const activities = createActivities({
    models,
    twilio,
    mailer,
    logger: logger.child({ component: 'activities' }),
    policies: new PolicyStore(mongo, config.policySet),
    notification: {
      fromNumber: config.TWILIO_FROM_NUMBER,
      mailFrom: config.MAIL_FROM,
      supervisorEmails: config.SUPERVISOR_EMAILS,
      roleEmails: config.ROLE_EMAILS,
      publicBaseUrl: config.PUBLIC_BASE_URL,
      temporalUiUrl: config.TEMPORAL_UI_URL,
      namespace: config.TEMPORAL_NAMESPACE,
    },
    network: await createNetworkSources(config, mongo),
    reports: reportConfigFrom(config),
    incidents: {
      temporal,
      taskQueue: INCIDENT_TASK_QUEUE,
      enabled: config.MASS_INCIDENTS === 'on',
      rolePhones: config.ROLE_PHONES,
    },
    tmfEvents: {
      maxAttempts: config.TMF_EVENT_MAX_ATTEMPTS,
      targets: config.WORK_ORDER_REPLY_TARGETS,
      secret: (channel) => (config.WORK_ORDER_REPLY_CREDENTIALS as Partial<Record<string, string>>)[channel],
    },
  });

  // Every model now exists: their collections and indexes are made before any activity runs, so no
  // activity creates metadata under load (S10, docs/decisions.md "The freeze").
  await ensureCollections(mongo);
  // Stored hashes and VIP identifiers of older keys are brought to the current ones (S7). In the
  // background: lookups accept every configured key meanwhile, so nothing waits for it.
  void migrateLookupHashes(mongo, logger).then(
    (result) => logger.info({ result }, 'lookup hashes migrated'),
    (err: unknown) => logger.error({ err }, 'lookup hash migration failed (it runs again at the next start)'),
  );

  // D1: address, TLS/mTLS, API key and metadata from the standard Temporal variables.
  const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal)).catch(
    async (err: unknown) => {
      throw await explainConnectError(config.temporal, err);
    },
  );
  // Bundled once for both task queues, or prebuilt (npm run build:workflows, WORKFLOW_BUNDLE_PATH).
  const code: Pick<WorkerOptions, 'workflowBundle' | 'shutdownGraceTime' | 'shutdownForceTime'> = {
    workflowBundle: await loadWorkflowCode(config.WORKFLOW_BUNDLE_PATH, logger),
    // D5: on SIGTERM running activities get this long to finish before they are cancelled; past the
    // force time the worker stops waiting (the process exits, Temporal retries what was running).
    shutdownGraceTime: config.WORKER_SHUTDOWN_GRACE,
    shutdownForceTime: config.WORKER_SHUTDOWN_GRACE + 15_000,
  };
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities,
    dataConverter,
    ...(config.WORKER_MAX_CACHED_WORKFLOWS !== ''
      ? { maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS }
      : {}),
    ...code,
  });

  // The mass-incident fast lane (R8.2): same code and activities, its own task queue and slots.
  const lane = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: INCIDENT_TASK_QUEUE,
    activities,
    dataConverter,
    ...code,
  });

  // Weekly and monthly report Schedules (R9.3); a failure here does not stop complaint handling.
  await ensureReportSchedulesFor(config, logger).catch((err: unknown) =>
    logger.error({ err }, 'report schedules could not be created or updated'),
  );
  // The daily retention sweep (issue 22, S8.1).
  await ensureRetentionScheduleFor(config, logger).catch((err: unknown) =>
    logger.error({ err }, 'retention schedule could not be created or updated'),
  );
  // The daily digest of the hot list to the interface person (R4.7), at the active policy's time.
  await ensureHotDigestScheduleFor(config, logger, () =>
    new PolicyStore(mongo, config.policySet).active(),
  ).catch((err: unknown) => logger.error({ err }, 'hot digest schedule could not be created or updated'));

  return {
    worker,
    polling: () => worker.getState() === 'RUNNING' && lane.getState() === 'RUNNING',
    shutdown: () => {
      worker.shutdown();
      lane.shutdown();
    },
    async run() {
      try {
        await Promise.all([worker.run(), lane.run()]);
      } finally {
        await connection.close();
        if (clientConnection) await (await clientConnection).close();
        await mongo.close();
        mailer.close();
      }
    },
  };
}
