// The customer-contact workflow end to end on the real local stack: the real activities call the
// Twilio simulator, the simulator runs our TwiML and sends signed webhooks to the API, the API
// signals the workflow. Virtual customers are scripted through the simulator's control API.
import { createHash } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import mongoose from 'mongoose';
import pino from 'pino';
import twilio from 'twilio';
import { createContactActivities } from '../../activities/contact';
import { createContactModels, type ContactModels } from '../../activities/contact-models';
import { createModels } from '../../activities/models';
import { createTwilioClient } from '../../activities/twilio-redirect';
import {
  contactWorkflowId,
  getContactQuery,
  type ContactInput,
  type ContactOutcome,
} from '../../workflows/contact/contract';
import type { customerContactWorkflow } from '../../workflows/contact/workflow';
import { DEFAULT_CONTACT_POLICY } from '../../domain/policy/contact-policy';
import { dataConverterFromEnv } from '../../platform/data-converter';
import { uniqueExternalId } from '../support/fixtures';
import { eventually, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let connection: Connection;
let client: Client;
let mongo: mongoose.Connection;
let db: ContactModels;

beforeAll(async () => {
  stack = await startTestStack();
  connection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  client = new Client({
    connection,
    namespace: stack.env.TEMPORAL_NAMESPACE,
    dataConverter: dataConverterFromEnv(stack.env),
  });
  mongo = await mongoose.createConnection(stack.env.MONGODB_URI!).asPromise();
  db = createContactModels(mongo);
}, 600_000);

afterAll(async () => {
  await mongo?.close();
  await connection?.close();
  await stack?.dispose();
}, 60_000);

interface SimCall {
  sid: string;
  to: string;
  status: string;
  record: boolean;
  said: { text: string; language: string }[];
  gathered: { digits: string | null }[];
  recordings: string[];
}
interface SimMessage {
  sid: string;
  direction: string;
  from: string;
  to: string;
  body: string;
}

const sim = async <T>(path: string, init?: RequestInit): Promise<T> => {
  const res = await fetch(`${stack.urls.twilioSim}/_sim${path}`, init);
  if (!res.ok) throw new Error(`simulator ${path}: HTTP ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
};
const scriptCustomer = (number: string, script: Record<string, unknown>) =>
  sim(`/customers/${encodeURIComponent(number)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(script),
  });
const callsTo = (to: string) => sim<SimCall[]>(`/calls?to=${encodeURIComponent(to)}`);
const messagesTo = (to: string) => sim<SimMessage[]>(`/messages?to=${encodeURIComponent(to)}`);
const messagesFrom = (from: string) => sim<SimMessage[]>(`/messages?from=${encodeURIComponent(from)}`);

let n = 0;
/** A customer number no other test uses. */
function newNumber(): string {
  n += 1;
  return `+86137${String(process.pid % 10_000).padStart(4, '0')}${String(Date.now() % 1000).padStart(3, '0')}${n}`;
}

/** Short waits so that the whole round runs while the test waits. */
const FAST_POLICY = {
  ...DEFAULT_CONTACT_POLICY,
  callAttempts: 2,
  callSpacing: '1s',
  smsConfirmWait: '90s',
  callTimeout: '60s',
  recordingWait: '30s',
  allowedHours: { from: '00:00', to: '00:00' },
};

function contactInput(to: string, over: Partial<ContactInput> = {}): ContactInput {
  return {
    ticketId: `EMOS-${uniqueExternalId('CT')}`,
    purpose: 'FINAL_REPLY',
    round: 1,
    to,
    language: 'zh-CN',
    message: '已更换天馈线，您所在位置信号恢复正常',
    channel: 'PHONE_FIRST',
    recordConsent: false,
    timeZone: 'Asia/Shanghai',
    policy: FAST_POLICY,
    ...over,
  };
}

function startContact(input: ContactInput): Promise<WorkflowHandle<typeof customerContactWorkflow>> {
  return client.workflow.start<typeof customerContactWorkflow>('customerContactWorkflow', {
    taskQueue: 'complaints',
    workflowId: contactWorkflowId(input.ticketId, input.purpose, input.round),
    args: [input],
  });
}

const sha256 = (buf: Buffer) => createHash('sha256').update(buf).digest('hex');

describe('R4.3 R5.5 the reply call through the Twilio simulator', () => {
  it('R4.3 R5.5 a customer who answers and presses 1: reached by phone, satisfied, the recorded call kept as evidence', async () => {
    const to = newNumber();
    await scriptCustomer(to, { call: 'answer', digits: '1' });
    const input = contactInput(to, { recordConsent: true });
    const handle = await startContact(input);
    const outcome: ContactOutcome = await handle.result();

    expect(outcome).toMatchObject({ reached: true, method: 'PHONE', answer: 'SATISFIED' });
    const calls = await callsTo(to);
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(outcome.attempts).toEqual([
      expect.objectContaining({ channel: 'PHONE', result: 'ANSWERED', answer: 'SATISFIED', sid: call.sid }),
    ]);
    // What the customer heard: the recording notice, the reply in zh-CN, the question; then key 1.
    expect(call.record).toBe(true);
    expect(call.said.map((s) => s.text).join(' ')).toContain(input.message);
    expect(call.said[0]!.text).toContain('录音');
    expect(call.said.every((s) => s.language === 'zh-CN')).toBe(true);
    expect(call.gathered.map((g) => g.digits)).toEqual(['1']);

    // The recording evidence: its hash is the hash of the media the simulator serves.
    const rec = outcome.recording!;
    expect(rec.sid).toBe(call.recordings[0]);
    expect(rec.callSid).toBe(call.sid);
    const media = Buffer.from(await (await fetch(rec.url)).arrayBuffer());
    expect(media.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(rec.sha256).toBe(sha256(media));
    expect(rec.bytes).toBe(media.length);
    const stored = await db.Evidence.findById(rec.id).lean();
    expect(stored).toMatchObject({
      kind: 'CALL_RECORDING',
      ticketId: input.ticketId,
      recordingSid: rec.sid,
      sha256: sha256(media),
      mediaStored: true,
    });
    const kept = await db.EvidenceMedia.findById(rec.sha256);
    expect(sha256(Buffer.from(kept!.data))).toBe(rec.sha256);
    // Insert-only: the evidence record cannot be written twice under its id.
    await expect(db.Evidence.create({ ...stored, sha256: '0'.repeat(64) })).rejects.toMatchObject({
      code: 11000,
    });
    expect((await db.Evidence.findById(rec.id).lean())?.sha256).toBe(rec.sha256);

    // Every webhook of the call was signed and accepted; the routing for inbound SMS is cleared.
    const hooks = await sim<{ kind: string; status: number }[]>(`/webhooks?resourceSid=${call.sid}`);
    expect(hooks.map((h) => h.kind)).toEqual(
      expect.arrayContaining(['voice-url', 'gather-action', 'call-status']),
    );
    expect(hooks.every((h) => h.status >= 200 && h.status < 300)).toBe(true);
    expect(await db.ActiveContact.findById(to).lean()).toBeNull();
  });

  it('R4.3 a customer who presses 2: reached by phone, not satisfied', async () => {
    const to = newNumber();
    await scriptCustomer(to, { call: 'answer', digits: '2' });
    const outcome = await (await startContact(contactInput(to))).result();
    expect(outcome).toMatchObject({ reached: true, method: 'PHONE', answer: 'NOT_SATISFIED' });
    expect(outcome.recording).toBeUndefined();
    expect(await callsTo(to)).toHaveLength(1);
    expect(await messagesTo(to)).toHaveLength(0);
  });

  it('R4.3 a customer who says 已经解决了 instead of pressing a key is understood', async () => {
    const to = newNumber();
    await scriptCustomer(to, { call: 'answer', speech: '已经解决了' });
    const outcome = await (await startContact(contactInput(to))).result();
    expect(outcome).toMatchObject({ reached: true, method: 'PHONE', answer: 'SATISFIED' });
    expect(await messagesTo(to)).toHaveLength(0);
  });

  it('R4.3 a busy customer gets an SMS, replies 满意 and is reached by SMS, satisfied', async () => {
    const to = newNumber();
    await scriptCustomer(to, { call: 'busy', smsReply: { body: '满意', afterMs: 300 } });
    const input = contactInput(to);
    const outcome = await (await startContact(input)).result();

    expect(outcome).toMatchObject({ reached: true, method: 'SMS', answer: 'SATISFIED' });
    expect(outcome.attempts.map((a) => [a.channel, a.result])).toEqual([
      ['PHONE', 'BUSY'],
      ['PHONE', 'BUSY'],
      ['SMS', 'REPLIED'],
    ]);
    const calls = await callsTo(to);
    expect(calls.map((c) => c.status)).toEqual(['busy', 'busy']);
    const sent = await messagesTo(to);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toContain(`工单号 ${input.ticketId}`);
    expect(sent[0]!.body).toContain(input.message);
    const replies = (await messagesFrom(to)).filter((m) => m.direction === 'inbound');
    expect(replies.map((m) => m.body)).toEqual(['满意']);
    expect(outcome.attempts[2]!.sid).toBe(sent[0]!.sid);
  });
});

describe('R4.4 quiet hours on the real stack', () => {
  it('R4.4 at 23:00 local time the call waits for 08:00 on a durable timer; a cancelled contact stops routing SMS', async () => {
    // A fixed-offset zone in which it is 23:xx now.
    let offset = 23 - new Date().getUTCHours();
    if (offset > 14) offset -= 24;
    if (offset < -12) offset += 24;
    const timeZone = offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
    const to = newNumber();
    await scriptCustomer(to, { call: 'answer', digits: '1' });
    const handle = await startContact(
      contactInput(to, {
        timeZone,
        policy: { ...FAST_POLICY, allowedHours: { from: '08:00', to: '21:00' } },
      }),
    );
    const view = await eventually(
      async () => {
        const v = await handle.query(getContactQuery);
        return v.nextActionAt ? v : undefined;
      },
      30_000,
      'the quiet-hours timer',
    );
    expect(view.stage).toBe('WAITING_FOR_WINDOW');
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    expect(local.format(new Date(view.nextActionAt!))).toBe('08:00');
    expect(Date.parse(view.nextActionAt!) - Date.now()).toBeGreaterThan(7 * 3_600_000);
    expect(await callsTo(to)).toHaveLength(0);
    expect(await db.ActiveContact.findById(to).lean()).toMatchObject({ workflowId: handle.workflowId });

    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    await eventually(
      async () => ((await db.ActiveContact.findById(to).lean()) === null ? true : undefined),
      15_000,
      'the routing to be cleared',
    );
    expect(await callsTo(to)).toHaveLength(0);
  });
});

describe('S4 R4.3 inbound SMS webhooks are signed', () => {
  it('S4 R4.3 a forged or unsigned inbound SMS is refused (403) and signals nothing; the real reply counts', async () => {
    const to = newNumber();
    await scriptCustomer(to, { call: 'busy' });
    const input = contactInput(to, { channel: 'SMS_ONLY' });
    const handle = await startContact(input);
    await eventually(
      async () =>
        (await handle.query(getContactQuery)).stage === 'WAITING_FOR_SMS_REPLY' ? true : undefined,
      30_000,
      'the confirmation SMS',
    );
    expect(await db.ActiveContact.findById(to).lean()).toMatchObject({ workflowId: handle.workflowId });

    const url = `${stack.env.PUBLIC_BASE_URL}/webhooks/twilio/sms-inbound`;
    const params = {
      MessageSid: 'SM' + 'f'.repeat(32),
      From: to,
      To: stack.env.TWILIO_FROM_NUMBER!,
      Body: '满意',
    };
    const form = new URLSearchParams(params).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const forged = await fetch(url, {
      method: 'POST',
      headers: {
        ...headers,
        'x-twilio-signature': twilio.getExpectedTwilioSignature('not-the-token', url, params),
      },
      body: form,
    });
    expect(forged.status).toBe(403);
    const unsigned = await fetch(url, { method: 'POST', headers, body: form });
    expect(unsigned.status).toBe(403);
    // A forged call status for the same contact is refused the same way.
    const statusUrl = `${stack.env.PUBLIC_BASE_URL}/webhooks/twilio/contact/${handle.workflowId}/call-status?attempt=1`;
    const forgedStatus = await fetch(statusUrl, {
      method: 'POST',
      headers: { ...headers, 'x-twilio-signature': 'AAAA' },
      body: new URLSearchParams({ CallSid: 'CA' + '0'.repeat(32), CallStatus: 'completed' }).toString(),
    });
    expect(forgedStatus.status).toBe(403);

    const history = await handle.fetchHistory();
    const signals = (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes);
    expect(signals).toHaveLength(0);
    expect((await handle.query(getContactQuery)).smsReplies).toEqual([]);

    // The customer's real reply, through the simulator's number routing (PUT /_sim/numbers at start).
    await sim('/inbound/sms', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: to, to: stack.env.TWILIO_FROM_NUMBER, body: '1' }),
    });
    const outcome = await handle.result();
    expect(outcome).toMatchObject({ reached: true, method: 'SMS', answer: 'SATISFIED' });
  });
});

describe('R4.3 nothing twice: a worker killed in the middle of a contact', () => {
  it('R4.3 the same key never places a second call or SMS, even when a crash left the claim unmarked', async () => {
    // The activities themselves, against the stack's simulator and MongoDB.
    const activities = createContactActivities({
      models: createModels(mongo),
      contactModels: db,
      twilio: createTwilioClient({
        accountSid: stack.env.TWILIO_ACCOUNT_SID!,
        authToken: stack.env.TWILIO_AUTH_TOKEN!,
        apiBaseUrl: stack.env.TWILIO_API_BASE_URL,
      }),
      logger: pino({ level: 'silent' }),
      config: { fromNumber: stack.env.TWILIO_FROM_NUMBER!, publicBaseUrl: stack.env.PUBLIC_BASE_URL! },
    });
    const to = newNumber();
    await scriptCustomer(to, { call: 'busy' });
    const ticketId = `EMOS-${uniqueExternalId('KEY')}`;
    const call = {
      idempotencyKey: `${ticketId}:call:FINAL_REPLY:1:1`,
      ticketId,
      workflowId: contactWorkflowId(ticketId, 'FINAL_REPLY', 1),
      attempt: 1,
      purpose: 'FINAL_REPLY' as const,
      to,
      language: 'zh-CN' as const,
      message: '已处理',
      record: false,
    };
    const first = await activities.placeCall(call);
    expect(first.alreadyPlaced).toBe(false);
    expect(await activities.placeCall(call)).toMatchObject({ callSid: first.callSid, alreadyPlaced: true });
    // A worker that died after Twilio accepted the call but before the outbox was marked:
    await db.ContactCall.updateOne(
      { _id: call.idempotencyKey },
      { $set: { state: 'SENDING' }, $unset: { callSid: 1 } },
    );
    expect(await activities.placeCall(call)).toMatchObject({ callSid: first.callSid, alreadyPlaced: true });
    expect(await callsTo(to)).toHaveLength(1);

    const sms = {
      idempotencyKey: `${ticketId}:sms:FINAL_REPLY:1:confirm`,
      ticketId,
      to,
      language: 'zh-CN' as const,
      purpose: 'FINAL_REPLY' as const,
      template: 'contactConfirm' as const,
      vars: { ticketId, message: '已处理' },
    };
    const sent = await activities.sendContactSms(sms);
    await mongo
      .collection('outbox')
      .updateOne(
        { _id: sms.idempotencyKey as never },
        { $set: { state: 'SENDING' }, $unset: { providerId: 1 } },
      );
    expect(await activities.sendContactSms(sms)).toMatchObject({ sid: sent.sid, alreadySent: true });
    expect(await messagesTo(to)).toHaveLength(1);
  });

  it('R4.3 a worker killed with SIGKILL mid-contact: the contacts finish, exactly one call and no duplicate SMS', async () => {
    const caller = newNumber();
    const texter = newNumber();
    await scriptCustomer(caller, { call: 'answer', digits: '1' });
    await scriptCustomer(texter, { call: 'busy', smsReply: { body: '是', afterMs: 1500 } });
    const byPhone = await startContact(contactInput(caller, { recordConsent: true }));
    const bySms = await startContact(contactInput(texter, { channel: 'SMS_ONLY' }));

    // Kill the worker as soon as the call and the SMS have reached the (simulated) network.
    await eventually(
      async () =>
        (await callsTo(caller)).length > 0 && (await messagesTo(texter)).length > 0 ? true : undefined,
      60_000,
      'the call and the SMS',
    );
    const worker = stack.worker!;
    worker.kill('SIGKILL');
    expect((await worker.exited).signal).toBe('SIGKILL');
    // While no worker runs, the call ends and the customer replies: webhooks still become signals.
    await new Promise((r) => setTimeout(r, 3000));
    await stack.startWorker();

    const [phone, sms] = await Promise.all([byPhone.result(), bySms.result()]);
    expect(phone).toMatchObject({ reached: true, method: 'PHONE', answer: 'SATISFIED' });
    expect(phone.recording?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(sms).toMatchObject({ reached: true, method: 'SMS', answer: 'SATISFIED' });
    expect(await callsTo(caller)).toHaveLength(1);
    expect(await messagesTo(caller)).toHaveLength(0);
    expect(await callsTo(texter)).toHaveLength(0);
    expect((await messagesTo(texter)).filter((m) => m.direction === 'outbound-api')).toHaveLength(1);
  }, 240_000);
});
