// The on-site test (R3.3) on the time-skipping test server: the handler offers slots, the scripted
// customer picks one by SMS, the engineer is e-mailed that slot only, and results become findings.
import {
  contactCustomerUpdate,
  proposeOnSiteTestUpdate,
  recordOnSiteResultUpdate,
  triageUpdate,
  type ComplaintView,
} from '../../workflows/complaint/contract';
import { complaintInput } from '../support/fixtures';
import { handler, refusal, startHarness, type Harness } from '../support/workflow-harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('onsite-tests');
}, 120_000);

afterAll(async () => {
  await h?.cleanup();
  await h?.close();
}, 60_000);

const BEIJING = 8 * 3_600_000;
/** Tomorrow (Beijing) at hh:00 local, as an ISO instant. */
function tomorrowAt(hour: number, base = Date.now()): string {
  const local = new Date(base + BEIJING);
  const day = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1);
  return new Date(day + hour * 3_600_000 - BEIJING).toISOString();
}

const engineer = { name: '张工', email: 'zhang.engineer@operator.example' };

async function poll(ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('R3.3 the customer picks a slot by SMS, the engineer is told that slot only, and the results are recorded', async () => {
  const input = complaintInput();
  h.contact.customers.set(input.numbers.callback, { calls: ['answer'], digits: '1', smsReplies: ['2'] });
  const handle = await h.start(input);
  await h.act(handle, triageUpdate, handler, { decision: 'SELF' });
  const now = (await handle.query<ComplaintView>('getComplaint')).timeline[0]!.at;
  const slots = [
    { from: tomorrowAt(10, Date.parse(now)), to: tomorrowAt(12, Date.parse(now)) },
    { from: tomorrowAt(14, Date.parse(now)), to: tomorrowAt(16, Date.parse(now)) },
  ];

  // No intrusive visits: a slot at night is refused, naming the slot.
  const night = await refusal(
    h.act(handle, proposeOnSiteTestUpdate, handler, {
      slots: [{ from: tomorrowAt(22, Date.parse(now)), to: tomorrowAt(23, Date.parse(now)) }],
      engineer,
    }),
  );
  expect(night).toMatch(/slots\[0\].*allowed hours/);

  await h.act(handle, proposeOnSiteTestUpdate, handler, { slots, engineer, address: '中关村大街1号3单元' });
  const booked = await h.until(handle, (v) => v.onSiteTests?.[0]?.status === 'BOOKED');
  expect(booked.onSiteTests![0]!.chosen).toEqual(slots[1]);
  const offered = h.contact.sms.find((s) => s.template === 'onSiteSlots' && s.to === input.numbers.callback);
  expect(offered?.vars.slots).toMatch(/1\) .*；2\) /);
  // The booking SMS follows, and the inbound route is released once the exchange is over.
  await poll(() =>
    h.contact.sms.some((s) => s.template === 'onSiteBooked' && s.to === input.numbers.callback),
  );
  await poll(() => !h.contact.routes.has(input.numbers.callback));
  const mail = await (async () => {
    for (let i = 0; i < 50; i += 1) {
      const m = h.mailsFor(input.ticketId).find((e) => e.template === 'onSiteTestBooked');
      if (m) return m;
      await new Promise((r) => setTimeout(r, 100));
    }
    return undefined;
  })();
  expect(mail?.to).toEqual([engineer.email]);
  expect(mail?.vars.slot).toContain('14:00');
  expect(mail?.vars.slot).not.toContain('10:00');

  // Results only from the chosen slot on.
  const early = await refusal(
    h.act(handle, recordOnSiteResultUpdate, handler, {
      measurements: [],
      photos: [],
      conclusion: '室内弱覆盖',
    }),
  );
  expect(early).toMatch(/booked for .*no visit outside the chosen slot/);
  await h.env.sleep(Date.parse(slots[1]!.from) - Date.parse(now) + 60_000);
  const done = await h.act(handle, recordOnSiteResultUpdate, handler, {
    measurements: [
      { name: 'RSRP', value: -118, unit: 'dBm' },
      { name: 'SINR', value: -2, unit: 'dB' },
    ],
    photos: ['https://files.operator.example/onsite/1.jpg'],
    conclusion: '室内深度覆盖不足，RSRP -118 dBm，建议增设室分',
  });
  expect(done.onSiteTests![0]!.status).toBe('DONE');
  const finding = done.findings.at(-1)!;
  expect(finding).toMatchObject({ onSite: true, found: '室内深度覆盖不足，RSRP -118 dBm，建议增设室分' });
  expect(finding.checked).toMatch(/RSRP -118dBm/);
});

it('R3.3 a customer who declines gets no visit, and one who does not answer is recorded as such at the deadline', async () => {
  const input = complaintInput();
  h.contact.customers.set(input.numbers.callback, { calls: ['answer'], smsReplies: ['不需要'] });
  const handle = await h.start(input);
  const base = Date.parse((await handle.query<ComplaintView>('getComplaint')).timeline[0]!.at);
  const slots = [{ from: tomorrowAt(10, base), to: tomorrowAt(11, base) }];
  await h.act(handle, proposeOnSiteTestUpdate, handler, { slots, engineer });
  const declined = await h.until(handle, (v) => v.onSiteTests?.[0]?.status === 'DECLINED');
  expect(declined.timeline.map((t) => t.action)).toContain('ON_SITE_DECLINED');
  expect(h.mailsFor(input.ticketId).some((m) => m.template === 'onSiteTestBooked')).toBe(false);

  const silent = complaintInput();
  h.contact.customers.set(silent.numbers.callback, { calls: ['answer'] });
  const other = await h.start(silent);
  await h.act(other, proposeOnSiteTestUpdate, handler, { slots, engineer });
  // While the appointment waits, contacting the customer otherwise is refused.
  const busy = await refusal(
    h.act(other, contactCustomerUpdate, handler, {
      purpose: 'FIRST_REPLY',
      channel: 'SMS_ONLY',
      message: '我们正在处理您的问题',
    }),
  );
  expect(busy).toMatch(/on-site appointment/);
  await h.env.sleep('25h');
  const v = await h.until(other, (x) => x.onSiteTests?.[0]?.status === 'NO_ANSWER');
  expect(v.timeline.map((t) => t.action)).toContain('ON_SITE_NO_ANSWER');
});
