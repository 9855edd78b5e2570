// The on-site test appointment (R3.3) on the real local stack: slots offered over HTTP, the
// simulated customer answers the SMS through the signed inbound webhook, the engineer's e-mail
// arrives in the mail sink with the chosen slot only.
import { intakeBody, uniqueMobile } from '../support/fixtures';
import { eventually, KEYS, mails, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
}, 600_000);

afterAll(async () => {
  await stack?.dispose();
}, 60_000);

const BEIJING = 8 * 3_600_000;
function tomorrowAt(hour: number): string {
  const local = new Date(Date.now() + BEIJING);
  const day = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1);
  return new Date(day + hour * 3_600_000 - BEIJING).toISOString();
}

type View = { onSiteTests?: { status: string; chosen?: { from: string } }[]; timeline: { action: string }[] };

it('R3.3 the customer picks a slot by SMS; the engineer is e-mailed that slot; results wait for the slot', async () => {
  const number = uniqueMobile();
  await fetch(`${stack.urls.twilioSim}/_sim/customers/${encodeURIComponent(number)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    // The first SMS (the intake acknowledgement) gets a reply nobody waits for; the slots get "2".
    body: JSON.stringify({ call: 'answer', smsReply: { body: '2', afterMs: 300, maxReplies: 3 } }),
  });
  const filed = await stack.http.post<{ ticketId: string }>(
    '/v1/complaints',
    intakeBody({ numbers: { callback: number, calling: number } }),
    KEYS.intake,
  );
  const id = filed.body.ticketId;
  await eventually(async () => {
    const r = await stack.http.get<View>(`/v1/complaints/${id}`, KEYS.supervisor);
    return r.body.timeline.some((t) => t.action === 'ACK_SMS_SENT') ? true : undefined;
  });
  const slots = [
    { from: tomorrowAt(10), to: tomorrowAt(12) },
    { from: tomorrowAt(14), to: tomorrowAt(16) },
  ];
  const engineer = { name: '张工', email: 'zhang.engineer@operator.example' };

  const bad = await stack.http.post<{ message: string }>(
    `/v1/complaints/${id}/on-site-tests`,
    { slots: [{ from: 'tomorrow', to: slots[0]!.to }], engineer },
    KEYS.supervisor,
  );
  expect(bad.status).toBe(400);
  expect(bad.body.message).toMatch(/slots/);
  const night = await stack.http.post<{ message: string }>(
    `/v1/complaints/${id}/on-site-tests`,
    { slots: [{ from: tomorrowAt(22), to: tomorrowAt(23) }], engineer },
    KEYS.supervisor,
  );
  expect(night.status).toBe(409);
  expect(night.body.message).toMatch(/allowed hours/);

  const ok = await stack.http.post(
    `/v1/complaints/${id}/on-site-tests`,
    { slots, engineer },
    KEYS.supervisor,
  );
  expect(ok.status).toBe(200);
  const booked = await eventually(async () => {
    const r = await stack.http.get<View>(`/v1/complaints/${id}`, KEYS.supervisor);
    return r.body.onSiteTests?.[0]?.status === 'BOOKED' ? r.body : undefined;
  }, 60_000);
  expect(booked.onSiteTests![0]!.chosen!.from).toBe(slots[1]!.from);
  const mail = await eventually(async () => {
    const m = await mails(stack, { to: engineer.email });
    return m.find((x) => x.subject.includes(id));
  });
  expect(mail.text).toContain('14:00');
  expect(mail.text).not.toContain('10:00–12:00');

  const early = await stack.http.post<{ message: string }>(
    `/v1/complaints/${id}/on-site-tests/result`,
    {
      measurements: [{ name: 'RSRP', value: -118, unit: 'dBm' }],
      photos: [],
      conclusion: '室内深度覆盖不足，建议增设室分',
    },
    KEYS.supervisor,
  );
  expect(early.status).toBe(409);
  expect(early.body.message).toMatch(/no visit outside the chosen slot/);
});
