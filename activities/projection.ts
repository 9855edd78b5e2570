// The complaint read model in MongoDB, written idempotently with a version number:
// a late retry of an older projection never overwrites newer state.
import type { ComplaintView } from '../domain/complaint';
import type { ComplaintChange, ComplaintViewDelta } from '../domain/projection-change';
import type { Model, QueryFilter } from 'mongoose';
import { KeyedLock } from './keyed-lock';
import { isDuplicateKey, stampCallbackHashKey, type ComplaintDoc, type Models } from './models';
import { periodKeys } from './period-keys';
import { numberHash } from './repeat';
import { reportFields } from './reports/fields';
import { FOLD_PROJECTION, markDayChanged } from './reports/source';

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
  const [res] = await upsertElseUpdate((upsert) => model.updateOne(filter, setAndUnset(doc), { upsert }));
  return res.modifiedCount + res.upsertedCount > 0;
}

/**
 * A versioned write tried with the upsert and, on a duplicate key (the document exists, with the
 * same or a newer version, or just created by another writer with an older one), once more without
 * it; also says whether the answer is the upserting attempt's.
 */
async function upsertElseUpdate<R>(write: (upsert: boolean) => Promise<R>): Promise<[R, boolean]> {
  try {
    return [await write(true), true];
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return [await write(false), false];
  }
}

/**
 * The complaint's summary, written as `upsertIfNewer` does but answering with the document it
 * replaced (issue 23), so that the day's rollup is marked out of date only when a field the rollup
 * folds (`FOLD_PROJECTION`) changed — most projections (a contact attempt, an acknowledgement, a
 * clock) change none. It is marked also when the summary was created, and when the write did not
 * apply: a retry after a crash between the write and the mark cannot tell whether the mark was
 * made. The whole summary comes back (FerretDB v1 does not implement findAndModify's `fields`).
 * Written through the driver: `toDocument`'s values are already of the schema's types, so
 * mongoose's casting of some forty fields per projection is skipped; the callback-hash stamp of
 * the model's update hook is added here.
 */
async function writeSummary(
  Complaint: Models['Complaint'],
  doc: ComplaintDoc,
): Promise<{ applied: boolean; markDay: boolean }> {
  const update = stampCallbackHashKey(setAndUnset(doc));
  const filter = { _id: doc._id, version: { $lt: doc.version } };
  const [before, upserting] = await upsertElseUpdate((upsert) =>
    Complaint.collection.findOneAndUpdate(filter as never, update, { upsert, returnDocument: 'before' }),
  );
  // No document before: the upsert created it, or (without the upsert) the write did not apply.
  if (!before) return { applied: upserting, markDay: true };
  return { applied: true, markDay: foldChanged(before, doc) };
}

/** Whether a fold field of the summary differs between the stored document and the new one. */
function foldChanged(before: Record<string, unknown>, doc: ComplaintDoc): boolean {
  const after = doc as unknown as Record<string, unknown>;
  return Object.keys(FOLD_PROJECTION).some(
    (key) => JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null),
  );
}

export function createProjectionActivities({
  models,
  reports,
  afterProject,
}: {
  models: Models;
  reports?: { timeZone: string };
  /** Runs with the stored view after each projection (the timeline audit, activities/audit.ts). */
  afterProject?: (view: ComplaintView) => Promise<void>;
}) {
  // One complaint's projections are written one at a time in this process (keyed-lock.ts): fewer
  // conflicting writes; across processes the database keeps the versioned upsert atomic.
  const lock = new KeyedLock();
  function projectComplaint(view: ComplaintView): Promise<{ applied: boolean }> {
    return lock.run(view.ticketId, () => project(view));
  }
  function projectComplaintChange(change: ComplaintChange): Promise<{ applied: boolean; resync?: boolean }> {
    if ('full' in change) return projectComplaint(change.full);
    return lock.run(change.delta.ticketId, () => projectDelta(change.delta));
  }

  async function project(view: ComplaintView): Promise<{ applied: boolean }> {
    const full = {
      _id: view.ticketId,
      version: view.version,
      view: view as unknown as Record<string, unknown>,
      updatedAt: new Date(),
    };
    const [summary, b] = await Promise.all([
      writeSummary(models.Complaint, toDocument(view, reports?.timeZone)),
      upsertIfNewer(models.ComplaintView, full),
    ]);
    await reportMarkAndAudit(view, { markDay: summary.markDay, audit: true });
    return { applied: summary.applied || b };
  }

  /**
   * A delta: applied to the stored view only when it holds the version (and the timeline) the delta
   * was made from — the workflow sends one projection at a time, so that is the version before; a
   * retry of an applied delta finds the newer version and changes nothing. The summary, the report
   * mark and the audit then follow from the stored view, as the update returned it.
   */
  async function projectDelta(d: ComplaintViewDelta): Promise<{ applied: boolean; resync?: boolean }> {
    const $set: Record<string, unknown> = {
      version: d.version,
      'view.version': d.version,
      updatedAt: new Date(),
    };
    for (const [key, value] of Object.entries(d.set)) $set[`view.${key}`] = value;
    const update: Record<string, unknown> = { $set };
    if (d.unset.length) update.$unset = Object.fromEntries(d.unset.map((key) => [`view.${key}`, '']));
    if (d.timeline.length) update.$push = { 'view.timeline': { $each: d.timeline } };
    // Issue 23: the update answers with the document it wrote (one request where an update and a
    // read were two; the database has read the document to apply the update anyway). Only when it
    // did not apply is the stored view read, to tell a stale retry from a gap.
    const written = await models.ComplaintView.collection.findOneAndUpdate(
      { _id: d.ticketId, version: d.base, 'view.timeline': { $size: d.timelineFrom } } as never,
      update,
      { returnDocument: 'after' },
    );
    const stored = (written ?? (await models.ComplaintView.findById(d.ticketId).lean())) as {
      version: number;
      view: unknown;
    } | null;
    if (!stored || stored.version < d.version) return { applied: false, resync: true };
    if (stored.version > d.version) return { applied: false };
    const view = stored.view as ComplaintView;
    const summary = await writeSummary(models.Complaint, toDocument(view, reports?.timeZone));
    // No new timeline entry, nothing to audit (one that a failed audit missed waits for the next).
    await reportMarkAndAudit(view, { markDay: summary.markDay, audit: d.timeline.length > 0 });
    return { applied: written !== null || summary.applied };
  }

  /** The day's report rollup is marked out of date when `writeSummary` says so; then the audit. */
  async function reportMarkAndAudit(
    view: ComplaintView,
    { markDay, audit }: { markDay: boolean; audit: boolean },
  ): Promise<void> {
    if (markDay) {
      const { dayKey } = periodKeys(new Date(view.input.receivedAt), reports?.timeZone);
      await markDayChanged(models.Complaint.db, dayKey, view.ticketId, view.version);
    }
    if (audit) await afterProject?.(view);
  }
  return { projectComplaint, projectComplaintChange };
}
