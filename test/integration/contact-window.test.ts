// The customer's own contact window and agreed appointment (R4.8) through the API on the real local
// stack: a complaint filed with a window that excludes now gets no call while the reply waits (the
// complaint says until when); the handler's contact-preferences action with a window that includes
// now reaches the waiting contact, and the Twilio simulator sees the call. Bad windows are 400s.
import path from 'node:path';
import { intakeBody, uniqueExternalId, uniqueMobile } from '../support/fixtures';
import { eventually, KEYS, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;

beforeAll(async () => {
  // Any hour by policy, short waits: only the customer's own window holds the call.
  stack = await startTestStack({
    POLICY_FILE: path.resolve(__dirname, '../fixtures/policy-contact-e2e.json'),
  });
}, 600_000);

afterAll(async () => {
  await stack?.dispose();
}, 60_000);

type View = {
  stage: string;
  contactPreferences?: { contactWindow?: Record<string, unknown>; appointment?: unknown; by: string };
  contacts: { purpose: string; windowOpensAt?: string; attempts?: { channel: string; at: string }[] }[];
  replies: { kind: string; counts: boolean }[];
  timeline: { action: string; detail?: string }[];
};
type Problem = { error: string; message: string };

const pad = (n: number) => String(n).padStart(2, '0');
const hourUtc = (offsetHours: number) => (new Date().getUTCHours() + offsetHours + 24) % 24;
/** A one-hour UTC window that opens 2 to 3 hours from now. */
const laterWindow = () => ({ timeZone: 'UTC', from: `${pad(hourUtc(3))}:00`, to: `${pad(hourUtc(4))}:00` });
/** A UTC window around now (an hour back to two hours on). */
const windowNow = () => ({ timeZone: 'UTC', from: `${pad(hourUtc(-1))}:00`, to: `${pad(hourUtc(2))}:00` });

const sim = async <T>(p: string, body?: unknown): Promise<T> => {
  const res = await fetch(`${stack.urls.twilioSim}/_sim${p}`, {
    method: body === undefined ? 'GET' : 'PUT',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (res.status === 204 ? undefined : await res.json()) as T;
};
const callsTo = (n: string) => sim<{ sid: string; to: string }[]>(`/calls?to=${encodeURIComponent(n)}`);
const view = async (id: string) => (await stack.http.get<View>(`/v1/complaints/${id}`, KEYS.supervisor)).body;
const act = <T = View>(id: string, p: string, body: unknown) =>
  stack.http.post<T>(`/v1/complaints/${id}/${p}`, body, KEYS.supervisor);

it('R4.8 a customer whose window excludes now is not called until a handler sets a window that includes now', async () => {
  const number = uniqueMobile();
  await sim(`/customers/${encodeURIComponent(number)}`, { call: 'answer', digits: '1' });
  const contactWindow = laterWindow();
  const filed = await stack.http.post<{ ticketId: string }>(
    '/v1/complaints',
    intakeBody({ numbers: { callback: number, calling: number }, contactWindow }),
    KEYS.intake,
  );
  expect(filed.status).toBe(201);
  const id = filed.body.ticketId;
  expect((await act(id, 'triage', { decision: 'SELF' })).status).toBe(200);
  const started = await act(id, 'contact', {
    purpose: 'FIRST_REPLY',
    channel: 'PHONE_FIRST',
    message: '您反映的掉线问题正在处理，预计三天内解决',
  });
  expect(started.status).toBe(200);
  expect(started.body.contactPreferences).toMatchObject({ contactWindow });
  const opensAt = started.body.contacts[0]?.windowOpensAt;
  expect(opensAt).toBeDefined();
  expect(opensAt!.slice(11, 16)).toBe(contactWindow.from);
  expect(Date.parse(opensAt!) - Date.now()).toBeGreaterThan(100 * 60_000);

  // N seconds: no call, and the complaint says it waits for the window, with the instant.
  await new Promise((r) => setTimeout(r, 8_000));
  expect(await callsTo(number)).toHaveLength(0);
  const waiting = await view(id);
  expect(waiting.contacts[0]?.windowOpensAt).toBe(opensAt);
  expect(waiting.contacts[0]?.attempts ?? []).toHaveLength(0);
  const note = waiting.timeline.find((t) => t.action === 'CONTACT_WAITS_FOR_WINDOW');
  expect(note?.detail).toContain(opensAt);

  // The customer now says: reach me now. The waiting contact follows at once.
  const changed = await act(id, 'contact-preferences', { contactWindow: windowNow() });
  expect(changed.status).toBe(200);
  expect(changed.body.contactPreferences).toMatchObject({ contactWindow: windowNow() });
  expect(changed.body.timeline.some((t) => t.action === 'CONTACT_PREFERENCES_SET')).toBe(true);
  const calls = await eventually(
    async () => {
      const c = await callsTo(number);
      return c.length > 0 ? c : undefined;
    },
    60_000,
    'the Twilio simulator to see the call',
  );
  expect(calls[0]).toMatchObject({ to: number });
  const replied = await eventually(
    async () => {
      const v = await view(id);
      return v.replies.some((r) => r.kind === 'FIRST' && r.counts) ? v : undefined;
    },
    60_000,
    'the first reply to count',
  );
  expect(replied.contacts[0]?.attempts?.[0]?.channel).toBe('PHONE');
  expect(Date.parse(replied.contacts[0]!.attempts![0]!.at)).toBeLessThan(Date.parse(opensAt!));
});

it('R4.8 400s: an unknown time zone, an appointment whose from is after its to, a window without days', async () => {
  const badZone = await stack.http.post<Problem>(
    '/v1/complaints',
    intakeBody({ contactWindow: { timeZone: 'Mars/Olympus', from: '09:00', to: '18:00' } }),
    KEYS.intake,
  );
  expect(badZone.status).toBe(400);
  expect(badZone.body.message).toMatch(/contactWindow\.timeZone: unknown time zone/);

  const badHour = await stack.http.post<Problem>(
    '/v1/complaints',
    intakeBody({ contactWindow: { timeZone: 'Asia/Shanghai', from: '25:00', to: '18:00', days: [] } }),
    KEYS.intake,
  );
  expect(badHour.status).toBe(400);
  expect(badHour.body.message).toMatch(/contactWindow\.from: a local time HH:MM/);
  expect(badHour.body.message).toMatch(/contactWindow\.days: name at least one day/);

  const filed = await stack.http.post<{ ticketId: string }>('/v1/complaints', intakeBody(), KEYS.intake);
  expect(filed.status).toBe(201);
  const from = new Date(Date.now() + 3 * 3_600_000).toISOString();
  const to = new Date(Date.now() + 2 * 3_600_000).toISOString();
  const backwards = await act<Problem>(filed.body.ticketId, 'contact-preferences', {
    appointment: { from, to, timeZone: 'Asia/Shanghai' },
  });
  expect(backwards.status).toBe(400);
  expect(backwards.body.message).toMatch(/appointment\.to: must be after "from"/);
  const empty = await act<Problem>(filed.body.ticketId, 'contact-preferences', {});
  expect(empty.status).toBe(400);
  expect(empty.body.message).toMatch(/give a contactWindow or an appointment/);
});

it('R4.8 TMF621: the contactWindow and appointment characteristics are taken at creation and read back', async () => {
  const from = new Date(Date.now() + 26 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const to = new Date(Date.now() + 27 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const ticket = (chars: { name: string; value: string }[]) => ({
    '@type': 'TroubleTicket',
    description: '家里室内信号差，打电话经常掉线',
    severity: 'Minor',
    ticketType: 'DROPPED_CALLS',
    externalIdentifier: [{ id: uniqueExternalId('TMF'), owner: 'EMOS' }],
    relatedParty: [
      { role: 'customer', partyOrPartyRole: { contactMedium: [{ phoneNumber: uniqueMobile() }] } },
    ],
    relatedEntity: [
      { role: 'region', entity: { id: 'haidian' } },
      { role: 'servingCell', entity: { id: '460-00-12345-1' } },
    ],
    troubleTicketCharacteristic: [{ name: 'frequency', value: 'DAILY' }, ...chars],
  });
  const created = await stack.http.post<{
    id: string;
    troubleTicketCharacteristic: { name: string; value: unknown }[];
  }>(
    '/tmf-api/troubleTicket/v5/troubleTicket',
    ticket([
      { name: 'contactWindow', value: 'MON-FRI 18:00-21:00 Asia/Shanghai' },
      { name: 'appointment', value: `${from}/${to} Asia/Shanghai` },
    ]),
    KEYS.intake,
  );
  expect(created.status).toBe(201);
  const v = await eventually(async () => {
    const x = await view(created.body.id);
    return x.contactPreferences ? x : undefined;
  });
  expect(v.contactPreferences).toMatchObject({
    contactWindow: {
      timeZone: 'Asia/Shanghai',
      from: '18:00',
      to: '21:00',
      days: ['MON', 'TUE', 'WED', 'THU', 'FRI'],
    },
    appointment: { from, to, timeZone: 'Asia/Shanghai' },
  });

  const bad = await stack.http.post<Problem>(
    '/tmf-api/troubleTicket/v5/troubleTicket',
    ticket([{ name: 'contactWindow', value: 'evenings please' }]),
    KEYS.intake,
  );
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.body)).toContain('troubleTicketCharacteristic[name=contactWindow]');
});
