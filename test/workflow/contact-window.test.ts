// The customer's own contact window and agreed appointment (R4.8), driven through the complaint
// workflow on the time-skipping server: the reply's call waits for the window given at intake, and
// an appointment agreed while the contact waits moves the call to it (the change reaches the
// contact child); the care callback after closing calls (and texts) only inside the window, or at
// the appointment a handler agreed before closing; the on-site slots and the booking SMS wait for
// the window too. Each test gets its own test server, as contact-flow.test.ts explains.
import type { WorkflowHandle } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { isInsideHours, nextInsideHours } from '../../domain/policy/quiet-hours';
import { smsReplySignal } from '../../workflows/contact/contract';
import {
  closeUpdate,
  contactCustomerUpdate,
  proposeOnSiteTestUpdate,
  setContactPreferencesUpdate,
  triageUpdate,
  type ComplaintView,
} from '../../workflows/complaint/contract';
import { complaintInput } from '../support/fixtures';
import {
  H,
  handler,
  refusal,
  resolveAndReply,
  startHarness,
  type Harness,
} from '../support/workflow-harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness(`complaints-contact-window-${Date.now()}`);
}, 600_000);
afterEach(async () => {
  await h.cleanup();
  await h.close();
});

const MIN = 60_000;
const pad = (n: number) => String(n).padStart(2, '0');
/** A one-hour UTC window that opens 2 to 3 hours after `now` (so now is outside it). */
function laterWindow(now: number) {
  const hour = (new Date(now).getUTCHours() + 3) % 24;
  return { timeZone: 'UTC', from: `${pad(hour)}:00`, to: `${pad((hour + 1) % 24)}:00` };
}
const firstCallAt = (v: ComplaintView) => v.contacts[0]?.attempts?.find((a) => a.channel === 'PHONE')?.at;
const careContact = (v: ComplaintView) => v.contacts.find((c) => c.purpose === 'CARE_CALLBACK');
const iso = (ms: number) => new Date(ms).toISOString();
const engineer = { name: '张工', email: 'zhang.engineer@operator.example' };

/** A complaint replied to and accepted (the handler's recorded reply: no call), not yet closed. */
async function repliedComplaint(input: ReturnType<typeof complaintInput>) {
  const handle = await h.start(input);
  await h.act(handle, triageUpdate, handler, { decision: 'SELF' });
  await resolveAndReply(h, handle, true);
  return handle;
}

/** When the complaint workflow itself scheduled each SMS to the customer (server time, in order). */
async function contactSmsScheduledAt(handle: WorkflowHandle): Promise<number[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? [])
    .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendContactSms')
    .map((e) => tsToMs(e.eventTime));
}

async function poll(ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('R4.8 the customer contact window through the complaint', () => {
  it('R4.8 a reply to a customer whose window opens later waits for the window: the call is placed at its opening', async () => {
    const now = await h.env.currentTimeMs();
    const contactWindow = laterWindow(now);
    const input = complaintInput({ contactWindow });
    const handle = await h.start(input);
    await h.act(handle, triageUpdate, handler, { decision: 'SELF' });
    let view = await h.act(handle, contactCustomerUpdate, handler, {
      purpose: 'FIRST_REPLY',
      channel: 'PHONE_FIRST',
      message: '您反映的掉线问题正在处理，预计三天内解决',
    });
    expect(view.contactPreferences).toMatchObject({ contactWindow, by: input.submittedBy });
    const opensAt = Date.parse(view.contacts[0]!.windowOpensAt!);
    expect(new Date(opensAt).toISOString().slice(11, 16)).toBe(contactWindow.from);
    expect(opensAt - now).toBeGreaterThan(2 * 60 * MIN - MIN);
    expect(opensAt - now).toBeLessThanOrEqual(3 * 60 * MIN);
    expect(view.timeline.some((t) => t.action === 'CONTACT_WAITS_FOR_WINDOW')).toBe(true);
    expect(h.contact.calls.filter((c) => c.ticketId === input.ticketId)).toHaveLength(0);

    await h.env.sleep('4h');
    view = await h.until(handle, (v) => v.replies.length > 0);
    const calledAt = Date.parse(firstCallAt(view)!);
    expect(calledAt).toBeGreaterThanOrEqual(opensAt);
    expect(calledAt).toBeLessThan(opensAt + MIN);
    expect(view.replies[0]).toMatchObject({ kind: 'FIRST', method: 'PHONE', counts: true });
    await handle.terminate('test done');
  });

  it('R4.8 an appointment agreed while the reply waits moves the call to the appointment', async () => {
    const now = await h.env.currentTimeMs();
    const input = complaintInput({ contactWindow: laterWindow(now) });
    const handle = await h.start(input);
    await h.act(handle, triageUpdate, handler, { decision: 'SELF' });
    let view = await h.act(handle, contactCustomerUpdate, handler, {
      purpose: 'FIRST_REPLY',
      channel: 'PHONE_FIRST',
      message: '您反映的掉线问题正在处理',
    });
    const windowOpens = Date.parse(view.contacts[0]!.windowOpensAt!);
    // Agreed with the customer: in 30 minutes, before the window opens.
    const started = Date.parse(view.timeline.at(-1)!.at);
    const appointment = {
      from: new Date(started + 30 * MIN).toISOString(),
      to: new Date(started + 60 * MIN).toISOString(),
      timeZone: 'Asia/Shanghai',
    };
    view = await h.act(handle, setContactPreferencesUpdate, handler, { appointment });
    expect(view.contactPreferences).toMatchObject({ appointment, by: handler.user });
    expect(view.contactPreferences?.contactWindow).toBeDefined();
    expect(view.contacts[0]!.windowOpensAt).toBe(appointment.from);
    expect(view.timeline.some((t) => t.action === 'CONTACT_PREFERENCES_SET')).toBe(true);

    await h.env.sleep('45m');
    view = await h.until(handle, (v) => firstCallAt(v) !== undefined && v.replies.length > 0);
    const calledAt = Date.parse(firstCallAt(view)!);
    expect(calledAt).toBeGreaterThanOrEqual(Date.parse(appointment.from));
    expect(calledAt).toBeLessThan(Date.parse(appointment.from) + MIN);
    expect(calledAt).toBeLessThan(windowOpens);
    await handle.terminate('test done');
  });

  it('R4.8 the care callback after closing keeps to the window given at intake: each call, spaced by the care policy, and the SMS after them', async () => {
    const now = await h.env.currentTimeMs();
    const contactWindow = laterWindow(now);
    const input = complaintInput({ contactWindow });
    h.contact.customers.set(input.numbers.callback, { calls: ['no-answer'] });
    const handle = await repliedComplaint(input);
    await h.act(handle, closeUpdate, handler, {});
    const closed = await h.until(handle, (v) => v.careCallback?.dueAt !== undefined);
    // Due 7 days after closing, at this time of day: outside the window, which opens 2 to 3 h later.
    const dueAt = Date.parse(closed.careCallback!.dueAt!);
    expect(isInsideHours(dueAt, 'UTC', contactWindow)).toBe(false);

    await h.env.sleep('8d');
    await h.env.sleep('3d');
    const view = await h.until(handle, (v) => v.careCallback?.toPersonAt !== undefined);
    const care = careContact(view)!;
    const opening = Date.parse(care.windowOpensAt!);
    expect(opening - dueAt).toBeGreaterThan(2 * H - MIN);
    expect(opening - dueAt).toBeLessThanOrEqual(3 * H);
    expect(iso(opening).slice(11, 16)).toBe(contactWindow.from);
    expect(
      view.timeline.some(
        (t) => t.action === 'CONTACT_WAITS_FOR_WINDOW' && t.detail?.startsWith('CARE_CALLBACK round 1'),
      ),
    ).toBe(true);

    // Three calls (the care policy), 4 h apart at least: the one-hour window holds one a day, so
    // each call is placed at a day's opening, never at the 4 h mark outside the window.
    const calls = care.attempts!.filter((a) => a.channel === 'PHONE').map((a) => Date.parse(a.at));
    expect(calls).toHaveLength(3);
    calls.forEach((at, i) => {
      expect(isInsideHours(at, 'UTC', contactWindow)).toBe(true);
      expect(at).toBeGreaterThanOrEqual(opening + i * 24 * H);
      expect(at).toBeLessThan(opening + i * 24 * H + MIN);
    });
    expect(
      h.contact.calls.filter((c) => c.ticketId === input.ticketId && c.purpose === 'CARE_CALLBACK'),
    ).toHaveLength(3);
    // Then the SMS asking for the answer, inside the window too, and the callback goes to a person.
    const sms = care.attempts!.filter((a) => a.channel === 'SMS').map((a) => Date.parse(a.at));
    expect(sms).toHaveLength(1);
    expect(isInsideHours(sms[0]!, 'UTC', contactWindow)).toBe(true);
    expect(sms[0]!).toBeGreaterThanOrEqual(calls[2]!);
    expect(view.careCallback).toMatchObject({ answer: 'NO_ANSWER' });
    await handle.terminate('test done');
  });

  it('R4.8 an appointment a handler agreed before closing: the care callback calls at the appointment, not when it falls due', async () => {
    const input = complaintInput();
    h.contact.customers.set(input.numbers.callback, { calls: ['answer'], digits: '1' });
    const handle = await repliedComplaint(input);
    // Agreed with the customer on the final call: 7 days and 5 hours from now, for an hour.
    const now = await h.env.currentTimeMs();
    const appointment = {
      from: iso(now + 7 * 24 * H + 5 * H),
      to: iso(now + 7 * 24 * H + 6 * H),
      timeZone: 'Asia/Shanghai',
    };
    const set = await h.act(handle, setContactPreferencesUpdate, handler, { appointment });
    expect(set.contactPreferences).toMatchObject({ appointment, by: handler.user });
    await h.act(handle, closeUpdate, handler, {});
    const closed = await h.until(handle, (v) => v.careCallback?.dueAt !== undefined);
    expect(Date.parse(closed.careCallback!.dueAt!)).toBeLessThan(Date.parse(appointment.from) - 4 * H);

    await h.env.sleep('8d');
    // The customer answers and presses 1: the loop is closed and the workflow ends.
    expect(await handle.result()).toMatchObject({ stage: 'CLOSED' });
    const view = h.projections.filter((p) => p.ticketId === input.ticketId).at(-1)!;
    expect(view.careCallback).toMatchObject({ answer: 'SATISFIED' });
    const care = careContact(view)!;
    expect(care.windowOpensAt).toBe(appointment.from);
    const calls = care.attempts!.filter((a) => a.channel === 'PHONE').map((a) => Date.parse(a.at));
    expect(calls).toHaveLength(1);
    expect(calls[0]!).toBeGreaterThanOrEqual(Date.parse(appointment.from));
    expect(calls[0]!).toBeLessThan(Date.parse(appointment.from) + MIN);
    expect(h.contact.calls.filter((c) => c.ticketId === input.ticketId)).toHaveLength(1);
  });

  it('R4.8 the on-site slots and the booking SMS go inside the window given at intake; a choice made after it closed is confirmed at its next opening', async () => {
    const now = await h.env.currentTimeMs();
    const contactWindow = laterWindow(now);
    const opening = nextInsideHours(now, 'UTC', contactWindow);
    const input = complaintInput({ contactWindow });
    const handle = await h.start(input);
    await h.act(handle, triageUpdate, handler, { decision: 'SELF' });
    // One slot two days on, inside the customer's window (the validator checks it in their zone).
    const slot = { from: iso(opening + 48 * H), to: iso(opening + 48 * H + 30 * MIN) };
    const proposed = await h.act(handle, proposeOnSiteTestUpdate, handler, { slots: [slot], engineer });
    expect(proposed.onSiteTests?.[0]?.status).toBe('WAITING_CUSTOMER');
    const mine = () => h.contact.sms.filter((s) => s.to === input.numbers.callback).map((s) => s.template);
    expect(mine()).toEqual([]);

    // The slots go out when the window opens; the customer's answer is waited for from then on.
    await h.env.sleep(opening + 10 * MIN - (await h.env.currentTimeMs()));
    const sent = await h.until(handle, (v) => v.timeline.some((t) => t.action === 'ON_SITE_SLOTS_SENT'));
    expect(mine()).toEqual(['onSiteSlots']);
    const [slotsAt] = await contactSmsScheduledAt(handle);
    expect(slotsAt!).toBeGreaterThanOrEqual(opening);
    expect(slotsAt!).toBeLessThan(opening + MIN);
    expect(Math.abs(Date.parse(sent.onSiteTests![0]!.answerBy) - (slotsAt! + 24 * H))).toBeLessThan(MIN);

    // The customer chooses the slot an hour after the window closed: booked at once, but the
    // booking SMS waits for the next day's opening.
    await h.env.sleep(opening + 2 * H - (await h.env.currentTimeMs()));
    await handle.signal(smsReplySignal, {
      from: input.numbers.callback,
      body: '1',
      messageSid: `SM${'0'.repeat(31)}1`,
    });
    const booked = await h.until(handle, (v) => v.onSiteTests?.[0]?.status === 'BOOKED');
    expect(booked.onSiteTests![0]!.chosen).toEqual(slot);
    expect(mine()).toEqual(['onSiteSlots']);

    await h.env.sleep(opening + 24 * H + 10 * MIN - (await h.env.currentTimeMs()));
    await poll(() => mine().includes('onSiteBooked'));
    expect(mine()).toEqual(['onSiteSlots', 'onSiteBooked']);
    const times = await contactSmsScheduledAt(handle);
    expect(times).toHaveLength(2);
    expect(times[1]!).toBeGreaterThanOrEqual(opening + 24 * H);
    expect(times[1]!).toBeLessThan(opening + 24 * H + MIN);
    for (const at of times) expect(isInsideHours(at, 'UTC', contactWindow)).toBe(true);
    await handle.terminate('test done');
  });

  it('R4.8 the workflow refuses an appointment that ends before it starts', async () => {
    const handle = await h.start(complaintInput());
    await h.act(handle, triageUpdate, handler, { decision: 'SELF' });
    const reason = await refusal(
      h.act(handle, setContactPreferencesUpdate, handler, {
        appointment: {
          from: '2030-01-02T11:00:00+08:00',
          to: '2030-01-02T10:00:00+08:00',
          timeZone: 'Asia/Shanghai',
        },
      }),
    );
    expect(reason).toMatch(/must be before "to"/);
    await handle.terminate('test done');
  });
});
