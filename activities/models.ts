// MongoDB collections (mongoose). Only what FerretDB v1 supports: single, compound and unique
// indexes; no transactions, TTL indexes or change streams.
import mongoose, { Schema, type ConnectOptions, type Connection, type Model } from 'mongoose';
import { lookupHasher } from '../platform/lookup-hash';
import { REPORT_FIELD_PATHS, type ReportFields } from './reports/fields';

export interface ComplaintDoc extends ReportFields {
  _id: string;
  version: number;
  workflowId: string;
  stage: string;
  channel: string;
  externalId: string;
  category: string;
  urgency: string;
  region: string;
  vipLevel: number;
  slaBreached: boolean;
  escalationLevel: number;
  awaitingAckRole?: string;
  /** The care callback got no answer and waits for a person (R6.3): the care-callback worklist. */
  careCallbackAwaitingPerson?: boolean;
  /** Several departments verify in parallel and the interface person coordinates (R2.3): the coordination worklist. */
  coordinationOpen?: boolean;
  assignee?: string;
  team?: string;
  transferredTo?: string;
  /** Departments asked to verify that have not answered yet (R2.3): their list scope. */
  awaitingDepartments?: string[];
  hot: boolean;
  rounds: number;
  major: boolean;
  /** Keyed hash of the callback number (platform/lookup-hash.ts, S7), for repeat detection without the number. */
  callbackHash?: string;
  /** The lookup key that made `callbackHash` (stamped on write): the migration rehashes the others. */
  callbackHashKey?: string;
  cellId?: string;
  repeatOf?: string[];
  receivedAt: Date;
  dayKey: string;
  weekKey: string;
  monthKey: string;
  closedAt?: Date;
  nextDueAt?: Date;
  updatedAt: Date;
}

/** The full complaint view (timeline, clocks, evidence …), kept apart so lists stay cheap. */
export interface ComplaintViewDoc {
  _id: string;
  version: number;
  view: Record<string, unknown>;
  updatedAt: Date;
}

export interface OutboxDoc {
  _id: string; // the idempotency key made in the workflow
  kind: 'SMS' | 'EMAIL';
  ticketId: string;
  state: 'SENDING' | 'SENT' | 'FAILED';
  to: string[];
  body: string;
  subject?: string;
  providerId?: string;
  providerStatus?: string;
  error?: string;
  attempts: number;
  /** E-mail: when the attempt now sending began (the in-flight lease; `createdAt` for the first). */
  sendStartedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const complaintSchema = new Schema<ComplaintDoc>(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    workflowId: String,
    stage: String,
    channel: String,
    externalId: String,
    category: String,
    urgency: String,
    region: String,
    vipLevel: Number,
    slaBreached: Boolean,
    escalationLevel: Number,
    awaitingAckRole: String,
    careCallbackAwaitingPerson: Boolean,
    coordinationOpen: Boolean,
    assignee: String,
    team: String,
    transferredTo: String,
    awaitingDepartments: { type: [String], default: undefined },
    hot: Boolean,
    rounds: Number,
    major: Boolean,
    callbackHash: String,
    callbackHashKey: String,
    cellId: String,
    repeatOf: [String],
    receivedAt: Date,
    dayKey: String,
    weekKey: String,
    monthKey: String,
    closedAt: Date,
    nextDueAt: Date,
    updatedAt: Date,
    ...REPORT_FIELD_PATHS,
  },
  { versionKey: false, minimize: false, collection: 'complaints' },
);
complaintSchema.index({ stage: 1, receivedAt: -1 });
complaintSchema.index({ channel: 1, receivedAt: -1 });
complaintSchema.index({ slaBreached: 1, receivedAt: -1 });
complaintSchema.index({ receivedAt: -1 }); // the unfiltered list, newest first (SORT_QUERY_FIELDS on FerretDB)
complaintSchema.index({ nextDueAt: 1 });
/**
 * Fields queried by equality that never hold an array in any collection: repeat detection's
 * criteria (`callbackHash`, `cellId`), a complaint's records by ticket (`ticketId`: its audit
 * trail, e-mail outbox, evidence, signatures, TMF events) and a TMF event's rows (`eventId`). The
 * local stack tells its patched FerretDB, which then lets their indexes serve such a query instead
 * of scanning (infra/ferretdb/id-pushdown.patch); MongoDB needs no telling. `ticketId` and
 * `eventId` were added after the S10 soak found the audit trail read by ticket and the TMF outbox
 * scanned whole as they grew; `dedupeKey` (an audit entry's event) when the timeline audit stopped
 * walking past the chain's head before its first insert (issue 23): a lagging head makes the insert
 * collide, and the collision asks whether that event is already audited.
 */
export const SCALAR_QUERY_FIELDS = ['callbackHash', 'cellId', 'ticketId', 'eventId', 'dedupeKey'] as const;

/**
 * Fields lists are sorted by that hold a date in every collection that has them. The local stack
 * tells its patched FerretDB, which then lets PostgreSQL sort by them and, for a list without
 * filter, return only the page (infra/ferretdb/sort-count-pushdown.patch); MongoDB sorts by index.
 */
export const SORT_QUERY_FIELDS = ['receivedAt'] as const;

/**
 * How many documents match `filter`: without one, the collection's count (the `count` command,
 * which the patched FerretDB answers without decoding any document, and MongoDB from its metadata);
 * with one, an exact count of the matches.
 */
export function countMatching<T>(model: Model<T>, filter: Record<string, unknown>): Promise<number> {
  return Object.keys(filter).length === 0 ? model.estimatedDocumentCount() : model.countDocuments(filter);
}

complaintSchema.index({ callbackHash: 1, receivedAt: -1 });
complaintSchema.pre(['updateOne', 'updateMany', 'findOneAndUpdate'], function () {
  stampCallbackHashKey(this.getUpdate() as UpdateFields | null);
});
complaintSchema.index({ cellId: 1, receivedAt: -1 });
complaintSchema.index({ assignee: 1, nextDueAt: 1 });
complaintSchema.index({ weekKey: 1 });
complaintSchema.index({ monthKey: 1 });
complaintSchema.index({ dayKey: 1 });

type UpdateFields = { $set?: Record<string, unknown>; $unset?: Record<string, unknown> };

/**
 * Every `callbackHash` written through the model is `numberHash` of this process (the projection),
 * so it is stamped with this process's current lookup key id; a removed hash takes its stamp along.
 * The stamp is what tells the hash migration (S7) which summaries still carry another key's hash.
 * (The projection's summary write goes through the driver and stamps with this function itself.)
 */
export function stampCallbackHashKey<T extends UpdateFields | null>(update: T): T {
  if (typeof update?.$set?.callbackHash === 'string')
    update.$set.callbackHashKey = lookupHasher().currentKeyId;
  if (update?.$unset && 'callbackHash' in update.$unset) update.$unset.callbackHashKey = '';
  return update;
}

const complaintViewSchema = new Schema<ComplaintViewDoc>(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    view: { type: Schema.Types.Mixed },
    updatedAt: Date,
  },
  { versionKey: false, minimize: false, collection: 'complaint_views' },
);

const outboxSchema = new Schema<OutboxDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    ticketId: { type: String, required: true },
    state: { type: String, required: true },
    to: [String],
    body: String,
    subject: String,
    providerId: String,
    providerStatus: String,
    error: String,
    attempts: Number,
    sendStartedAt: Date,
    createdAt: Date,
    updatedAt: Date,
  },
  { versionKey: false, collection: 'outbox' },
);
outboxSchema.index({ providerId: 1 });
outboxSchema.index({ ticketId: 1 });

export interface Models {
  Complaint: Model<ComplaintDoc>;
  ComplaintView: Model<ComplaintViewDoc>;
  Outbox: Model<OutboxDoc>;
}

export function createModels(connection: Connection = mongoose.connection): Models {
  return {
    Complaint: connection.model<ComplaintDoc>('Complaint', complaintSchema),
    ComplaintView: connection.model<ComplaintViewDoc>('ComplaintView', complaintViewSchema),
    Outbox: connection.model<OutboxDoc>('Outbox', outboxSchema),
  };
}

/**
 * Connections each product process may hold to the database (the driver's `maxPoolSize`; its
 * default is 100). The local stack's FerretDB gets a larger PostgreSQL pool than all product
 * processes together (`FERRETDB_PG_POOL` in infra/stack/services/ferretdb.ts), so requests queue in the driver,
 * where they have deadlines, and not inside FerretDB, where nothing times out (S10, the freeze in
 * docs/decisions.md). 20 is far above what one process needs: an operation takes a few ms.
 */
export const MONGO_POOL_SIZE = 20;

export interface MongoDeadlines {
  /**
   * How long an operation waits while the database is not reachable (the driver's server selection,
   * mongoose's buffering while disconnected) or for a free connection of the pool before it fails.
   */
  waitMs?: number;
  /**
   * How long an operation waits for the database's answer on an open connection before the driver
   * closes that connection and fails it (`socketTimeoutMS`; the driver's default is to wait forever).
   * The driver's `timeoutMS` would bound the whole operation but is a no-op in mongodb 7.8.
   */
  answerMs?: number;
  /**
   * The database's own deadline for every read of this connection (`maxTimeMS` on find, findOne,
   * countDocuments, distinct and aggregate, unless the query sets one): the database stops a read
   * whose caller has given up, instead of finishing a scan nobody waits for (S10: on FerretDB v1 an
   * unfiltered list reads the whole collection, and abandoned scans piled up).
   */
  readMaxTimeMs?: number;
  maxPoolSize?: number;
}

const READS: ('find' | 'findOne' | 'countDocuments' | 'estimatedDocumentCount' | 'distinct')[] = [
  'find',
  'findOne',
  'countDocuments',
  'estimatedDocumentCount',
  'distinct',
];

/** `maxTimeMS` on every read of the models compiled on `connection` after this call. */
function boundReads(connection: Connection, ms: number): void {
  connection.plugin((schema: Schema) => {
    schema.pre(READS, function (this: mongoose.Query<unknown, unknown>) {
      if (this.getOptions().maxTimeMS === undefined) this.maxTimeMS(ms);
    });
    schema.pre('aggregate', function () {
      this.options.maxTimeMS ??= ms;
    });
  });
}

/**
 * A connection whose every operation has a deadline (S10: a database that accepts connections but
 * never answers must not hang a caller). The worker keeps `waitMs` 10 s and takes `answerMs` 20 s:
 * its activities retry anyway (a longer wait saves retries), and a stuck call gives its activity slot
 * back instead of holding it (a report's rollup pass reads 2,000-document batches, about 1 s each;
 * REPORT_SOURCE=direct on FerretDB, minutes per aggregation, is not for FerretDB). The API passes 2 s
 * and 4 s: a person waits (#9, S10). The driver retries a read once after a network error, so a
 * read can take twice `answerMs` before it fails.
 */
export async function connectMongo(
  uri: string,
  { waitMs = 10_000, answerMs = 20_000, readMaxTimeMs, maxPoolSize = MONGO_POOL_SIZE }: MongoDeadlines = {},
): Promise<Connection> {
  // `bufferTimeoutMS` is read by mongoose's driver layer from the connect options but is missing
  // from their type (mongoose 9.12).
  const options: ConnectOptions & { bufferTimeoutMS: number } = {
    serverSelectionTimeoutMS: waitMs,
    bufferTimeoutMS: waitMs,
    waitQueueTimeoutMS: waitMs,
    socketTimeoutMS: answerMs,
    maxPoolSize,
    autoIndex: true,
  };
  const connection = mongoose.createConnection(uri, options);
  if (readMaxTimeMs) boundReads(connection, readMaxTimeMs);
  await connection.asPromise();
  return connection;
}

/**
 * Waits until every model compiled on `connection` has its collection and indexes (mongoose's
 * `init`: createCollection, then createIndexes). A process calls it once its models exist and before
 * it serves, so that no request creates metadata under load: on FerretDB v1 creating a collection or
 * an index holds a global lock while it waits for a PostgreSQL connection (S10, docs/decisions.md).
 */
export async function ensureCollections(connection: Connection): Promise<void> {
  await Promise.all(Object.values(connection.models).map((model) => model.init()));
}

/** The connection's model of that name, compiled once (several factories may ask for it). */
export function modelOn<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
}

/** MongoDB's duplicate-key error, as both MongoDB and FerretDB report it. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}
