// Issue 22 on the real local stack, through HTTP: personal data kept only as long as needed (S8.1),
// a person's export and erasure with legal holds (S8.2), and an erasure that leaves no personal
// value anywhere and the audit chains verifiable (S8.3). Complaints are planted with known
// personal values and driven to a finished workflow; then every collection of the database (listed
// by the driver), every workflow history of the namespace (decoded with the codec) and the
// Twilio simulator's recordings are searched for those values.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import mongoose from 'mongoose';
import { keysAt } from '../../domain/reports/periods';
import { complaintWorkflowId } from '../../workflows/complaint/contract';
import { DEFAULT_RETENTION_POLICY } from '../../domain/policy/retention';
import { dataConverterFromEnv } from '../../platform/data-converter';
import { intakeBody, uniqueMobile } from '../support/fixtures';
import { searchDatabase, searchHistories, simRecordingsTo, type Hit } from '../support/privacy';
import { eventually, KEYS, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let connection: Connection;
let client: Client;
let mongo: mongoose.Connection;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  stack = await startTestStack({ POLICY_FILE: path.resolve(__dirname, '../fixtures/policy-privacy.json') });
  connection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  client = new Client({
    connection,
    namespace: stack.env.TEMPORAL_NAMESPACE,
    dataConverter: dataConverterFromEnv(stack.env),
  });
  mongo = await mongoose.createConnection(stack.env.MONGODB_URI!).asPromise();
  for (const user of ['privacy.officer', 'admin.root']) {
    const res = await stack.http.request<{ access_token: string }>('POST', '/dev/token', {
      key: null,
      body: { user },
    });
    tokens[user] = res.body.access_token;
  }
}, 600_000);

afterAll(async () => {
  await mongo?.close();
  await connection?.close();
  await stack?.dispose();
}, 60_000);

const officer = () => tokens['privacy.officer']!;
const admin = () => tokens['admin.root']!;

/** Personal values unique to one planted complaint (none of them a substring of another's). */
function personal(number = uniqueMobile()) {
  const tag = randomBytes(4).toString('hex');
  return {
    number,
    calling: uniqueMobile(),
    imei: `86${String(Date.now()).slice(-9)}${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`,
    name: `测试客户${tag}`,
    address: `北京市海淀区隐私路${tag}号`,
    description: `隐私测试${tag}：家中客厅完全没有信号`,
    extra: `客户补充${tag}：晚上尤其严重`,
    note: `已联系客户 ${number} ${tag}`,
  };
}
type Planted = ReturnType<typeof personal>;
/** What must be gone: every value, the number also without + and without +86. */
const needles = (p: Planted) => [
  ...Object.values(p),
  p.number.slice(1),
  p.number.slice(3),
  p.calling.slice(3),
];

const sim = (p: string, body?: unknown) =>
  fetch(`${stack.urls.twilioSim}/_sim${p}`, {
    method: body === undefined ? 'GET' : 'PUT',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

type View = { stage: string; input: { description: string }; consentEvidence: { kind?: string }[] };
const act = (id: string, step: string, body: unknown) =>
  stack.http.post<View & { message?: string }>(`/v1/complaints/${id}/${step}`, body, KEYS.supervisor);

/** Files a complaint with the planted values and works it up to resolved. */
async function fileResolved(p: Planted, opts: { disputeProne?: boolean } = {}): Promise<string> {
  // The customer answers every call with key 1 (satisfied): the care callback ends the workflow.
  expect(
    (await sim(`/customers/${encodeURIComponent(p.number)}`, { call: 'answer', digits: '1' })).status,
  ).toBe(200);
  const res = await stack.http.post<{ ticketId: string }>(
    '/v1/complaints',
    intakeBody({
      description: p.description,
      extra: p.extra,
      location: { region: 'haidian', address: p.address, cellId: '460-00-12345-1' },
      terminal: { model: 'Huawei Mate 60', imei: p.imei },
      numbers: { callback: p.number, calling: p.calling },
      customer: { name: p.name, vipLevel: 0, language: 'zh-CN' },
    }),
    KEYS.intake,
  );
  expect(res.status).toBe(201);
  const id = res.body.ticketId;
  if (opts.disputeProne)
    expect((await act(id, 'dispute-prone', { reason: '客户表示要向工信部申诉' })).status).toBe(200);
  expect((await act(id, 'triage', { decision: 'SELF', note: p.note })).status).toBe(200);
  expect(
    (await act(id, 'findings', { checked: '话统、告警', found: `${p.address} 附近小区驻波比告警` })).status,
  ).toBe(200);
  expect(
    (
      await act(id, 'resolve', {
        summary: '更换天馈线后小区指标恢复正常',
        rootCause: '天馈驻波比异常',
        actions: '更换天馈线，复测正常',
      })
    ).status,
  ).toBe(200);
  return id;
}

/** A resolved complaint answered by phone and closed; its workflow then finishes (care callback). */
async function plantClosed(p: Planted): Promise<string> {
  const id = await fileResolved(p);
  expect(
    (
      await act(id, 'replies', {
        kind: 'FINAL',
        method: 'PHONE',
        summary: '电话告知客户已更换天馈线',
        customerConfirmed: true,
        satisfied: true,
      })
    ).status,
  ).toBe(200);
  expect((await act(id, 'close', { note: `客户满意 ${p.number}` })).status).toBe(200);
  return id;
}

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** A dispute-prone complaint with the customer's signature, closed; the care callback is recorded. */
async function plantDisputed(p: Planted): Promise<string> {
  const id = await fileResolved(p, { disputeProne: true });
  expect(
    (await act(id, 'signature-requests', { message: '经查为天馈驻波比异常，已更换天馈线，复测正常。' }))
      .status,
  ).toBe(200);
  const link = await eventually(async () => {
    const list = (await (await sim(`/messages?to=${encodeURIComponent(p.number)}`)).json()) as {
      body: string;
    }[];
    return list.map((m) => /\/sign\/([A-Za-z0-9_-]{32})/.exec(m.body)?.[0]).find(Boolean);
  });
  const signed = await fetch(stack.urls.api + link, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ answer: 'SATISFIED', png: `data:image/png;base64,${PNG}` }),
  });
  expect(signed.status).toBe(201);
  await eventually(async () => {
    const v = await stack.http.get<View>(`/v1/complaints/${id}`, KEYS.supervisor);
    return v.body.consentEvidence?.some((e) => e.kind === 'signature') ? true : undefined;
  });
  expect((await act(id, 'close', {})).status).toBe(200);
  return id;
}

async function finished(ticketId: string): Promise<void> {
  await eventually(
    async () => {
      const d = await client.workflow.getHandle(complaintWorkflowId(ticketId)).describe();
      return d.status.name === 'COMPLETED' ? true : undefined;
    },
    120_000,
    `the workflow of ${ticketId} to finish`,
  );
}

async function gone(workflowId: string): Promise<void> {
  await eventually(
    async () => {
      try {
        await client.workflow.getHandle(workflowId).describe();
        return undefined;
      } catch (err) {
        return err instanceof WorkflowNotFoundError ? true : undefined;
      }
    },
    60_000,
    `${workflowId} deleted`,
  );
}

/** The complaint's workflow and the contact workflows it started (from its view). */
async function workflowsOf(ticketId: string): Promise<string[]> {
  const v = await stack.http.get<{ contacts: { workflowId: string }[] }>(
    `/v1/complaints/${ticketId}`,
    KEYS.supervisor,
  );
  return [complaintWorkflowId(ticketId), ...v.body.contacts.map((c) => c.workflowId)];
}

/** The retention policy through the API; returns the answer. */
async function setRetention(body: unknown) {
  const res = await stack.http.post<{ version: number; temporal: { hours?: number; error?: string } }>(
    '/v1/admin/retention',
    body,
    officer(),
  );
  expect(res.status).toBe(201);
  return res.body;
}

/** Triggers the retention Schedule and waits for the sweep it starts to be recorded. */
async function sweep(): Promise<{
  totals: { complaints: number; skipped: number; workflowsDeleted: number };
}> {
  const since = Date.now();
  // Out of its schedule only with a reason (400 naming it without one).
  const noReason = await stack.http.post<{ message: string }>('/v1/admin/retention/sweeps', {}, officer());
  expect(noReason.status).toBe(400);
  expect(noReason.body.message).toContain('reason');
  expect(
    (await stack.http.post('/v1/admin/retention/sweeps', { reason: '测试：保留期到期' }, officer())).status,
  ).toBe(202);
  return eventually(
    async () => {
      const res = await stack.http.get<{
        items: {
          finishedAt: string;
          trigger: string;
          result: { totals: { complaints: number; skipped: number; workflowsDeleted: number } };
        }[];
      }>('/v1/admin/retention/sweeps?limit=5', officer());
      const run = res.body.items.find((i) => Date.parse(i.finishedAt) >= since);
      return run?.result;
    },
    120_000,
    'the sweep to finish',
  );
}

/** The weekly report of this week, produced now (not e-mailed): its figures without run details. */
async function reportNow(): Promise<Record<string, unknown>> {
  const period = keysAt(Date.now(), stack.env.REPORT_TIMEZONE ?? 'Asia/Shanghai').weekKey;
  const res = await stack.http.post<{ id: string }>(
    '/v1/reports',
    { kind: 'weekly', period, deliver: false },
    admin(),
  );
  expect(res.status).toBe(201);
  const report = await stack.http.get<Record<string, unknown>>(`/v1/reports/${res.body.id}`, admin());
  const {
    generatedAt: _g,
    requestedBy: _r,
    source: _s,
    revision: _v,
    runId: _u,
    links: _l,
    ...figures
  } = report.body;
  return figures;
}

const audit = (id: string) =>
  stack.http.get<{ ok: boolean; entries: number; erased: number; problems: unknown[] }>(
    `/v1/admin/audit/${id}/verify`,
    admin(),
  );

const only = (hits: Hit[]) => hits.map((h) => `${h.where} ${h.id}: ${h.value}`);

describe('S8.1 retention: personal data goes when its retention ends, reports keep their figures', () => {
  it("S8.1 the policy sets Temporal's retention of closed histories on the namespace", async () => {
    const out = await setRetention({
      ...DEFAULT_RETENTION_POLICY,
      version: undefined,
      other: { ...DEFAULT_RETENTION_POLICY.other, temporalHistories: '2h' },
    });
    expect(out.temporal).toMatchObject({ hours: 2 });
    const read = await stack.http.get<{ temporal: { hours: number } }>('/v1/admin/retention', officer());
    expect(read.body.temporal.hours).toBe(2);
    const bad = await stack.http.post<{ message: string }>(
      '/v1/admin/retention',
      {
        ...DEFAULT_RETENTION_POLICY,
        complaint: { ...DEFAULT_RETENTION_POLICY.complaint, recordings: 'forever' },
      },
      officer(),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/complaint\.recordings/);
    expect((await stack.http.get('/v1/admin/retention', KEYS.supervisor)).status).toBe(403);
  });

  it('S8.1 a closed complaint past a short retention is anonymised everywhere; a dispute-prone one waits for its longer retention', async () => {
    const a = personal();
    const b = personal();
    const [idA, idB] = await Promise.all([plantClosed(a), plantDisputed(b)]);
    await Promise.all([finished(idA), finished(idB)]);
    // Recorded evidence of the disputed complaint (its care callback) and its signature are there.
    const evidence = await mongo.collection('evidence').countDocuments({ ticketId: idB });
    expect(evidence).toBeGreaterThan(0);
    expect(await simRecordingsTo(stack.urls.twilioSim, b.number)).not.toHaveLength(0);
    expect(await mongo.collection('signatures').countDocuments({ ticketId: idB })).toBe(1);
    const before = await searchDatabase(mongo, needles(a));
    expect(before.length).toBeGreaterThan(5);

    // Age them past retention: 1 s for every kind, 40 s for dispute-prone complaints.
    const keep = (d: string) => ({
      complaintPersonal: d,
      recordings: d,
      signatures: d,
      outboxBodies: d,
      auditDetails: d,
    });
    await setRetention({
      complaint: keep('1s'),
      overrides: [{ reason: 'disputes', match: { disputeProne: true }, keep: keep('40s') }],
      other: { vipProfiles: '1s', exports: '1h', temporalHistories: '2h' },
    });
    const reportBefore = await reportNow();
    const closedB = Date.now();

    const [workflowsA, workflowsB] = await Promise.all([workflowsOf(idA), workflowsOf(idB)]);
    const first = await sweep();
    expect(first.totals.complaints).toBeGreaterThanOrEqual(1);
    // A: nothing personal in any collection, any history, any recording.
    for (const id of workflowsA) await gone(id);
    expect(only(await searchDatabase(mongo, needles(a)))).toEqual([]);
    const histories = await searchHistories(client, stack.env, needles(a));
    expect(histories.executions.length).toBeGreaterThan(3);
    expect(only(histories.hits)).toEqual([]);
    // Its read model still answers, without the person; the repeat check keeps only the hash.
    const viewA = await stack.http.get<View & { input: { numbers: { callback: string } } }>(
      `/v1/complaints/${idA}`,
      KEYS.supervisor,
    );
    expect(viewA.status).toBe(200);
    expect(viewA.body).toMatchObject({
      stage: 'CLOSED',
      input: { description: '[erased]', numbers: { callback: '[erased]' } },
    });
    const summary = await mongo.collection('complaints').findOne({ _id: idA as never });
    expect(summary).toMatchObject({
      callbackHash: expect.stringMatching(/^[0-9a-f]{32}$/),
      privacy: { complete: true },
    });
    // B is dispute-prone: still all there within its 40 s.
    expect((await searchDatabase(mongo, [b.description, b.address])).length).toBeGreaterThan(0);
    // Reports give the same figures; the audit chain verifies with its details erased.
    expect(await reportNow()).toEqual(reportBefore);
    const verifiedA = await audit(idA);
    expect(verifiedA.body).toMatchObject({ ok: true, problems: [] });
    expect(verifiedA.body.erased).toBeGreaterThan(0);

    // Past the dispute retention, the next sweep removes B too: recordings here and at the provider.
    await new Promise((r) => setTimeout(r, Math.max(0, closedB + 41_000 - Date.now())));
    await sweep();
    for (const id of workflowsB) await gone(id);
    expect(only(await searchDatabase(mongo, needles(b)))).toEqual([]);
    expect(only((await searchHistories(client, stack.env, needles(b))).hits)).toEqual([]);
    expect(await simRecordingsTo(stack.urls.twilioSim, b.number)).toEqual([]);
    expect(await mongo.collection('signatures').countDocuments({ ticketId: idB })).toBe(0);
    expect(await mongo.collection('evidence_media').countDocuments({})).toBe(0);
    expect(await mongo.collection('evidence').findOne({ ticketId: idB })).toMatchObject({
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      mediaStored: false,
    });
    expect((await audit(idB)).body).toMatchObject({ ok: true, problems: [] });
    expect(await reportNow()).toEqual(reportBefore);
  }, 600_000);
});

interface RequestView {
  requestId: string;
  state: string;
  status?: {
    found?: { complaints: { ticketId: string; hold?: string }[]; vipProfile: boolean };
    erased: string[];
    held: { ticketId: string; reason: string }[];
  };
  trail: { action: string; detail?: string }[];
  trailVerified: boolean;
}

async function request(kind: 'EXPORT' | 'ERASE', number: string): Promise<RequestView> {
  const res = await stack.http.post<{ requestId: string }>(
    '/v1/admin/privacy/requests',
    { kind, number, reason: '客户本人来电，已核验身份证件' },
    officer(),
  );
  expect(res.status).toBe(202);
  return eventually(
    async () => {
      const r = await stack.http.get<RequestView>(
        `/v1/admin/privacy/requests/${res.body.requestId}`,
        officer(),
      );
      return r.body.state === 'DONE' || r.body.state === 'FAILED' ? r.body : undefined;
    },
    120_000,
    `the ${kind} request`,
  );
}

describe('S8.2 S8.3 a person asks what is kept about them, and to be erased', () => {
  it('S8.2 S8.3 export finds everything; erasure removes it except what a legal hold keeps, and the audit chains verify', async () => {
    // Long retention again: nothing but the request removes anything here.
    await setRetention({ ...DEFAULT_RETENTION_POLICY, version: undefined });
    const number = uniqueMobile();
    const closed = personal(number);
    const disputed = personal(number);
    const open = personal(number);
    const idClosed = await plantClosed(closed);
    const idOpen = await fileResolved(open);
    // A dispute-prone complaint still being handled (it is both; the dispute is the hold named).
    const idDisputed = await fileResolved(disputed, { disputeProne: true });
    await finished(idClosed);
    const workflowsClosed = await workflowsOf(idClosed);
    const vip = await stack.http.post<{ profileId: string }>(
      '/v1/vips',
      {
        number,
        name: closed.name,
        vipLevel: 1,
        assistants: [{ name: '秘书', email: 'assistant@example.com' }],
      },
      admin(),
    );
    expect(vip.status).toBe(201);

    // Export: one JSON document with every complaint, the VIP profile, contacts and audit entries.
    const exported = await request('EXPORT', number);
    expect(exported.state).toBe('DONE');
    // A finished request no longer holds the number.
    expect(
      await mongo.collection('privacy_requests').findOne({ _id: exported.requestId as never }),
    ).not.toHaveProperty('subject');
    expect(exported.status?.found?.complaints.map((c) => c.ticketId).sort()).toEqual(
      [idClosed, idDisputed, idOpen].sort(),
    );
    expect(exported.status?.found?.vipProfile).toBe(true);
    const doc = await fetch(`${stack.urls.api}/v1/admin/privacy/requests/${exported.requestId}/export`, {
      headers: { authorization: `Bearer ${officer()}` },
    });
    expect(doc.status).toBe(200);
    const text = await doc.text();
    for (const v of [number, closed.description, disputed.address, open.imei, closed.note])
      expect({ v, found: text.includes(v) }).toEqual({ v, found: true });
    const json = JSON.parse(text) as {
      vipProfile: { name: string };
      auditEntries: Record<string, unknown[]>;
    };
    expect(json.vipProfile.name).toBe(closed.name);
    expect(json.auditEntries[idClosed]!.length).toBeGreaterThan(3);

    // Erase: the closed complaint goes; the open one and the disputed one are held, with the reason.
    const erased = await request('ERASE', number);
    expect(erased.state).toBe('DONE');
    expect(erased.status?.erased).toEqual([idClosed]);
    expect(erased.status?.held).toEqual(
      expect.arrayContaining([
        { ticketId: idDisputed, reason: expect.stringMatching(/dispute-prone/) },
        { ticketId: idOpen, reason: expect.stringMatching(/open/) },
      ]),
    );
    expect(erased.trail.map((t) => t.action)).toEqual(
      expect.arrayContaining(['REQUESTED_ERASE', 'FOUND', 'HELD', 'ERASED', 'ERASED_SUBJECT', 'DONE']),
    );
    expect(erased.trailVerified).toBe(true);
    expect((await stack.http.get(`/v1/vips/${vip.body.profileId}`, admin())).status).toBe(404);
    expect(
      (
        await fetch(`${stack.urls.api}/v1/admin/privacy/requests/${exported.requestId}/export`, {
          headers: { authorization: `Bearer ${officer()}` },
        })
      ).status,
    ).toBe(404);

    // S8.3: none of the erased complaint's values anywhere; the number only where a hold keeps it.
    for (const id of workflowsClosed) await gone(id);
    const own = [closed.description, closed.address, closed.imei, closed.name, closed.extra, closed.note];
    expect(only(await searchDatabase(mongo, own))).toEqual([]);
    const history = await searchHistories(client, stack.env, [...own, number, number.slice(3)]);
    expect(
      only(history.hits.filter((h) => !h.owner.includes(idDisputed) && !h.owner.includes(idOpen))),
    ).toEqual([]);
    const numberHits = await searchDatabase(mongo, [number, number.slice(3)]);
    expect(numberHits.length).toBeGreaterThan(0);
    expect(
      only(numberHits.filter((h) => !h.owner.includes(idDisputed) && !h.owner.includes(idOpen))),
    ).toEqual([]);
    // The held complaints keep everything (legal hold).
    expect((await searchDatabase(mongo, [disputed.description, open.description])).length).toBeGreaterThan(1);
    // Every audit chain still verifies; the erased complaint's records the erasure.
    const chain = await audit(idClosed);
    expect(chain.body).toMatchObject({ ok: true, problems: [] });
    expect(chain.body.erased).toBeGreaterThan(0);
    const entries = await stack.http.get<{ entries: { action: string; detail?: string }[] }>(
      `/v1/admin/audit/${idClosed}`,
      admin(),
    );
    expect(entries.body.entries.at(-1)).toMatchObject({
      action: 'PERSONAL_DATA_ERASED',
      detail: expect.stringContaining(erased.requestId),
    });
    for (const id of [idDisputed, idOpen, erased.requestId, exported.requestId])
      expect((await audit(id)).body).toMatchObject({ ok: true, problems: [] });
  }, 600_000);
});
