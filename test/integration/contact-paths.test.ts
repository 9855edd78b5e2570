// The customer-contact paths driven end to end at complaint level on the real local stack (issue 4):
// HTTP actions on the complaint, the contact child workflow, the Twilio simulator's scripted
// customers and its signed webhooks, and the complaint's own reaction (reopen, escalate, repeat).
import path from 'node:path';
import { intakeBody, uniqueMobile } from '../support/fixtures';
import { eventually, KEYS, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
const OUR_NUMBER = '+8610086000';

beforeAll(async () => {
  stack = await startTestStack({
    POLICY_FILE: path.resolve(__dirname, '../fixtures/policy-contact-e2e.json'),
  });
}, 600_000);

afterAll(async () => {
  await stack?.dispose();
}, 60_000);

type View = {
  stage: string;
  rounds: number;
  careCallback?: { answer?: string };
  replies: { kind: string; counts: boolean; method: string; satisfied?: boolean }[];
  escalations: { source: string }[];
  contacts: { purpose: string; answer?: string; method?: string }[];
  repeatOf?: { ticketId: string; by: string }[];
  timeline: { action: string; detail?: string }[];
};

const sim = (p: string, body?: unknown) =>
  fetch(`${stack.urls.twilioSim}/_sim${p}`, {
    method: body === undefined ? 'GET' : p.startsWith('/customers') ? 'PUT' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function fileFor(number: string, script: Record<string, unknown>): Promise<string> {
  await sim(`/customers/${encodeURIComponent(number)}`, script);
  const res = await stack.http.post<{ ticketId: string }>(
    '/v1/complaints',
    intakeBody({ numbers: { callback: number, calling: number } }),
    KEYS.intake,
  );
  expect(res.status).toBe(201);
  return res.body.ticketId;
}

const view = async (id: string) => (await stack.http.get<View>(`/v1/complaints/${id}`, KEYS.supervisor)).body;
const act = (id: string, p: string, body: unknown) =>
  stack.http.post<View>(`/v1/complaints/${id}/${p}`, body, KEYS.supervisor);

async function resolved(id: string): Promise<void> {
  expect((await act(id, 'triage', { decision: 'SELF' })).status).toBe(200);
  expect(
    (
      await act(id, 'findings', {
        checked: '话统、告警、干扰分析',
        found: '小区天线下倾角过大导致室内覆盖弱',
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await act(id, 'resolve', {
        summary: '调整天线下倾角后室内信号恢复',
        rootCause: '天线下倾角设置不当',
        actions: '下倾角由 8 度调为 4 度，复测正常',
      })
    ).status,
  ).toBe(200);
}

it('R6.1 the care callback after closing hears "no" (key 2) and reopens the complaint for another round', async () => {
  const number = uniqueMobile();
  const id = await fileFor(number, { call: 'answer', digits: '2' });
  await resolved(id);
  const reply = await act(id, 'replies', {
    kind: 'FINAL',
    method: 'PHONE',
    summary: '已电话告知客户处理结果，客户表示满意',
    customerConfirmed: true,
    satisfied: true,
  });
  expect(reply.status).toBe(200);
  expect((await act(id, 'close', {})).status).toBe(200);
  const v = await eventually(
    async () => {
      const x = await view(id);
      return x.stage === 'REOPENED' ? x : undefined;
    },
    90_000,
    'the care callback reopening the complaint',
  );
  expect(v.careCallback?.answer).toBe('NOT_SATISFIED');
  expect(v.rounds).toBe(2);
  expect(v.escalations.some((e) => e.source === 'customerNotSatisfied')).toBe(true);
  const calls = (await (await sim(`/calls?to=${encodeURIComponent(number)}`)).json()) as unknown[];
  expect(calls).toHaveLength(1);
});

it('R4.3 a customer who never answers the confirmation SMS: no counted reply, the complaint escalates (unreachable)', async () => {
  const number = uniqueMobile();
  const id = await fileFor(number, { call: 'no-answer' });
  await resolved(id);
  const started = await act(id, 'contact', {
    purpose: 'FINAL_REPLY',
    channel: 'SMS_ONLY',
    message: '调整天线下倾角后室内信号已恢复正常，请您确认',
  });
  expect(started.status).toBe(200);
  const v = await eventually(
    async () => {
      const x = await view(id);
      return x.timeline.some((t) => t.action === 'CONTACT_FAILED') ? x : undefined;
    },
    90_000,
    'the contact to give up',
  );
  expect(v.replies.filter((r) => r.kind === 'FINAL' && r.counts)).toHaveLength(0);
  expect(v.stage).toBe('RESOLVED');
  expect(v.escalations.at(-1)?.source).toBe('customerUnreachable');
  expect((await act(id, 'close', {})).status).toBe(409);
});

it('R4.3 an unclear SMS answer gets one clarifying SMS; the clear answer then counts as the final reply', async () => {
  const number = uniqueMobile();
  const id = await fileFor(number, { call: 'no-answer' });
  await resolved(id);
  await act(id, 'contact', {
    purpose: 'FINAL_REPLY',
    channel: 'SMS_ONLY',
    message: '调整天线下倾角后室内信号已恢复正常，请您确认',
  });
  const texts = async () =>
    (await (await sim(`/messages?to=${encodeURIComponent(number)}`)).json()) as { body: string }[];
  await eventually(async () => ((await texts()).some((m) => m.body.includes('请回复1')) ? true : undefined));
  expect((await sim('/inbound/sms', { from: number, to: OUR_NUMBER, body: '嗯？什么意思' })).status).toBe(
    201,
  );
  await eventually(async () => ((await texts()).some((m) => m.body.includes('没能确认')) ? true : undefined));
  await sim('/inbound/sms', { from: number, to: OUR_NUMBER, body: '满意' });
  const v = await eventually(async () => {
    const x = await view(id);
    return x.replies.some((r) => r.kind === 'FINAL' && r.counts) ? x : undefined;
  });
  expect(v.replies.at(-1)).toMatchObject({ kind: 'FINAL', method: 'SMS', satisfied: true });
  expect((await act(id, 'close', {})).status).toBe(200);
});

it('R6.2 a new complaint from the same number soon after the earlier one was closed is linked to it as a repeat and is hot', async () => {
  const number = uniqueMobile();
  const first = await fileFor(number, { call: 'answer', digits: '1' });
  await resolved(first);
  const reply = await act(first, 'replies', {
    kind: 'FINAL',
    method: 'PHONE',
    summary: '已电话告知客户处理结果，客户表示满意',
    customerConfirmed: true,
    satisfied: true,
  });
  expect(reply.status).toBe(200);
  expect((await act(first, 'close', {})).status).toBe(200);
  // Related, not a repeat, while the earlier one is open (issue 24); a repeat once it is closed.
  await eventually(async () => ((await view(first)).stage === 'CLOSED' ? true : undefined));
  const second = await fileFor(number, { call: 'answer' });
  const v = await eventually(async () => {
    const x = await view(second);
    return x.repeatOf?.length ? x : undefined;
  });
  expect(v.repeatOf).toEqual(
    expect.arrayContaining([expect.objectContaining({ ticketId: first, by: 'number' })]),
  );
  const hot = await stack.http.get<{ items: { ticketId: string }[] }>('/v1/worklists/hot', KEYS.supervisor);
  expect(hot.body.items.some((i) => i.ticketId === second)).toBe(true);
});
