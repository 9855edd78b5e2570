// MongoDB collections of the guarantee areas (R7.3): the area read model (`guarantee_areas`,
// projected by the workflow with a version number) and the periodic test tasks
// (`guarantee_tests`, `_id` = the workflow's deterministic task id). FerretDB v1 compatible.
import { Schema, type Connection, type Model } from 'mongoose';
import type { AreaStatus, GuaranteeAreaView } from '../domain/guarantee';
import type { GuaranteeTestResult } from '../domain/policy/guarantee';

export interface GuaranteeAreaDoc {
  _id: string;
  version: number;
  name: string;
  status: AreaStatus;
  cells: string[];
  region?: string | null;
  place?: string | null;
  lastCheckAt?: Date | null;
  nextCheckAt?: Date | null;
  openAlerts: number;
  alertSeq: number;
  nextTestDueAt?: Date | null;
  testsCreated: number;
  createdAt: Date;
  updatedAt: Date;
  /** The whole view as the workflow's query shows it. */
  view: GuaranteeAreaView;
}

export interface GuaranteeTestDoc {
  _id: string;
  areaId: string;
  areaName: string;
  itemId: string;
  slot: number;
  title: string;
  role: string;
  cells: string[];
  place?: string;
  /** A user id or a role (R7.4); absent: the area's managers. */
  assignee?: string;
  /** CANCELLED: still open when its area ended. */
  status: 'OPEN' | 'DONE' | 'CANCELLED';
  scheduledAt: Date;
  dueAt: Date;
  createdAt: Date;
  /** Set when the area's workflow escalated it as overdue. */
  escalatedAt?: Date;
  result?: GuaranteeTestResult;
  doneAt?: Date;
  doneBy?: string;
  late?: boolean;
  cancelledAt?: Date;
  cancelReason?: string;
}

export interface GuaranteeModels {
  Area: Model<GuaranteeAreaDoc>;
  Test: Model<GuaranteeTestDoc>;
}

const areaSchema = new Schema<GuaranteeAreaDoc>(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    name: String,
    status: String,
    cells: [String],
    region: String,
    place: String,
    lastCheckAt: Date,
    nextCheckAt: Date,
    openAlerts: Number,
    alertSeq: Number,
    nextTestDueAt: Date,
    testsCreated: Number,
    createdAt: Date,
    updatedAt: Date,
    view: { type: Schema.Types.Mixed },
  },
  { versionKey: false, minimize: false, collection: 'guarantee_areas' },
);
areaSchema.index({ status: 1 });

const testSchema = new Schema<GuaranteeTestDoc>(
  {
    _id: { type: String, required: true },
    areaId: { type: String, required: true },
    areaName: String,
    itemId: String,
    slot: Number,
    title: String,
    role: String,
    cells: [String],
    place: String,
    assignee: String,
    status: String,
    scheduledAt: Date,
    dueAt: Date,
    createdAt: Date,
    escalatedAt: Date,
    result: { type: Schema.Types.Mixed },
    doneAt: Date,
    doneBy: String,
    late: Boolean,
    cancelledAt: Date,
    cancelReason: String,
  },
  { versionKey: false, collection: 'guarantee_tests' },
);
testSchema.index({ areaId: 1, scheduledAt: -1 });
// The worklist of test tasks (R7.4): open ones by due time, per assignee.
testSchema.index({ status: 1, dueAt: 1 });
testSchema.index({ assignee: 1, status: 1, dueAt: 1 });

/** The guarantee-area models on a connection (created once per connection). */
export function guaranteeModels(connection: Connection): GuaranteeModels {
  const existing = connection.models as Record<string, Model<unknown>>;
  const get = <T>(name: string, schema: Schema<T>): Model<T> =>
    (existing[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
  return {
    Area: get('GuaranteeArea', areaSchema),
    Test: get('GuaranteeTest', testSchema),
  };
}

/** The list fields of the read model, from the view. */
export function areaDocOf(view: GuaranteeAreaView): Omit<GuaranteeAreaDoc, '_id'> {
  const date = (s: string | undefined) => (s ? new Date(s) : null);
  return {
    version: view.version,
    name: view.name,
    status: view.status,
    cells: view.definition.cells,
    region: view.definition.region ?? null,
    place: view.definition.place ?? null,
    lastCheckAt: date(view.lastCheck?.at),
    nextCheckAt: date(view.nextCheckAt),
    openAlerts: view.openAlerts.length,
    alertSeq: view.alerts.seq,
    nextTestDueAt: date(view.tests.nextDueAt),
    testsCreated: view.tests.created,
    createdAt: new Date(view.createdAt),
    updatedAt: new Date(view.updatedAt),
    view,
  };
}
