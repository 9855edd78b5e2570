// S10 projection by deltas on the real database (issue 23): the product's projection activity applies
// what changed to the stored view with a version guard on FerretDB, the summary, the report mark and
// the audit trail follow from the stored view, a retried delta changes nothing, and a delta that does
// not fit what is stored asks the workflow for the whole view.
import { createAuditStore, timelineAuditor } from '../../activities/audit';
import { createModels, ensureCollections, type Models } from '../../activities/models';
import { createProjectionActivities } from '../../activities/projection';
import { reportModels } from '../../activities/reports/store';
import { applyChange, diffView, recordOf, type ComplaintChange } from '../../domain/projection-change';
import type { ComplaintView } from '../../domain/complaint';
import { useDatabaseStack } from '../support/database-stack';
import { uniqueExternalId } from '../support/fixtures';
import { viewAt } from '../support/projection-writer';

const db = useDatabaseStack();
let models: Models;
let project: ReturnType<typeof createProjectionActivities>;

beforeAll(async () => {
  models = createModels(db.mongo);
  await ensureCollections(db.mongo);
  project = createProjectionActivities({ models, afterProject: timelineAuditor({ models }) });
});

function deltaFrom(before: ComplaintView, after: ComplaintView): ComplaintChange {
  return diffView(recordOf(before), after).change;
}

/** The report-rollup marks written for a complaint, in version order. */
async function marksOf(ticketId: string): Promise<string[]> {
  const marks = await reportModels(models.Complaint.db)
    .RollupChange.find({ _id: { $regex: `\\|${ticketId}\\|` } })
    .lean();
  return marks.map((m) => m._id).sort((a, b) => Number(a.split('|')[2]) - Number(b.split('|')[2]));
}

async function stored(ticketId: string): Promise<ComplaintView> {
  const doc = await models.ComplaintView.findById(ticketId).lean();
  return doc!.view as unknown as ComplaintView;
}

describe('S10 a projection carries what changed; the read model applies it once, in order', () => {
  it('S10 a delta applied to the stored view gives the whole view; summary, report mark and audit follow', async () => {
    const id = uniqueExternalId('DELTA');
    const v1 = viewAt(id, 1);
    await expect(project.projectComplaintChange({ full: v1 })).resolves.toEqual({ applied: true });
    let before = v1;
    for (let v = 2; v <= 4; v++) {
      const next = viewAt(id, v);
      const change = deltaFrom(before, next);
      expect('delta' in change).toBe(true);
      await expect(project.projectComplaintChange(change)).resolves.toEqual({ applied: true });
      expect(await stored(v1.ticketId)).toEqual(JSON.parse(JSON.stringify(next)));
      before = next;
    }
    // `awaitingAckRole` became empty at version 3 (viewAt: set when version % 3): unset in the view
    // and in the summary the lists read.
    const summary = await models.Complaint.findById(v1.ticketId).lean();
    expect(summary).toMatchObject({
      version: 4,
      stage: 'TRIAGE',
      escalationLevel: 1,
      awaitingAckRole: 'supervisor',
    });
    // Every version changed the highest escalation level, a figure the day's rollup folds.
    expect(await marksOf(v1.ticketId)).toEqual([1, 2, 3, 4].map((v) => `2026-12-01|${v1.ticketId}|${v}`));
    const audit = await createAuditStore(models.Complaint.db).list(v1.ticketId);
    expect(audit.map((e) => e.action)).toEqual(['STEP_1', 'STEP_2', 'STEP_3', 'STEP_4']);
  });

  it("R9.1 the day's report rollup is marked when a figure it folds changed, when the summary is created, and on a retry that cannot tell", async () => {
    const id = uniqueExternalId('DELTA');
    // The same escalation level at every version: only what the test changes is a report figure.
    const at = (v: number): ComplaintView => ({
      ...viewAt(id, v),
      escalationLevel: 1,
      awaitingAckRole: 'supervisor',
    });
    const v1 = at(1);
    const mark = (v: number) => `2026-12-01|${v1.ticketId}|${v}`;
    await project.projectComplaintChange({ full: v1 });
    expect(await marksOf(v1.ticketId)).toEqual([mark(1)]);
    // A step that moves the stage and adds a timeline entry and no report figure: no mark.
    await expect(project.projectComplaintChange(deltaFrom(v1, at(2)))).resolves.toEqual({ applied: true });
    expect(await marksOf(v1.ticketId)).toEqual([mark(1)]);
    // A second round is a report figure (the rollup's examples and repeat counts read it).
    const v3 = { ...at(3), rounds: 2 };
    await project.projectComplaintChange(deltaFrom(at(2), v3));
    expect(await marksOf(v1.ticketId)).toEqual([mark(1), mark(3)]);
    const summary = await models.Complaint.findById(v1.ticketId).lean();
    expect(summary).toMatchObject({ version: 3, rounds: 2 });
    // The mark of version 3 lost (a crash between the summary write and the mark): the retry
    // finds the summary written, cannot tell whether the mark was made, and makes it.
    await reportModels(models.Complaint.db).RollupChange.deleteOne({ _id: mark(3) });
    await expect(project.projectComplaintChange(deltaFrom(at(2), v3))).resolves.toEqual({
      applied: false,
    });
    expect(await marksOf(v1.ticketId)).toEqual([mark(1), mark(3)]);
  });

  it('S7 the summary written by the projection carries the lookup key id of its callback hash', async () => {
    const v1 = viewAt(uniqueExternalId('DELTA'), 1);
    await project.projectComplaintChange({ full: v1 });
    const summary = await models.Complaint.findById(v1.ticketId).lean();
    expect(summary?.callbackHash).toEqual(expect.any(String));
    expect(summary?.callbackHashKey).toEqual(expect.any(String));
  });

  it('S10 a retried delta (its first attempt landed) changes nothing and asks for nothing', async () => {
    const id = uniqueExternalId('DELTA');
    await project.projectComplaintChange({ full: viewAt(id, 1) });
    const change = deltaFrom(viewAt(id, 1), viewAt(id, 2));
    await expect(project.projectComplaintChange(change)).resolves.toEqual({ applied: true });
    await expect(project.projectComplaintChange(change)).resolves.toEqual({ applied: false });
    const view = await stored(viewAt(id, 1).ticketId);
    expect(view.version).toBe(2);
    expect(view.timeline).toHaveLength(2);
    const audit = await createAuditStore(models.Complaint.db).list(view.ticketId);
    expect(audit).toHaveLength(2);
  });

  it('S10 a delta made from a version the read model does not hold asks for the whole view, which puts it right', async () => {
    const id = uniqueExternalId('DELTA');
    const ticketId = viewAt(id, 1).ticketId;
    await project.projectComplaintChange({ full: viewAt(id, 1) });
    // The read model lost version 2 (restored from a backup, say): the delta 2 → 3 does not fit.
    const gap = deltaFrom(viewAt(id, 2), viewAt(id, 3));
    await expect(project.projectComplaintChange(gap)).resolves.toEqual({ applied: false, resync: true });
    expect((await stored(ticketId)).version).toBe(1);
    const v3 = viewAt(id, 3);
    await expect(project.projectComplaintChange({ full: v3 })).resolves.toEqual({ applied: true });
    // (a whole view stores its empty fields as null)
    expect(await stored(ticketId)).toMatchObject(JSON.parse(JSON.stringify(v3)));
    // Nothing stored yet at all: the same answer.
    const none = deltaFrom(viewAt(`${id}-none`, 1), viewAt(`${id}-none`, 2));
    await expect(project.projectComplaintChange(none)).resolves.toEqual({ applied: false, resync: true });
  });

  it('S10 the stored version with another timeline (written by other code) is not patched: the whole view is asked for', async () => {
    const id = uniqueExternalId('DELTA');
    const v2 = viewAt(id, 2);
    await project.projectComplaintChange({ full: { ...v2, timeline: v2.timeline.slice(0, 1) } });
    const change = deltaFrom(v2, viewAt(id, 3));
    await expect(project.projectComplaintChange(change)).resolves.toEqual({ applied: false, resync: true });
    // What the in-memory read model of the workflow tests does with the same change.
    expect(applyChange({ ...v2, timeline: v2.timeline.slice(0, 1) }, change)).toBeUndefined();
  });

  it('S5 the audit links the entries of a projection after an entry the API appended while the head lagged', async () => {
    const id = uniqueExternalId('DELTA');
    const v1 = viewAt(id, 1);
    const store = createAuditStore(models.Complaint.db);
    await project.projectComplaintChange({ full: v1 });
    const first = (await store.list(v1.ticketId))[0]!;
    // A person's action audited by the API, whose head move has not landed yet.
    await store.append({
      ticketId: v1.ticketId,
      at: new Date().toISOString(),
      actor: 'handler.li',
      roles: ['handler'],
      source: 'api',
      action: 'TRIAGE',
    });
    await store.Head.updateOne({ _id: v1.ticketId }, { $set: { seq: first.seq, hash: first.hash } });
    await expect(project.projectComplaintChange(deltaFrom(v1, viewAt(id, 2)))).resolves.toEqual({
      applied: true,
    });
    expect((await store.list(v1.ticketId)).map((e) => e.action)).toEqual(['STEP_1', 'TRIAGE', 'STEP_2']);
    await expect(store.verify(v1.ticketId)).resolves.toMatchObject({ ok: true, entries: 3, headSeq: 3 });
  });

  it("S5 an intake's audit entry starts the chain without reading its head; after entries the worker audited first, it follows them", async () => {
    const store = createAuditStore(models.Complaint.db);
    const intake = (ticketId: string) => ({
      ticketId,
      at: new Date().toISOString(),
      actor: 'emos-gateway',
      roles: ['intake'],
      source: 'api' as const,
      action: 'INTAKE',
      stageAfter: 'RECEIVED',
    });
    const heads = jest.spyOn(store.Head, 'findById');
    // The usual order: the API's entry first.
    const a = viewAt(uniqueExternalId('DELTA'), 1);
    await expect(store.append(intake(a.ticketId), { newChain: true })).resolves.toMatchObject({ seq: 1 });
    expect(heads).not.toHaveBeenCalled();
    heads.mockRestore();
    await project.projectComplaintChange({ full: a });
    expect((await store.list(a.ticketId)).map((e) => e.action)).toEqual(['INTAKE', 'STEP_1']);
    await expect(store.verify(a.ticketId)).resolves.toMatchObject({ ok: true, entries: 2, headSeq: 2 });
    // The worker was quicker: its entry holds seq 1, the intake's follows it, no fork.
    const b = viewAt(uniqueExternalId('DELTA'), 1);
    await project.projectComplaintChange({ full: b });
    await expect(store.append(intake(b.ticketId), { newChain: true })).resolves.toMatchObject({ seq: 2 });
    expect((await store.list(b.ticketId)).map((e) => e.action)).toEqual(['STEP_1', 'INTAKE']);
    await expect(store.verify(b.ticketId)).resolves.toMatchObject({ ok: true, entries: 2, headSeq: 2 });
  });

  it('S5 a projection with several new entries writes them in one request; when the head lags they follow the API entry one by one, without a fork', async () => {
    const store = createAuditStore(models.Complaint.db);
    // Several entries at once, head up to date: one batch, one chain.
    const a = uniqueExternalId('DELTA');
    const a1 = viewAt(a, 1);
    await project.projectComplaintChange({ full: a1 });
    const inserts = jest.spyOn(models.Complaint.db.model('Audit'), 'insertMany');
    await project.projectComplaintChange(deltaFrom(a1, viewAt(a, 4)));
    expect(inserts.mock.calls.map(([docs]) => (docs as unknown[]).length)).toEqual([3]);
    inserts.mockRestore();
    expect((await store.list(a1.ticketId)).map((e) => [e.seq, e.action])).toEqual([
      [1, 'STEP_1'],
      [2, 'STEP_2'],
      [3, 'STEP_3'],
      [4, 'STEP_4'],
    ]);
    await expect(store.verify(a1.ticketId)).resolves.toMatchObject({ ok: true, entries: 4, headSeq: 4 });

    // The batch meets an API entry the lagging head does not show: nothing of it is written, and
    // the entries go one by one after the API's.
    const b = uniqueExternalId('DELTA');
    const b1 = viewAt(b, 1);
    await project.projectComplaintChange({ full: b1 });
    const first = (await store.list(b1.ticketId))[0]!;
    await store.append({
      ticketId: b1.ticketId,
      at: new Date().toISOString(),
      actor: 'handler.li',
      roles: ['handler'],
      source: 'api',
      action: 'TRIAGE',
    });
    await store.Head.updateOne({ _id: b1.ticketId }, { $set: { seq: first.seq, hash: first.hash } });
    await project.projectComplaintChange(deltaFrom(b1, viewAt(b, 4)));
    expect((await store.list(b1.ticketId)).map((e) => e.action)).toEqual([
      'STEP_1',
      'TRIAGE',
      'STEP_2',
      'STEP_3',
      'STEP_4',
    ]);
    await expect(store.verify(b1.ticketId)).resolves.toMatchObject({ ok: true, entries: 5, headSeq: 5 });
    // A retry of the same projection audits nothing twice.
    await project.projectComplaintChange(deltaFrom(b1, viewAt(b, 4)));
    expect(await store.list(b1.ticketId)).toHaveLength(5);
  });
});
