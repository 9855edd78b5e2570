// The customer's signature as evidence of their final opinion (R5.5), the alternative to a
// recorded call: a one-time link by SMS to a page where the customer signs and says whether they
// accept the result. The link's token is the only credential; it expires and works once.
import { randomBytes } from 'node:crypto';
import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey, modelOn, type Models } from './models';
import { createSmsOutbox, type NotificationDeps } from './notifications';

export interface SignatureRequestDoc {
  _id: string; // `<ticket>:signature:<round>`: one request per round, whatever retries happen
  token: string;
  ticketId: string;
  workflowId: string;
  message: string;
  language: 'zh-CN' | 'en';
  expiresAt: Date;
  usedAt?: Date;
  createdAt: Date;
}

export interface SignatureDoc {
  _id: string; // signature id
  ticketId: string;
  requestId: string;
  answer: 'SATISFIED' | 'NOT_SATISFIED';
  png: Buffer;
  sha256: string;
  bytes: number;
  capturedAt: Date;
}

export interface SignatureModels {
  Request: Model<SignatureRequestDoc>;
  Signature: Model<SignatureDoc>;
}

const requestSchema = new Schema<SignatureRequestDoc>(
  {
    _id: String,
    token: { type: String, required: true },
    ticketId: String,
    workflowId: String,
    message: String,
    language: String,
    expiresAt: Date,
    usedAt: Date,
    createdAt: Date,
  },
  { versionKey: false, collection: 'signature_requests' },
);
requestSchema.index({ token: 1 }, { unique: true });

const signatureSchema = new Schema<SignatureDoc>(
  {
    _id: String,
    ticketId: String,
    requestId: String,
    answer: String,
    png: Buffer,
    sha256: String,
    bytes: Number,
    capturedAt: Date,
  },
  { versionKey: false, collection: 'signatures' },
);
signatureSchema.index({ ticketId: 1 });

export function createSignatureModels(connection: Connection = mongoose.connection): SignatureModels {
  return {
    Request: modelOn<SignatureRequestDoc>(connection, 'SignatureRequest', requestSchema),
    Signature: modelOn<SignatureDoc>(connection, 'Signature', signatureSchema),
  };
}

export interface RequestSignatureInput {
  ticketId: string;
  workflowId: string;
  round: number;
  to: string;
  language: 'zh-CN' | 'en';
  message: string;
  expiresAt: string;
}

export interface SignatureActivities {
  /** Creates the one-time link (once per round) and texts it to the customer. */
  requestSignature(input: RequestSignatureInput): Promise<{ requestId: string }>;
}

export function signatureLinkText(language: 'zh-CN' | 'en', ticketId: string, url: string): string {
  return language === 'en'
    ? `[Complaint reply] Please read the result of your complaint ${ticketId} and confirm it with your signature: ${url}`
    : `【网络投诉回复】请查看您的投诉（工单号 ${ticketId}）处理结果，并签名确认您的意见：${url}`;
}

export function createSignatureActivities(deps: {
  connection: Connection;
  models: Models;
  twilio: NotificationDeps['twilio'];
  logger: NotificationDeps['logger'];
  config: NotificationDeps['config'];
}): SignatureActivities {
  const db = createSignatureModels(deps.connection);
  const sms = createSmsOutbox(deps);
  return {
    async requestSignature(input) {
      const requestId = `${input.ticketId}:signature:${input.round}`;
      try {
        await db.Request.create({
          _id: requestId,
          token: randomBytes(24).toString('base64url'),
          ticketId: input.ticketId,
          workflowId: input.workflowId,
          message: input.message,
          language: input.language,
          expiresAt: new Date(input.expiresAt),
          createdAt: new Date(),
        });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // a retry: the link made the first time stays
      }
      const doc = (await db.Request.findById(requestId).lean())!;
      const url = `${deps.config.publicBaseUrl.replace(/\/+$/, '')}/sign/${doc.token}`;
      await sms.send({
        idempotencyKey: `${input.ticketId}:sms:signature:${input.round}`,
        ticketId: input.ticketId,
        to: input.to,
        body: signatureLinkText(input.language, input.ticketId, url),
      });
      return { requestId };
    },
  };
}
