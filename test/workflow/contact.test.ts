// The customer-contact workflow on the real Temporal time-skipping test server. The activities are
// fakes that play Twilio and a scripted customer: placing a call signals its events (status, key
// pressed, recording) back to the workflow the way the webhooks do; an SMS may be answered with a
// smsReply signal. The integration suite runs the real activities against the Twilio simulator.
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import {
  contactWorkflowId,
  getContactQuery,
  smsReplySignal,
  type ContactInput,
  type ContactOutcome,
} from '../../workflows/contact/contract';
import type { customerContactWorkflow } from '../../workflows/contact/workflow';
import { DEFAULT_CONTACT_POLICY } from '../../domain/policy/contact-policy';
import { createFakeContact, type Customer } from '../support/fake-contact';
import { createTimeSkippingEnv, workflowBundle } from '../support/time-skipping';

const TASK_QUEUE = 'contact-workflow-test';
const MIN = 60_000;
const H = 60 * MIN;

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const fake = createFakeContact(() => env.client);
const { customers, calls, sms, activities, routes } = fake;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    activities,
  });
  running = worker.run();
}, 300_000);

afterAll(async () => {
  // Workflows a test left waiting would keep calling the fake Twilio (signals through env.client)
  // after the server is gone: end them first.
  await Promise.all(started.map((h) => h.terminate('test teardown').catch(() => undefined)));
  worker?.shutdown();
  await running;
  await env?.teardown();
});

let numberCounter = 0;
/** A fresh customer number per test, scripted. */
function customer(script: Customer): string {
  numberCounter += 1;
  const to = `+86139${String(Date.now() % 1_000_000).padStart(6, '0')}${String(numberCounter).padStart(2, '0')}`;
  customers.set(to, script);
  return to;
}

let ticketCounter = 0;
function contactInput(to: string, over: Partial<ContactInput> = {}): ContactInput {
  ticketCounter += 1;
  return {
    ticketId: `EMOS-CT-${Date.now().toString(36)}-${ticketCounter}`,
    purpose: 'FINAL_REPLY',
    round: 1,
    to,
    language: 'zh-CN',
    message: '已更换天馈线，您所在位置信号恢复正常',
    channel: 'PHONE_FIRST',
    recordConsent: false,
    timeZone: 'Asia/Shanghai',
    // The whole day, so that these tests do not depend on the test server's clock (R4.4 has its own).
    allowedHours: { from: '00:00', to: '00:00' },
    policy: DEFAULT_CONTACT_POLICY,
    ...over,
  };
}

const started: WorkflowHandle[] = [];
async function start(input: ContactInput): Promise<WorkflowHandle<typeof customerContactWorkflow>> {
  const handle = await env.client.workflow.start<typeof customerContactWorkflow>('customerContactWorkflow', {
    taskQueue: TASK_QUEUE,
    workflowId: contactWorkflowId(input.ticketId, input.purpose, input.round),
    args: [input],
  });
  started.push(handle);
  return handle;
}

async function run(input: ContactInput): Promise<{ outcome: ContactOutcome; handle: WorkflowHandle }> {
  const handle = await start(input);
  const outcome = await handle.result();
  return { outcome, handle };
}

const callsTo = (to: string) => calls.filter((c) => c.to === to);
const smsTo = (to: string) => sms.filter((s) => s.to === to);

/** Local 'HH:MM' of an instant in a time zone. */
function localTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

/** An Etc/GMT zone in which it is now (test-server time) the given local hour. */
function zoneWithLocalHour(nowMs: number, hour: number): string {
  let offset = hour - new Date(nowMs).getUTCHours();
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  // Etc/GMT names have the inverted sign: Etc/GMT-8 is UTC+8.
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

describe('R4.3 phone first: the reply call and the customer’s key', () => {
  it('R4.3 R5.5 the customer answers and presses 1: reached by phone, satisfied, the recording kept as evidence', async () => {
    const to = customer({ calls: ['answer'], digits: '1' });
    const input = contactInput(to, { recordConsent: true });
    const { outcome, handle } = await run(input);
    expect(outcome).toMatchObject({ reached: true, method: 'PHONE', answer: 'SATISFIED' });
    expect(outcome.confirmedAt).toBeDefined();
    expect(outcome.attempts).toHaveLength(1);
    expect(outcome.attempts[0]).toMatchObject({
      channel: 'PHONE',
      n: 1,
      result: 'ANSWERED',
      answer: 'SATISFIED',
      key: `${input.ticketId}:call:FINAL_REPLY:1:1`,
    });
    expect(outcome.attempts[0]!.sid).toMatch(/^CA/);
    expect(outcome.recording).toMatchObject({
      id: `${input.ticketId}:recording:FINAL_REPLY:1:1`,
      callSid: outcome.attempts[0]!.sid,
      sha256: 'ab'.repeat(32),
      durationSec: 12,
    });
    expect(callsTo(to)).toHaveLength(1);
    expect(callsTo(to)[0]).toMatchObject({ record: true, language: 'zh-CN', message: input.message });
    expect(smsTo(to)).toHaveLength(0);
    expect((await handle.query(getContactQuery)).stage).toBe('DONE');
    expect(routes.has(to)).toBe(false); // inbound SMS from the number no longer go to this contact
  });

  it('R4.3 the customer answers and presses 2: reached by phone, not satisfied; no recording without consent', async () => {
    const to = customer({ calls: ['answer'], digits: '2' });
    const { outcome } = await run(contactInput(to));
    expect(outcome).toMatchObject({ reached: true, method: 'PHONE', answer: 'NOT_SATISFIED' });
    expect(outcome.recording).toBeUndefined();
    expect(callsTo(to)).toHaveLength(1);
    expect(callsTo(to)[0]!.record).toBe(false);
    expect(smsTo(to)).toHaveLength(0);
  });

  it('R4.3 the customer answers but presses nothing: the confirmation is asked for by SMS', async () => {
    const to = customer({ calls: ['answer'], smsReplies: ['1'] });
    const { outcome } = await run(contactInput(to));
    expect(outcome).toMatchObject({ reached: true, method: 'SMS', answer: 'SATISFIED' });
    expect(outcome.attempts.map((a) => [a.channel, a.result, a.answer])).toEqual([
      ['PHONE', 'ANSWERED', 'UNCLEAR'],
      ['SMS', 'REPLIED', 'SATISFIED'],
    ]);
    expect(callsTo(to)).toHaveLength(1);
  });
});

describe('R4.3 SMS as the supplement, confirmed by the customer', () => {
  it('R4.3 no answer, busy and a call that never ends: three attempts by policy spacing, then the SMS is confirmed', async () => {
    const to = customer({ calls: ['no-answer', 'busy', 'silent'], smsReplies: ['满意'] });
    const input = contactInput(to);
    const { outcome } = await run(input);
    expect(outcome).toMatchObject({ reached: true, method: 'SMS', answer: 'SATISFIED' });
    const phone = outcome.attempts.filter((a) => a.channel === 'PHONE');
    expect(phone.map((a) => a.result)).toEqual(['NO_ANSWER', 'BUSY', 'TIMEOUT']);
    const times = phone.map((a) => Date.parse(a.at));
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(30 * MIN);
    // The third call never reported a final status: the callTimeout (15 min) ended the wait.
    const smsAttempt = outcome.attempts.find((a) => a.channel === 'SMS')!;
    expect(Date.parse(smsAttempt.at) - times[2]!).toBeGreaterThanOrEqual(15 * MIN);
    expect(callsTo(to).map((c) => c.idempotencyKey)).toEqual(
      [1, 2, 3].map((n) => `${input.ticketId}:call:FINAL_REPLY:1:${n}`),
    );
    expect(smsTo(to).map((s) => [s.template, s.idempotencyKey])).toEqual([
      ['contactConfirm', `${input.ticketId}:sms:FINAL_REPLY:1:confirm`],
    ]);
  });

  it('R4.3 an SMS never answered ends as NO_ANSWER after the policy wait (24 h), for the complaint to escalate', async () => {
    const to = customer({ calls: ['busy'] });
    const input = contactInput(to, { channel: 'SMS_ONLY' });
    const { outcome, handle } = await run(input);
    expect(outcome).toMatchObject({ reached: false, method: 'NONE', answer: 'NO_ANSWER' });
    expect(callsTo(to)).toHaveLength(0);
    expect(smsTo(to)).toHaveLength(1);
    const confirm = outcome.attempts[0]!;
    expect(confirm).toMatchObject({ channel: 'SMS', result: 'SENT', detail: 'no reply within 24h' });
    const closed = (await handle.describe()).closeTime!.getTime();
    expect(closed - Date.parse(confirm.at)).toBeGreaterThanOrEqual(24 * H);
  });

  it('R4.3 an unclear answer gets exactly one clarifying SMS, then the clear answer counts', async () => {
    const to = customer({ calls: ['busy'], smsReplies: ['嗯？', '2'] });
    const input = contactInput(to, { channel: 'SMS_ONLY' });
    const { outcome, handle } = await run(input);
    expect(outcome).toMatchObject({ reached: true, method: 'SMS', answer: 'NOT_SATISFIED' });
    expect(smsTo(to).map((s) => s.template)).toEqual(['contactConfirm', 'contactClarify']);
    expect(smsTo(to)[1]!.idempotencyKey).toBe(`${input.ticketId}:sms:FINAL_REPLY:1:clarify`);
    const view = await handle.query(getContactQuery);
    expect(view.smsReplies.map((r) => r.answer)).toEqual(['UNCLEAR', 'NOT_SATISFIED']);
  });

  it('R4.3 unclear twice: only one clarifying SMS, the outcome is UNCLEAR', async () => {
    const to = customer({ calls: ['busy'], smsReplies: ['你们是谁', '什么意思'] });
    const { outcome } = await run(contactInput(to, { channel: 'SMS_ONLY' }));
    expect(outcome).toMatchObject({ reached: true, method: 'SMS', answer: 'UNCLEAR' });
    expect(smsTo(to)).toHaveLength(2);
  });

  it('S4 R4.3 an inbound SMS delivered twice (one MessageSid) counts once', async () => {
    const to = customer({ calls: ['busy'], smsReplies: ['嗯？'] });
    const handle = await start(contactInput(to, { channel: 'SMS_ONLY' }));
    const clarifying = await eventuallyView(
      handle,
      (v) => v.smsReplies.length === 1 && smsTo(to).length === 2,
    );
    // Twilio's retry of the unclear reply's webhook comes after the clarifying SMS went out.
    const unclear = clarifying.smsReplies[0]!;
    await handle.signal(smsReplySignal, { from: to, body: unclear.body, messageSid: unclear.messageSid! });
    expect((await queryView(handle)).smsReplies).toHaveLength(1);
    const clear = 'SM' + 'e'.repeat(32);
    await handle.signal(smsReplySignal, { from: to, body: '1', messageSid: clear });
    expect(await handle.result()).toMatchObject({ reached: true, method: 'SMS', answer: 'SATISFIED' });
    expect((await queryView(handle)).smsReplies.map((r) => [r.answer, r.messageSid])).toEqual([
      ['UNCLEAR', unclear.messageSid],
      ['SATISFIED', clear],
    ]);
  });
});

describe('R4.4 quiet hours as durable timers', () => {
  it('R4.4 quiet hours delay the first call until 08:00 (crossing midnight)', async () => {
    const now = await env.currentTimeMs();
    const timeZone = zoneWithLocalHour(now, 23); // 23:xx local: calls wait for the morning
    const to = customer({ calls: ['answer'], digits: '1' });
    const input = contactInput(to, { timeZone, allowedHours: { from: '08:00', to: '21:00' } });
    const handle = await start(input);
    // While waiting the contact says when the call is due.
    const waiting = await eventuallyView(handle, (v) => v.nextActionAt !== undefined);
    expect(waiting.stage).toBe('WAITING_FOR_WINDOW');
    expect(localTime(waiting.nextActionAt!, timeZone)).toBe('08:00');
    expect(callsTo(to)).toHaveLength(0);
    const outcome = await handle.result();
    expect(outcome.answer).toBe('SATISFIED');
    const first = outcome.attempts[0]!;
    expect(localTime(first.at, timeZone)).toBe('08:00');
    expect(Date.parse(first.at) - now).toBeGreaterThan(8 * H);
    expect(Date.parse(first.at) - now).toBeLessThanOrEqual(9 * H);
  });

  it('R4.4 a retry that would fall after the window waits for the next morning', async () => {
    const now = await env.currentTimeMs();
    const timeZone = zoneWithLocalHour(now, 12);
    const end = new Date(now + 10 * MIN);
    const to24 = localTime(end.toISOString(), timeZone); // the window closes 10 minutes from now
    const to = customer({ calls: ['no-answer', 'answer'], digits: '1' });
    const { outcome } = await run(contactInput(to, { timeZone, allowedHours: { from: '08:00', to: to24 } }));
    const [first, second] = outcome.attempts;
    expect(first!.result).toBe('NO_ANSWER');
    expect(localTime(second!.at, timeZone)).toBe('08:00');
    expect(Date.parse(second!.at) - Date.parse(first!.at)).toBeGreaterThan(19 * H);
    expect(outcome).toMatchObject({ reached: true, method: 'PHONE', answer: 'SATISFIED' });
  });

  it('R4.4 an agreed appointment: the call goes at its start', async () => {
    const now = await env.currentTimeMs();
    const appointment = {
      from: new Date(now + 3 * H).toISOString(),
      to: new Date(now + 4 * H).toISOString(),
    };
    const to = customer({ calls: ['answer'], digits: '1' });
    const { outcome } = await run(contactInput(to, { appointment }));
    const placed = Date.parse(outcome.attempts[0]!.at);
    expect(placed).toBeGreaterThanOrEqual(Date.parse(appointment.from));
    expect(placed).toBeLessThan(Date.parse(appointment.from) + MIN);
  });
});

describe('contact input is checked at the start', () => {
  it('R4.4 a bad time zone or window fails the contact at once with the field named', async () => {
    const to = customer({ calls: ['answer'] });
    const handle = await start(
      contactInput(to, { timeZone: 'Mars/Olympus', allowedHours: { from: '8', to: '21:00' } }),
    );
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(String((err as WorkflowFailedError).cause?.message)).toMatch(
      /timeZone.*Mars\/Olympus.*allowedHours\.from/,
    );
    expect(callsTo(to)).toHaveLength(0);
  });
});

async function eventuallyView(
  handle: WorkflowHandle,
  ok: (v: Awaited<ReturnType<typeof queryView>>) => boolean,
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await queryView(handle);
    if (ok(view)) return view;
    if (Date.now() > deadline) throw new Error(`condition not reached: ${JSON.stringify(view)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function queryView(handle: WorkflowHandle) {
  return handle.query(getContactQuery);
}
