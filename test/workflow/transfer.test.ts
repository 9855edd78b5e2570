// R2.3 协助查证 on the time-skipping server: a transfer later in the handling, to several departments
// in parallel, each with its own verification clock and answer, and the interface person's
// coordination task with its own clock. Parallel clocks get different durations: the time-skipping
// test server strands workflow tasks when two timers fire at the same instant.
import {
  acknowledgeEscalationUpdate,
  assignUpdate,
  closeCoordinationUpdate,
  getComplaintQuery,
  recordVerificationUpdate,
  transferUpdate,
  triageUpdate,
  type Actor,
} from '../../workflows/complaint/contract';
import { DEFAULT_POLICY_SET } from '../../domain/policy/default-policies';
import type { PolicySet } from '../../domain/policy/sla';
import { complaintInput } from '../support/fixtures';
import {
  H,
  clockOf,
  handler,
  iface,
  refusal,
  startHarness,
  supervisor,
  type Harness,
} from '../support/workflow-harness';

const network: Actor = { user: 'dept.network', roles: ['department:network'] };
const data: Actor = { user: 'dept.data', roles: ['department:data'] };

/**
 * The built-in set with its standard policy's limits made distinct: coordination 7 h, network 10 h,
 * data 13 h (pre-warnings at other instants too).
 */
const POLICY: PolicySet = {
  ...DEFAULT_POLICY_SET,
  version: 20,
  policies: DEFAULT_POLICY_SET.policies.map((p) =>
    p.id === 'standard'
      ? {
          ...p,
          clocks: { ...p.clocks, coordination: { target: '7h', warnAt: [0.6] } },
          verificationByDepartment: {
            network: { target: '10h', warnAt: [0.3] },
            data: { target: '13h', warnAt: [0.4] },
          },
        }
      : p,
  ),
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness('complaints-transfer-test');
}, 300_000);
afterAll(async () => h?.close());
beforeEach(() => {
  h.policySet.current = POLICY;
});
afterEach(async () => {
  h.policySet.current = DEFAULT_POLICY_SET;
  await h.cleanup();
});

describe('R2.3 a transfer in the handling stage to two departments in parallel', () => {
  it('R2.3 each department has its own clock and answer, a late answer escalates, and so does the coordination breach', async () => {
    const input = complaintInput();
    const handle = await h.start(input);
    await h.act(handle, triageUpdate, handler, { decision: 'TEAM' });
    await h.act(handle, assignUpdate, supervisor, { assignee: 'handler.zhao' });

    // What the team cannot solve goes to two departments at once; the handling goes on.
    let view = await h.act(handle, transferUpdate, handler, {
      departments: ['network', 'data'],
      note: '室内覆盖与数据业务均异常，请协助查证',
    });
    expect(view.stage).toBe('IN_PROGRESS');
    expect(clockOf(view, 'verification:network')).toMatchObject({ state: 'running', targetMs: 10 * H });
    expect(clockOf(view, 'verification:data')).toMatchObject({ state: 'running', targetMs: 13 * H });
    expect(clockOf(view, 'coordination')).toMatchObject({ state: 'running', targetMs: 7 * H });
    expect(view.verificationRequests?.map((r) => [r.department, r.transfer, r.clock])).toEqual([
      ['network', 1, 'verification:network'],
      ['data', 1, 'verification:data'],
    ]);
    expect(view.coordination).toEqual([
      expect.objectContaining({
        departments: ['network', 'data'],
        owner: 'interface',
        clock: 'coordination',
      }),
    ]);
    view = await h.until(handle, () =>
      h.mailsFor(input.ticketId).some((m) => m.template === 'coordinationTask'),
    );
    const asked = h.mailsFor(input.ticketId).filter((m) => m.template === 'verificationRequest');
    expect(asked.map((m) => m.toRole).sort()).toEqual(['department:data', 'department:network']);
    expect(h.mailsFor(input.ticketId).find((m) => m.template === 'coordinationTask')).toMatchObject({
      toRole: 'interface',
      vars: expect.objectContaining({ departments: 'network, data', within: '7h' }),
    });
    // A department that is waited for already is not asked twice.
    expect(await refusal(h.act(handle, transferUpdate, handler, { department: 'network' }))).toBe(
      'already waiting for the answer of network',
    );

    // Data answers in time: its clock alone stops; network's and the coordination's run on.
    await h.env.sleep('4h');
    view = await h.act(handle, recordVerificationUpdate, data, {
      department: 'data',
      result: '核心网无异常',
    });
    expect(clockOf(view, 'verification:data').state).toBe('met');
    expect(clockOf(view, 'verification:network').state).toBe('running');
    expect(clockOf(view, 'coordination').state).toBe('running');
    expect(view.coordination?.[0]?.doneAt).toBeUndefined();
    expect(view.stage).toBe('IN_PROGRESS');
    expect(
      await refusal(h.act(handle, recordVerificationUpdate, data, { department: 'data', result: '再次' })),
    ).toMatch(/data has already answered/);
    expect(
      await refusal(h.act(handle, recordVerificationUpdate, network, { department: 'billing', result: 'x' })),
    ).toBe('billing was not asked to verify this complaint (asked: network, data)');

    // The coordination's limit passes first: the interface person is told and it escalates.
    await h.env.sleep('4h');
    view = await handle.query(getComplaintQuery);
    expect(clockOf(view, 'coordination').state).toBe('breached');
    expect(view.escalations[0]).toMatchObject({
      level: 1,
      source: 'clockBreached',
      reason: 'coordination breached',
    });
    const mails = h.mailsFor(input.ticketId);
    expect(
      mails.some(
        (m) => m.template === 'clockBreached' && m.vars.clock === 'coordination' && m.toRole === 'interface',
      ),
    ).toBe(true);
    await h.act(handle, acknowledgeEscalationUpdate, supervisor, { level: 1, note: '已督促网络部' });

    // Network's answer is late: its own breach escalates on the ladder, as a verification always did.
    await h.env.sleep('4h');
    view = await handle.query(getComplaintQuery);
    expect(clockOf(view, 'verification:network').state).toBe('breached');
    expect(clockOf(view, 'verification:data').state).toBe('met');
    expect(view.escalations.find((e) => e.reason === 'verification:network breached')).toMatchObject({
      level: 2,
      source: 'clockBreached',
    });
    expect(
      h
        .mailsFor(input.ticketId)
        .some((m) => m.template === 'clockBreached' && m.toRole === 'department:network'),
    ).toBe(true);

    // The late answer is still recorded; every department answered, so the coordination is done.
    view = await h.act(handle, recordVerificationUpdate, network, {
      department: 'network',
      result: '基站天线被遮挡，已调整',
    });
    expect(clockOf(view, 'verification:network').state).toBe('metLate');
    expect(view.coordination?.[0]).toMatchObject({ outcome: 'ALL_ANSWERED' });
    expect(clockOf(view, 'coordination').state).toBe('metLate');
    expect(view.timeline.map((t) => t.action)).toEqual(
      expect.arrayContaining(['TRANSFERRED', 'COORDINATION_OPENED', 'VERIFIED', 'COORDINATION_DONE']),
    );
    expect(view.verificationRequests?.every((r) => r.answeredAt !== undefined)).toBe(true);
  });

  it('R2.3 a triage transfer to two departments waits in TRANSFERRED until the interface person closes the coordination', async () => {
    const handle = await h.start(complaintInput());
    let view = await h.act(handle, triageUpdate, handler, {
      decision: 'TRANSFER',
      departments: ['data', 'network'],
    });
    expect(view.stage).toBe('TRANSFERRED');
    expect(view.triage).toMatchObject({ decision: 'TRANSFER', department: 'data' });
    view = await h.act(handle, recordVerificationUpdate, network, {
      department: 'network',
      result: '无告警',
    });
    expect(view.stage).toBe('TRANSFERRED');
    expect(clockOf(view, 'verification:network').state).toBe('met');
    // The interface person goes on without data's answer: the work starts, data may still answer.
    view = await h.act(handle, closeCoordinationUpdate, iface, { note: '数据部答复延迟，先行处理' });
    expect(view.stage).toBe('IN_PROGRESS');
    expect(view.coordination?.[0]).toMatchObject({ outcome: 'CLOSED', closedBy: iface.user });
    expect(clockOf(view, 'coordination').state).toBe('met');
    expect(clockOf(view, 'verification:data').state).toBe('running');
    expect(await refusal(h.act(handle, closeCoordinationUpdate, iface, { note: '再次' }))).toMatch(
      /no open coordination task/,
    );
    // Data answers; asked again later, it gets a second request with a clock of its own.
    view = await h.act(handle, recordVerificationUpdate, data, { department: 'data', result: '计费正常' });
    expect(view.stage).toBe('IN_PROGRESS');
    view = await h.act(handle, transferUpdate, handler, { departments: ['data'] });
    expect(clockOf(view, 'verification:data:2')).toMatchObject({ state: 'running', targetMs: 13 * H });
    expect(clockOf(view, 'verification:data').state).toBe('met');
    expect(view.coordination).toHaveLength(1);
  });
});
