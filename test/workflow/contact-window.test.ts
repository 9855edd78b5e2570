// The customer's own contact window and agreed appointment (R4.8), driven through the complaint
// workflow on the time-skipping server: the reply's call waits for the window given at intake, and
// an appointment agreed while the contact waits moves the call to it (the change reaches the
// contact child). Each test gets its own test server, as contact-flow.test.ts explains.
import {
  contactCustomerUpdate,
  setContactPreferencesUpdate,
  triageUpdate,
  type ComplaintView,
} from '../../workflows/complaint/contract';
import { complaintInput } from '../support/fixtures';
import { handler, refusal, startHarness, type Harness } from '../support/workflow-harness';

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
