// SMS (twilio) and e-mail (nodemailer) with an outbox keyed by the workflow's idempotency key,
// so that an activity retry, a worker crash or a replay never sends the same message twice.
import { ApplicationFailure } from '@temporalio/activity';
import type { Transporter } from 'nodemailer';
import type { Twilio } from 'twilio';
import type { Logger } from 'pino';
import { isDuplicateKey, type Models, type OutboxDoc } from './models';
import { renderEmail, renderSms } from './templates';
import type { SendEmailInput, SendEmailResult, SendSmsInput, SendSmsResult } from './types';

export interface NotificationDeps {
  models: Models;
  twilio: Twilio;
  mailer: Transporter;
  logger: Logger;
  config: {
    fromNumber: string;
    mailFrom: string;
    supervisorEmails: string[];
    publicBaseUrl: string;
    temporalUiUrl: string;
    namespace: string;
  };
}

/** Twilio error codes that no retry can fix (invalid or unreachable number, blocked, bad body). */
const PERMANENT_TWILIO_CODES = new Set([21211, 21214, 21407, 21408, 21602, 21604, 21610, 21612, 21614]);

async function claim(models: Models, doc: Omit<OutboxDoc, 'createdAt' | 'updatedAt' | 'attempts' | 'state'>) {
  const now = new Date();
  try {
    await models.Outbox.create({ ...doc, state: 'SENDING', attempts: 1, createdAt: now, updatedAt: now });
    return null;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const existing = await models.Outbox.findById(doc._id).lean();
    await models.Outbox.updateOne({ _id: doc._id }, { $inc: { attempts: 1 }, $set: { updatedAt: now } });
    return existing;
  }
}

export function createNotificationActivities(deps: NotificationDeps) {
  const { models, twilio, mailer, logger, config } = deps;

  /** Finds a message an earlier, interrupted attempt may have sent (same recipient and body). */
  async function findSentSms(
    to: string,
    body: string,
    since: Date,
  ): Promise<{ sid: string; status: string } | undefined> {
    const recent = await twilio.messages.list({
      to,
      dateSentAfter: new Date(since.getTime() - 60_000),
      limit: 50,
    });
    const match = recent.find((m) => m.body === body);
    return match ? { sid: match.sid, status: match.status } : undefined;
  }

  async function sendSms(input: SendSmsInput): Promise<SendSmsResult> {
    const body = renderSms(input.template, input.language, input.vars);
    const prior = await claim(models, {
      _id: input.idempotencyKey,
      kind: 'SMS',
      ticketId: input.ticketId,
      to: [input.to],
      body,
    });
    if (prior?.state === 'SENT' && prior.providerId) {
      return { sid: prior.providerId, status: prior.providerStatus ?? 'sent', alreadySent: true };
    }
    if (prior?.state === 'FAILED') {
      throw ApplicationFailure.nonRetryable(prior.error ?? 'SMS failed permanently', 'SmsFailed');
    }
    if (prior?.state === 'SENDING') {
      const found = await findSentSms(input.to, body, prior.createdAt);
      if (found) {
        await models.Outbox.updateOne(
          { _id: input.idempotencyKey },
          {
            $set: {
              state: 'SENT',
              providerId: found.sid,
              providerStatus: found.status,
              updatedAt: new Date(),
            },
          },
        );
        logger.info(
          { key: input.idempotencyKey, sid: found.sid },
          'SMS recovered from an interrupted attempt',
        );
        return { sid: found.sid, status: found.status, alreadySent: true };
      }
    }
    try {
      const msg = await twilio.messages.create({
        to: input.to,
        from: config.fromNumber,
        body,
        statusCallback: `${config.publicBaseUrl}/webhooks/twilio/message-status`,
      });
      await models.Outbox.updateOne(
        { _id: input.idempotencyKey },
        { $set: { state: 'SENT', providerId: msg.sid, providerStatus: msg.status, updatedAt: new Date() } },
      );
      logger.info({ key: input.idempotencyKey, sid: msg.sid, ticketId: input.ticketId }, 'SMS sent');
      return { sid: msg.sid, status: msg.status, alreadySent: false };
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code !== undefined && PERMANENT_TWILIO_CODES.has(code)) {
        const message = `Twilio refused the SMS (code ${code}): ${(err as Error).message}`;
        await models.Outbox.updateOne(
          { _id: input.idempotencyKey },
          { $set: { state: 'FAILED', error: message, updatedAt: new Date() } },
        );
        throw ApplicationFailure.nonRetryable(message, 'SmsFailed');
      }
      throw err;
    }
  }

  async function sendEmail(input: SendEmailInput): Promise<SendEmailResult> {
    const to = input.to?.length ? input.to : config.supervisorEmails;
    const workflowUrl = `${config.temporalUiUrl}/namespaces/${config.namespace}/workflows/complaint-${encodeURIComponent(input.ticketId)}`;
    const rendered = renderEmail(input.template, input.vars, {
      'Temporal UI': workflowUrl,
      API: `${config.publicBaseUrl}/v1/complaints/${encodeURIComponent(input.ticketId)}`,
    });
    const messageId = `<${input.idempotencyKey.replace(/[^A-Za-z0-9.:-]/g, '_')}@closedloop>`;
    const prior = await claim(models, {
      _id: input.idempotencyKey,
      kind: 'EMAIL',
      ticketId: input.ticketId,
      to,
      subject: rendered.subject,
      body: rendered.text,
    });
    if (prior?.state === 'SENT') return { messageId: prior.providerId ?? messageId, alreadySent: true };
    await mailer.sendMail({
      from: config.mailFrom,
      to,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      messageId,
      headers: { 'X-ClosedLoop-Ticket': input.ticketId, 'X-ClosedLoop-Key': input.idempotencyKey },
    });
    await models.Outbox.updateOne(
      { _id: input.idempotencyKey },
      { $set: { state: 'SENT', providerId: messageId, updatedAt: new Date() } },
    );
    logger.info(
      { key: input.idempotencyKey, ticketId: input.ticketId, template: input.template },
      'e-mail sent',
    );
    return { messageId, alreadySent: false };
  }

  return { sendSms, sendEmail };
}
