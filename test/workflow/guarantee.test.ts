// The guarantee-area workflow (R7.3) on the Temporal time-skipping test server with fake
// activities: synthetic KPIs that degrade and recover, periodic test tasks, pause / resume /
// change / end, and continue-as-new that keeps the state; test tasks with an assignee, a result
// that closes them and escalation to the VIP manager at their due time (R7.4).
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { KpiSample } from '../../domain/evidence';
import type { GuaranteeActivities } from '../../activities/guarantee-types';
import type { SendEmailInput, SendSmsInput } from '../../activities/types';
import {
  GUARANTEE_WORKFLOW_TYPE,
  changeAreaUpdate,
  endAreaUpdate,
  getAreaQuery,
  guaranteeWorkflowId,
  pauseAreaUpdate,
  recordTestResultUpdate,
  resumeAreaUpdate,
  type Actor,
  type GuaranteeAreaOutcome,
  type GuaranteeAreaStart,
  type GuaranteeAreaView,
  type GuaranteeTestTask,
  type RecordTestResultInput,
  type TestResultRecord,
} from '../../workflows/guarantee/contract';
import { withDefaults, type GuaranteeAreaInput } from '../../domain/policy/guarantee';
import { createTimeSkippingEnv, workflowBundle } from '../support/time-skipping';

const taskQueue = 'guarantee-test';
const H = 3_600_000;
const A = '460-00-31001-1';
const B = '460-00-31001-2';
const C = '460-00-31001-3';
const vip: Actor = { user: 'vip.manager', roles: ['vipManager'] };

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;

/** Per cell: KPI values that replace the healthy ones; a cell in `silent` sends no sample. */
const degraded = new Map<string, Partial<KpiSample>>();
const silent = new Set<string>();
/** Areas whose KPI source fails (every attempt). */
const failing = new Set<string>();
const reads: { areaId: string; at: string }[] = [];
const emails: SendEmailInput[] = [];
const sms: SendSmsInput[] = [];
const tasks: GuaranteeTestTask[] = [];
const results: TestResultRecord[] = [];
const overdue: { taskId: string; escalatedAt: string; role: string }[] = [];
const cancelled: { areaId: string; taskIds: string[]; reason: string }[] = [];
/** The VIP manager's mobile (ROLE_PHONES) the fake store answers with. */
const VIP_MANAGER_PHONE = '+8613900000099';
const projections: GuaranteeAreaView[] = [];
const started: WorkflowHandle[] = [];

const healthy = (cellId: string, at: string): KpiSample => ({
  cellId,
  hour: new Date(Math.floor(Date.parse(at) / H) * H).toISOString(),
  rrcSetupSuccessRate: 99.5,
  erabSetupSuccessRate: 99.3,
  dropRate: 0.3,
  prbUtilisationDl: 48,
  throughputDlMbps: 41,
  rsrpP10: -107,
  rsrpP50: -93,
  sinrP50: 15,
  ulInterferenceDbm: -117,
});

const activities: GuaranteeActivities & {
  sendEmail: (i: SendEmailInput) => Promise<{ messageId: string; alreadySent: boolean }>;
  sendSms: (i: SendSmsInput) => Promise<{ sid: string; status: string; alreadySent: boolean }>;
} = {
  readAreaKpis: async (input) => {
    reads.push({ areaId: input.areaId, at: input.at });
    if (failing.has(input.areaId)) throw new Error('northbound KPI interface timed out');
    return input.cells
      .filter((c) => !silent.has(c))
      .map((c) => ({ ...healthy(c, input.at), ...degraded.get(c) }));
  },
  projectGuaranteeArea: async (view) => {
    projections.push(view);
    return { applied: true };
  },
  createGuaranteeTest: async (task) => {
    tasks.push(task);
    return { created: true };
  },
  recordGuaranteeTestResult: async (record) => {
    results.push(record);
    return { applied: true };
  },
  cancelGuaranteeTests: async (input) => {
    cancelled.push(input);
    return { cancelled: input.taskIds.length };
  },
  markGuaranteeTestOverdue: async (input) => {
    overdue.push(input);
    return { phones: input.role === 'vipManager' ? [VIP_MANAGER_PHONE] : [] };
  },
  sendEmail: async (input) => {
    emails.push(input);
    return { messageId: `<${input.idempotencyKey}@test>`, alreadySent: false };
  },
  sendSms: async (input) => {
    sms.push(input);
    return { sid: `SM${sms.length}`, status: 'queued', alreadySent: false };
  },
};

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
  running = worker.run();
}, 180_000);

afterAll(async () => {
  await Promise.all(started.map((h) => h.terminate('test cleanup').catch(() => undefined)));
  worker?.shutdown();
  await running;
  await env?.teardown();
});

beforeEach(() => {
  degraded.clear();
  silent.clear();
  failing.clear();
});

async function startArea(
  areaId: string,
  input: Partial<GuaranteeAreaInput> = {},
  limits?: GuaranteeAreaStart['limits'],
): Promise<WorkflowHandle> {
  const start: GuaranteeAreaStart = {
    areaId,
    area: withDefaults({ name: `保障区域 ${areaId}`, cells: [A, B], watchInterval: '15m', ...input }),
    createdBy: vip.user,
    ...(limits ? { limits } : {}),
  };
  const first = await env.client.workflow.start(GUARANTEE_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: guaranteeWorkflowId(areaId),
    args: [start],
  });
  started.push(first);
  // Without a run id the handle follows continue-as-new to the newest run.
  return env.client.workflow.getHandle(guaranteeWorkflowId(areaId));
}

async function until(
  handle: WorkflowHandle,
  ok: (v: GuaranteeAreaView) => boolean,
  timeoutMs = 30_000,
): Promise<GuaranteeAreaView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await handle.query(getAreaQuery);
    if (ok(view)) return view;
    if (Date.now() > deadline)
      throw new Error(`condition not reached; last view: ${JSON.stringify(view).slice(0, 1200)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const act = <T>(handle: WorkflowHandle, def: { name: string }, input: T) =>
  handle.executeUpdate<GuaranteeAreaView, [{ actor: Actor; input: T }]>(def.name, {
    args: [{ actor: vip, input }],
  });

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return String((err as WorkflowUpdateFailedError).cause?.message);
}

const keysOf = (areaId: string, list: { idempotencyKey: string }[]) =>
  list.map((m) => m.idempotencyKey).filter((k) => k.startsWith(`guarantee-area:${areaId}:`));
const byKey = (a: { idempotencyKey: string }, b: { idempotencyKey: string }) =>
  a.idempotencyKey < b.idempotencyKey ? -1 : 1;
const readsOf = (areaId: string) => reads.filter((r) => r.areaId === areaId).length;

describe('R7.3 guarantee area workflow', () => {
  it('R7.3 degraded KPIs raise an alert to the responsible people; recovery after clearAfter clean checks is announced too', async () => {
    const h = await startArea('alert-recover', {
      notify: {
        roles: ['vipManager', 'interface'],
        emails: [],
        phones: ['+8613900000001'],
        language: 'zh-CN',
      },
    });
    const first = await until(h, (v) => v.checks >= 1);
    expect(first).toMatchObject({
      status: 'OK',
      openAlerts: [],
      lastCheck: { breaching: false, cellsWithData: 2 },
    });
    expect(Date.parse(first.nextCheckAt!) - Date.parse(first.lastCheck!.at)).toBe(15 * 60_000);

    degraded.set(A, { dropRate: 4.2, rrcSetupSuccessRate: 93.1 });
    await env.sleep('16m');
    const alert = await until(h, (v) => v.status === 'ALERT');
    expect(alert.openAlerts).toEqual([
      expect.objectContaining({
        seq: 1,
        breaches: [
          expect.objectContaining({ cellId: A, kpi: 'rrcSetupSuccessRate', value: 93.1, limit: 98 }),
          expect.objectContaining({ cellId: A, kpi: 'dropRate', value: 4.2, limit: 1.5 }),
        ],
      }),
    ]);
    await until(
      h,
      () => keysOf('alert-recover', emails).length === 2 && keysOf('alert-recover', sms).length === 1,
    );
    const alertMails = emails
      .filter((e) => e.template === 'areaAlert' && e.ticketId === 'guarantee-area-alert-recover')
      .sort(byKey);
    expect(alertMails).toEqual([
      expect.objectContaining({
        idempotencyKey: 'guarantee-area:alert-recover:alert:1:raised:mail:interface',
      }),
      expect.objectContaining({
        idempotencyKey: 'guarantee-area:alert-recover:alert:1:raised:mail:vipManager',
        toRole: 'vipManager',
        about: { workflowId: 'guarantee-area-alert-recover', apiPath: '/v1/guarantee-areas/alert-recover' },
        vars: expect.objectContaining({
          seq: '1',
          breaches: expect.stringContaining('dropRate 4.2 % > 1.5 %'),
        }),
      }),
    ]);
    expect(sms.find((s) => s.idempotencyKey.startsWith('guarantee-area:alert-recover:'))).toMatchObject({
      idempotencyKey: 'guarantee-area:alert-recover:alert:1:raised:sms:0',
      to: '+8613900000001',
      template: 'areaAlert',
      language: 'zh-CN',
    });
    expect(projections.some((p) => p.areaId === 'alert-recover' && p.status === 'ALERT')).toBe(true);

    // Still degraded: the alert stays open, no second alert.
    await env.sleep('15m');
    await until(h, (v) => v.openAlerts[0]?.breachingChecks === 2);

    // Recovered KPIs: one clean check is not yet a recovery (clearAfter 2) …
    degraded.clear();
    await env.sleep('15m');
    const oneClean = await until(h, (v) => v.alerts.cleanStreak === 1);
    expect(oneClean.status).toBe('ALERT');
    // … the second one is.
    await env.sleep('15m');
    const ok = await until(h, (v) => v.status === 'OK');
    expect(ok.openAlerts).toEqual([]);
    expect(ok.alertHistory).toEqual([expect.objectContaining({ seq: 1, closedBy: 'RECOVERED' })]);
    await until(h, () => keysOf('alert-recover', emails).length === 4);
    expect(keysOf('alert-recover', emails).slice(2).sort()).toEqual([
      'guarantee-area:alert-recover:alert:1:recovered:mail:interface',
      'guarantee-area:alert-recover:alert:1:recovered:mail:vipManager',
    ]);
    expect(emails.filter((e) => e.template === 'areaRecovered').length).toBeGreaterThanOrEqual(2);
    await act(h, endAreaUpdate, { reason: 'test done' });
  });

  it('R7.3 periodic test tasks are created on schedule, stored and e-mailed to the engineer role', async () => {
    const h = await startArea('tests-plan', {
      watchInterval: '1h',
      testPlan: [{ id: 'cqt', title: 'CQT 拨测', every: '6h', dueWithin: '2h', role: 'optCenter' }],
    });
    const v0 = await until(h, (v) => v.checks >= 1);
    const t0 = Date.parse(v0.createdAt);
    expect(v0.tests).toEqual({
      created: 0,
      nextDueAt: new Date(t0 + 6 * H).toISOString(),
      last: [],
      open: [],
      done: 0,
      doneLate: 0,
    });

    await env.sleep('13h');
    const v = await until(h, (x) => x.tests.created === 2);
    const mine = tasks.filter((t) => t.areaId === 'tests-plan');
    expect(mine.map((t) => [t.taskId, t.scheduledAt, t.dueAt])).toEqual([
      ['tests-plan:cqt:0', new Date(t0 + 6 * H).toISOString(), new Date(t0 + 8 * H).toISOString()],
      ['tests-plan:cqt:1', new Date(t0 + 12 * H).toISOString(), new Date(t0 + 14 * H).toISOString()],
    ]);
    expect(mine[0]).toMatchObject({ title: 'CQT 拨测', role: 'optCenter', cells: [A, B] });
    expect(v.tests.nextDueAt).toBe(new Date(t0 + 18 * H).toISOString());
    await until(
      h,
      () =>
        emails.filter((e) => e.template === 'areaTest' && e.ticketId === 'guarantee-area-tests-plan')
          .length === 2,
    );
    expect(
      emails.filter((e) => e.template === 'areaTest' && e.ticketId === 'guarantee-area-tests-plan'),
    ).toEqual([
      expect.objectContaining({
        idempotencyKey: 'guarantee-area:tests-plan:cqt:0:test:mail',
        toRole: 'optCenter',
      }),
      expect.objectContaining({
        idempotencyKey: 'guarantee-area:tests-plan:cqt:1:test:mail',
        toRole: 'optCenter',
      }),
    ]);
    expect(v.checks).toBeGreaterThanOrEqual(13);
    await act(h, endAreaUpdate, { reason: 'test done' });
  });

  it('R7.3 pause stops checks and tests, resume checks at once, a change takes effect, end completes the area', async () => {
    // A second area keeps timers going, so the time-skipping server has somewhere to skip to.
    const companion = await startArea('companion', { watchInterval: '10m', cells: [C] });
    const h = await startArea('pause-change-end', {
      testPlan: [{ id: 'dt', title: '路测 DT', every: '1h', dueWithin: '1h', role: 'optCenter' }],
    });
    await until(h, (v) => v.checks >= 1);
    expect(await refusal(act(h, resumeAreaUpdate, {}))).toMatch(/not paused/);
    expect(await refusal(act(h, pauseAreaUpdate, { reason: ' ' }))).toMatch(/reason is required/);

    const paused = await act(h, pauseAreaUpdate, { reason: '重大活动前设备割接，暂停监控' });
    expect(paused).toMatchObject({ status: 'PAUSED', paused: { by: 'vip.manager' } });
    expect(paused.nextCheckAt).toBeUndefined();
    expect(await refusal(act(h, pauseAreaUpdate, { reason: 'again' }))).toMatch(/already paused/);
    const readsWhenPaused = readsOf('pause-change-end');
    await env.sleep('2h');
    await until(companion, (v) => v.checks >= 12);
    expect(readsOf('pause-change-end')).toBe(readsWhenPaused);
    expect(tasks.filter((t) => t.areaId === 'pause-change-end')).toEqual([]);

    // While paused cell A degrades; resuming checks at once and raises the alert.
    degraded.set(A, { dropRate: 4.2 });
    const resumed = await act(h, resumeAreaUpdate, { note: '割接完成' });
    expect(resumed.paused).toBeUndefined();
    const alert = await until(h, (v) => v.status === 'ALERT');
    expect(readsOf('pause-change-end')).toBe(readsWhenPaused + 1);
    expect(alert.tests.created).toBe(0); // the hourly tests missed while paused are skipped

    // A change is validated by the workflow too, then takes effect at once.
    expect(await refusal(act(h, changeAreaUpdate, { watchInterval: '1s' }))).toMatch(
      /watchInterval: at least 10s/,
    );
    const changed = await act(h, changeAreaUpdate, {
      cells: [A, C],
      thresholds: [{ kpi: 'dropRate', bound: 'max', value: 5 }],
      alertPolicy: { clearAfter: 1 },
    });
    expect(changed.definition).toMatchObject({
      cells: [A, C],
      thresholds: [{ kpi: 'dropRate', bound: 'max', value: 5 }],
      alertPolicy: { raiseAfter: 1, clearAfter: 1 },
    });
    const recovered = await until(h, (v) => v.status === 'OK');
    expect(recovered.lastCheck).toMatchObject({ breaching: false, cellsWithData: 2 });
    expect(recovered.alertHistory[0]).toMatchObject({ seq: 1, closedBy: 'RECOVERED' });

    const ended = await act(h, endAreaUpdate, { reason: '保障任务结束' });
    expect(ended).toMatchObject({ status: 'ENDED', ended: { by: 'vip.manager', reason: '保障任务结束' } });
    const outcome = (await h.result()) as GuaranteeAreaOutcome;
    expect(outcome).toMatchObject({ areaId: 'pause-change-end', status: 'ENDED', alerts: 1 });
    expect(outcome.checks).toBe(ended.checks);
    expect((await h.query(getAreaQuery)).status).toBe('ENDED');
    expect(projections.filter((p) => p.areaId === 'pause-change-end').at(-1)?.status).toBe('ENDED');
    await expect(act(h, pauseAreaUpdate, { reason: 'too late' })).rejects.toThrow();
    await act(companion, endAreaUpdate, { reason: 'test done' });
  });

  it('R7.3 continue-as-new after a bounded number of checks keeps the alert, counters and test plan', async () => {
    degraded.set(B, { prbUtilisationDl: 97 });
    const h = await startArea(
      'long-running',
      { testPlan: [{ id: 'cqt', title: 'CQT', every: '40m', dueWithin: '1h', role: 'optCenter' }] },
      { maxChecksPerRun: 3 },
    );
    const raised = await until(h, (v) => v.status === 'ALERT');
    const firstRunId = (await h.describe()).runId;
    expect(raised.run.number).toBe(1);

    await env.sleep('50m');
    const second = await until(h, (v) => v.run.number >= 2 && v.checks >= 4);
    expect((await h.describe()).runId).not.toBe(firstRunId);
    expect(second).toMatchObject({ status: 'ALERT', alerts: { seq: 1 }, createdBy: 'vip.manager' });
    expect(second.openAlerts[0]).toMatchObject({ seq: 1, raisedAt: raised.openAlerts[0]!.raisedAt });
    expect(second.tests.created).toBe(1);

    degraded.clear();
    await env.sleep('35m');
    const ok = await until(h, (v) => v.status === 'OK');
    expect(ok.run.number).toBeGreaterThanOrEqual(2);
    expect(ok.checks).toBeGreaterThanOrEqual(6);
    expect(ok.alertHistory).toEqual([expect.objectContaining({ seq: 1, closedBy: 'RECOVERED' })]);
    expect(ok.tests.created).toBeGreaterThanOrEqual(2);
    await until(
      h,
      () => keysOf('long-running', emails).filter((k) => k.includes(':recovered:')).length === 2,
    );
    // One alert, one recovery per role across the runs: the keys carry area + alert sequence.
    const alertKeys = keysOf('long-running', emails).filter((k) => k.includes(':alert:'));
    expect(alertKeys.sort()).toEqual([
      'guarantee-area:long-running:alert:1:raised:mail:interface',
      'guarantee-area:long-running:alert:1:raised:mail:vipManager',
      'guarantee-area:long-running:alert:1:recovered:mail:interface',
      'guarantee-area:long-running:alert:1:recovered:mail:vipManager',
    ]);
    // The versions the projection saw only grow across runs.
    const versions = projections.filter((p) => p.areaId === 'long-running').map((p) => p.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    await act(h, endAreaUpdate, { reason: 'test done' });
  });

  it('R7.3 a KPI source that keeps failing is a gap in the check, not an alert; a silent cell alerts only when missing data counts', async () => {
    failing.add('gap');
    const h = await startArea('gap', {
      cells: [A, C],
      alertPolicy: { raiseAfter: 1, clearAfter: 1, missingDataBreaches: true },
    });
    const gap = await until(h, (v) => v.lastCheck?.error !== undefined, 60_000);
    expect(gap).toMatchObject({ status: 'OK', checks: 1, lastCheck: { breaching: false } });
    expect(gap.lastCheck!.error).toMatch(/northbound KPI interface timed out/);
    expect(reads.filter((r) => r.areaId === 'gap')).toHaveLength(3); // the activity's 3 attempts

    failing.clear();
    silent.add(C);
    await env.sleep('16m');
    const missing = await until(h, (v) => v.status === 'ALERT');
    expect(missing.lastCheck).toMatchObject({ breaching: true, breaches: [], cellsWithoutData: [C] });
    expect(missing.lastCheck!.error).toBeUndefined();
    await act(h, endAreaUpdate, { reason: 'test done' });
  });
});

describe('R7.4 guarantee test tasks', () => {
  const engineer: Actor = { user: 'dept.network', roles: ['department:network'] };
  const handler: Actor = { user: 'handler.li', roles: ['handler'] };
  const record = (h: WorkflowHandle, actor: Actor, input: RecordTestResultInput) =>
    h.executeUpdate<TestResultRecord, [{ actor: Actor; input: RecordTestResultInput }]>(
      recordTestResultUpdate.name,
      { args: [{ actor, input }] },
    );
  const passed = {
    measurements: [{ name: 'RSRP', value: -92, unit: 'dBm', cellId: A }],
    conclusion: 'PASS' as const,
    photos: ['https://photos.example/cqt-1.jpg'],
  };
  const overdueMails = (taskId: string) =>
    emails.filter((e) => e.template === 'areaTestOverdue' && e.vars.taskId === taskId);

  it('R7.4 a test task has its assignee and the due time of the plan; still open at that time it escalates to the VIP manager by e-mail and SMS, once', async () => {
    const h = await startArea('tasks-overdue', {
      watchInterval: '1h',
      testPlan: [
        {
          id: 'cqt',
          title: 'CQT 拨测',
          every: '6h',
          dueWithin: '2h',
          role: 'optCenter',
          assignee: 'dept.network',
        },
      ],
    });
    const t0 = Date.parse((await until(h, (v) => v.checks >= 1)).createdAt);
    await env.sleep('6h');
    const made = await until(h, (v) => v.tests.open.length === 1);
    const dueAt = new Date(t0 + 8 * H).toISOString();
    expect(made.tests.open).toEqual([
      {
        taskId: 'tasks-overdue:cqt:0',
        itemId: 'cqt',
        title: 'CQT 拨测',
        role: 'optCenter',
        assignee: 'dept.network',
        dueAt,
      },
    ]);
    expect(tasks.find((t) => t.taskId === 'tasks-overdue:cqt:0')).toMatchObject({
      assignee: 'dept.network',
      dueAt,
    });

    // A minute before the due time nothing has escalated; at the due time it has.
    await env.sleep(2 * H - 60_000);
    expect((await h.query(getAreaQuery)).tests.open[0]!.escalatedAt).toBeUndefined();
    expect(overdueMails('tasks-overdue:cqt:0')).toEqual([]);
    await env.sleep('2m');
    const late = await until(h, (v) => v.tests.open[0]?.escalatedAt !== undefined);
    // On the due time's timer (a few milliseconds of workflow time after it at most).
    const escalatedAt = late.tests.open[0]!.escalatedAt!;
    expect(Date.parse(escalatedAt) - Date.parse(dueAt)).toBeGreaterThanOrEqual(0);
    expect(Date.parse(escalatedAt) - Date.parse(dueAt)).toBeLessThan(1_000);
    expect(overdue.filter((o) => o.taskId === 'tasks-overdue:cqt:0')).toEqual([
      { taskId: 'tasks-overdue:cqt:0', escalatedAt, role: 'vipManager' },
    ]);
    await until(h, () => overdueMails('tasks-overdue:cqt:0').length === 1);
    expect(overdueMails('tasks-overdue:cqt:0')[0]).toMatchObject({
      idempotencyKey: 'guarantee-test:tasks-overdue:cqt:0:overdue:mail:vipManager',
      toRole: 'vipManager',
      vars: expect.objectContaining({ assignee: 'dept.network', dueAt }),
    });
    const texts = () =>
      sms.filter((m) => m.template === 'areaTestOverdue' && m.vars.taskId === 'tasks-overdue:cqt:0');
    await until(h, () => texts().length === 1);
    expect(texts()[0]).toMatchObject({ to: VIP_MANAGER_PHONE, language: 'zh-CN' });

    // Hours later it has not escalated again.
    await env.sleep('3h');
    await until(h, (v) => v.checks >= 11);
    expect(overdueMails('tasks-overdue:cqt:0')).toHaveLength(1);
    // The area ends: the task still open is cancelled, so it leaves the worklists.
    await act(h, endAreaUpdate, { reason: 'test done' });
    await h.result();
    expect(cancelled.filter((c) => c.areaId === 'tasks-overdue')).toEqual([
      expect.objectContaining({ taskIds: ['tasks-overdue:cqt:0'], reason: 'area ended: test done' }),
    ]);
    expect((await h.query(getAreaQuery)).tests.open).toEqual([]);
  });

  it('R7.4 the assignee records measurements, a conclusion and photo links: the task closes, in time or late; others and a second result are refused', async () => {
    const h = await startArea('tasks-result', {
      watchInterval: '1h',
      testPlan: [
        {
          id: 'cqt',
          title: 'CQT 拨测',
          every: '6h',
          dueWithin: '2h',
          role: 'optCenter',
          assignee: 'department:network',
        },
      ],
    });
    await until(h, (v) => v.checks >= 1);
    await env.sleep('6h');
    await until(h, (v) => v.tests.open.length === 1);
    const taskId = 'tasks-result:cqt:0';

    expect(await refusal(record(h, handler, { taskId, result: passed }))).toMatch(
      /assigned to department:network/,
    );
    expect(await refusal(record(h, engineer, { taskId, result: { ...passed, conclusion: 'FAIL' } }))).toMatch(
      /notes: say what failed/,
    );
    expect(await refusal(record(h, engineer, { taskId: 'tasks-result:cqt:9', result: passed }))).toMatch(
      /is not open/,
    );

    const done = await record(h, engineer, { taskId, result: passed });
    expect(done).toMatchObject({
      taskId,
      areaId: 'tasks-result',
      status: 'DONE',
      doneBy: 'dept.network',
      late: false,
    });
    expect(results.filter((r) => r.taskId === taskId)).toEqual([done]);
    const closed = await h.query(getAreaQuery);
    expect(closed.tests).toMatchObject({ open: [], done: 1, doneLate: 0 });
    expect(await refusal(record(h, engineer, { taskId, result: passed }))).toMatch(/is not open/);

    // Past its due time the closed task does not escalate; the next one, closed late, counts late.
    await env.sleep('510m');
    await until(h, (v) => v.tests.open[0]?.escalatedAt !== undefined);
    expect(overdueMails(taskId)).toEqual([]);
    const lateOne = await record(
      h,
      { user: 'vip.manager', roles: ['vipManager'] },
      {
        taskId: 'tasks-result:cqt:1',
        result: { ...passed, conclusion: 'FAIL', notes: '室分天线被遮挡 indoor antenna blocked' },
      },
    );
    expect(lateOne).toMatchObject({ late: true, doneBy: 'vip.manager' });
    expect((await h.query(getAreaQuery)).tests).toMatchObject({ open: [], done: 2, doneLate: 1 });
    await act(h, endAreaUpdate, { reason: 'test done' });
  });
});
