// Builds the worker from validated config: clients first, then activities, then the Temporal worker.
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import { createActivities } from '../activities';
import { connectMongo, createModels } from '../activities/models';
import { createTwilioClient } from '../activities/twilio-redirect';
import type { Config } from './config';

export interface RunningWorker {
  worker: Worker;
  /** Resolves when the worker has stopped and every client is closed. */
  run(): Promise<void>;
  shutdown(): void;
}

export async function createWorker(config: Config, logger: Logger): Promise<RunningWorker> {
  const mongo = await connectMongo(config.MONGODB_URI);
  const models = createModels(mongo);
  await Promise.all([models.Complaint.init(), models.Outbox.init()]);

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
  });

  const activities = createActivities({
    models,
    twilio,
    mailer,
    logger: logger.child({ component: 'activities' }),
    policySet: config.policySet,
    notification: {
      fromNumber: config.TWILIO_FROM_NUMBER,
      mailFrom: config.MAIL_FROM,
      supervisorEmails: config.SUPERVISOR_EMAILS,
      publicBaseUrl: config.PUBLIC_BASE_URL,
      temporalUiUrl: config.TEMPORAL_UI_URL,
      namespace: config.TEMPORAL_NAMESPACE,
    },
  });

  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const bundlePath = process.env.WORKFLOW_BUNDLE_PATH;
  const code: Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle'> = bundlePath
    ? { workflowBundle: { codePath: bundlePath } }
    : { workflowsPath: require.resolve('../workflows') };
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities,
    ...code,
  });

  return {
    worker,
    shutdown: () => worker.shutdown(),
    async run() {
      try {
        await worker.run();
      } finally {
        await connection.close();
        await mongo.close();
        mailer.close();
      }
    },
  };
}
