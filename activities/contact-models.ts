// MongoDB collections of the customer contact (mongoose), on the FerretDB v1 subset: single,
// compound and unique indexes only.
//   contact_calls    outbox of reply calls, keyed by the workflow's idempotency key; the TwiML
//                    webhook reads the call script from it (no worker needed while a call runs)
//   evidence         consent recordings and other evidence (R5.5): insert-only, never overwritten
//   evidence_media   the media bytes, keyed by their SHA-256 (insert-only)
//   active_contacts  customer number → the contact workflow that inbound SMS from it belong to
import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import type { ContactPurpose } from '../domain/contact';

export interface ContactCallDoc {
  _id: string; // the idempotency key made in the workflow
  ticketId: string;
  workflowId: string;
  attempt: number;
  purpose: ContactPurpose;
  to: string;
  language: 'zh-CN' | 'en';
  message: string;
  record: boolean;
  state: 'SENDING' | 'SENT' | 'FAILED';
  callSid?: string;
  callStatus?: string;
  error?: string;
  tries: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface EvidenceDoc {
  _id: string; // <ticket>:recording:<purpose>:<round>:<attempt>
  kind: 'CALL_RECORDING';
  ticketId: string;
  workflowId: string;
  purpose: ContactPurpose;
  callSid: string;
  recordingSid: string;
  url: string;
  durationSec: number;
  sha256: string;
  bytes: number;
  contentType: string;
  /** The media bytes are in evidence_media under the sha256 (false when too large to keep there). */
  mediaStored: boolean;
  capturedAt: Date;
  storedAt: Date;
}

export interface EvidenceMediaDoc {
  _id: string; // sha256 of data
  contentType: string;
  bytes: number;
  data: Buffer;
  storedAt: Date;
}

export interface ActiveContactDoc {
  _id: string; // the customer's number, E.164
  workflowId: string;
  ticketId: string;
  purpose: ContactPurpose | 'ON_SITE_TEST';
  updatedAt: Date;
}

const contactCallSchema = new Schema<ContactCallDoc>(
  {
    _id: { type: String, required: true },
    ticketId: { type: String, required: true },
    workflowId: { type: String, required: true },
    attempt: { type: Number, required: true },
    purpose: { type: String, required: true },
    to: { type: String, required: true },
    language: { type: String, required: true },
    message: { type: String, required: true },
    record: { type: Boolean, required: true },
    state: { type: String, required: true },
    callSid: String,
    callStatus: String,
    error: String,
    tries: Number,
    createdAt: Date,
    updatedAt: Date,
  },
  { versionKey: false, collection: 'contact_calls' },
);
contactCallSchema.index({ workflowId: 1, attempt: 1 });
contactCallSchema.index({ callSid: 1 });

const evidenceSchema = new Schema<EvidenceDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    ticketId: { type: String, required: true },
    workflowId: String,
    purpose: String,
    callSid: String,
    recordingSid: String,
    url: String,
    durationSec: Number,
    sha256: String,
    bytes: Number,
    contentType: String,
    mediaStored: Boolean,
    capturedAt: Date,
    storedAt: Date,
  },
  { versionKey: false, collection: 'evidence' },
);
evidenceSchema.index({ ticketId: 1 });

const evidenceMediaSchema = new Schema<EvidenceMediaDoc>(
  {
    _id: { type: String, required: true },
    contentType: String,
    bytes: Number,
    data: Buffer,
    storedAt: Date,
  },
  { versionKey: false, collection: 'evidence_media' },
);

const activeContactSchema = new Schema<ActiveContactDoc>(
  {
    _id: { type: String, required: true },
    workflowId: { type: String, required: true },
    ticketId: String,
    purpose: String,
    updatedAt: Date,
  },
  { versionKey: false, collection: 'active_contacts' },
);

export interface ContactModels {
  ContactCall: Model<ContactCallDoc>;
  Evidence: Model<EvidenceDoc>;
  EvidenceMedia: Model<EvidenceMediaDoc>;
  ActiveContact: Model<ActiveContactDoc>;
}

function model<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
}

/** The contact collections on a connection (the same connection as the other models). */
export function createContactModels(connection: Connection = mongoose.connection): ContactModels {
  return {
    ContactCall: model(connection, 'ContactCall', contactCallSchema),
    Evidence: model(connection, 'Evidence', evidenceSchema),
    EvidenceMedia: model(connection, 'EvidenceMedia', evidenceMediaSchema),
    ActiveContact: model(connection, 'ActiveContact', activeContactSchema),
  };
}
