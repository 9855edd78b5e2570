// Replies through the customer-contact child workflow (R4.3, R5.4, R5.5, R6.1) on the time-skipping
// server. Each test gets its own test server: a contact waits for the customer's allowed hours and
// long sleeps across several tests' children proved unreliable on the shared Java test server.
import { renderEmail } from '../../activities/templates';
import type { SendEmailInput } from '../../activities/types';
import {
  closeUpdate,
  contactCustomerUpdate,
  recordFindingsUpdate,
  recordReplyUpdate,
  resolveUpdate,
  triageUpdate,
} from '../../workflows/complaint/contract';
import { complaintInput } from '../support/fixtures';
import {
  handler,
  startHarness,
  clockOf,
  refusal,
  resolveAndReply as resolveAndReply_,
  type Harness,
} from '../support/workflow-harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness(`complaints-contact-flow-${Date.now()}`);
}, 300_000);
afterEach(async () => {
  await h.cleanup();
  await h.close();
});

const resolveAndReply = (handle: Awaited<ReturnType<Harness['start']>>, satisfied: boolean) =>
  resolveAndReply_(h, handle, satisfied);
/** Calls happen only inside the customer's allowed hours (08:00–21:00 Beijing, R4.4): 12 h from any
 *  moment is inside them, and a call already placed inside them has been answered by then. */
const intoAllowedHours = () => h.env.sleep('12h');
/** The escalation e-mail to the optimisation-centre interface person (R5.1). */
const toInterface = (m: SendEmailInput) => m.template === 'escalation' && m.toRole === 'interface';

describe('R5.1 R5.4 an unsatisfied customer', () => {
  it('R5.1 goes to the interface person at once, R5.4 reopens handling and counts the round until satisfied', async () => {
    const input = complaintInput();
    const handle = await h.start(input);
    await h.act(handle, triageUpdate, handler, { decision: 'SELF' });
    let view = await resolveAndReply(handle, false);
    expect(view.stage).toBe('REOPENED');
    expect(view.rounds).toBe(2);
    expect(view.hot).toBe(true);
    expect(view.escalations.at(-1)).toMatchObject({
      level: 2,
      role: 'interface',
      source: 'customerNotSatisfied',
    });
    // R5.1 "reported at once": the interface person's e-mail goes out without any time passing on
    // the test server, addressed to the interface role and saying why.
    await h.until(handle, () => h.mailsFor(input.ticketId).some(toInterface));
    const report = h.mailsFor(input.ticketId).find(toInterface)!;
    expect(report.vars).toMatchObject({ level: '2', source: 'customerNotSatisfied', by: handler.user });
    const rendered = renderEmail(report.template, report.vars, {});
    expect(rendered.subject).toContain(input.ticketId);
    expect(rendered.text).toContain('客户表示仍然掉线');
    expect(clockOf(view, 'handling').state).toBe('running');
    expect(await refusal(h.act(handle, closeUpdate, handler, {}))).toMatch(
      /cannot close a complaint in stage REOPENED/,
    );
    // R5.5 the complaint is now dispute-prone: a manual phone note is not enough evidence to close.
    expect(view.disputeProne).toMatchObject({ by: 'system' });
    view = await resolveAndReply(handle, true);
    expect(view.stage).toBe('REPLYING');
    expect(await refusal(h.act(handle, closeUpdate, handler, {}))).toMatch(/evidence/);
    // The final reply by a recorded call through the contact workflow keeps the customer's opinion.
    await h.act(handle, contactCustomerUpdate, handler, {
      purpose: 'FINAL_REPLY',
      channel: 'PHONE_FIRST',
      message: '已清除干扰源，您所在位置信号恢复正常',
    });
    await intoAllowedHours();
    view = await h.until(handle, (v) => v.consentEvidence.length > 0 && v.contacts.every((c) => c.endedAt));
    expect(view.consentEvidence[0]).toMatchObject({ sha256: 'ab'.repeat(32), durationSec: 12 });
    expect(h.contact.calls.find((c) => c.ticketId === input.ticketId)).toMatchObject({ record: true });
    view = await h.act(handle, closeUpdate, handler, {});
    expect(view.stage).toBe('CLOSED');
    expect(view.timeline.filter((t) => t.action === 'RESOLVED')).toHaveLength(2);
    await handle.terminate('test done');
  });
});

describe('R4.3 R6.1 replying through the contact workflow', () => {
  const toResolved = async (input = complaintInput()) => {
    const handle = await h.start(input);
    await h.act(handle, triageUpdate, handler, { decision: 'SELF' });
    await h.act(handle, recordFindingsUpdate, handler, { checked: '话统、告警', found: '小区退服告警' });
    await h.act(handle, resolveUpdate, handler, {
      summary: '基站恢复后信号正常',
      rootCause: '基站掉电',
      actions: '恢复供电',
    });
    return handle;
  };

  it('R4.3 phone first: the customer answers and presses 1, the final reply counts and the complaint can close', async () => {
    const input = complaintInput();
    h.contact.customers.set(input.numbers.callback, { calls: ['answer'], digits: '1' });
    const handle = await toResolved(input);
    let view = await h.act(handle, contactCustomerUpdate, handler, {
      purpose: 'FINAL_REPLY',
      channel: 'PHONE_FIRST',
      message: '基站已恢复',
    });
    expect(view.stage).toBe('REPLYING');
    expect(
      await refusal(
        h.act(handle, contactCustomerUpdate, handler, {
          purpose: 'FINAL_REPLY',
          channel: 'PHONE_FIRST',
          message: 'again',
        }),
      ),
    ).toMatch(/already/);
    await intoAllowedHours();
    view = await h.until(handle, (v) => v.replies.length > 0);
    expect(view.replies[0]).toMatchObject({ kind: 'FINAL', method: 'PHONE', counts: true, satisfied: true });
    expect(view.contacts[0]).toMatchObject({ reached: true, method: 'PHONE', answer: 'SATISFIED' });
    view = await h.act(handle, closeUpdate, handler, {});
    expect(view.stage).toBe('CLOSED');
    await handle.terminate('test done');
  });

  it('R4.3 a customer reached by no call and no SMS: the contact fails visibly and is escalated', async () => {
    const input = complaintInput();
    h.contact.customers.set(input.numbers.callback, { calls: ['no-answer'] });
    const handle = await toResolved(input);
    await h.act(handle, contactCustomerUpdate, handler, {
      purpose: 'FINAL_REPLY',
      channel: 'PHONE_FIRST',
      message: '基站已恢复',
    });
    await h.env.sleep('3d');
    const view = await h.until(handle, (v) => v.contacts[0]?.endedAt !== undefined);
    expect(view.contacts[0]).toMatchObject({ reached: false, answer: 'NO_ANSWER' });
    expect(view.stage).toBe('RESOLVED');
    expect(view.timeline.some((t) => t.action === 'CONTACT_FAILED')).toBe(true);
    expect(view.escalations.some((e) => e.source === 'customerUnreachable')).toBe(true);
    expect(await refusal(h.act(handle, closeUpdate, handler, {}))).toMatch(/cannot close/);
    await handle.terminate('test done');
  });

  it('R6.1 a care callback that finds the problem back reopens the complaint', async () => {
    const input = complaintInput();
    h.contact.customers.set(input.numbers.callback, { calls: ['answer'], digits: '2' });
    const handle = await toResolved(input);
    await h.act(handle, recordReplyUpdate, handler, {
      kind: 'FINAL',
      method: 'PHONE',
      summary: '电话告知已恢复',
      customerConfirmed: true,
      satisfied: true,
    });
    await h.act(handle, closeUpdate, handler, {});
    await h.env.sleep('8d');
    const view = await h.until(handle, (v) => v.stage === 'REOPENED');
    expect(view.careCallback).toMatchObject({ answer: 'NOT_SATISFIED' });
    expect(view.rounds).toBe(2);
    expect(view.closedAt).toBeUndefined();
    expect(clockOf(view, 'handling').state).toBe('running');
    expect(clockOf(view, 'handling#1').state).toBe('met');
    expect(view.escalations.some((e) => e.source === 'customerNotSatisfied' && e.role === 'interface')).toBe(
      true,
    );
  });
});

describe('R6.1 the care callback', () => {
  it('R6.1 a week after closing, the care callback confirms the problem stayed fixed and the loop ends', async () => {
    const input = complaintInput();
    h.contact.customers.set(input.numbers.callback, { calls: ['answer'], digits: '1' });
    const handle = await h.start(input);
    await h.act(handle, triageUpdate, handler, { decision: 'SELF' });
    await resolveAndReply(handle, true);
    await h.act(handle, closeUpdate, handler, {});
    let view = await h.until(handle, (v) => v.careCallback?.dueAt !== undefined);
    await h.env.sleep('8d');
    view = await h.until(handle, (v) => v.careCallback?.answer !== undefined);
    expect(view.careCallback).toMatchObject({ answer: 'SATISFIED' });
    expect(view.contacts.map((c) => c.purpose)).toEqual(['CARE_CALLBACK']);
    expect(await handle.result()).toMatchObject({ stage: 'CLOSED' });
  });
});
