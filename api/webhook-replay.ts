// Twilio webhook idempotency (S4). Mounted on every /webhooks/twilio route AFTER the signature
// check (api/webhooks.ts): a request that is not Twilio's changes nothing, this store included.
// Twilio sends one I-Twilio-Idempotency-Token per webhook and the same token on its retries, which
// come when Twilio did not get a success in time (an error answer, its 15 s timeout, a lost
// connection).
// - A request is recorded only once it has been processed successfully: with its 2xx answer
//   (status, content type, body), written before the answer leaves, under a key made of the token,
//   the method, the URL and the signature (so a token answers only for the signed request it came
//   with).
// - The same signed request with the same token within 10 minutes gets that recorded answer again
//   (header Idempotent-Replayed: true) and is not processed again: a 2xx so that Twilio stops
//   retrying, and the same TwiML so that a call goes on as it would have.
// - Nothing is recorded for a request that failed (4xx, 5xx) or is still running: its retry is
//   processed like a first attempt. That is safe because every handler is idempotent: message
//   statuses only move forward and signal once; the contact workflow keeps an inbound SMS once per
//   MessageSid, and a repeated call event changes none of its decisions (the first final status,
//   the one decisive key of a call); the TwiML answers only read.
// The store answers from MongoDB (webhook_receipts): across API restarts and replicas. When it does
// not answer, the webhook is processed as if it were new. FerretDB v1 has no TTL index: old
// receipts are pruned by the API now and then.
import { createHash } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../activities/models';

export const REPLAY_WINDOW_MS = 10 * 60_000;
/** The header on an answer given again from the record. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';
const KEEP_MS = 24 * 3_600_000;
/** Larger answers are not recorded (a retry is processed again); TwiML is a few hundred bytes. */
const MAX_RECORDED_BYTES = 64 * 1024;
/** Longest wait for the record before the answer leaves anyway (the store is down). */
const RECORD_WAIT_MS = 2_000;

interface ReceiptDoc {
  _id: string; // sha256 of the token, method, URL and signature
  token: string;
  path: string;
  /** When the successful answer was recorded. */
  receivedAt: Date;
  status: number;
  contentType?: string;
  /** The answer's body, base64. */
  body: string;
}

const receiptSchema = new Schema<ReceiptDoc>(
  {
    _id: { type: String, required: true },
    token: String,
    path: String,
    receivedAt: { type: Date, required: true },
    status: Number,
    contentType: String,
    body: String,
  },
  { versionKey: false, collection: 'webhook_receipts' },
);
receiptSchema.index({ receivedAt: 1 });

export function webhookReceiptModel(connection: Connection = mongoose.connection): Model<ReceiptDoc> {
  return modelOn<ReceiptDoc>(connection, 'WebhookReceipt', receiptSchema);
}

function receiptKey(token: string, method: string, url: string, signature: string): string {
  return createHash('sha256')
    .update(JSON.stringify([token, method, url, signature]))
    .digest('hex');
}

/** The body passed to res.end(chunk?, encoding?, callback?), or undefined when too large. */
function bodyOf(args: unknown[]): Buffer | undefined {
  const [chunk, encoding] = args;
  let body = Buffer.alloc(0);
  if (typeof chunk === 'string')
    body = Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  else if (chunk instanceof Uint8Array) body = Buffer.from(chunk);
  return body.length <= MAX_RECORDED_BYTES ? body : undefined;
}

/** Runs `record` with a successful answer before it leaves (bounded wait); other answers pass. */
function recordSuccess(
  res: Response,
  record: (answer: Omit<ReceiptDoc, '_id' | 'token' | 'path' | 'receivedAt'>) => Promise<unknown>,
) {
  const end = res.end as (...args: unknown[]) => Response;
  res.end = ((...args: unknown[]) => {
    res.end = end as Response['end'];
    const body = res.statusCode >= 200 && res.statusCode < 300 ? bodyOf(args) : undefined;
    if (!body) return end.apply(res, args);
    const contentType = res.getHeader('content-type');
    let timer: NodeJS.Timeout | undefined;
    void Promise.race([
      record({
        status: res.statusCode,
        ...(contentType ? { contentType: String(contentType) } : {}),
        body: body.toString('base64'),
      }).catch(() => undefined),
      new Promise((r) => (timer = setTimeout(r, RECORD_WAIT_MS))),
    ]).finally(() => {
      clearTimeout(timer);
      end.apply(res, args);
    });
    return res;
  }) as Response['end'];
}

export function rejectReplayedWebhooks(model: Model<ReceiptDoc>, now = () => Date.now()): RequestHandler {
  let lastPrune = 0;
  return (req, res, next) => {
    const raw = req.get('i-twilio-idempotency-token');
    if (!raw) return next();
    const token = raw.slice(0, 200);
    const _id = receiptKey(token, req.method, req.originalUrl, req.get('x-twilio-signature') ?? '');
    const path = req.originalUrl.split('?')[0];
    const at = now();
    const proceed = () => {
      recordSuccess(res, (answer) =>
        model
          .updateOne(
            { _id },
            { $set: { token, path, ...answer, receivedAt: new Date(now()) } },
            { upsert: true },
          )
          .exec(),
      );
      if (at - lastPrune > 3_600_000) {
        lastPrune = at;
        void model.deleteMany({ receivedAt: { $lt: new Date(at - KEEP_MS) } }).catch(() => undefined);
      }
      next();
    };
    model
      .findById(_id)
      .lean()
      .then(
        (seen) => {
          if (!seen?.status || at - seen.receivedAt.getTime() >= REPLAY_WINDOW_MS) return proceed();
          // Already processed: the same answer again, nothing processed twice.
          res.status(seen.status).setHeader(REPLAYED_HEADER, 'true');
          if (seen.contentType) res.setHeader('content-type', seen.contentType);
          res.end(Buffer.from(seen.body ?? '', 'base64'));
        },
        () => proceed(),
      )
      .catch(next);
  };
}
