// Twilio webhooks, accepted only with a valid X-Twilio-Signature (S4), computed by the twilio
// library over the public URL Twilio called (PUBLIC_BASE_URL + path and query) and the form fields.
// Checked before anything else on every /webhooks/twilio route (the idempotency-token store of
// api/webhook-replay.ts comes after it): missing or wrong, 403 and nothing changes.
import type { Client } from '@temporalio/client';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import twilio from 'twilio';
import { KeyedLock } from '../activities/keyed-lock';
import type { Models } from '../activities/models';
import { complaintWorkflowId, contactEventSignal } from '../workflows/complaint/contract';
import { HttpError } from './errors';
import { TwilioMessageStatusSchema } from './schemas';

export function verifyTwilioSignature(authToken: string, publicBaseUrl: string): RequestHandler {
  return (req, _res, next) => {
    const signature = req.get('x-twilio-signature');
    if (!signature)
      return next(new HttpError(403, 'missing_signature', 'X-Twilio-Signature header is required'));
    const url = publicBaseUrl.replace(/\/$/, '') + req.originalUrl;
    const params = (req.body ?? {}) as Record<string, string>;
    if (!twilio.validateRequest(authToken, signature, url, params))
      return next(new HttpError(403, 'invalid_signature', 'X-Twilio-Signature does not match'));
    next();
  };
}

/** Message statuses in the order Twilio moves through them; a late callback never moves one back. */
const STATUS_RANK: Record<string, number> = {
  accepted: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  read: 5,
};
const FINAL = new Set(['delivered', 'undelivered', 'failed', 'read']);

export function createWebhookHandlers(deps: { client: Client; models: Models; logger: Logger }) {
  // FerretDB applies the update filter below without compare-and-swap (activities/keyed-lock.ts):
  // the callbacks of one message are handled one after the other in this process.
  const perMessage = new KeyedLock();
  async function messageStatus(body: unknown, key?: unknown): Promise<void> {
    const parsed = TwilioMessageStatusSchema.parse(body);
    return perMessage.run(parsed.MessageSid, () => moveStatus(parsed, key));
  }

  async function moveStatus(
    { MessageSid, MessageStatus, ErrorCode }: ReturnType<typeof TwilioMessageStatusSchema.parse>,
    key?: unknown,
  ): Promise<void> {
    const byKey = typeof key === 'string' ? await deps.models.Outbox.findById(key).lean() : null;
    // Twilio may call back before the worker has stored the sid (the send activity is between
    // create() and its write): the key in our signed callback URL names the entry.
    const outbox =
      byKey && (byKey.providerId === MessageSid || !byKey.providerId)
        ? byKey
        : await deps.models.Outbox.findOne({ providerId: MessageSid }).lean();
    if (!outbox) {
      deps.logger.warn({ sid: MessageSid }, 'status callback for an unknown message');
      return;
    }
    const rank = STATUS_RANK[MessageStatus] ?? 0;
    if ((STATUS_RANK[outbox.providerStatus ?? ''] ?? -1) >= rank) return; // stale or repeated callback
    // The filter makes the forward-only move atomic: a concurrent callback with a later status wins.
    const earlier = Object.keys(STATUS_RANK).filter((st) => (STATUS_RANK[st] ?? 0) < rank);
    const moved = await deps.models.Outbox.updateOne(
      { _id: outbox._id, $or: [{ providerStatus: { $in: earlier } }, { providerStatus: null }] },
      {
        $set: {
          providerStatus: MessageStatus,
          providerId: MessageSid,
          error: ErrorCode ? `Twilio error ${ErrorCode}` : undefined,
          updatedAt: new Date(),
        },
      },
    );
    if (moved.modifiedCount === 0 || !FINAL.has(MessageStatus)) return;
    try {
      await deps.client.workflow.getHandle(complaintWorkflowId(outbox.ticketId)).signal(contactEventSignal, {
        kind: 'SMS_STATUS',
        messageSid: MessageSid,
        status: MessageStatus,
        purpose: outbox._id.split(':').slice(1).join(':'),
      });
    } catch (err) {
      deps.logger.info(
        { sid: MessageSid, err: (err as Error).message },
        'complaint no longer takes contact events',
      );
    }
  }
  return { messageStatus };
}
