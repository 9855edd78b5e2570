// MongoDB collections of the TMF621 events (issue 19, T3, T4), on the FerretDB v1 subset:
//   tmf_hubs          the hub subscriptions (TMF621 /hub): callback and query (checked when registered,
//                     parsed again for each event: its attribute names have dots, no field names here)
//   tmf_event_outbox  one row per event and hub (`<eventId>:<hubId>`) and per work-order reply sent
//                     over HTTP (its key): what was posted where, its delivery state and last error
import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from './models';

export interface HubDoc {
  _id: string;
  callback: string;
  query?: string;
  /** the API key's (or person's) user that registered it */
  owner: string;
  createdAt: Date;
}

export type OutboxState = 'PENDING' | 'DELIVERED' | 'DEAD' | 'DROPPED';

export interface OutboxDoc {
  _id: string;
  kind: 'event' | 'reply';
  ticketId: string;
  /** the event's id (the receiver's de-duplication key); a reply's key for HTTP replies */
  eventId: string;
  eventType: string;
  hubId?: string;
  url: string;
  /** HTTP work-order replies: the header and the channel whose credential goes in it (never the secret) */
  authHeader?: string;
  authChannel?: string;
  /** the JSON posted */
  body: string;
  state: OutboxState;
  attempts: number;
  lastError?: string;
  lastAttemptAt?: Date;
  deliveredAt?: Date;
  deadAt?: Date;
  createdAt: Date;
}

const hubSchema = new Schema<HubDoc>(
  {
    _id: { type: String, required: true },
    callback: { type: String, required: true },
    query: String,
    owner: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'tmf_hubs', versionKey: false },
);

const outboxSchema = new Schema<OutboxDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    ticketId: { type: String, required: true },
    eventId: { type: String, required: true },
    eventType: { type: String, required: true },
    hubId: String,
    url: { type: String, required: true },
    authHeader: String,
    authChannel: String,
    body: { type: String, required: true },
    state: { type: String, required: true },
    attempts: { type: Number, required: true },
    lastError: String,
    lastAttemptAt: Date,
    deliveredAt: Date,
    deadAt: Date,
    createdAt: { type: Date, required: true },
  },
  { collection: 'tmf_event_outbox', versionKey: false },
);
outboxSchema.index({ state: 1, createdAt: -1 });
outboxSchema.index({ eventId: 1 });

export interface TmfEventModels {
  Hub: Model<HubDoc>;
  Outbox: Model<OutboxDoc>;
}

export function createTmfEventModels(connection: Connection = mongoose.connection): TmfEventModels {
  return {
    Hub: modelOn<HubDoc>(connection, 'TmfHub', hubSchema),
    Outbox: modelOn<OutboxDoc>(connection, 'TmfEventOutbox', outboxSchema),
  };
}
