// S10: under load an e-mail attempt can outlive its activity (a slow relay or database makes the
// activity time out while the first attempt is still sending); the retry must not send it again.
// Real FerretDB and the real mail sink; the relay is slowed down for the first attempt only.
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import pino from 'pino';
import { createModels } from '../../activities/models';
import { createNotificationActivities, EMAIL_SEND_LEASE_MS } from '../../activities/notifications';
import { sinkMails } from '../support/chaos';
import { useDatabaseStack } from '../support/database-stack';

const db = useDatabaseStack();

function activities(mailer: Transporter) {
  return createNotificationActivities({
    models: createModels(db.mongo),
    twilio: {} as never, // e-mail only
    mailer,
    logger: pino({ level: 'silent' }),
    config: {
      fromNumber: '+10000000000',
      mailFrom: 'ClosedLoop <closedloop@localhost>',
      supervisorEmails: ['supervisor.wang@operator.example'],
      roleEmails: {},
      publicBaseUrl: 'http://127.0.0.1:1',
      temporalUiUrl: 'http://127.0.0.1:2',
      namespace: 'default',
    },
  });
}

function relay(): Transporter {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: Number(db.stack.env.SMTP_PORT),
    secure: false,
    ignoreTLS: true,
  });
}

const input = (key: string) => ({
  idempotencyKey: key,
  ticketId: 'EMOS-LEASE-1',
  template: 'escalation' as const,
  vars: { ticketId: 'EMOS-LEASE-1', level: '1', reason: 'test' },
});

async function copies(key: string): Promise<number> {
  return (await sinkMails(db.stack)).filter((m) => m.headers['x-closedloop-key'] === key).length;
}

test('S10 a retry while the first attempt is still sending waits for it and never sends the e-mail twice', async () => {
  const key = `lease-${Date.now()}:mail:escalation:1`;
  const fast = relay();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const slow = {
    sendMail: async (m: SendMailOptions) => {
      await gate; // the relay is slow: the activity that started this attempt has timed out by now
      return fast.sendMail(m);
    },
  } as unknown as Transporter;

  const first = activities(slow).sendEmail(input(key));
  const models = createModels(db.mongo);
  for (let i = 0; i < 100 && !(await models.Outbox.exists({ _id: key })); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  // The retry Temporal schedules after the first attempt's timeout, while it is still sending:
  const refusal = await activities(fast)
    .sendEmail(input(key))
    .then(() => 'sent')
    .catch((err: unknown) => err);
  expect(refusal).toMatchObject({ type: 'EmailInFlight', nonRetryable: false });
  expect(await copies(key)).toBe(0);

  release();
  await expect(first).resolves.toMatchObject({ alreadySent: false });
  // The next retry finds it sent.
  await expect(activities(fast).sendEmail(input(key))).resolves.toMatchObject({ alreadySent: true });
  expect(await copies(key)).toBe(1);
});

test('S10 an attempt that died while sending (its lease has run out) is taken over and sent once', async () => {
  const key = `lease-dead-${Date.now()}:mail:escalation:1`;
  const models = createModels(db.mongo);
  const longAgo = new Date(Date.now() - EMAIL_SEND_LEASE_MS - 5_000);
  await models.Outbox.create({
    _id: key,
    kind: 'EMAIL',
    ticketId: 'EMOS-LEASE-1',
    state: 'SENDING',
    to: ['supervisor.wang@operator.example'],
    body: '',
    attempts: 1,
    createdAt: longAgo,
    updatedAt: longAgo,
  });

  await expect(activities(relay()).sendEmail(input(key))).resolves.toMatchObject({ alreadySent: false });
  const doc = await models.Outbox.findById(key).lean();
  expect(doc?.state).toBe('SENT');
  expect(doc?.sendStartedAt?.getTime()).toBeGreaterThan(longAgo.getTime());
  expect(await copies(key)).toBe(1);
});
