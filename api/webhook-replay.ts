// Twilio webhook replay protection (S4). Twilio sends one I-Twilio-Idempotency-Token per webhook
// (its own retries carry the same token). A token seen in the last 10 minutes is refused with 403
// and changes nothing; a request whose processing failed releases its token so that Twilio's retry
// goes through. Tokens are claimed with an insert on a unique _id (works on FerretDB v1: no TTL
// index, old receipts are pruned by the API now and then).
// The signature does not cover this header, so the status handler itself stays idempotent too
// (statuses only move forward): a replay with a made-up token still changes nothing.
import type { RequestHandler } from 'express';
import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey, modelOn } from '../activities/models';
import { HttpError } from './errors';

export const REPLAY_WINDOW_MS = 10 * 60_000;
const KEEP_MS = 24 * 3_600_000;

interface ReceiptDoc {
  _id: string;
  path: string;
  receivedAt: Date;
}

const receiptSchema = new Schema<ReceiptDoc>(
  { _id: { type: String, required: true }, path: String, receivedAt: { type: Date, required: true } },
  { versionKey: false, collection: 'webhook_receipts' },
);
receiptSchema.index({ receivedAt: 1 });

export function webhookReceiptModel(connection: Connection = mongoose.connection): Model<ReceiptDoc> {
  return modelOn<ReceiptDoc>(connection, 'WebhookReceipt', receiptSchema);
}

export function rejectReplayedWebhooks(model: Model<ReceiptDoc>, now = () => Date.now()): RequestHandler {
  let lastPrune = 0;
  return (req, res, next) => {
    const raw = req.get('i-twilio-idempotency-token');
    if (!raw) return next();
    const token = raw.slice(0, 200);
    const at = now();
    const claim = async (): Promise<boolean> => {
      try {
        await model.create({ _id: token, path: req.path, receivedAt: new Date(at) });
        return true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const seen = await model.findById(token).lean();
        if (seen && at - seen.receivedAt.getTime() < REPLAY_WINDOW_MS) return false;
        // Older than the window: claim it anew (the handler is idempotent anyway).
        await model.updateOne({ _id: token }, { $set: { receivedAt: new Date(at) } });
        return true;
      }
    };
    claim().then((fresh) => {
      if (!fresh)
        return next(
          new HttpError(403, 'replayed', 'this webhook (I-Twilio-Idempotency-Token) was already received'),
        );
      res.on('finish', () => {
        // Failed processing: release the token so that Twilio's retry is processed.
        if (res.statusCode >= 500) void model.deleteOne({ _id: token }).catch(() => undefined);
      });
      if (at - lastPrune > 3_600_000) {
        lastPrune = at;
        void model.deleteMany({ receivedAt: { $lt: new Date(at - KEEP_MS) } }).catch(() => undefined);
      }
      next();
    }, next);
  };
}
