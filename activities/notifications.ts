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
    /** Role (escalation ladder role or `department:<name>`) → addresses. */
    roleEmails: Record<string, string[]>;
    publicBaseUrl: string;
    temporalUiUrl: string;
    namespace: string;
  };
}

/** Twilio error codes that no retry can fix (invalid or unreachable number, blocked, bad body). */
const PERMANENT_TWILIO_CODES = new Set([21211, 21214, 21407, 21408, 21602, 21604, 21610, 21612, 21614]);

/**
 * How long an e-mail attempt may still be sending after it began: longer than the longest e-mail
 * activity's start-to-close timeout (60 s) plus the SMTP client's own timeouts (worker/worker.ts).
 */
export const EMAIL_SEND_LEASE_MS = 90_000;

/** Claims an outbox key (insert); returns the earlier entry when the key was claimed before. */
export async function claim(
  models: Models,
  doc: Omit<OutboxDoc, 'createdAt' | 'updatedAt' | 'attempts' | 'state'>,
) {
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

/** An SMS whose text is already rendered, sent through the outbox under the workflow's key. */
export interface OutboxSms {
  idempotencyKey: string;
  ticketId: string;
  to: string;
  body: string;
}

export interface SmsOutboxDeps {
  models: Models;
  twilio: Twilio;
  logger: Logger;
  config: Pick<NotificationDeps['config'], 'fromNumber' | 'publicBaseUrl'>;
}

/** True for Twilio error codes that no retry can fix. */
export function isPermanentTwilioError(err: unknown): boolean {
  const code = (err as { code?: number } | null)?.code;
  return code !== undefined && PERMANENT_TWILIO_CODES.has(code);
}

/**
 * The SMS outbox: claims the key, sends once, marks it sent; a retry finds SENT and returns the
 * earlier result, and a claim left SENDING by a crash is matched against Twilio before resending.
 * Shared by the complaint's notifications and the customer-contact activities.
 */
/**
 * Marks an outbox SMS as sent with Twilio's sid. Twilio may call back before this write (the status
 * webhook then finds the entry by the key in its signed callback URL and records the status): a
 * status already recorded stays, so a late 'queued' never moves a 'delivered' back.
 */
export async function markSmsSent(models: Pick<Models, 'Outbox'>, key: string, sid: string, status: string) {
  await models.Outbox.updateOne(
    { _id: key },
    { $set: { state: 'SENT', providerId: sid, updatedAt: new Date() } },
  );
  await models.Outbox.updateOne({ _id: key, providerStatus: null }, { $set: { providerStatus: status } });
}

export function createSmsOutbox(deps: SmsOutboxDeps) {
  const { models, twilio, logger, config } = deps;

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

  async function send(input: OutboxSms): Promise<SendSmsResult> {
    const { body } = input;
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
        await markSmsSent(models, input.idempotencyKey, found.sid, found.status);
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
        // The key in the callback URL lets the webhook find the outbox entry by _id (signed with the URL).
        statusCallback: `${config.publicBaseUrl}/webhooks/twilio/message-status?key=${encodeURIComponent(input.idempotencyKey)}`,
      });
      await markSmsSent(models, input.idempotencyKey, msg.sid, msg.status);
      logger.info({ key: input.idempotencyKey, sid: msg.sid, ticketId: input.ticketId }, 'SMS sent');
      return { sid: msg.sid, status: msg.status, alreadySent: false };
    } catch (err) {
      if (isPermanentTwilioError(err)) {
        const message = `Twilio refused the SMS (code ${(err as { code?: number }).code}): ${(err as Error).message}`;
        await models.Outbox.updateOne(
          { _id: input.idempotencyKey },
          { $set: { state: 'FAILED', error: message, updatedAt: new Date() } },
        );
        throw ApplicationFailure.nonRetryable(message, 'SmsFailed');
      }
      throw err;
    }
  }

  return { send };
}

/** The links of an e-mail: the workflow in the Temporal UI, the API, and a major complaint's printable report (R5.3). */
export function emailLinks(
  config: Pick<NotificationDeps['config'], 'publicBaseUrl' | 'temporalUiUrl' | 'namespace'>,
  input: Pick<SendEmailInput, 'ticketId' | 'template' | 'about'>,
): Record<string, string> {
  // Mass incidents (INC-…) are their own workflow; everything else is a complaint.
  const incident = input.ticketId.startsWith('INC-');
  const workflowId = input.about?.workflowId ?? (incident ? input.ticketId : `complaint-${input.ticketId}`);
  const complaintPath = `/v1/complaints/${encodeURIComponent(input.ticketId)}`;
  return {
    'Temporal UI': `${config.temporalUiUrl}/namespaces/${config.namespace}/workflows/${encodeURIComponent(workflowId)}`,
    API: input.about
      ? `${config.publicBaseUrl}${input.about.apiPath}`
      : `${config.publicBaseUrl}${incident ? `/v1/incidents/${encodeURIComponent(input.ticketId)}` : complaintPath}`,
    ...(input.template === 'majorReport' && !incident && !input.about
      ? { '书面报告 Report (HTML)': `${config.publicBaseUrl}${complaintPath}/major-report.html` }
      : {}),
  };
}

export function createNotificationActivities(deps: NotificationDeps) {
  const { models, mailer, logger, config } = deps;
  const smsOutbox = createSmsOutbox(deps);

  async function sendSms(input: SendSmsInput): Promise<SendSmsResult> {
    const body = renderSms(input.template, input.language, input.vars);
    return smsOutbox.send({
      idempotencyKey: input.idempotencyKey,
      ticketId: input.ticketId,
      to: input.to,
      body,
    });
  }

  /**
   * An e-mail whose earlier attempt may still be talking to the relay (its activity timed out, or the
   * outbox write after the send was slow) must not go out a second time: while that attempt's lease
   * runs, this attempt fails retryably and Temporal tries again later — by then the earlier one has
   * marked it SENT, or it died and its lease has run out, and this attempt takes the lease and sends.
   */
  async function takeEmailLease(prior: OutboxDoc): Promise<void> {
    const since = prior.sendStartedAt ?? prior.createdAt;
    const age = Date.now() - new Date(since).getTime();
    if (age < EMAIL_SEND_LEASE_MS) {
      throw ApplicationFailure.retryable(
        `an earlier attempt began sending this e-mail ${Math.round(age / 1000)} s ago; retrying after its lease (${EMAIL_SEND_LEASE_MS / 1000} s)`,
        'EmailInFlight',
      );
    }
    const taken = await models.Outbox.updateOne(
      { _id: prior._id, state: 'SENDING', sendStartedAt: prior.sendStartedAt ?? null },
      { $set: { sendStartedAt: new Date(), updatedAt: new Date() } },
    );
    if (taken.modifiedCount !== 1) {
      throw ApplicationFailure.retryable('another attempt took this e-mail first', 'EmailInFlight');
    }
  }

  /** The relay accepted it: record that, trying a few times so that a slow database does not make
   *  the activity fail (and a later attempt wait for the lease) after the mail went out. */
  async function markEmailSent(key: string, messageId: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await models.Outbox.updateOne(
          { _id: key },
          { $set: { state: 'SENT', providerId: messageId, updatedAt: new Date() } },
        );
        return;
      } catch (err) {
        if (attempt >= 3) throw err;
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  }

  async function sendEmail(input: SendEmailInput): Promise<SendEmailResult> {
    const byRole = input.toRole ? config.roleEmails[input.toRole] : undefined;
    const to = input.to?.length ? input.to : byRole?.length ? byRole : config.supervisorEmails;
    const rendered = renderEmail(input.template, input.vars, emailLinks(config, input));
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
    if (prior) await takeEmailLease(prior);
    await mailer.sendMail({
      from: config.mailFrom,
      to,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      messageId,
      headers: { 'X-ClosedLoop-Ticket': input.ticketId, 'X-ClosedLoop-Key': input.idempotencyKey },
    });
    await markEmailSent(input.idempotencyKey, messageId);
    logger.info(
      { key: input.idempotencyKey, ticketId: input.ticketId, template: input.template },
      'e-mail sent',
    );
    return { messageId, alreadySent: false };
  }

  return { sendSms, sendEmail };
}
