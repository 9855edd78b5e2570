// Issue 8 on the real local stack, through HTTP: encrypted histories and the codec server (S3),
// people's JWTs from the dev issuer (S1), every route × role cell (S2), Twilio replay protection
// (S4), the audit chain and its tamper detection (S5), and the edge (S6).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import express from 'express';
import mongoose from 'mongoose';
import twilio from 'twilio';
import { createAuditStore } from '../../activities/audit';
import { createModels } from '../../activities/models';
import { markSmsSent } from '../../activities/notifications';
import { ACCESS, grantedRoles, type AccessRule } from '../../api/access';
import { SEED_USERS } from '../../api/dev-auth';
import { rejectReplayedWebhooks, webhookReceiptModel } from '../../api/webhook-replay';
import { verifyTwilioSignature } from '../../api/webhooks';
import { complaintWorkflowId } from '../../workflows/complaint/contract';
import { intakeBody } from '../support/fixtures';
import { eventually, KEYS, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let temporalConnection: Connection;
let mongo: mongoose.Connection;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  // The local stack opens the codec server for the dev UI; here it is authenticated as in production.
  stack = await startTestStack({ CODEC_AUTH: 'on' });
  temporalConnection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  mongo = await mongoose.createConnection(stack.env.MONGODB_URI!).asPromise();
  for (const user of Object.keys(SEED_USERS)) tokens[user] = await devToken(user);
}, 600_000);

afterAll(async () => {
  await mongo?.close();
  await temporalConnection?.close();
  await stack?.dispose();
}, 60_000);

async function devToken(user: string): Promise<string> {
  const res = await stack.http.request<{ access_token: string }>('POST', '/dev/token', {
    key: null,
    body: { user },
  });
  expect(res.status).toBe(200);
  return res.body.access_token;
}

type View = { ticketId: string; stage: string; workflowId?: string; timeline: { action: string }[] };

async function file(over: Record<string, unknown> = {}): Promise<{ id: string; workflowId: string }> {
  const res = await stack.http.post<{ ticketId: string; workflowId: string }>(
    '/v1/complaints',
    intakeBody(over),
    KEYS.intake,
  );
  expect(res.status).toBe(201);
  await eventually(
    async () =>
      (await stack.http.get(`/v1/complaints/${res.body.ticketId}`, KEYS.supervisor)).status === 200
        ? true
        : undefined,
    30_000,
    'complaint readable',
  );
  return { id: res.body.ticketId, workflowId: res.body.workflowId };
}

// Personal data that must never be in a Temporal history in clear.
const SECRETS = {
  callback: '+8613912345678',
  calling: '+8613587654321',
  imei: '861234567890123',
  imsi: '460007654321098',
  address: '北京市海淀区知春路99号院',
  description: '知春路家中客厅完全没有信号，邻居也一样',
};

describe('S3 personal data is encrypted in Temporal and readable through the codec server', () => {
  let complaint: { id: string; workflowId: string };
  let history: temporal.api.history.v1.IHistory;

  beforeAll(async () => {
    complaint = await file({
      description: SECRETS.description,
      location: { region: 'haidian', address: SECRETS.address, cellId: '460-00-12345-1' },
      terminal: { model: 'Huawei Mate 60', imei: SECRETS.imei },
      numbers: { callback: SECRETS.callback, calling: SECRETS.calling },
      extra: `客户 IMSI ${SECRETS.imsi}`,
    });
    const act = (step: string, body: unknown) =>
      stack.http.post(`/v1/complaints/${complaint.id}/${step}`, body, KEYS.supervisor);
    expect((await act('triage', { decision: 'SELF', note: `已联系 ${SECRETS.callback}` })).status).toBe(200);
    expect(
      (await act('findings', { checked: '话统指标', found: `${SECRETS.address} 附近小区退服` })).status,
    ).toBe(200);
    // The raw history, as the Temporal server stores it, read by a client WITHOUT the codec.
    const raw = new Client({ connection: temporalConnection });
    history = await eventually(
      async () => {
        const h = await raw.workflow.getHandle(complaint.workflowId).fetchHistory();
        return (h.events ?? []).some((e) => e.activityTaskCompletedEventAttributes) ? h : undefined;
      },
      30_000,
      'history with completed activities',
    );
  });

  it('S3 a raw history holds no phone number, IMSI, IMEI, address or description in clear', () => {
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    expect(bytes.length).toBeGreaterThan(1000);
    const needles = [
      ...Object.values(SECRETS),
      SECRETS.callback.slice(1),
      SECRETS.callback.slice(3),
      SECRETS.calling.slice(3),
      '知春路',
    ];
    for (const secret of needles)
      expect({ secret, found: bytes.includes(Buffer.from(secret, 'utf8')) }).toEqual({
        secret,
        found: false,
      });
    // Payloads are sealed with the codec's encoding and key id; search attributes stay searchable.
    const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
    const payload = started.input!.payloads![0]!;
    expect(Buffer.from(payload.metadata!.encoding!).toString()).toBe('binary/encrypted');
    expect(Buffer.from(payload.metadata!['encryption-key-id']!).toString()).toBe(stack.env.PAYLOAD_KEY_ID);
    expect(Object.keys(started.searchAttributes?.indexedFields ?? {})).toContain('TicketId');
  });

  it('S3 the API (with the codec) still answers with the clear complaint', async () => {
    const res = await stack.http.get<{ input: { description: string; numbers: { callback: string } } }>(
      `/v1/complaints/${complaint.id}`,
      KEYS.supervisor,
    );
    expect(res.status).toBe(200);
    expect(res.body.input.description).toBe(SECRETS.description);
    expect(res.body.input.numbers.callback).toBe(SECRETS.callback);
    // And a client with the product's data converter decodes the same history's query.
  });

  it('S3 POST /codec/decode gives the clear payload to an authorised person, 401 without credentials, 403 otherwise', async () => {
    const payload = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    const body = {
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(payload.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
          ),
          data: Buffer.from(payload.data!).toString('base64'),
        },
      ],
    };
    const decode = (auth: Record<string, string>) =>
      fetch(`${stack.urls.api}/codec/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...auth },
        body: JSON.stringify(body),
      });
    const ok = await decode({ authorization: `Bearer ${tokens['supervisor.wang']}` });
    expect(ok.status).toBe(200);
    const out = (await ok.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(Buffer.from(out.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('json/plain');
    const clear = JSON.parse(Buffer.from(out.payloads[0]!.data, 'base64').toString()) as {
      description: string;
      numbers: { callback: string };
    };
    expect(clear.description).toBe(SECRETS.description);
    expect(clear.numbers.callback).toBe(SECRETS.callback);
    expect((await decode({})).status).toBe(401);
    expect((await decode({ authorization: `Bearer ${tokens['handler.li']}` })).status).toBe(403);
    expect((await decode({ authorization: `Bearer ${tokens['analyst.sun']}` })).status).toBe(403);
    // A tampered payload is a 400, not a crash.
    body.payloads[0]!.data = Buffer.from(
      Buffer.from(payload.data!).map((b, i) => (i === 30 ? b ^ 1 : b)),
    ).toString('base64');
    const tampered = await decode({ authorization: `Bearer ${tokens['admin.root']}` });
    expect(tampered.status).toBe(400);
    expect(await tampered.json()).toMatchObject({ error: 'undecodable_payload' });
  });

  it('S3 the codec server answers the Temporal UI origin only (preflight with X-Namespace), and the UI is pointed at it', async () => {
    const preflight = (origin: string) =>
      fetch(`${stack.urls.api}/codec/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace,authorization',
        },
      });
    const ui = new URL(stack.urls.temporalUi).origin;
    const ok = await preflight(ui);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ui);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/x-namespace/);
    expect(ok.headers.get('access-control-allow-methods')).toMatch(/POST/);
    const evil = await preflight('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const settings = (await (await fetch(`${stack.urls.temporalUi}/api/v1/settings`)).json()) as {
      Codec?: { Endpoint?: string };
    };
    expect(settings.Codec?.Endpoint).toBe(`${stack.urls.api}/codec`);
  });
});

describe('S3 no personal data in the logs of the API and the worker', () => {
  it('S3 api.log and worker.log hold none of the complaint numbers, IMSI, IMEI or tokens', async () => {
    // Let the requests above reach the logs.
    await new Promise((r) => setTimeout(r, 500));
    const logs = readdirSync(stack.logDir).filter((f) => /^(api|worker)(-\d+)?\.log$/.test(f));
    expect(logs).toEqual(expect.arrayContaining(['api.log', 'worker.log']));
    const text = logs.map((f) => readFileSync(`${stack.logDir}/${f}`, 'utf8')).join('\n');
    expect(text).toMatch(/request/);
    for (const secret of [SECRETS.callback.slice(3), SECRETS.calling.slice(3), SECRETS.imei, SECRETS.imsi])
      expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
    for (const token of Object.values(tokens)) expect(text.includes(token)).toBe(false);
    expect(text.includes(KEYS.supervisor)).toBe(false);
  });
});

describe('S1 S2 every route × role cell over HTTP', () => {
  let fixture: string;
  type Caller = { name: string; auth: string; roles: string[] };
  let callers: Caller[];

  beforeAll(async () => {
    // One complaint inside every caller's assignment: team haidian, VIP, filed by the intake key,
    // transferred to the network department.
    const c = await file({ customer: { vipLevel: 2, language: 'zh-CN' } });
    fixture = c.id;
    const t = await stack.http.post(
      `/v1/complaints/${fixture}/triage`,
      { decision: 'TRANSFER', department: 'network' },
      KEYS.supervisor,
    );
    expect(t.status).toBe(200);
    callers = [
      ...Object.entries(SEED_USERS).map(([user, u]) => ({
        name: `${user} (JWT)`,
        auth: `Bearer ${tokens[user]!}`,
        roles: u.roles,
      })),
      { name: 'dev-intake-key (API key)', auth: `Bearer ${KEYS.intake}`, roles: ['intake'] },
      { name: 'dev-handler-key (API key)', auth: `Bearer ${KEYS.handler}`, roles: ['handler'] },
    ];
  });

  const protectedRules = () => ACCESS.filter((r) => r.auth === 'roles' || r.auth === 'codec');
  const call = (rule: AccessRule, auth?: string) => {
    const path = rule.path.replace('{id}', fixture).replace('{ticketId}', fixture);
    // POST bodies are invalid on purpose: an allowed caller gets 400 and nothing changes.
    return fetch(`${stack.urls.api}${path}`, {
      method: rule.method,
      headers: { ...(auth ? { authorization: auth } : {}), 'content-type': 'application/json' },
      body: rule.method === 'POST' ? JSON.stringify({ unexpected: true }) : undefined,
    });
  };

  it('S2 without credentials every protected route answers 401', async () => {
    for (const rule of protectedRules())
      expect({ route: `${rule.method} ${rule.path}`, status: (await call(rule)).status }).toEqual({
        route: `${rule.method} ${rule.path}`,
        status: 401,
      });
  });

  it('S1 S2 each caller is allowed exactly where the table says (allowed → not 401/403, denied → 403)', async () => {
    const cells: { cell: string; status: number; expected: string }[] = [];
    for (const rule of protectedRules())
      for (const caller of callers) {
        const allowed = grantedRoles(rule, { roles: caller.roles }).length > 0;
        const status = (await call(rule, caller.auth)).status;
        const ok = allowed ? status !== 401 && status !== 403 && status < 500 : status === 403;
        cells.push({
          cell: `${rule.method} ${rule.path} × ${caller.name}`,
          status,
          expected: allowed ? 'allowed' : '403',
        });
        if (!ok) cells.push({ cell: 'FAILED ↑', status, expected: allowed ? 'allowed' : '403' });
      }
    expect(cells.filter((c) => c.cell === 'FAILED ↑')).toEqual([]);
    expect(cells.length).toBe(protectedRules().length * callers.length);
  });

  it('S1 a forged, re-signed or foreign token is refused with 401', async () => {
    const [h, , sig] = tokens['handler.li']!.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'handler.li', roles: ['admin'], exp: 9999999999 })).toString('base64url')}.${sig}`;
    const get = (token: string) => stack.http.get(`/v1/complaints/${fixture}`, token);
    expect((await get(forged)).status).toBe(401);
    expect((await get(`${h}.e30.`)).status).toBe(401);
    expect((await get(tokens['handler.li']!)).status).toBe(200);
  });

  it('S2 a handler sees and changes only complaints of their assignment; departments and VIP managers likewise', async () => {
    const other = await file({ location: { region: 'chaoyang', address: '朝阳区建国路1号' } });
    const li = tokens['handler.li']!;
    expect((await stack.http.get(`/v1/complaints/${other.id}`, li)).status).toBe(403);
    const refused = await stack.http.post<{ message: string }>(
      `/v1/complaints/${other.id}/triage`,
      { decision: 'SELF' },
      li,
    );
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/not assigned/);
    expect((await stack.http.get(`/v1/complaints/${other.id}`, KEYS.supervisor)).body).toMatchObject({
      stage: 'RECEIVED',
    });
    // handler.zhao of the same team may act on a haidian complaint that handler.li took.
    const mine = await file();
    expect((await stack.http.post(`/v1/complaints/${mine.id}/triage`, { decision: 'SELF' }, li)).status).toBe(
      200,
    );
    expect(
      (
        await stack.http.post(
          `/v1/complaints/${mine.id}/findings`,
          { checked: '告警、话统', found: '未见异常告警' },
          tokens['handler.zhao']!,
        )
      ).status,
    ).toBe(200);
    // Lists hold only the caller's assignment.
    const list = await stack.http.get<{ items: { ticketId: string }[] }>('/v1/complaints?limit=200', li);
    const ids = list.body.items.map((i) => i.ticketId);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(other.id);
    // The network department reads only what was transferred to it; the VIP manager only VIP complaints.
    expect((await stack.http.get(`/v1/complaints/${fixture}`, tokens['dept.network']!)).status).toBe(200);
    expect((await stack.http.get(`/v1/complaints/${other.id}`, tokens['dept.network']!)).status).toBe(403);
    expect((await stack.http.get(`/v1/complaints/${fixture}`, tokens['vip.manager']!)).status).toBe(200);
    expect((await stack.http.get(`/v1/complaints/${other.id}`, tokens['vip.manager']!)).status).toBe(403);
    const verified = await stack.http.post<View>(
      `/v1/complaints/${fixture}/verification`,
      { department: 'network', result: '核查：基站传输中断已恢复' },
      tokens['dept.network']!,
    );
    expect(verified.status).toBe(200);
    expect(verified.body.stage).toBe('IN_PROGRESS');
  });
});

describe('S5 R10.2 the audit trail', () => {
  const audit = (id: string) =>
    stack.http.get<{
      entries: {
        seq: number;
        actor: string;
        roles: string[];
        source: string;
        action: string;
        ip?: string;
        stageBefore?: string;
        stageAfter?: string;
      }[];
    }>(`/v1/admin/audit/${id}`, tokens['admin.root']!);
  const verify = (id: string) =>
    stack.http.get<{ ok: boolean; entries: number; problems: { seq: number; problem: string }[] }>(
      `/v1/admin/audit/${id}/verify`,
      tokens['admin.root']!,
    );

  async function auditedComplaint(): Promise<string> {
    const { id } = await file();
    const li = tokens['handler.li']!;
    expect((await stack.http.post(`/v1/complaints/${id}/triage`, { decision: 'SELF' }, li)).status).toBe(200);
    expect(
      (
        await stack.http.post(
          `/v1/complaints/${id}/findings`,
          { checked: '告警、话统', found: '驻波比告警' },
          li,
        )
      ).status,
    ).toBe(200);
    await eventually(
      async () => {
        const a = await audit(id);
        const wf = a.body.entries?.filter((e) => e.source === 'workflow').map((e) => e.action) ?? [];
        return wf.includes('FINDINGS') && wf.includes('ACK_SMS_SENT') ? a : undefined;
      },
      30_000,
      'audit of the timeline',
    );
    return id;
  }

  it('S5 R10.2 every human action is recorded with who, role, what, when, from where and the stages; system actions too', async () => {
    const id = await auditedComplaint();
    const { status, body } = await audit(id);
    expect(status).toBe(200);
    const api = body.entries.filter((e) => e.source === 'api');
    expect(api.map((e) => e.action)).toEqual(['INTAKE', 'TRIAGE', 'FINDINGS']);
    expect(api[0]).toMatchObject({ actor: 'emos-gateway', roles: ['intake'], stageAfter: 'RECEIVED' });
    expect(api[1]).toMatchObject({
      actor: 'handler.li',
      roles: ['handler'],
      stageBefore: 'RECEIVED',
      stageAfter: 'IN_PROGRESS',
    });
    expect(api[1]!.ip).toMatch(/127\.0\.0\.1/);
    const system = body.entries.filter((e) => e.source === 'workflow').map((e) => e.action);
    expect(system).toEqual(expect.arrayContaining(['RECEIVED', 'TRIAGED', 'FINDINGS', 'ACK_SMS_SENT']));
    expect(body.entries.map((e) => e.seq)).toEqual(body.entries.map((_e, i) => i + 1));
    expect((await verify(id)).body).toMatchObject({ ok: true, problems: [] });
    // Only admins read it.
    expect((await stack.http.get(`/v1/admin/audit/${id}`, KEYS.supervisor)).status).toBe(403);
  });

  it('S5 verify detects a modified entry, a deleted entry and a deleted last entry', async () => {
    const coll = mongo.collection('audit');
    const modified = await auditedComplaint();
    await coll.updateOne({ ticketId: modified, seq: 2 }, { $set: { actor: 'someone.else' } });
    const v1 = await verify(modified);
    expect(v1.body.ok).toBe(false);
    expect(v1.body.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ seq: 2, problem: expect.stringMatching(/modified/) }),
      ]),
    );

    const deleted = await auditedComplaint();
    await coll.deleteOne({ ticketId: deleted, seq: 2 });
    const v2 = await verify(deleted);
    expect(v2.body.ok).toBe(false);
    expect(JSON.stringify(v2.body.problems)).toMatch(/missing/);

    const truncated = await auditedComplaint();
    const last = await coll.find({ ticketId: truncated }).sort({ seq: -1 }).limit(1).toArray();
    await coll.deleteOne({ _id: last[0]!._id });
    const v3 = await verify(truncated);
    expect(v3.body.ok).toBe(false);
    // Detected as removed at the end — or, when a later system entry (SMS delivery, evidence) was
    // appended meanwhile, as a missing entry in the middle.
    expect(JSON.stringify(v3.body.problems)).toMatch(/removed at the end|is missing/);
  });

  /** An API action by handler u<i>, as the audit recorder appends it. */
  const handlerAction = (ticketId: string, i: number) => ({
    ticketId,
    at: new Date().toISOString(),
    actor: `u${i}`,
    roles: ['handler'],
    source: 'api' as const,
    action: 'TEST',
  });

  it('S5 concurrent appends never fork the chain (unique ticketId+seq, retried)', async () => {
    const store = createAuditStore(mongo);
    await store.init();
    const ticketId = `OTHER-concurrency-${Date.now()}`;
    await Promise.all(Array.from({ length: 12 }, (_v, i) => store.append(handlerAction(ticketId, i))));
    const result = await store.verify(ticketId);
    expect(result).toMatchObject({ ok: true, entries: 12, headSeq: 12 });
  });

  it('S5 verify while entries are being appended never reports one as removed', async () => {
    const store = createAuditStore(mongo);
    await store.init();
    const ticketId = `OTHER-verify-race-${Date.now()}`;
    let appending = true;
    const appends = (async () => {
      for (let i = 0; i < 40; i++) await store.append(handlerAction(ticketId, i));
      appending = false;
    })();
    const problems: unknown[] = [];
    let checks = 0;
    while (appending) {
      const r = await store.verify(ticketId);
      checks += 1;
      problems.push(...r.problems);
    }
    await appends;
    expect(checks).toBeGreaterThan(5);
    expect(problems).toEqual([]);
    expect(await store.verify(ticketId)).toMatchObject({ ok: true, entries: 40, headSeq: 40 });
  });

  it('S5 a workflow timeline is audited once however often it is projected, and the head keeps how far', async () => {
    const store = createAuditStore(mongo);
    await store.init();
    const ticketId = `OTHER-timeline-${Date.now()}`;
    const entry = (i: number) => ({
      at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      actor: 'system',
      action: `STEP_${i}`,
    });
    const view = (n: number) => ({
      ticketId,
      stage: 'RECEIVED' as const,
      timeline: Array.from({ length: n }, (_v, i) => entry(i)),
    });
    // A new complaint's first projection reads the audit trail by _id only (a read by ticket is a
    // scan on FerretDB: it slowed every intake as complaints accumulated).
    const reads: string[] = [];
    mongo.set('debug', (collection: string, method: string, query: unknown) => {
      if (collection.startsWith('audit') && /^(find|count|exists|aggregate)/i.test(method))
        reads.push(`${collection}.${method} ${JSON.stringify(query)}`);
    });
    try {
      expect(await store.auditTimeline(view(3))).toBe(3);
    } finally {
      mongo.set('debug', false);
    }
    expect(reads.filter((r) => !/^\S+ \{"_id":"[^"]+"\}$/.test(r))).toEqual([]);
    // Three entries, one walk to the chain's end: the head, then "is there an entry 1?" (the
    // entries link to each other as they are written; before, each re-read the head and the next).
    expect(reads).toHaveLength(2);
    expect(await store.auditTimeline(view(3))).toBe(0);
    // A human action through the API lands between two projections.
    await store.append({
      ticketId,
      at: new Date().toISOString(),
      actor: 'h1',
      roles: ['handler'],
      source: 'api',
      action: 'TRIAGED',
    });
    expect(await store.auditTimeline(view(5))).toBe(2);
    const head = await mongo
      .collection<{ _id: string; seq: number; workflowIndex?: number }>('audit_heads')
      .findOne({ _id: ticketId });
    expect(head).toMatchObject({ seq: 6, workflowIndex: 4 });
    expect(await store.verify(ticketId)).toMatchObject({ ok: true, entries: 6, headSeq: 6 });
    expect((await store.list(ticketId)).map((e) => e.action)).toEqual([
      'STEP_0',
      'STEP_1',
      'STEP_2',
      'TRIAGED',
      'STEP_3',
      'STEP_4',
    ]);
  });
});

// S4 (issue 24): every Twilio webhook checks the signature before anything else, so an unverified
// request changes nothing (the idempotency-token store included); only a request answered with
// success is recorded under its I-Twilio-Idempotency-Token, and Twilio's repeat of it gets the
// same answer again without being processed twice.
describe('S4 Twilio webhooks: the signature first, then the idempotency token', () => {
  // The webhooks signal a workflow started on a task queue no worker polls: it only collects them.
  const NOBODY_POLLS = 's4-webhook-targets';
  let raw: Client;
  let n = 0;
  beforeAll(() => {
    raw = new Client({ connection: temporalConnection });
  });
  const hex32 = (seed: string) => createHash('md5').update(seed).digest('hex');

  interface Target {
    workflowId: string;
    path: string;
    params: Record<string, string>;
    /** What one processing changes besides signals. */
    check?: () => Promise<void>;
  }
  interface Hook {
    route: string;
    status: number;
    /** Signals one processing sends to the target workflow. */
    signals: number;
    target: (tag: string) => Promise<Target>;
  }
  const contact = (tag: string) => `contact-S4-${tag}`;
  const callSid = (tag: string) => 'CA' + hex32(`call-${tag}`);
  const HOOKS: Hook[] = [
    {
      route: 'message-status',
      status: 204,
      signals: 1,
      target: async (tag) => {
        const ticketId = `S4-${tag}`;
        const key = `${ticketId}:sms:s4-webhook`;
        const now = new Date();
        await mongo.collection<{ _id: string; [k: string]: unknown }>('outbox').insertOne({
          _id: key,
          kind: 'SMS',
          ticketId,
          to: ['+8613800000000'],
          body: 'test',
          state: 'SENT',
          providerStatus: 'queued',
          createdAt: now,
          updatedAt: now,
        });
        return {
          workflowId: complaintWorkflowId(ticketId),
          path: `/webhooks/twilio/message-status?key=${encodeURIComponent(key)}`,
          params: { MessageSid: 'SM' + hex32(tag), MessageStatus: 'delivered' },
          check: async () =>
            expect(await mongo.collection<{ _id: string }>('outbox').findOne({ _id: key })).toMatchObject({
              providerStatus: 'delivered',
            }),
        };
      },
    },
    ...(
      [
        ['twiml', 200, 0, {}],
        ['gather', 200, 1, { Digits: '1' }],
        ['call-status', 204, 1, { CallStatus: 'completed' }],
        [
          'recording-status',
          204,
          1,
          {
            RecordingSid: 'RE' + hex32('recording'),
            RecordingUrl: 'https://api.twilio.com/2010-04-01/Recordings/RE0123',
            RecordingStatus: 'completed',
            RecordingDuration: '12',
          },
        ],
      ] as const
    ).map(([route, status, signals, extra]): Hook => ({
      route,
      status,
      signals,
      target: async (tag) => ({
        workflowId: contact(tag),
        path: `/webhooks/twilio/contact/${contact(tag)}/${route}?attempt=1`,
        params: { CallSid: callSid(tag), ...extra },
      }),
    })),
    {
      route: 'sms-inbound',
      status: 200,
      signals: 1,
      target: async (tag) => {
        const from = `+86139${hex32(tag).replace(/[a-f]/g, '').padEnd(8, '7').slice(0, 8)}`;
        await mongo.collection<{ _id: string }>('active_contacts').replaceOne(
          { _id: from },
          {
            workflowId: contact(tag),
            ticketId: `S4-${tag}`,
            purpose: 'FINAL_REPLY',
            updatedAt: new Date(),
          },
          { upsert: true },
        );
        return {
          workflowId: contact(tag),
          path: '/webhooks/twilio/sms-inbound',
          params: { MessageSid: 'SM' + hex32(tag), From: from, To: stack.env.TWILIO_FROM_NUMBER!, Body: '1' },
        };
      },
    },
  ];

  async function targetOf(hook: Hook): Promise<Target & { tag: string }> {
    const tag = `${hook.route}-${Date.now().toString(36)}-${++n}`;
    const t = await hook.target(tag);
    await raw.workflow.start('s4WebhookTarget', {
      taskQueue: NOBODY_POLLS,
      workflowId: t.workflowId,
      workflowExecutionTimeout: '10 minutes',
    });
    return { ...t, tag };
  }

  async function signalsTo(workflowId: string): Promise<number> {
    const history = await raw.workflow.getHandle(workflowId).fetchHistory();
    return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
  }

  type Signing = 'twilio' | 'forged' | 'none';
  async function post(t: Target, token: string, signing: Signing) {
    const url = `${stack.env.PUBLIC_BASE_URL}${t.path}`;
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      'i-twilio-idempotency-token': token,
    };
    if (signing !== 'none')
      headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(
        signing === 'twilio' ? stack.env.TWILIO_AUTH_TOKEN! : 'not-the-token',
        url,
        t.params,
      );
    const res = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(t.params).toString() });
    const body = await res.text();
    return {
      status: res.status,
      body,
      error: res.status >= 400 ? (JSON.parse(body) as { error: string }).error : undefined,
      type: res.headers.get('content-type'),
      replayed: res.headers.get('idempotent-replayed'),
    };
  }

  it.each(HOOKS)(
    "S4 a forged request with a token does not block Twilio's signed request: $route",
    async (hook) => {
      const t = await targetOf(hook);
      const token = `s4-forged-${t.tag}`;
      const unsigned = await post(t, token, 'none');
      const forged = await post(t, token, 'forged');
      const signalsBefore = await signalsTo(t.workflowId);
      const genuine = await post(t, token, 'twilio');
      expect({ genuine: genuine.status, unsigned: unsigned.status, forged: forged.status }).toEqual({
        genuine: hook.status,
        unsigned: 403,
        forged: 403,
      });
      expect([unsigned.error, forged.error]).toEqual(['missing_signature', 'invalid_signature']);
      expect(signalsBefore).toBe(0);
      expect(genuine.replayed).toBeNull();
      expect(await signalsTo(t.workflowId)).toBe(hook.signals);
      await t.check?.();
    },
  );

  it.each(HOOKS)('S4 a retry of an unanswered request is processed, not refused: $route', async (hook) => {
    const t = await targetOf(hook);
    const token = `s4-retry-${t.tag}`;
    // Twilio retries with the same token when it has no answer in time (15 s): the retry comes
    // while the first attempt is still being processed.
    const [first, retry] = await Promise.all([post(t, token, 'twilio'), post(t, token, 'twilio')]);
    expect([first.status, retry.status]).toEqual([hook.status, hook.status]);
    expect(retry.body).toBe(first.body);
    // Processed twice at most, idempotently: the contact workflow keeps a repeated event once
    // (test/workflow/contact.test.ts), a message status moves forward only and signals once.
    const signals = await signalsTo(t.workflowId);
    expect(signals).toBeGreaterThanOrEqual(hook.signals);
    expect(signals).toBeLessThanOrEqual(hook.route === 'message-status' ? 1 : 2 * hook.signals);
    await t.check?.();
  });

  it.each(HOOKS)(
    'S4 a request already processed is answered as the first time and changes nothing: $route',
    async (hook) => {
      const t = await targetOf(hook);
      const token = `s4-again-${t.tag}`;
      const first = await post(t, token, 'twilio');
      expect(first.status).toBe(hook.status);
      const signals = await signalsTo(t.workflowId);
      const outbox = await mongo
        .collection('outbox')
        .find({ ticketId: `S4-${t.tag}` })
        .toArray();
      const again = await post(t, token, 'twilio');
      expect(again).toEqual({ ...first, replayed: 'true' });
      expect(await signalsTo(t.workflowId)).toBe(signals);
      expect(
        await mongo
          .collection('outbox')
          .find({ ticketId: `S4-${t.tag}` })
          .toArray(),
      ).toEqual(outbox);
    },
  );
});

// The receipts themselves, in front of a scripted handler (the order of the middlewares on the
// real routes is proven above): a token is recorded only with a successful answer.
describe('S4 webhook receipts record only requests answered with success', () => {
  const AUTH_TOKEN = 'receipts-test-auth-token';
  const PUBLIC = 'https://closedloop.example';
  const ANSWER = '<?xml version="1.0" encoding="UTF-8"?><Response><Say>ok</Say></Response>';
  let handler: (call: number, res: express.Response) => Promise<void>;
  let calls = 0;
  const servers: { url: string; close: () => Promise<void> }[] = [];

  /** One API process: a fresh middleware over the same database (as after a restart). */
  async function api(): Promise<string> {
    const app = express();
    app.post(
      '/hook',
      express.urlencoded({ extended: false }),
      verifyTwilioSignature(AUTH_TOKEN, PUBLIC),
      rejectReplayedWebhooks(webhookReceiptModel(mongo)),
      (req, res, next) => void handler(++calls, res).catch(next),
    );
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    servers.push({
      url: `http://127.0.0.1:${port}`,
      close: () => new Promise((r) => server.close(() => r(undefined))),
    });
    return `http://127.0.0.1:${port}`;
  }
  afterAll(() => Promise.all(servers.map((s) => s.close())));
  beforeEach(() => {
    calls = 0;
  });

  const twiml = async (res: express.Response) => void res.status(200).type('text/xml').send(ANSWER);
  function gate() {
    let open!: () => void;
    const opened = new Promise<void>((r) => (open = r));
    return { opened, open };
  }
  async function send(base: string, token: string, query = '', signal?: AbortSignal) {
    const params = { CallSid: 'CA' + '1'.repeat(32), Digits: '1' };
    const res = await fetch(`${base}/hook${query}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC}/hook${query}`, params),
        'i-twilio-idempotency-token': token,
      },
      body: new URLSearchParams(params).toString(),
      signal,
    });
    return { status: res.status, body: await res.text(), replayed: res.headers.get('idempotent-replayed') };
  }
  const token = (what: string) => `s4-receipt-${what}-${Date.now().toString(36)}`;

  it('S4 a retry of an unanswered request is processed, not refused: the first attempt failed (5xx)', async () => {
    const base = await api();
    handler = async (call, res) => {
      if (call === 1) return void res.status(500).json({ error: 'internal' });
      await twiml(res);
    };
    const t = token('5xx');
    expect((await send(base, t)).status).toBe(500);
    expect(await send(base, t)).toEqual({ status: 200, body: ANSWER, replayed: null });
    expect(calls).toBe(2);
  });

  it('S4 a retry of an unanswered request is processed, not refused: the first attempt is still running', async () => {
    const base = await api();
    const slow = gate();
    handler = async (call, res) => {
      if (call === 1) await slow.opened;
      await twiml(res);
    };
    const t = token('running');
    const first = send(base, t);
    await eventually(async () => (calls === 1 ? true : undefined), 10_000, 'the first attempt running');
    const retry = await send(base, t);
    slow.open();
    expect(retry).toEqual({ status: 200, body: ANSWER, replayed: null });
    expect((await first).status).toBe(200);
    expect(calls).toBe(2);
  });

  it('S4 a retry of an unanswered request is processed, not refused: Twilio gave up before the answer', async () => {
    const base = await api();
    const slow = gate();
    let answered = false;
    handler = async (call, res) => {
      if (call === 1) await slow.opened;
      await twiml(res);
      answered = true;
    };
    const t = token('gave-up');
    const timeout = new AbortController();
    const first = send(base, t, '', timeout.signal).then(
      () => 'answered',
      (err: Error) => err.name,
    );
    await eventually(async () => (calls === 1 ? true : undefined), 10_000, 'the first attempt running');
    timeout.abort(); // Twilio's 15 s are over
    expect(await first).toBe('AbortError');
    slow.open();
    await eventually(async () => (answered ? true : undefined), 10_000, 'the late answer');
    const retry = await send(base, t);
    expect([retry.status, retry.body]).toEqual([200, ANSWER]);
  });

  it('S4 a request already processed is answered from the database, also by a restarted API', async () => {
    handler = (_call, res) => twiml(res);
    const t = token('restart');
    expect(await send(await api(), t)).toEqual({ status: 200, body: ANSWER, replayed: null });
    expect(await send(await api(), t)).toEqual({ status: 200, body: ANSWER, replayed: 'true' });
    expect(calls).toBe(1);
  });

  it('S4 a token answers only for the signed request it came with; another one is processed', async () => {
    const base = await api();
    handler = (_call, res) => twiml(res);
    const t = token('other');
    expect((await send(base, t, '?attempt=1')).status).toBe(200);
    expect(await send(base, t, '?attempt=2')).toEqual({ status: 200, body: ANSWER, replayed: null });
    expect(calls).toBe(2);
  });
});

describe('S4 S6 Twilio webhooks and the edge', () => {
  it('S4 R4.3 a signed status callback that comes before the worker stored the sid is kept, and the late write does not move it back', async () => {
    const { id } = await file();
    const key = `${id}:sms:early-callback-test`;
    const now = new Date();
    await mongo.collection<{ _id: string; [k: string]: unknown }>('outbox').insertOne({
      _id: key,
      kind: 'SMS',
      ticketId: id,
      to: ['+8613800000000'],
      body: 'test',
      state: 'SENDING',
      createdAt: now,
      updatedAt: now,
    });
    const url = `${stack.env.PUBLIC_BASE_URL}/webhooks/twilio/message-status?key=${encodeURIComponent(key)}`;
    const params = { MessageSid: 'SM0123456789abcdef0123456789abcdef', MessageStatus: 'delivered' };
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(stack.env.TWILIO_AUTH_TOKEN!, url, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    expect(res.status).toBe(204);
    expect(
      await mongo.collection<{ _id: string; [k: string]: unknown }>('outbox').findOne({ _id: key }),
    ).toMatchObject({
      providerId: params.MessageSid,
      providerStatus: 'delivered',
    });
    // The worker's write after twilio.messages.create() returned 'queued'.
    await markSmsSent(createModels(mongo), key, params.MessageSid, 'queued');
    expect(
      await mongo.collection<{ _id: string; [k: string]: unknown }>('outbox').findOne({ _id: key }),
    ).toMatchObject({
      state: 'SENT',
      providerId: params.MessageSid,
      providerStatus: 'delivered',
    });
    const timeline = await eventually(
      async () => {
        const view = await stack.http.get<{ timeline: { action: string; detail?: string }[] }>(
          `/v1/complaints/${encodeURIComponent(id)}`,
          KEYS.supervisor,
        );
        const entries = view.body.timeline;
        return entries.some((t) => t.action === 'SMS_STATUS' && t.detail?.includes('early-callback-test'))
          ? entries
          : undefined;
      },
      30_000,
      'the delivered status on the complaint timeline',
    );
    const early = timeline.filter(
      (t) => t.action === 'SMS_STATUS' && t.detail?.includes('early-callback-test'),
    );
    expect(early).toHaveLength(1);
    expect(early[0]!.detail).toMatch(/: delivered$/);
  });

  it('S6 answers carry security headers, no CORS for unknown origins, and errors without internals', async () => {
    const res = await fetch(`${stack.urls.api}/v1/complaints?limit=1`, {
      headers: { authorization: `Bearer ${KEYS.supervisor}`, origin: 'https://evil.example' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBeTruthy();
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('ratelimit-policy') ?? res.headers.get('ratelimit')).toBeTruthy();
    const big = await stack.http.request('POST', '/v1/complaints', {
      key: KEYS.intake,
      raw: JSON.stringify({ description: 'x'.repeat(300_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(big.status).toBe(413);
    const docs = await fetch(`${stack.urls.api}/docs/`);
    expect(docs.status).toBe(200);
  });
});
