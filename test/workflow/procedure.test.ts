// The handling procedure (R2, R4, R5) on the time-skipping server: every clock, every escalation path.
import {
  acknowledgeEscalationUpdate,
  applyPolicyUpdate,
  assignUpdate,
  closeUpdate,
  extendClockUpdate,
  getComplaintQuery,
  markMajorUpdate,
  pauseClockUpdate,
  recordVerificationUpdate,
  resumeClockUpdate,
  submitMajorReportUpdate,
  triageUpdate,
} from '../../workflows/complaint/contract';
import { DEFAULT_POLICY_SET } from '../../domain/policy/default-policies';
import { complaintInput } from '../support/fixtures';
import {
  H,
  handler,
  iface,
  startHarness,
  supervisor,
  clockOf,
  refusal,
  resolveAndReply as resolveAndReply_,
  type Harness,
} from '../support/workflow-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('complaints-procedure-test');
}, 300_000);
afterAll(async () => h?.close());
afterEach(async () => {
  h.policySet.current = DEFAULT_POLICY_SET;
  await h.cleanup();
});

const resolveAndReply = (handle: Awaited<ReturnType<Harness['start']>>, satisfied: boolean) =>
  resolveAndReply_(h, handle, satisfied);

describe('R2.2 a transfer carries its own time limit', () => {
  it('R2.2 the department is asked by e-mail, warned, and a late answer is escalated', async () => {
    const input = complaintInput();
    const handle = await h.start(input);
    let view = await h.act(handle, triageUpdate, handler, {
      decision: 'TRANSFER',
      department: 'network',
      note: '请核查基站',
    });
    expect(clockOf(view, 'verification:network')).toMatchObject({ state: 'running', targetMs: 24 * H });
    await h.env.sleep('25h');
    view = await handle.query(getComplaintQuery);
    expect(clockOf(view, 'verification:network').state).toBe('breached');
    const mails = h.mailsFor(input.ticketId);
    expect(mails.find((m) => m.template === 'verificationRequest')).toMatchObject({
      toRole: 'department:network',
    });
    expect(mails.some((m) => m.template === 'clockWarning' && m.toRole === 'department:network')).toBe(true);
    expect(mails.some((m) => m.template === 'clockBreached' && m.vars.clock === 'verification:network')).toBe(
      true,
    );
    expect(view.escalations[0]).toMatchObject({
      level: 1,
      source: 'clockBreached',
      reason: 'verification:network breached',
    });
    view = await h.act(
      handle,
      recordVerificationUpdate,
      { user: 'dept.network', roles: ['department:network'] },
      {
        department: 'network',
        result: '基站传输中断已恢复',
      },
    );
    expect(view.stage).toBe('IN_PROGRESS');
    expect(clockOf(view, 'verification:network').state).toBe('metLate');
    await handle.terminate('test done');
  });
});

describe('R4.1 the time limits come from the policy chosen by the complaint', () => {
  it("R4.1 the complaint's category chooses its policy, and the workflow runs that policy's clocks", async () => {
    // An admin's set with a policy for one category (the built-in set has none).
    h.policySet.current = {
      ...DEFAULT_POLICY_SET,
      version: 3,
      policies: [
        ...DEFAULT_POLICY_SET.policies,
        {
          id: 'no-data',
          version: 1,
          description: 'No data service at all: the core network is usually involved',
          match: { categories: ['NO_DATA'] },
          clocks: {
            firstReply: { target: '12h', warnAt: [0.5] },
            handling: { target: '36h', warnAt: [0.5] },
          },
        },
      ],
    };
    const noData = await h.start(complaintInput({ category: 'NO_DATA' }));
    const dropped = await h.start(complaintInput({ category: 'DROPPED_CALLS' }));
    const chosen = await h.until(noData, (v) => v.policy !== undefined);
    expect(chosen.policy).toMatchObject({ id: 'no-data', setVersion: 3 });
    expect(clockOf(chosen, 'handling').targetMs).toBe(36 * H);
    expect(clockOf(chosen, 'firstReply').targetMs).toBe(12 * H);
    // The same complaint in another category, under the same set, keeps the standard policy.
    const other = await h.until(dropped, (v) => v.policy !== undefined);
    expect(other.policy).toMatchObject({ id: 'standard', setVersion: 3 });
    expect(clockOf(other, 'handling').targetMs).toBe(72 * H);
    // The chosen policy's clock is the one that runs: the no-data complaint breaches its handling
    // limit after 36 h, the other one does not.
    await h.env.sleep('37h');
    expect(clockOf(await noData.query(getComplaintQuery), 'handling').state).toBe('breached');
    expect(clockOf(await dropped.query(getComplaintQuery), 'handling').state).toBe('running');
  });
});

describe('R4.1 clocks can be paused, extended and re-targeted', () => {
  it('R4.1 a paused handling clock does not breach; resuming moves the deadline by the paused time', async () => {
    const input = complaintInput();
    const handle = await h.start(input);
    await h.act(handle, triageUpdate, handler, { decision: 'SELF' });
    await h.env.sleep('10h');
    let view = await h.act(handle, pauseClockUpdate, handler, {
      clock: 'handling',
      reason: '等待客户约定上门时间',
    });
    expect(clockOf(view, 'handling').state).toBe('paused');
    await h.env.sleep('70h');
    view = await handle.query(getComplaintQuery);
    expect(clockOf(view, 'handling').state).toBe('paused');
    expect(Math.abs(clockOf(view, 'handling').elapsedMs - 10 * H)).toBeLessThan(60_000);
    expect(h.mailsFor(input.ticketId).some((m) => m.idempotencyKey.includes(':handling:breach'))).toBe(false);
    view = await h.act(handle, resumeClockUpdate, handler, { clock: 'handling' });
    const resumedAt = Date.parse(view.clocks.find((c) => c.name === 'handling')!.pauses[0]!.to!);
    const due = Date.parse(clockOf(view, 'handling').dueAt!);
    expect(Math.abs(due - resumedAt - 62 * H)).toBeLessThan(60_000);
    expect(Math.abs(clockOf(view, 'handling').pausedMs - 70 * H)).toBeLessThan(60_000);
    expect(await refusal(h.act(handle, resumeClockUpdate, handler, { clock: 'handling' }))).toMatch(
      /not paused/,
    );
    expect(await refusal(h.act(handle, pauseClockUpdate, handler, { clock: 'nope', reason: 'x' }))).toMatch(
      /no clock named nope/,
    );
    await handle.terminate('test done');
  });

  it('R4.1 a supervisor extends a running deadline; the 48 h first reply cannot be extended', async () => {
    const handle = await h.start();
    let view = await h.act(handle, extendClockUpdate, supervisor, {
      clock: 'handling',
      by: '12h',
      reason: '等待厂家备件',
    });
    const c = clockOf(view, 'handling');
    expect(c.extendedMs).toBe(12 * H);
    expect(Date.parse(c.dueAt!) - Date.parse(c.startedAt)).toBe(84 * H);
    expect(view.clocks.find((x) => x.name === 'handling')!.extensions[0]).toMatchObject({
      by: 'supervisor.wang',
      reason: '等待厂家备件',
    });
    expect(
      await refusal(
        h.act(handle, extendClockUpdate, supervisor, { clock: 'firstReply', by: '12h', reason: 'x' }),
      ),
    ).toMatch(/48 h/);
    expect(
      await refusal(
        h.act(handle, extendClockUpdate, supervisor, { clock: 'handling', by: 'soon', reason: 'x' }),
      ),
    ).toMatch(/not a duration/);
    await h.env.sleep('80h');
    view = await handle.query(getComplaintQuery);
    expect(clockOf(view, 'handling').state).toBe('running');
    await handle.terminate('test done');
  });

  it('R4.1 a policy changed mid-flight applies only when a supervisor applies it, and keeps paused time', async () => {
    const handle = await h.start();
    await h.act(handle, pauseClockUpdate, handler, { clock: 'handling', reason: '等待厂家' });
    await h.env.sleep('5h');
    await h.act(handle, resumeClockUpdate, handler, { clock: 'handling' });
    h.policySet.current = {
      ...DEFAULT_POLICY_SET,
      version: 2,
      policies: DEFAULT_POLICY_SET.policies.map((p) =>
        p.id === 'standard'
          ? { ...p, version: 2, clocks: { ...p.clocks, handling: { target: '36h', warnAt: [0.5] } } }
          : p,
      ),
    };
    let view = await handle.query(getComplaintQuery);
    expect(clockOf(view, 'handling').targetMs).toBe(72 * H);
    view = await h.act(handle, applyPolicyUpdate, supervisor, { reason: '新版考核口径' });
    expect(view.policy).toMatchObject({ id: 'standard', version: 2, setVersion: 2 });
    expect(clockOf(view, 'handling').targetMs).toBe(36 * H);
    expect(Math.abs(clockOf(view, 'handling').pausedMs - 5 * H)).toBeLessThan(60_000);
    expect(view.policyHistory.map((p) => p.setVersion)).toEqual([1, 2]);
    await handle.terminate('test done');
  });
});

describe('R5.6 escalation happens by itself and climbs until acknowledged', () => {
  it('R5.6 a breach escalates to level 1; unacknowledged, it climbs to the interface person; the right role acknowledges', async () => {
    const input = complaintInput();
    const handle = await h.start(input);
    await h.act(handle, triageUpdate, handler, { decision: 'SELF' });
    await h.env.sleep('49h');
    let view = await handle.query(getComplaintQuery);
    expect(view.escalations[0]).toMatchObject({ level: 1, role: 'supervisor', source: 'clockBreached' });
    await h.env.sleep('3h');
    view = await handle.query(getComplaintQuery);
    expect(view.escalations.map((e) => `${e.level}:${e.source}`)).toEqual([
      '1:clockBreached',
      '2:unacknowledged',
    ]);
    expect(view.awaitingAckRole).toBe('interface');
    expect(
      h.mailsFor(input.ticketId).some((m) => m.template === 'escalation' && m.toRole === 'interface'),
    ).toBe(true);
    expect(await refusal(h.act(handle, acknowledgeEscalationUpdate, supervisor, { level: 2 }))).toMatch(
      /role interface/,
    );
    view = await h.act(handle, acknowledgeEscalationUpdate, iface, { level: 2, note: '已协调网络部' });
    expect(view.awaitingAckRole).toBeUndefined();
    expect(view.escalations[1]).toMatchObject({ acknowledgedBy: 'interface.chen' });
    await h.env.sleep('10h');
    view = await handle.query(getComplaintQuery);
    expect(view.escalations).toHaveLength(2);
    await handle.terminate('test done');
  });
});

describe('R5.3 major complaints', () => {
  it('R5.3 are owned by the interface person and close only with the written report e-mailed to the optimisation centre', async () => {
    const input = complaintInput();
    const handle = await h.start(input);
    await h.act(handle, triageUpdate, handler, { decision: 'SELF' });
    let view = await h.act(handle, markMajorUpdate, supervisor, { reason: '多名客户投诉，媒体关注' });
    expect(view.major).toMatchObject({ owner: 'interface', by: 'supervisor.wang' });
    expect(view.escalations.at(-1)).toMatchObject({ level: 2, source: 'major' });
    await resolveAndReply(handle, true);
    expect(await refusal(h.act(handle, closeUpdate, handler, {}))).toMatch(/written report/);
    const report = {
      title: '海淀区基站退服导致大面积掉话',
      impact: '约 300 名用户受影响 2 小时',
      rootCause: '传输光缆被挖断',
      coordination: '协调传输、网络部抢修',
      actions: '光缆熔接，增加路由保护',
      result: '业务恢复，客户满意',
    };
    expect(await refusal(h.act(handle, submitMajorReportUpdate, handler, report))).toMatch(
      /interface person/,
    );
    view = await h.act(handle, submitMajorReportUpdate, iface, report);
    expect(view.majorReport).toMatchObject({ by: 'interface.chen', rootCause: '传输光缆被挖断' });
    view = await h.act(handle, closeUpdate, handler, {});
    expect(view.stage).toBe('CLOSED');
    const mail = h.mailsFor(input.ticketId).find((m) => m.template === 'majorReport')!;
    expect(mail.toRole).toBe('optCenter');
    expect(mail.vars.title).toBe(report.title);
  });
});

describe('reassignment keeps its history', () => {
  it('R10.2 reassigning the handler records who, to whom and why', async () => {
    const handle = await h.start();
    await h.act(handle, assignUpdate, supervisor, { assignee: 'handler.li', team: 'haidian' });
    const view = await h.act(handle, assignUpdate, supervisor, { assignee: 'handler.zhao', reason: '轮休' });
    expect(view.assignee).toBe('handler.zhao');
    expect(view.assignments.map((a) => `${a.by}->${a.assignee}`)).toEqual([
      'supervisor.wang->handler.li',
      'supervisor.wang->handler.zhao',
    ]);
    await handle.terminate('test done');
  });
});

describe('R6.2 repeat complaints', () => {
  it('R6.2 a new complaint from the same number within the window after the earlier one was closed is linked to it and is hot', async () => {
    const place = { region: 'xicheng', address: '西城区' };
    const first = complaintInput({ numbers: { callback: '+8613911112222' }, location: place });
    const a = await h.start(first);
    await h.act(a, triageUpdate, handler, { decision: 'SELF' });
    await resolveAndReply(a, true);
    await h.act(a, closeUpdate, handler, {});
    // The repeat check reads the read model: wait for the closed complaint's projection.
    await h.until(a, () => h.projections.some((p) => p.ticketId === first.ticketId && p.stage === 'CLOSED'));
    const second = complaintInput({ numbers: { callback: '+8613911112222' }, location: place });
    const b = await h.start(second);
    const view = await h.until(b, (v) => v.policy !== undefined && v.version > 0);
    expect(view.repeatOf?.map((r) => `${r.ticketId}:${r.by}`)).toEqual([`${first.ticketId}:number`]);
    expect(view.repeatOf?.[0]?.closedAt).toBeDefined();
    expect(view.hot).toBe(true);
    expect(view.timeline.some((t) => t.action === 'REPEAT_OF')).toBe(true);
    const other = await h.start(
      complaintInput({
        numbers: { callback: '+8613700001111' },
        location: { region: 'chaoyang', address: '朝阳区' },
      }),
    );
    expect((await h.until(other, (v) => v.version > 0)).repeatOf).toBeUndefined();
    await Promise.all([b, other].map((x) => x.terminate('test done')));
  });

  it('R6.2 issue 24 the same number again while the earlier complaint is open is related, not a repeat', async () => {
    const place = { region: 'xicheng', address: '西城区' };
    const a = await h.start(complaintInput({ numbers: { callback: '+8613911113333' }, location: place }));
    await h.until(a, (v) => v.version > 0);
    const b = await h.start(complaintInput({ numbers: { callback: '+8613911113333' }, location: place }));
    const view = await h.until(b, (v) => v.policy !== undefined && v.version > 0);
    expect(view.repeatOf).toBeUndefined();
    expect(view.hot).toBe(false);
    await Promise.all([a, b].map((x) => x.terminate('test done')));
  });
});
