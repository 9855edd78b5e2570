// The complaint read model in MongoDB, written idempotently with a version number:
// a late retry of an older projection never overwrites newer state.
import type { ComplaintView } from '../domain/complaint';
import type { Model, QueryFilter } from 'mongoose';
import { KeyedLock } from './keyed-lock';
import { isDuplicateKey, type ComplaintDoc, type Models } from './models';
import { periodKeys } from './period-keys';
import { numberHash } from './repeat';
import { reportFields } from './reports/fields';
import { markDayChanged } from './reports/source';

export function toDocument(view: ComplaintView, timeZone?: string): ComplaintDoc {
  const receivedAt = new Date(view.input.receivedAt);
  const keys = periodKeys(receivedAt, timeZone);
  const nextDue = view.clocks
    .filter((c) => c.dueAt && !c.name.startsWith('escalationAck:'))
    .map((c) => Date.parse(c.dueAt!))
    .sort((a, b) => a - b)[0];
  return {
    _id: view.ticketId,
    version: view.version,
    workflowId: view.workflowId,
    stage: view.stage,
    channel: view.input.channel,
    externalId: view.input.externalId,
    category: view.input.category,
    urgency: view.input.urgency,
    region: view.input.location.region,
    vipLevel: view.input.customer.vipLevel,
    slaBreached: view.slaBreached,
    escalationLevel: view.escalationLevel,
    awaitingAckRole: view.awaitingAckRole,
    careCallbackAwaitingPerson: careCallbackAwaitingPerson(view) || undefined,
    coordinationOpen: view.coordination?.some((c) => !c.doneAt) || undefined,
    assignee: view.assignee,
    team: view.team,
    transferredTo: view.stage === 'TRANSFERRED' ? view.triage?.department : undefined,
    awaitingDepartments: awaiting(view),
    hot: view.hot,
    rounds: view.rounds,
    major: view.major !== undefined,
    callbackHash: numberHash(view.input.numbers.callback),
    cellId: view.input.location.cellId,
    repeatOf: view.repeatOf?.map((r) => r.ticketId),
    receivedAt,
    ...keys,
    ...reportFields(view, keys.dayKey),
    closedAt: view.closedAt ? new Date(view.closedAt) : undefined,
    nextDueAt: nextDue === undefined ? undefined : new Date(nextDue),
    updatedAt: new Date(),
  };
}

/** Departments asked to verify and not answered yet (R2.3); undefined when none. */
function awaiting(view: ComplaintView): string[] | undefined {
  const open = (view.verificationRequests ?? []).filter((r) => !r.answeredAt).map((r) => r.department);
  return open.length > 0 ? [...new Set(open)] : undefined;
}

/** Listed for a person and not recorded yet (R6.3). */
function careCallbackAwaitingPerson(view: ComplaintView): boolean {
  return view.careCallback?.toPersonAt !== undefined && view.careCallback.byPerson === undefined;
}

/**
 * The update that makes the stored document equal to `doc`: `$set` of the defined fields and
 * `$unset` of the undefined ones (a `$set` alone drops undefined keys, so a field that became empty,
 * such as `awaitingAckRole` after an acknowledgement, would keep its old value).
 */
export function setAndUnset(doc: object): { $set: Record<string, unknown>; $unset?: Record<string, ''> } {
  const $set: Record<string, unknown> = {};
  const $unset: Record<string, ''> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (value === undefined) $unset[key] = '';
    else $set[key] = value;
  }
  return Object.keys($unset).length ? { $set, $unset } : { $set };
}

/**
 * Versioned upsert: applies only when the stored version is older. The database applies the filter
 * and the write to one version of the document (MongoDB; the stack's FerretDB with
 * infra/ferretdb/update-cas.patch), so two writers in two processes cannot land the older last.
 * A duplicate-key error means the document exists: either with the same or a newer version (this
 * write is stale and dropped) or because another writer created it just now with an older one —
 * so the update is tried once more without the upsert.
 */
export async function upsertIfNewer<T extends { _id: string; version: number }>(
  model: Model<T>,
  doc: T,
): Promise<boolean> {
  const filter: QueryFilter<T> = { _id: doc._id, version: { $lt: doc.version } } as QueryFilter<T>;
  try {
    const res = await model.updateOne(filter, setAndUnset(doc), { upsert: true });
    return res.modifiedCount + res.upsertedCount > 0;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const res = await model.updateOne(filter, setAndUnset(doc));
    return res.modifiedCount > 0;
  }
}

export function createProjectionActivities({
  models,
  reports,
}: {
  models: Models;
  reports?: { timeZone: string };
}) {
  // One complaint's projections are written one at a time in this process (keyed-lock.ts): fewer
  // conflicting writes; across processes the database keeps the versioned upsert atomic.
  const lock = new KeyedLock();
  function projectComplaint(view: ComplaintView): Promise<{ applied: boolean }> {
    return lock.run(view.ticketId, () => project(view));
  }
  async function project(view: ComplaintView): Promise<{ applied: boolean }> {
    const summary = toDocument(view, reports?.timeZone);
    const full = {
      _id: view.ticketId,
      version: view.version,
      view: view as unknown as Record<string, unknown>,
      updatedAt: summary.updatedAt,
    };
    const [a, b] = await Promise.all([
      upsertIfNewer(models.Complaint, summary),
      upsertIfNewer(models.ComplaintView, full),
    ]);
    // The day's report rollup is out of date (also on a retry that finds the summary written).
    await markDayChanged(models.Complaint.db, summary.dayKey, view.ticketId, view.version);
    return { applied: a || b };
  }
  return { projectComplaint };
}
