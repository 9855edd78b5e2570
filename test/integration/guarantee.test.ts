// Guarantee areas (R7.3) on the real local stack, through HTTP only: an area is created on cells
// whose KPIs (imported through /v1/network-data) degrade; the alert e-mail (and SMS) arrive in the
// mail sink (and the Twilio simulator), then the recovery once fresh clean KPIs are imported;
// periodic test tasks are stored and e-mailed; pause, change and end through the API. Test tasks
// (R7.4): listed for the assignee and the VIP manager, closed by the assignee's result, and an
// overdue one escalated to the VIP manager by e-mail and SMS.
import { DEV_DEFAULTS } from '../../infra/stack/stack';
import { eventually, KEYS, mails, startTestStack, type TestStack } from '../support/stack';

const H = 3_600_000;
const AREA = 'it-gov-center';
const A = '460-00-77001-1';
const B = '460-00-77001-2';
const PHONE = '+8613900077001';
const VIP_MANAGER_PHONE = '+8613900077099';

let stack: TestStack;
const tokens: Record<string, string> = {};

interface AreaView {
  areaId: string;
  status: string;
  checks: number;
  lastCheck?: { at: string; breaching: boolean; breaches: { cellId: string; kpi: string; value: number }[] };
  openAlerts: { seq: number }[];
  alertHistory: { seq: number; closedBy: string }[];
  definition: { cells: string[]; thresholds: { kpi: string; value: number }[] };
  tests: { created: number; nextDueAt?: string };
  version: number;
}

beforeAll(async () => {
  stack = await startTestStack({
    GUARANTEE_MIN_WATCH_INTERVAL: '10s',
    ROLE_EMAILS: JSON.stringify({
      ...(JSON.parse(DEV_DEFAULTS.ROLE_EMAILS) as Record<string, string[]>),
      vipManager: ['vip-manager@operator.example'],
      optCenter: ['opt-center@operator.example'],
    }),
    ROLE_PHONES: JSON.stringify({
      ...(JSON.parse(DEV_DEFAULTS.ROLE_PHONES) as Record<string, string[]>),
      vipManager: [VIP_MANAGER_PHONE],
    }),
  });
  for (const user of ['vip.manager', 'analyst.sun', 'handler.li', 'dept.network']) {
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

const kpiRow = (cellId: string, hour: number, over: Record<string, number> = {}) => ({
  cellId,
  hour: new Date(hour).toISOString(),
  rrcSetupSuccessRate: 99.4,
  erabSetupSuccessRate: 99.2,
  dropRate: 0.35,
  prbUtilisationDl: 47,
  throughputDlMbps: 36,
  rsrpP10: -106,
  rsrpP50: -91,
  sinrP50: 14,
  ulInterferenceDbm: -116,
  ...over,
});

async function importKpis(rows: ReturnType<typeof kpiRow>[]) {
  const res = await stack.http.post<{ imported: number }>(
    '/v1/network-data/kpis',
    rows,
    tokens['analyst.sun'],
  );
  expect(res.status).toBe(201);
  expect(res.body.imported).toBe(rows.length);
}

const area = (key = tokens['vip.manager']) => stack.http.get<AreaView>(`/v1/guarantee-areas/${AREA}`, key);

describe('R7.3 guarantee areas on the local stack', () => {
  it('R7.3 an area on degrading cells alerts by e-mail and SMS, recovers, makes its test tasks, and is paused, changed and ended over HTTP', async () => {
    const hourNow = Math.floor(Date.now() / H) * H;
    // Two hours ago cell A was bad (drop rate, RRC success), cell B fine.
    await importKpis([
      kpiRow(A, hourNow - 2 * H, { dropRate: 4.6, rrcSetupSuccessRate: 92.4 }),
      kpiRow(B, hourNow - 2 * H),
    ]);

    const body = {
      areaId: AREA,
      name: '市政府大楼',
      place: '北京市西城区正义路2号',
      region: 'xicheng',
      cells: [A, B],
      watchInterval: '10s',
      alertPolicy: { clearAfter: 2 },
      notify: { roles: ['vipManager'], phones: [PHONE] },
      testPlan: [{ id: 'cqt', title: 'CQT 拨测', every: '15s', dueWithin: '1h', role: 'optCenter' }],
    };
    // Below the configured minimum (10 s) and by a role that may not: refused.
    const tooFast = await stack.http.post<{ message: string }>(
      '/v1/guarantee-areas',
      { ...body, watchInterval: '5s' },
      tokens['vip.manager'],
    );
    expect(tooFast.status).toBe(400);
    expect(tooFast.body.message).toMatch(/watchInterval: at least 10s/);
    expect((await stack.http.post('/v1/guarantee-areas', body, tokens['analyst.sun'])).status).toBe(403);

    const createdAt = Date.now();
    const created = await stack.http.post<{ created: boolean; workflowId: string }>(
      '/v1/guarantee-areas',
      body,
      tokens['vip.manager'],
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ created: true, workflowId: `guarantee-area-${AREA}` });
    const again = await stack.http.post<{ created: boolean }>('/v1/guarantee-areas', body, KEYS.supervisor);
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(false);

    // The first check runs at once: alert e-mail to the VIP manager, SMS to the duty phone.
    const alertMail = await eventually(
      async () =>
        (await mails(stack, { subject: `Guarantee area alert #1` })).find((m) => m.subject.includes(AREA)),
      60_000,
      'the alert e-mail',
    );
    const alertMs = Date.now() - createdAt;
    expect(alertMail.to).toEqual(['vip-manager@operator.example']);
    expect(alertMail.subject).toBe(`【重点保障告警 Guarantee area alert #1】市政府大楼 · ${AREA}`);
    expect(alertMail.text).toContain(`${A} dropRate 4.6 % > 1.5 %`);
    expect(alertMail.text).toContain(`${A} rrcSetupSuccessRate 92.4 % < 98 %`);
    expect(alertMail.text).toContain(`/v1/guarantee-areas/${AREA}`);
    const alerting = (await area()).body;
    expect(alerting).toMatchObject({ status: 'ALERT', openAlerts: [{ seq: 1 }] });
    const sms = await eventually(
      async () => {
        const sim = (await (await fetch(`${stack.urls.twilioSim}/_sim/messages`)).json()) as
          { body: string; to: string }[] | { messages: { body: string; to: string }[] };
        return (Array.isArray(sim) ? sim : sim.messages).find((m) => m.to === PHONE && m.body.includes(AREA));
      },
      30_000,
      'the alert SMS',
    );
    expect(sms.body).toMatch(/^【重点保障告警】市政府大楼（it-gov-center）第1次告警/);

    // The list (read model) shows it; an analyst may read, not change.
    const list = await eventually(async () => {
      const r = await stack.http.get<{
        items: { areaId: string; status: string; cells: string[]; lastCheckAt?: string }[];
      }>('/v1/guarantee-areas', tokens['analyst.sun']);
      return r.body.items.find((i) => i.areaId === AREA && i.status === 'ALERT');
    });
    expect(list).toMatchObject({ cells: [A, B], lastCheckAt: expect.any(String) });
    const refused = await stack.http.request('PATCH', `/v1/guarantee-areas/${AREA}`, {
      key: tokens['analyst.sun'],
      body: { name: 'x' },
    });
    expect(refused.status).toBe(403);
    expect((await area(tokens['handler.li'])).status).toBe(403);

    // Fresh clean KPIs for the last hour: two clean checks later the recovery e-mail arrives.
    const cleanAt = Date.now();
    await importKpis([kpiRow(A, hourNow - H), kpiRow(B, hourNow - H)]);
    const recovered = await eventually(
      async () =>
        (await mails(stack, { subject: 'Guarantee area recovered #1' })).find((m) =>
          m.subject.includes(AREA),
        ),
      60_000,
      'the recovery e-mail',
    );
    const recoveryMs = Date.now() - cleanAt;
    console.log(
      `guarantee area ${AREA}: alert e-mail ${alertMs} ms after creation; recovery e-mail ${recoveryMs} ms after the clean KPIs (watch 10 s, clearAfter 2)`,
    );
    expect(recovered.to).toEqual(['vip-manager@operator.example']);
    const ok = (await area()).body;
    expect(ok).toMatchObject({
      status: 'OK',
      openAlerts: [],
      alertHistory: [{ seq: 1, closedBy: 'RECOVERED' }],
    });
    expect(ok.checks).toBeGreaterThanOrEqual(3);

    // The periodic test (every 15 s here) is stored and e-mailed to the engineer role.
    const testMail = await eventually(
      async () =>
        (await mails(stack, { subject: 'Guarantee area test' })).find((m) =>
          m.text.includes(`${AREA}:cqt:0`),
        ),
      60_000,
      'the test task e-mail',
    );
    expect(testMail.to).toEqual(['opt-center@operator.example']);
    const tests = await stack.http.get<{
      items: { taskId: string; title: string; role: string; status: string }[];
    }>(`/v1/guarantee-areas/${AREA}/tests`, tokens['analyst.sun']);
    expect(tests.status).toBe(200);
    expect(tests.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          taskId: `${AREA}:cqt:0`,
          title: 'CQT 拨测',
          role: 'optCenter',
          status: 'OPEN',
        }),
      ]),
    );

    // Pause, change (a stricter drop-rate bound makes the clean 0.35 % a breach), resume, end.
    const paused = await stack.http.post<AreaView>(
      `/v1/guarantee-areas/${AREA}/pause`,
      { reason: '保障点位设备调整' },
      tokens['vip.manager'],
    );
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('PAUSED');
    expect(
      (await stack.http.post(`/v1/guarantee-areas/${AREA}/pause`, { reason: 'again' }, KEYS.supervisor))
        .status,
    ).toBe(409);
    const changed = await stack.http.request<AreaView>('PATCH', `/v1/guarantee-areas/${AREA}`, {
      key: tokens['vip.manager'],
      body: { thresholds: [{ kpi: 'dropRate', bound: 'max', value: 0.3 }] },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.definition.thresholds).toEqual([{ kpi: 'dropRate', bound: 'max', value: 0.3 }]);
    const badChange = await stack.http.request<{ message: string }>('PATCH', `/v1/guarantee-areas/${AREA}`, {
      key: tokens['vip.manager'],
      body: { watchInterval: '2s' },
    });
    expect(badChange.status).toBe(400);
    expect(
      (await stack.http.post(`/v1/guarantee-areas/${AREA}/resume`, {}, tokens['vip.manager'])).status,
    ).toBe(200);
    const second = await eventually(
      async () =>
        (await mails(stack, { subject: 'Guarantee area alert #2' })).find((m) => m.subject.includes(AREA)),
      60_000,
      'the second alert e-mail',
    );
    expect(second.text).toContain(`${A} dropRate 0.35 % > 0.3 %`);

    const ended = await stack.http.post<AreaView>(
      `/v1/guarantee-areas/${AREA}/end`,
      { reason: '保障任务结束' },
      tokens['vip.manager'],
    );
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ status: 'ENDED', openAlerts: [] });
    const gone = await eventually(async () => {
      const r = await area();
      return r.body.status === 'ENDED' ? r : undefined;
    });
    expect(gone.body.alertHistory[0]).toMatchObject({ seq: 2, closedBy: 'AREA_ENDED' });
    const late = await stack.http.post<{ error: string }>(
      `/v1/guarantee-areas/${AREA}/pause`,
      { reason: 'too late' },
      tokens['vip.manager'],
    );
    expect(late.status).toBe(409);
    expect((await stack.http.get(`/v1/guarantee-areas/no-such-area`, tokens['vip.manager'])).status).toBe(
      404,
    );
  });

  it('R7.4 test tasks: the assignee sees and closes theirs with a result, the VIP manager sees all; an overdue one escalates to the VIP manager by e-mail and SMS', async () => {
    const areaId = 'it-test-tasks';
    const created = await stack.http.post(
      '/v1/guarantee-areas',
      {
        areaId,
        name: '会展中心',
        cells: [A],
        watchInterval: '1h',
        testPlan: [
          {
            id: 'cqt',
            title: 'CQT 拨测',
            every: '20s',
            dueWithin: '1m',
            role: 'optCenter',
            assignee: 'department:network',
          },
        ],
      },
      tokens['vip.manager'],
    );
    expect(created.status).toBe(201);
    type Task = {
      taskId: string;
      areaId: string;
      assignee?: string;
      status: string;
      overdue: boolean;
      escalatedAt?: string;
    };
    const list = (key: string | undefined, query = '') =>
      stack.http.get<{ items: Task[] }>(`/v1/guarantee-tests${query}`, key);
    const first = `${areaId}:cqt:0`;

    // The engineer of the department sees the task, the analyst (not assigned) does not, a handler may not look.
    const mine = await eventually(async () => {
      const r = await list(tokens['dept.network']);
      return r.body.items.find((t) => t.taskId === first);
    }, 60_000);
    expect(mine).toMatchObject({ areaId, assignee: 'department:network', status: 'OPEN', overdue: false });
    expect((await list(tokens['analyst.sun'])).body.items.filter((t) => t.areaId === areaId)).toEqual([]);
    expect((await list(tokens['handler.li'])).status).toBe(403);
    const all = await list(tokens['vip.manager'], '?assignee=department:network');
    expect(all.body.items.map((t) => t.taskId)).toContain(first);

    // A result: only the assignee (or a manager); a FAIL needs notes; it closes the task once.
    const result = {
      measurements: [{ name: 'RSRP', value: -88, unit: 'dBm', cellId: A }],
      conclusion: 'PASS',
      photos: ['https://photos.example/it-test-tasks/1.jpg'],
    };
    const path = `/v1/guarantee-tests/${encodeURIComponent(first)}/result`;
    expect((await stack.http.post(path, result, tokens['analyst.sun'])).status).toBe(403);
    const noNotes = await stack.http.post<{ message: string }>(
      path,
      { ...result, conclusion: 'FAIL' },
      tokens['dept.network'],
    );
    expect(noNotes.status).toBe(400);
    expect(noNotes.body.message).toMatch(/notes/);
    const done = await stack.http.post<{ status: string; late: boolean; doneBy: string }>(
      path,
      result,
      tokens['dept.network'],
    );
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'DONE', late: false, doneBy: 'dept.network' });
    expect((await stack.http.post(path, result, tokens['dept.network'])).status).toBe(409);
    const closed = await list(tokens['dept.network'], `?state=done&areaId=${areaId}`);
    expect(closed.body.items).toEqual([
      expect.objectContaining({
        taskId: first,
        status: 'DONE',
        result: expect.objectContaining({ conclusion: 'PASS' }),
      }),
    ]);

    // The next task is left open: a minute after it was made, the VIP manager hears of it.
    const second = `${areaId}:cqt:1`;
    const overdueMail = await eventually(
      async () =>
        (await mails(stack, { subject: 'Guarantee area test overdue' })).find((m) => m.text.includes(second)),
      150_000,
      'the overdue e-mail',
    );
    expect(overdueMail.to).toEqual(['vip-manager@operator.example']);
    expect(overdueMail.text).toContain('department:network');
    const overdueSms = await eventually(
      async () => {
        const sim = (await (await fetch(`${stack.urls.twilioSim}/_sim/messages`)).json()) as
          { body: string; to: string }[] | { messages: { body: string; to: string }[] };
        return (Array.isArray(sim) ? sim : sim.messages).find(
          (m) => m.to === VIP_MANAGER_PHONE && m.body.includes(second),
        );
      },
      30_000,
      'the overdue SMS',
    );
    expect(overdueSms.body).toMatch(/^【重点保障测试超期】会展中心/);
    const overdue = await list(tokens['vip.manager'], `?state=overdue&areaId=${areaId}`);
    expect(overdue.body.items.find((t) => t.taskId === second)).toMatchObject({
      overdue: true,
      escalatedAt: expect.any(String),
    });
    // The first task, closed in time, never escalated.
    expect(
      (await mails(stack, { subject: 'Guarantee area test overdue' })).some((m) => m.text.includes(first)),
    ).toBe(false);
    const view = await stack.http.get<{ tests: { done: number; open: { taskId: string }[] } }>(
      `/v1/guarantee-areas/${areaId}`,
      tokens['vip.manager'],
    );
    expect(view.body.tests.done).toBe(1);
    expect(view.body.tests.open.map((t) => t.taskId)).toContain(second);
    // The area ends: its tasks still open are cancelled and leave the open worklist.
    const end = await stack.http.post(
      `/v1/guarantee-areas/${areaId}/end`,
      { reason: 'test done' },
      tokens['vip.manager'],
    );
    expect(end.status).toBe(200);
    const cancelled = await eventually(async () => {
      const r = await list(tokens['vip.manager'], `?state=all&areaId=${areaId}`);
      const t = r.body.items.find((x) => x.taskId === second);
      return t?.status === 'CANCELLED' ? r.body.items : undefined;
    }, 30_000);
    expect(cancelled.find((x) => x.taskId === first)?.status).toBe('DONE');
    expect((await list(tokens['dept.network'], `?areaId=${areaId}`)).body.items).toEqual([]);
  });
});
