// MongoDB collections of the reports (R9): the stored reports, the per-day rollups of the summary
// collection, and the change marks the projection leaves for the rollups. FerretDB v1 compatible:
// plain documents, the rollup's figures kept as one JSON string (a cache, read whole).
import { Schema, type Connection, type Model } from 'mongoose';
import type { ReleaseMode, ReportStatus, WrittenAnalysis } from '../../domain/reports/analysis';
import type { Report } from './model';

export interface ReportDoc {
  _id: string;
  kind: string;
  period: string;
  timeZone: string;
  /** 1 for the first production of the period, +1 for each later one (a new workflow run). */
  revision: number;
  /** The workflow run that wrote this revision (a retried activity does not bump the revision). */
  runId: string;
  generatedAt: Date;
  report: Report;
  /** DRAFT while it waits for its analysis and release, SENT once e-mailed (R9.4); absent = PRODUCED. */
  status?: ReportStatus;
  /** The run that holds the draft (the API's updates go to it). */
  workflowId?: string;
  draft?: { send: ReleaseMode; sendAt?: string };
  /** The interface person's analysis and measures (R9.4): kept across revisions of the period. */
  analysis?: WrittenAnalysis;
  sentAt?: Date;
  sentTo?: string[];
  approvedBy?: string;
}

/** The aggregation of one day (dayKey in REPORT_TIMEZONE), rebuilt when the day changed. */
export interface RollupDoc {
  _id: string;
  /** When the rebuild started reading the summaries: an older rebuild never overwrites a newer one. */
  scannedAt: Date;
  complaints: number;
  /** serializeAgg() of the day. */
  payload: string;
}

/**
 * One per projection (day, ticket, version), inserted after the summary was written: the day's
 * rollup is out of date. Insert-only and deleted by _id once a rebuild has read past it, so no
 * lost update can hide a change (FerretDB v1 updates are read-modify-write without locks).
 */
export interface RollupChangeDoc {
  _id: string;
  day: string;
  at: Date;
}

export interface ReportModels {
  Report: Model<ReportDoc>;
  Rollup: Model<RollupDoc>;
  RollupChange: Model<RollupChangeDoc>;
}

const reportSchema = new Schema<ReportDoc>(
  {
    _id: { type: String, required: true },
    kind: String,
    period: String,
    timeZone: String,
    revision: Number,
    runId: String,
    generatedAt: Date,
    report: { type: Schema.Types.Mixed },
    status: String,
    workflowId: String,
    draft: { type: Schema.Types.Mixed },
    analysis: { type: Schema.Types.Mixed },
    sentAt: Date,
    sentTo: [String],
    approvedBy: String,
  },
  { versionKey: false, minimize: false, collection: 'reports' },
);
reportSchema.index({ kind: 1, period: -1 });

const rollupSchema = new Schema<RollupDoc>(
  {
    _id: { type: String, required: true },
    scannedAt: Date,
    complaints: Number,
    payload: String,
  },
  { versionKey: false, collection: 'report_rollups' },
);

const changeSchema = new Schema<RollupChangeDoc>(
  {
    _id: { type: String, required: true },
    day: String,
    at: Date,
  },
  { versionKey: false, collection: 'report_rollup_changes' },
);
changeSchema.index({ day: 1 });

/** The report models on a connection (created once per connection). */
export function reportModels(connection: Connection): ReportModels {
  const existing = connection.models as Record<string, Model<unknown>>;
  const get = <T>(name: string, schema: Schema<T>): Model<T> =>
    (existing[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
  return {
    Report: get('ReportDoc', reportSchema),
    Rollup: get('ReportRollup', rollupSchema),
    RollupChange: get('ReportRollupChange', changeSchema),
  };
}
