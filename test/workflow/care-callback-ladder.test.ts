// Issue 20 items 1 and 4 on the time-skipping server: the top of the escalation ladder can act and a
// missing level climbs (R5.7); a care callback nobody answers is called again by policy inside the
// customer's hours, asked by SMS, then listed for a person who records it (R6.3). Each test gets its
// own test server (long sleeps of several tests' children on one server proved unreliable).
import {
  acknowledgeEscalationUpdate,
  closeUpdate,
  escalateSignal,
  recordCareCallbackUpdate,
  triageUpdate,
  type ComplaintView,
} from '../../workflows/complaint/contract';
import { DEFAULT_POLICY_SET } from '../../domain/policy/default-policies';
import { isInsideHours } from '../../domain/policy/quiet-hours';
import { complaintInput } from '../support/fixtures';
import {
  H,
  handler,
  refusal,
  resolveAndReply,
  startHarness,
  supervisor,
  type Harness,
} from '../support/workflow-harness';

const leader = { user: 'leader.liu', roles: ['leader'] };

let h: Harness;
beforeEach(async () => {
  h = await startHarness(`complaints-care-ladder-${Date.now()}`);
}, 300_000);
afterEach(async () => {
  await h.cleanup();
  await h.close();
});

/** A complaint replied to, accepted and closed: its care callback is due in 7 days. */
async function closedComplaint(customer: Parameters<Harness['contact']['customers']['set']>[1]) {
  const input = complaintInput();
  h.contact.customers.set(input.numbers.callback, customer);
  const handle = await h.start(input);
  await h.act(handle, triageUpdate, handler, { decision: 'SELF' });
  await resolveAndReply(h, handle, true);
  await h.act(handle, closeUpdate, handler, {});
  await h.until(handle, (v) => v.careCallback?.dueAt !== undefined);
  return { input, handle };
}

const careContact = (v: ComplaintView) => v.contacts.find((c) => c.purpose === 'CARE_CALLBACK');

describe('R6.3 a care callback nobody answers', () => {
  it('R6.3 is called 3 times 4 h apart inside the allowed hours, then asked by SMS, then listed for a person who records it', async () => {
    const { input, handle } = await closedComplaint({ calls: ['no-answer'] });
    await h.env.sleep('8d');
    await h.env.sleep('3d');
    const view = await h.until(handle, (v) => v.careCallback?.toPersonAt !== undefined);

    // Retried by policy (3 calls, at least 4 h apart), each inside 08:00–21:00 Beijing time.
    const attempts = careContact(view)!.attempts!;
    const calls = attempts.filter((a) => a.channel === 'PHONE').map((a) => Date.parse(a.at));
    expect(calls).toHaveLength(3);
    for (let i = 1; i < calls.length; i += 1) expect(calls[i]! - calls[i - 1]!).toBeGreaterThanOrEqual(4 * H);
    for (const at of calls)
      expect(isInsideHours(at, 'Asia/Shanghai', { from: '08:00', to: '21:00' })).toBe(true);
    // Then one SMS asking for the answer, with the care-callback wording, after the last call.
    const sms = h.contact.sms.filter((s) => s.to === input.numbers.callback && s.purpose === 'CARE_CALLBACK');
    expect(sms.map((s) => s.template)).toEqual(['contactConfirm']);
    const smsAt = Date.parse(attempts.find((a) => a.channel === 'SMS')!.at);
    expect(smsAt).toBeGreaterThan(calls[2]!);

    // Listed for a person, on the timeline, never dropped: the workflow is still open.
    expect(view.careCallback).toMatchObject({ answer: 'NO_ANSWER' });
    expect(view.careCallback?.byPerson).toBeUndefined();
    expect(view.timeline.map((t) => t.action)).toEqual(
      expect.arrayContaining(['CARE_CALLBACK', 'CARE_CALLBACK_TO_PERSON']),
    );
    expect(h.projections.at(-1)?.careCallback?.toPersonAt).toBe(view.careCallback?.toPersonAt);
    expect((await handle.describe()).status.name).toBe('RUNNING');

    // The person's record closes the item and ends the loop.
    const after = await h.act(handle, recordCareCallbackUpdate, handler, {
      reached: true,
      answer: 'SATISFIED',
      note: '下午致电客户，确认问题已解决',
    });
    expect(after.careCallback?.byPerson).toMatchObject({
      by: handler.user,
      reached: true,
      answer: 'SATISFIED',
    });
    expect(after.timeline.at(-1)).toMatchObject({ actor: handler.user, action: 'CARE_CALLBACK_RECORDED' });
    expect(await handle.result()).toMatchObject({ stage: 'CLOSED' });
  });

  it('R6.3 a care callback nobody records within its time escalates on the ladder; the record ends it', async () => {
    const { handle } = await closedComplaint({ calls: ['no-answer'] });
    await h.env.sleep('8d');
    await h.env.sleep('3d');
    const listed = await h.until(handle, (v) => v.careCallback?.toPersonAt !== undefined);
    const before = listed.escalations.length;
    // personWithin is 3d by default: just past it, one escalation naming the wait.
    await h.env.sleep(
      Date.parse(listed.careCallback!.toPersonAt!) + 3 * 24 * H + 60_000 - (await h.env.currentTimeMs()),
    );
    const late = await h.until(handle, (v) => v.escalations.length === before + 1);
    expect(late.escalations.at(-1)).toMatchObject({ by: 'system', source: 'unacknowledged' });
    expect(late.escalations.at(-1)!.reason).toMatch(
      /care callback on the worklist for 3d without a person's record/,
    );
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const after = await h.act(handle, recordCareCallbackUpdate, handler, {
      reached: true,
      answer: 'SATISFIED',
      note: '补充回访，客户确认已恢复',
    });
    expect(after.careCallback?.byPerson).toMatchObject({ by: handler.user });
    expect(await handle.result()).toMatchObject({ stage: 'CLOSED' });
  });

  it('R6.3 an SMS answer after the unanswered calls ends it without a person', async () => {
    const { handle } = await closedComplaint({ calls: ['busy'], smsReplies: ['1'] });
    await h.env.sleep('8d');
    await h.env.sleep('2d');
    const view = await h.until(handle, (v) => v.careCallback?.answer !== undefined);
    expect(view.careCallback).toMatchObject({ answer: 'SATISFIED' });
    expect(view.careCallback?.toPersonAt).toBeUndefined();
    expect(careContact(view)!.method).toBe('SMS');
    expect(await handle.result()).toMatchObject({ stage: 'CLOSED' });
  });

  it('R6.3 the person finds the problem back: the complaint reopens; a second record is refused', async () => {
    const { handle } = await closedComplaint({ calls: ['no-answer'] });
    await h.env.sleep('8d');
    await h.env.sleep('3d');
    await h.until(handle, (v) => v.careCallback?.toPersonAt !== undefined);
    expect(
      await refusal(h.act(handle, recordCareCallbackUpdate, handler, { reached: true, note: 'x' })),
    ).toMatch(/answer: required/);
    const view = await h.act(handle, recordCareCallbackUpdate, handler, {
      reached: true,
      answer: 'NOT_SATISFIED',
      note: '客户说晚上又开始掉线',
    });
    expect(view.stage).toBe('REOPENED');
    expect(view.rounds).toBe(2);
    expect(view.escalations.at(-1)).toMatchObject({ source: 'customerNotSatisfied', by: handler.user });
    expect(
      await refusal(h.act(handle, recordCareCallbackUpdate, handler, { reached: false, note: 'again' })),
    ).toMatch(/already recorded/);
  });
});

describe('R5.7 the top of the ladder', () => {
  it('R5.7 a level-3 escalation waits for the leader, who acknowledges it; the supervisor cannot', async () => {
    const input = complaintInput();
    const handle = await h.start(input);
    await h.act(handle, triageUpdate, handler, { decision: 'SELF' });
    await handle.signal(escalateSignal, {
      actor: supervisor,
      input: { level: 3, reason: '客户投诉至分公司' },
    });
    const view = await h.until(handle, (v) => v.escalationLevel === 3);
    expect(view.awaitingAckRole).toBe('leader');
    await h.until(handle, () =>
      h.mailsFor(input.ticketId).some((m) => m.template === 'escalation' && m.toRole === 'leader'),
    );
    expect(await refusal(h.act(handle, acknowledgeEscalationUpdate, supervisor, { level: 3 }))).toMatch(
      /acknowledged by the role leader/,
    );
    const acked = await h.act(handle, acknowledgeEscalationUpdate, leader, {
      level: 3,
      note: '已安排网络部',
    });
    expect(acked.escalations.at(-1)).toMatchObject({ level: 3, acknowledgedBy: leader.user });
    expect(acked.awaitingAckRole).toBeUndefined();
  });

  // The escalation to a level the ladder lacks, sent as the workflow gets it (the API refuses such a
  // level; a ladder changed since, or the clock's next level on a ladder with a gap, reach the
  // workflow the same way). Not driven by the acknowledgement timer: on the time-skipping test
  // server that timer fires together with the clock runner's and strands the workflow task now and
  // then ("invalid history builder state for action", a test-server fault); the unit tests cover
  // the automatic climb (nextLevel then levelOf).
  it('R5.7 on a ladder without level 2 an escalation to level 2 climbs to level 3, not back to level 1', async () => {
    h.policySet.current = {
      ...DEFAULT_POLICY_SET,
      escalation: [
        { level: 1, title: '班组长', role: 'supervisor', ackWithin: '1h' },
        { level: 3, title: '分公司领导', role: 'leader', ackWithin: '8h' },
      ],
    };
    const handle = await h.start();
    await h.act(handle, triageUpdate, handler, { decision: 'SELF' });
    await handle.signal(escalateSignal, { actor: supervisor, input: { level: 1, reason: '需要班组长关注' } });
    await h.until(handle, (v) => v.escalationLevel === 1);
    await handle.signal(escalateSignal, { actor: supervisor, input: { level: 2, reason: '仍未解决' } });
    const view = await h.until(handle, (v) => v.escalations.length === 2);
    expect(view.escalations.map((e) => [e.level, e.role, e.source])).toEqual([
      [1, 'supervisor', 'manual'],
      [3, 'leader', 'manual'],
    ]);
    expect(view.awaitingAckRole).toBe('leader');
  });
});
