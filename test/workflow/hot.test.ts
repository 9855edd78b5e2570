// Hot and difficult complaints (热点、难点, R4.7) on the time-skipping server: when a complaint becomes
// hot its open clocks tighten by policy and the timeline says so; one still not RESOLVED past the
// policy's solveWithin escalates on the ladder to the interface person (record and e-mail), and a
// solution ends the tracking. Each test gets its own test server.
import {
  acknowledgeEscalationUpdate,
  escalateSignal,
  triageUpdate,
  type ComplaintView,
} from '../../workflows/complaint/contract';
import { DEFAULT_POLICY_SET } from '../../domain/policy/default-policies';
import { DEFAULT_HOT_POLICY, HOT_TIGHTENING_EXAMPLE } from '../../domain/policy/hot';
import { complaintInput } from '../support/fixtures';
import {
  clockOf,
  H,
  handler,
  resolveAndReply,
  startHarness,
  supervisor,
  type Harness,
} from '../support/workflow-harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness(`complaints-hot-${Date.now()}`);
}, 300_000);
afterEach(async () => {
  await h.cleanup();
  await h.close();
});

const dueMs = (v: ComplaintView, clock: string) => Date.parse(clockOf(v, clock).dueAt!);

describe('R4.7 a complaint that becomes hot', () => {
  it('R4.7 has its open clocks tightened by policy (never lengthened), and the timeline says so', async () => {
    // A tightening hot policy: half the time left, the handling clock at most 24 h.
    h.policySet.current = { ...DEFAULT_POLICY_SET, hot: HOT_TIGHTENING_EXAMPLE };
    const input = complaintInput();
    const handle = await h.start(input);
    await h.act(handle, triageUpdate, handler, { decision: 'SELF' });
    await h.env.sleep('2h');
    const before = await h.until(handle, (v) => v.clocks.length >= 3);
    expect(before.hot).toBe(false);
    expect(before.hotTrack).toBeUndefined();

    await handle.signal(escalateSignal, { actor: supervisor, input: { level: 1, reason: '客户情绪激动' } });
    const hot = await h.until(handle, (v) => v.hotTrack !== undefined);
    const since = Date.parse(hot.hotTrack!.since);
    expect(hot.hot).toBe(true);
    expect(hot.hotTrack).toMatchObject({ reasons: ['ESCALATED'], escalations: 0 });

    const handling = hot.hotTrack!.tightened.find((t) => t.clock === 'handling')!;
    const firstReply = hot.hotTrack!.tightened.find((t) => t.clock === 'firstReply')!;
    expect(handling.remainingAfterMs).toBe(24 * H);
    expect(handling.remainingBeforeMs).toBeGreaterThan(48 * H);
    expect(firstReply.remainingAfterMs).toBe(Math.round(firstReply.remainingBeforeMs / 2));
    expect(dueMs(hot, 'handling')).toBe(since + 24 * H);
    expect(dueMs(hot, 'handling')).toBeLessThan(dueMs(before, 'handling'));
    expect(dueMs(hot, 'firstReply')).toBeLessThan(dueMs(before, 'firstReply'));
    // The stopped acceptance clock and the escalation's acknowledgement clock are not touched.
    expect(hot.hotTrack!.tightened.map((t) => t.clock).sort()).toEqual(['firstReply', 'handling']);
    expect(Date.parse(hot.hotTrack!.solveBy) - since).toBe(72 * H);

    const entry = hot.timeline.find((e) => e.action === 'HOT')!;
    expect(entry.detail).toMatch(/^hot \(ESCALATED\): /);
    expect(entry.detail).toMatch(/handling [^,]+ → 1d left/);
    expect(entry.detail).toContain(hot.hotTrack!.solveBy);
    // The read model gets it too.
    await h.until(handle, () => h.projections.some((p) => p.ticketId === input.ticketId && p.hotTrack));
  });
});

describe('R4.7 a hot complaint left unsolved', () => {
  it('R4.7 escalates past solveWithin to the interface person (record and e-mail), and stops once resolved', async () => {
    // No tightening here, so that no clock breach climbs the ladder first: only solveWithin acts.
    h.policySet.current = {
      ...DEFAULT_POLICY_SET,
      hot: { ...DEFAULT_HOT_POLICY, tightenFactor: 1, tightenLimits: {}, solveWithin: '6h' },
    };
    const input = complaintInput();
    const handle = await h.start(input);
    await h.act(handle, triageUpdate, handler, { decision: 'SELF' });
    await handle.signal(escalateSignal, { actor: supervisor, input: { level: 1, reason: '需要班组长关注' } });
    const hot = await h.until(handle, (v) => v.hotTrack !== undefined && v.escalationLevel === 1);
    expect(hot.hotTrack!.tightened).toEqual([]);
    await h.act(handle, acknowledgeEscalationUpdate, supervisor, { level: 1, note: '跟进中' });

    await h.env.sleep(6 * H + 60_000);
    const escalated = await h.until(handle, (v) => v.escalations.some((e) => e.source === 'hotUnsolved'));
    const esc = escalated.escalations.find((e) => e.source === 'hotUnsolved')!;
    expect(esc).toMatchObject({ level: 2, role: 'interface', by: 'system' });
    expect(esc.reason).toMatch(/^hot complaint unsolved: not RESOLVED 6h/);
    expect(Date.parse(esc.at) - Date.parse(hot.hotTrack!.since)).toBeGreaterThanOrEqual(6 * H);
    expect(escalated.hotTrack!.escalations).toBe(1);
    expect(escalated.awaitingAckRole).toBe('interface');
    await h.until(handle, () =>
      h.mailsFor(input.ticketId).some((m) => m.template === 'escalation' && m.toRole === 'interface'),
    );
    const toInterface = h
      .mailsFor(input.ticketId)
      .find((m) => m.template === 'escalation' && m.toRole === 'interface')!;
    expect(toInterface.vars).toMatchObject({ level: '2', source: 'hotUnsolved' });
    expect(toInterface.vars.reason).toMatch(/hot complaint unsolved/);

    // Resolved: the tracking records it and no further "unsolved" escalation follows.
    await h.act(
      handle,
      acknowledgeEscalationUpdate,
      { user: 'interface.chen', roles: ['interface'] },
      {
        level: 2,
      },
    );
    await resolveAndReply(h, handle, true);
    const solved = await h.until(handle, (v) => v.hotTrack?.solvedAt !== undefined);
    expect(solved.timeline.map((e) => e.action)).toContain('HOT_SOLVED');
    await h.env.sleep(13 * H);
    const later = await handle.query<ComplaintView>('getComplaint');
    expect(later.escalations.filter((e) => e.source === 'hotUnsolved')).toHaveLength(1);
    expect(later.hotTrack!.escalations).toBe(1);
  });
});
