// Issue 20 items 1 and 4 through the API on the real local stack: the branch leader at the top of
// the escalation ladder signs in, sees the level-3 escalation in their worklist and acknowledges
// it; a ladder naming a role nobody can be is refused (R5.7). A care callback the customer never
// answers is called again, asked by SMS, listed for a person who records it, and counted in the
// report (R6.3).
import path from 'node:path';
import { periodAt } from '../../domain/reports/periods';
import { intakeBody, uniqueMobile } from '../support/fixtures';
import { eventually, KEYS, mails, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  stack = await startTestStack({
    POLICY_FILE: path.resolve(__dirname, '../fixtures/policy-care-ladder.json'),
  });
  for (const user of ['leader.liu', 'admin.root', 'analyst.sun']) {
    const res = await stack.http.request<{ access_token: string }>('POST', '/dev/token', {
      key: null,
      body: { user },
    });
    expect(res.status).toBe(200);
    tokens[user] = res.body.access_token;
  }
}, 600_000);

afterAll(async () => {
  await stack?.dispose();
}, 60_000);

type View = {
  ticketId: string;
  stage: string;
  awaitingAckRole?: string;
  escalations: { level: number; role: string; acknowledgedBy?: string }[];
  careCallback?: { answer?: string; toPersonAt?: string; byPerson?: { by: string; reached: boolean } };
  timeline: { action: string; actor: string; detail?: string }[];
};
type Worklist = { items: { ticketId: string; awaitingAckRole?: string }[] };
type Refusal = { error: string; message: string; details?: { field: string; message: string }[] };

const sim = (p: string, body?: unknown) =>
  fetch(`${stack.urls.twilioSim}/_sim${p}`, {
    method: body === undefined ? 'GET' : 'PUT',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function file(number = uniqueMobile()): Promise<string> {
  const res = await stack.http.post<{ ticketId: string }>(
    '/v1/complaints',
    intakeBody({ numbers: { callback: number, calling: number } }),
    KEYS.intake,
  );
  expect(res.status).toBe(201);
  return res.body.ticketId;
}
const act = <T = View>(id: string, step: string, body: unknown, key: string = KEYS.handler) =>
  stack.http.post<T>(`/v1/complaints/${id}/${step}`, body, key);
const view = async (id: string) => (await stack.http.get<View>(`/v1/complaints/${id}`, KEYS.supervisor)).body;
const worklist = async (name: string, key: string) =>
  (await stack.http.get<Worklist>(`/v1/worklists/${name}?limit=200`, key)).body.items;

describe('R5.7 the top of the escalation ladder can act', () => {
  it('R5.7 the leader signs in, sees the level-3 escalation in escalated-to-me and acknowledges it', async () => {
    const id = await file();
    expect((await act(id, 'triage', { decision: 'SELF' })).status).toBe(200);
    const escalated = await stack.http.post(
      `/v1/complaints/${id}/escalations`,
      { level: 3, reason: '客户投诉至分公司领导' },
      KEYS.supervisor,
    );
    expect(escalated.status).toBe(202);
    const leader = tokens['leader.liu']!;
    const item = await eventually(
      async () => (await worklist('escalated-to-me', leader)).find((i) => i.ticketId === id),
      30_000,
      "the escalation in the leader's worklist",
    );
    expect(item.awaitingAckRole).toBe('leader');
    // The leader reads the complaint, and was told by e-mail (ROLE_EMAILS.leader).
    expect((await stack.http.get(`/v1/complaints/${id}`, leader)).status).toBe(200);
    await eventually(
      async () => ((await mails(stack, { to: 'leader@operator.example' })).length > 0 ? true : undefined),
      30_000,
      "the leader's escalation e-mail",
    );
    // The supervisor is not the rung of level 3: the workflow refuses (409), naming the role.
    const wrong = await act<Refusal>(id, 'escalations/acknowledge', { level: 3 }, KEYS.supervisor);
    expect(wrong.status).toBe(409);
    expect(wrong.body.message).toMatch(/acknowledged by the role leader/);
    const acked = await act(id, 'escalations/acknowledge', { level: 3, note: '已协调网络部处理' }, leader);
    expect(acked.status).toBe(200);
    expect(acked.body.escalations.at(-1)).toMatchObject({
      level: 3,
      role: 'leader',
      acknowledgedBy: 'leader.liu',
    });
    await eventually(
      async () =>
        (await worklist('escalated-to-me', leader)).some((i) => i.ticketId === id) ? undefined : true,
      30_000,
      "the acknowledged escalation to leave the leader's worklist",
    );
  });

  it('R5.7 a policy set whose ladder names a role the access table does not know is refused with 400 naming it', async () => {
    const admin = tokens['admin.root']!;
    const current = await stack.http.get<{ active: Record<string, unknown> & { version: number } }>(
      '/v1/policies',
      admin,
    );
    expect(current.status).toBe(200);
    const ladder = [
      { level: 1, title: '班组长', role: 'supervisor', ackWithin: '2h' },
      { level: 2, title: '网络部', role: 'department:network', ackWithin: '4h' },
      { level: 3, title: '分公司总经理', role: 'branchBoss', ackWithin: '8h' },
    ];
    const res = await stack.http.post<Refusal>(
      '/v1/policies',
      { ...current.body.active, escalation: ladder },
      admin,
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('validation_failed');
    expect(res.body.message).toMatch(/branchBoss/);
    expect(res.body.details?.map((d) => d.field)).toEqual(['escalation[1].role', 'escalation[2].role']);
    expect(res.body.details?.[1]?.message).toMatch(/supervisor, interface, leader/);
    // Nothing was saved.
    const after = await stack.http.get<{ active: { version: number } }>('/v1/policies', admin);
    expect(after.body.active.version).toBe(current.body.active.version);
  });
});

describe('R6.3 a care callback nobody answers', () => {
  it('R6.3 is called again, asked by SMS, then listed for a person who records the outcome; the report counts it', async () => {
    const number = uniqueMobile();
    await sim(`/customers/${encodeURIComponent(number)}`, { call: 'no-answer' });
    const id = await file(number);
    expect((await act(id, 'triage', { decision: 'SELF' })).status).toBe(200);
    expect(
      (
        await act(id, 'findings', {
          checked: '话统、告警、干扰分析',
          found: '小区天线下倾角过大导致室内覆盖弱',
        })
      ).status,
    ).toBe(200);
    const resolved = await act(id, 'resolve', {
      summary: '调整天线下倾角后室内信号恢复',
      rootCause: '天线下倾角设置不当',
      actions: '下倾角由 8 度调为 4 度，复测正常',
    });
    expect(resolved.status).toBe(200);
    const reply = await act(id, 'replies', {
      kind: 'FINAL',
      method: 'PHONE',
      summary: '已电话告知客户处理结果',
      customerConfirmed: true,
      satisfied: true,
    });
    expect(reply.status).toBe(200);
    expect((await act(id, 'close', {})).status).toBe(200);

    // Listed for a person once the calls and the SMS went unanswered.
    await eventually(
      async () =>
        (await worklist('care-callback', KEYS.handler)).some((i) => i.ticketId === id) ? true : undefined,
      120_000,
      'the care callback on the care-callback worklist',
    );
    const calls = (await (await sim(`/calls?to=${encodeURIComponent(number)}`)).json()) as unknown[];
    expect(calls).toHaveLength(2);
    const texts = (await (await sim(`/messages?to=${encodeURIComponent(number)}`)).json()) as {
      body: string;
    }[];
    expect(texts.some((m) => m.body.startsWith('【关怀回访】') && m.body.includes('请回复1'))).toBe(true);
    const listed = await view(id);
    expect(listed.stage).toBe('CLOSED');
    expect(listed.careCallback).toMatchObject({ answer: 'NO_ANSWER' });
    expect(listed.timeline.some((t) => t.action === 'CARE_CALLBACK_TO_PERSON')).toBe(true);

    // The person records what they found: a record without the answer is named; then it closes the item.
    const incomplete = await act<Refusal>(id, 'care-callback', { reached: true, note: '已联系' });
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.details?.[0]?.field).toBe('answer');
    const recorded = await act(id, 'care-callback', {
      reached: true,
      answer: 'SATISFIED',
      note: '下午再次致电，客户确认问题已解决',
    });
    expect(recorded.status).toBe(200);
    expect(recorded.body.careCallback?.byPerson).toMatchObject({ by: 'handler.li', reached: true });
    expect(recorded.body.timeline.at(-1)).toMatchObject({
      actor: 'handler.li',
      action: 'CARE_CALLBACK_RECORDED',
    });
    await eventually(
      async () =>
        (await worklist('care-callback', KEYS.handler)).some((i) => i.ticketId === id) ? undefined : true,
      30_000,
      'the recorded care callback to leave the worklist',
    );

    // The week's report counts it: unanswered and handed to a person, recorded, none waiting.
    const analyst = tokens['analyst.sun']!;
    const period = periodAt('weekly', Date.now(), 'Asia/Shanghai');
    const made = await stack.http.post('/v1/reports', { kind: 'weekly', period, deliver: false }, analyst);
    expect(made.status).toBe(201);
    const report = await stack.http.get<{ figures: { careCallbacks: Record<string, number> } }>(
      `/v1/reports/weekly-${period}`,
      analyst,
    );
    expect(report.body.figures.careCallbacks).toMatchObject({
      unanswered: 1,
      recordedByPerson: 1,
      awaitingPerson: 0,
    });
  });
});
