// S7 on the real local stack: a VIP profile kept through the API holds no number, IMSI, IMEI or
// assistant's phone in clear in the database (read with the driver, past the model), the VIP manager
// still reads them through the API, and the keyed lookups still work end to end: the worker
// recognises the VIP at intake, and the repeat check links a complaint to the same number's earlier one.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { connectMongo } from '../../activities/models';
import { intakeBody, uniqueMobile } from '../support/fixtures';
import { eventually, KEYS, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let mongo: Connection;
let vipManager = '';

beforeAll(async () => {
  stack = await startTestStack({
    POLICY_FILE: path.resolve(__dirname, '../fixtures/policy-contact-e2e.json'),
  });
  mongo = await connectMongo(stack.env.MONGODB_URI!);
  const res = await stack.http.request<{ access_token: string }>('POST', '/dev/token', {
    key: null,
    body: { user: 'vip.manager' },
  });
  vipManager = res.body.access_token;
}, 600_000);

afterAll(async () => {
  await mongo?.close();
  await stack?.dispose();
}, 60_000);

const unkeyed = (n: string) =>
  createHash('sha256').update(`closedloop:msisdn:${n}`).digest('hex').slice(0, 32);
const raw = (name: string) => mongo.db!.collection<Record<string, unknown> & { _id: string }>(name);
const digits = (n: string) => n.replace(/^\+/, '');

type View = {
  stage: string;
  vip?: { level: number; informed: string[] };
  repeatOf?: { ticketId: string; by: string }[];
};
const view = async (id: string) => (await stack.http.get<View>(`/v1/complaints/${id}`, KEYS.supervisor)).body;
const act = (id: string, p: string, body: unknown) =>
  stack.http.post<View>(`/v1/complaints/${id}/${p}`, body, KEYS.supervisor);

async function file(number: string): Promise<string> {
  const res = await stack.http.post<{ ticketId: string }>(
    '/v1/complaints',
    intakeBody({ numbers: { callback: number, calling: number } }),
    KEYS.intake,
  );
  expect(res.status).toBe(201);
  return res.body.ticketId;
}

it('S7 a VIP profile is stored with its identifiers sealed and a keyed hash, read in clear by the VIP manager, and found at intake', async () => {
  const number = uniqueMobile();
  const assistantPhone = uniqueMobile();
  const profile = {
    number,
    name: '某领导',
    imsi: '460001234567891',
    imei: '35693803564389',
    vipLevel: 3,
    assistants: [{ name: '王秘书', phone: assistantPhone, email: 'assistant.s7@gov.example' }],
  };
  const created = await stack.http.post<{ profileId: string }>('/v1/vips', profile, vipManager);
  expect(created.status).toBe(201);
  const stored = await raw('vip_profiles').findOne({ _id: created.body.profileId });
  expect(stored).not.toBeNull();
  const json = JSON.stringify(stored);
  for (const clear of [digits(number), profile.imsi, profile.imei, digits(assistantPhone), profile.name])
    expect([clear, json.includes(clear)]).toEqual([clear, false]);
  for (const field of ['number', 'imsi', 'imei', 'name'] as const)
    expect([field, stored![field]]).toEqual([field, expect.stringMatching(/^enc:v1:dev-2026-1:/)]);
  expect(stored!.numberHash).toMatch(/^[0-9a-f]{32}$/);
  expect(stored!.numberHash).not.toBe(unkeyed(number));

  const one = await stack.http.get<Record<string, unknown>>(`/v1/vips/${created.body.profileId}`, vipManager);
  expect(one.body).toMatchObject(profile);
  const list = await stack.http.get<{ items: { profileId: string; number: string }[] }>(
    '/v1/vips',
    vipManager,
  );
  expect(list.body.items.find((i) => i.profileId === created.body.profileId)?.number).toBe(
    `${number.slice(0, 6)}****${number.slice(-2)}`,
  );
  expect((await stack.http.post('/v1/vips', profile, vipManager)).status).toBe(409);

  // The API hashed the number, the worker looks it up and texts the assistant's opened number.
  const id = await file(number);
  const v = await eventually(async () => {
    const x = await view(id);
    return x.vip?.informed.includes('FILED') ? x : undefined;
  }, 60_000);
  expect(v.vip?.level).toBe(3);
  const texts = await eventually(async () => {
    const res = await fetch(`${stack.urls.twilioSim}/_sim/messages?to=${encodeURIComponent(assistantPhone)}`);
    const t = (await res.json()) as { body: string }[];
    return t.some((x) => x.body.includes(id)) ? t : undefined;
  });
  expect(texts.filter((x) => x.body.includes(id))).toHaveLength(1);
});

it('S7 the repeat check finds the same number by its keyed hash through the API', async () => {
  const number = uniqueMobile();
  await fetch(`${stack.urls.twilioSim}/_sim/customers/${encodeURIComponent(number)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ call: 'answer', digits: '1' }),
  });
  const first = await file(number);
  expect((await act(first, 'triage', { decision: 'SELF' })).status).toBe(200);
  expect((await act(first, 'findings', { checked: '话统、告警', found: '天线下倾角过大' })).status).toBe(200);
  expect(
    (
      await act(first, 'resolve', {
        summary: '调整天线下倾角后室内信号恢复',
        rootCause: '天线下倾角设置不当',
        actions: '下倾角由 8 度调为 4 度，复测正常',
      })
    ).status,
  ).toBe(200);
  const reply = await act(first, 'replies', {
    kind: 'FINAL',
    method: 'PHONE',
    summary: '已电话告知客户处理结果，客户表示满意',
    customerConfirmed: true,
    satisfied: true,
  });
  expect(reply.status).toBe(200);
  expect((await act(first, 'close', {})).status).toBe(200);
  await eventually(async () => ((await view(first)).stage === 'CLOSED' ? true : undefined));

  const summary = await raw('complaints').findOne({ _id: first });
  expect(summary).toMatchObject({
    callbackHash: expect.stringMatching(/^[0-9a-f]{32}$/),
    callbackHashKey: 'dev-2026-1',
  });
  expect(summary!.callbackHash).not.toBe(unkeyed(number));
  expect(JSON.stringify(summary)).not.toContain(digits(number));

  const second = await file(number);
  const v = await eventually(async () => {
    const x = await view(second);
    return x.repeatOf?.length ? x : undefined;
  }, 60_000);
  expect(v.repeatOf).toEqual(
    expect.arrayContaining([expect.objectContaining({ ticketId: first, by: 'number' })]),
  );
});
