// Issue 20 item 2 through the API on the real local stack (R2.3, 协助查证): after the triage's
// transfer and an assignment, the team transfers the complaint again, to two departments in
// parallel; each is e-mailed and answers on its own, the interface person's coordination task is on
// the coordination worklist until both answered; a department that was not asked cannot answer,
// and a resolved complaint is not transferred any more.
import { intakeBody } from '../support/fixtures';
import { eventually, KEYS, mails, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  stack = await startTestStack();
  for (const user of ['interface.chen', 'dept.network']) {
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
  assignee?: string;
  verifications: { department: string; result: string; by: string }[];
  verificationRequests?: { department: string; transfer: number; clock: string; answeredAt?: string }[];
  coordination?: { departments: string[]; clock: string; outcome?: string; doneAt?: string }[];
  clocks: { name: string; state: string; targetMs: number }[];
  timeline: { action: string; actor: string; detail?: string }[];
};
type Refusal = { error: string; message: string };
type Worklist = { items: { ticketId: string }[] };

const act = <T = View>(id: string, step: string, body: unknown, key: string = KEYS.handler) =>
  stack.http.post<T>(`/v1/complaints/${id}/${step}`, body, key);
const clock = (v: View, name: string) => v.clocks.find((c) => c.name === name);
const onCoordinationList = async (id: string) => {
  const res = await stack.http.get<Worklist>(
    '/v1/worklists/coordination?limit=200',
    tokens['interface.chen'],
  );
  expect(res.status).toBe(200);
  return res.body.items.some((i) => i.ticketId === id);
};

describe('R2.3 a second transfer, after assignment, to two departments in parallel', () => {
  it('R2.3 both departments are asked and answer on their own, the coordination is listed until both did, an unasked department and a resolved complaint are refused (409)', async () => {
    const filed = await stack.http.post<{ ticketId: string }>('/v1/complaints', intakeBody(), KEYS.intake);
    expect(filed.status).toBe(201);
    const id = filed.body.ticketId;

    // The first transfer is the triage's, in the older single-department form; network answers.
    const triaged = await act(id, 'triage', {
      decision: 'TRANSFER',
      department: 'network',
      note: '请核查基站',
    });
    expect(triaged.status).toBe(200);
    expect(triaged.body.stage).toBe('TRANSFERRED');
    const answered = await act(
      id,
      'verification',
      { department: 'network', result: '基站运行正常，无告警' },
      tokens['dept.network'],
    );
    expect(answered.status).toBe(200);
    expect(answered.body.stage).toBe('IN_PROGRESS');
    const assigned = await act(
      id,
      'assign',
      { assignee: 'handler.zhao', reason: '接手处理' },
      KEYS.supervisor,
    );
    expect(assigned.status).toBe(200);
    expect(assigned.body.assignee).toBe('handler.zhao');

    // The second transfer, to two departments at once: the stage stays, each gets its own request.
    const second = await act(id, 'transfer', {
      departments: ['data', 'core'],
      note: '数据业务与核心网需协助查证',
    });
    expect(second.status).toBe(200);
    expect(second.body.stage).toBe('IN_PROGRESS');
    expect(second.body.verificationRequests?.map((r) => [r.department, r.transfer])).toEqual([
      ['network', 1],
      ['data', 2],
      ['core', 2],
    ]);
    expect(clock(second.body, 'verification:data')?.state).toBe('running');
    expect(clock(second.body, 'verification:core')?.state).toBe('running');
    expect(clock(second.body, 'coordination')?.state).toBe('running');
    expect(second.body.coordination?.[0]).toMatchObject({ departments: ['data', 'core'] });
    expect(await onCoordinationList(id)).toBe(true);
    for (const [to, dept] of [
      ['data@operator.example', 'data'],
      ['core@operator.example', 'core'],
    ] as const) {
      await eventually(
        async () => {
          const got = await mails(stack, { to });
          return got.find(
            (m) => m.subject.includes(id) && m.subject.includes(`Verification request · ${dept}`),
          );
        },
        30_000,
        `the verification request to ${dept}`,
      );
    }
    await eventually(
      async () =>
        (await mails(stack, { to: 'interface@operator.example' })).find(
          (m) => m.subject.includes(id) && m.subject.includes('Coordinate departments'),
        ),
      30_000,
      'the coordination task e-mail',
    );

    // A department that was not asked cannot answer; one that answered cannot answer again.
    const unasked = await act<Refusal>(
      id,
      'verification',
      { department: 'billing', result: '计费正常' },
      KEYS.supervisor,
    );
    expect(unasked.status).toBe(409);
    expect(unasked.body.message).toBe(
      'billing was not asked to verify this complaint (asked: network, data, core)',
    );
    const again = await act<Refusal>(
      id,
      'verification',
      { department: 'network', result: '再次答复' },
      tokens['dept.network'],
    );
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/network has already answered/);

    // Both answers are recorded, each stops its own clock; then the coordination is done.
    const data = await act(
      id,
      'verification',
      { department: 'data', result: 'PDP 激活成功率正常' },
      KEYS.supervisor,
    );
    expect(data.status).toBe(200);
    expect(clock(data.body, 'verification:data')?.state).toBe('met');
    expect(clock(data.body, 'verification:core')?.state).toBe('running');
    expect(data.body.coordination?.[0]?.doneAt).toBeUndefined();
    const core = await act(
      id,
      'verification',
      { department: 'core', result: 'MME 附着正常' },
      tokens['interface.chen'],
    );
    expect(core.status).toBe(200);
    expect(core.body.verifications.map((v) => [v.department, v.by])).toEqual([
      ['network', 'dept.network'],
      ['data', 'supervisor.wang'],
      ['core', 'interface.chen'],
    ]);
    expect(core.body.verificationRequests?.every((r) => r.answeredAt !== undefined)).toBe(true);
    expect(core.body.coordination?.[0]).toMatchObject({ outcome: 'ALL_ANSWERED' });
    expect(core.body.timeline.map((t) => t.action)).toEqual(
      expect.arrayContaining(['TRANSFERRED', 'COORDINATION_OPENED', 'COORDINATION_DONE']),
    );
    expect(await onCoordinationList(id)).toBe(false);

    // Resolved: nothing is left for a department to verify.
    expect(
      (await act(id, 'findings', { checked: '话统指标、故障告警', found: '小区 12345-1 上行干扰' })).status,
    ).toBe(200);
    const resolved = await act(id, 'resolve', {
      summary: '清除干扰源后小区指标恢复，客户所在位置信号正常',
      rootCause: '外部干扰',
      actions: '协调无委清除干扰源，复测',
    });
    expect(resolved.body.stage).toBe('RESOLVED');
    const late = await act<Refusal>(id, 'transfer', { departments: ['transmission'] });
    expect(late.status).toBe(409);
    expect(late.body.message).toMatch(/cannot transfer a complaint in stage RESOLVED/);
  });

  it('R2.3 a transfer naming a department the policy set does not have is refused (400)', async () => {
    const filed = await stack.http.post<{ ticketId: string }>('/v1/complaints', intakeBody(), KEYS.intake);
    const id = filed.body.ticketId;
    expect((await act(id, 'triage', { decision: 'TEAM' })).status).toBe(200);
    const res = await act<Refusal & { details?: { field: string; message: string }[] }>(id, 'transfer', {
      departments: ['data', 'marketing'],
    });
    expect(res.status).toBe(400);
    expect(res.body.details?.[0]).toMatchObject({
      field: 'departments',
      message: expect.stringMatching(/^marketing: not a department/),
    });
  });
});
