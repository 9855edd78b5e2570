// MongoDB collections of retention and of people's requests (issue 22, S8), FerretDB v1 subset:
//   retention_policies  every version of the retention policy (admin, privacy officer)
//   retention_runs      the outcome of each retention sweep (counts only)
//   privacy_requests    one per request of a person: kind, state, reason, outcome; the number it is
//                       about (subject) only while the request runs
//   privacy_exports     the JSON document of an export request, until it expires
import { Schema, type Connection, type Model } from 'mongoose';
import {
  DEFAULT_RETENTION_POLICY,
  validateRetentionPolicy,
  type RetentionPolicy,
} from '../../domain/policy/retention';
import type {
  PrivacyRequestKind,
  PrivacyRequestState,
  PrivacyRequestStatus,
  SweepResult,
} from '../../domain/privacy';
import { isDuplicateKey, modelOn } from '../models';

export interface RetentionPolicyDoc {
  _id: string; // 'v<version>'
  version: number;
  policy: RetentionPolicy;
  updatedBy: string;
  updatedAt: Date;
}

export interface RetentionRunDoc {
  _id: string; // the sweep's workflow id and run id
  workflowId: string;
  trigger: string;
  startedAt: Date;
  finishedAt: Date;
  result: SweepResult;
}

export interface PrivacyRequestDoc {
  _id: string; // PR-…
  kind: PrivacyRequestKind;
  state: PrivacyRequestState;
  reason: string;
  requestedBy: string;
  requestedAt: Date;
  /** The number the request is about: only while the request runs (dropped when it ends). */
  subject?: { number: string };
  /** The last two digits, so that people can tell requests apart without the number. */
  subjectHint: string;
  status?: PrivacyRequestStatus;
  error?: string;
  finishedAt?: Date;
  exportExpiresAt?: Date;
}

export interface PrivacyExportDoc {
  _id: string; // the request id
  /** The JSON document, as a string (FerretDB keeps it as it is). */
  document: string;
  bytes: number;
  createdAt: Date;
  expiresAt: Date;
}

export interface PrivacyModels {
  RetentionPolicy: Model<RetentionPolicyDoc>;
  RetentionRun: Model<RetentionRunDoc>;
  Request: Model<PrivacyRequestDoc>;
  Export: Model<PrivacyExportDoc>;
}

const policySchema = new Schema<RetentionPolicyDoc>(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    policy: { type: Schema.Types.Mixed, required: true },
    updatedBy: String,
    updatedAt: Date,
  },
  { versionKey: false, minimize: false, collection: 'retention_policies' },
);
policySchema.index({ version: -1 });

const runSchema = new Schema<RetentionRunDoc>(
  {
    _id: { type: String, required: true },
    workflowId: String,
    trigger: String,
    startedAt: Date,
    finishedAt: Date,
    result: { type: Schema.Types.Mixed },
  },
  { versionKey: false, minimize: false, collection: 'retention_runs' },
);
runSchema.index({ finishedAt: -1 });

const requestSchema = new Schema<PrivacyRequestDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    state: { type: String, required: true },
    reason: String,
    requestedBy: String,
    requestedAt: Date,
    subject: { number: String },
    subjectHint: String,
    status: { type: Schema.Types.Mixed },
    error: String,
    finishedAt: Date,
    exportExpiresAt: Date,
  },
  { versionKey: false, minimize: false, collection: 'privacy_requests' },
);
requestSchema.index({ requestedAt: -1 });

const exportSchema = new Schema<PrivacyExportDoc>(
  {
    _id: { type: String, required: true },
    document: String,
    bytes: Number,
    createdAt: Date,
    expiresAt: Date,
  },
  { versionKey: false, collection: 'privacy_exports' },
);
exportSchema.index({ expiresAt: 1 });

export function createPrivacyModels(connection: Connection): PrivacyModels {
  return {
    RetentionPolicy: modelOn<RetentionPolicyDoc>(connection, 'RetentionPolicy', policySchema),
    RetentionRun: modelOn<RetentionRunDoc>(connection, 'RetentionRun', runSchema),
    Request: modelOn<PrivacyRequestDoc>(connection, 'PrivacyRequest', requestSchema),
    Export: modelOn<PrivacyExportDoc>(connection, 'PrivacyExport', exportSchema),
  };
}

/** The retention policy in MongoDB: the newest version is active; every version is kept. */
export function createRetentionStore(connection: Connection, fallback = DEFAULT_RETENTION_POLICY) {
  const { RetentionPolicy: model } = createPrivacyModels(connection);

  async function active(): Promise<RetentionPolicy> {
    const doc = await model.findOne().sort({ version: -1 }).lean();
    return doc ? doc.policy : fallback;
  }

  async function history(): Promise<{ version: number; updatedBy: string; updatedAt: Date }[]> {
    return model.find({}, { policy: 0 }).sort({ version: -1 }).limit(50).lean();
  }

  /**
   * Stores a new version (the active one + 1). `policy.version`, when given, is the version the edit
   * was based on: another version saved meanwhile is a conflict.
   */
  async function save(
    policy: Omit<RetentionPolicy, 'version'> & { version?: number },
    by: string,
  ): Promise<{ policy: RetentionPolicy } | { problems: string[] } | { conflict: string }> {
    const current = await active();
    if (policy.version !== undefined && policy.version !== current.version)
      return {
        conflict: `this edit was based on version ${policy.version}, but version ${current.version} is active now; reload and try again`,
      };
    const next: RetentionPolicy = { ...policy, version: current.version + 1 };
    const problems = validateRetentionPolicy(next);
    if (problems.length) return { problems };
    try {
      await model.create({
        _id: `v${next.version}`,
        version: next.version,
        policy: next,
        updatedBy: by,
        updatedAt: new Date(),
      });
    } catch (err) {
      if (isDuplicateKey(err))
        return {
          conflict: `version ${next.version} was saved by someone else meanwhile; reload and try again`,
        };
      throw err;
    }
    return { policy: next };
  }

  return { active, history, save };
}

export type RetentionStore = ReturnType<typeof createRetentionStore>;
