// Integration tests of the local Twilio simulator, driven through the real twilio SDK (redirected
// with createTwilioClient) and a local express receiver for the webhooks it sends.
import { spawn } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import twilio from 'twilio';
import { createTwilioClient, RedirectingRequestClient } from '../../activities/twilio-redirect';
import { startTwilioSim, type RunningTwilioSim } from '../../infra/twilio-sim/server';
import { parseXml, XmlParseError, type XmlElement } from '../../infra/twilio-sim/xml';

jest.setTimeout(20_000);

const ACCOUNT_SID = 'ACtest0000000000000000000000000001';
const AUTH_TOKEN = 'test-auth-token-123';
const OUR_NUMBER = '+8610086000';
const CUSTOMER = '+8613800138000';

// ---------------------------------------------------------------------------------------------
// Webhook receiver: records every request and answers with per-path responders.

interface Received {
  method: string;
  path: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  params: Record<string, string>;
  signatureValid: boolean;
}

type Responder = (r: Received, count: number) => { status?: number; body?: string };

class Receiver {
  readonly requests: Received[] = [];
  private readonly responders = new Map<string, Responder>();
  private readonly counts = new Map<string, number>();
  private server: Server | null = null;
  base = '';

  async start(): Promise<void> {
    const app = express();
    app.use(express.urlencoded({ extended: false }));
    // twilio.webhook() exactly as product code would mount it.
    app.post('/validated', twilio.webhook(AUTH_TOKEN, { protocol: 'http' }), (_req, res) => {
      res.status(200).send('validated');
    });
    app.use((req, res) => {
      const url = `${this.base}${req.originalUrl}`;
      const params: Record<string, string> =
        req.method === 'POST' ? (req.body as Record<string, string>) : {};
      const received: Received = {
        method: req.method,
        path: req.path,
        url,
        headers: req.headers,
        params: req.method === 'POST' ? params : (req.query as Record<string, string>),
        signatureValid: twilio.validateRequest(AUTH_TOKEN, req.get('X-Twilio-Signature') ?? '', url, params),
      };
      this.requests.push(received);
      const count = (this.counts.get(req.path) ?? 0) + 1;
      this.counts.set(req.path, count);
      const out = this.responders.get(req.path)?.(received, count) ?? {};
      res
        .status(out.status ?? 200)
        .type('text/xml')
        .send(out.body ?? '<Response/>');
    });
    await new Promise<void>((resolve) => {
      this.server = app.listen(0, '127.0.0.1', () => resolve());
    });
    this.base = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  on(pathname: string, responder: Responder): void {
    this.responders.set(pathname, responder);
  }

  twiml(pathname: string, xml: string): void {
    this.on(pathname, () => ({ body: xml }));
  }

  at(pathname: string): Received[] {
    return this.requests.filter((r) => r.path === pathname);
  }

  url(pathname: string): string {
    return `${this.base}${pathname}`;
  }

  clear(): void {
    this.requests.length = 0;
    this.responders.clear();
    this.counts.clear();
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
  }
}

async function waitFor<T>(
  probe: () => T | undefined | null | false,
  what: string,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

// ---------------------------------------------------------------------------------------------

let sim: RunningTwilioSim;
let client: twilio.Twilio;
const receiver = new Receiver();
const simLog: string[] = [];

async function control(method: string, pathname: string, body?: unknown): Promise<globalThis.Response> {
  return fetch(`${sim.url}/_sim${pathname}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function setCustomer(number: string, script: Record<string, unknown>): Promise<void> {
  const res = await control('PUT', `/customers/${encodeURIComponent(number)}`, script);
  expect(res.status).toBe(200);
}

interface SimCallView {
  status: string;
  said: { text: string; language: string }[];
  gathered: { digits: string | null; speech: string | null; confidence: number | null }[];
  recordings: string[];
  errors: { code: number; message: string }[];
  events: { type: string }[];
}

async function simCall(sid: string): Promise<SimCallView> {
  const res = await control('GET', `/calls/${sid}`);
  expect(res.status).toBe(200);
  return (await res.json()) as SimCallView;
}

async function waitForCallEnd(sid: string): Promise<SimCallView> {
  const final = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];
  let view: SimCallView | undefined;
  const deadline = Date.now() + 8000;
  for (;;) {
    view = await simCall(sid);
    if (final.includes(view.status)) break;
    if (Date.now() > deadline) throw new Error(`call ${sid} did not end (status ${view.status})`);
    await new Promise((r) => setTimeout(r, 20));
  }
  await sim.idle();
  return view;
}

beforeAll(async () => {
  await receiver.start();
  sim = await startTwilioSim({
    port: 0,
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    stepDelayMs: 20,
    webhookRetryDelaysMs: [30, 60],
    log: (msg) => simLog.push(msg),
  });
  client = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiBaseUrl: sim.url });
});

afterAll(async () => {
  await sim?.close();
  await receiver.stop();
});

beforeEach(() => {
  sim.reset();
  receiver.clear();
});

// ---------------------------------------------------------------------------------------------

describe('redirecting twilio client', () => {
  it('rewrites any https://*.twilio.com origin to the simulator base URL and nothing else', () => {
    const rc = new RedirectingRequestClient('http://127.0.0.1:3010/');
    expect(rc.rewrite('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json')).toBe(
      'http://127.0.0.1:3010/2010-04-01/Accounts/AC1/Messages.json',
    );
    expect(rc.rewrite('https://api.sydney.us1.twilio.com/2010-04-01/Calls.json?To=%2B1')).toBe(
      'http://127.0.0.1:3010/2010-04-01/Calls.json?To=%2B1',
    );
    expect(rc.rewrite('https://example.com/twilio.com/x')).toBe('https://example.com/twilio.com/x');
    expect(rc.rewrite('https://nottwilio.com.evil.example/x')).toBe('https://nottwilio.com.evil.example/x');
  });

  it('uses the redirect only when apiBaseUrl is non-empty', () => {
    const redirected = createTwilioClient({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      apiBaseUrl: sim.url,
    });
    const direct = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiBaseUrl: '' });
    expect(redirected.httpClient).toBeInstanceOf(RedirectingRequestClient);
    expect(direct.httpClient).not.toBeInstanceOf(RedirectingRequestClient);
  });
});

describe('REST API basics', () => {
  it('answers /healthz', async () => {
    const res = await fetch(`${sim.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("rejects wrong credentials with 401 and Twilio's error shape", async () => {
    const bad = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: 'wrong', apiBaseUrl: sim.url });
    await expect(bad.messages.create({ to: CUSTOMER, from: OUR_NUMBER, body: 'x' })).rejects.toMatchObject({
      status: 401,
      code: 20003,
    });
    const res = await fetch(`${sim.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(await res.json()).toEqual({
      code: 20003,
      message: 'Authenticate',
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    });
    expect(sim.state.messages.size).toBe(0);
  });

  it('answers validation errors with 400 and Twilio error codes', async () => {
    const auth = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;
    const raw = await fetch(`${sim.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ From: OUR_NUMBER, Body: 'hi' }).toString(),
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ code: 21604, status: 400 });

    await expect(client.messages.create({ to: '12345', from: OUR_NUMBER, body: 'x' })).rejects.toMatchObject({
      status: 400,
      code: 21211,
    });
    await expect(client.messages.create({ to: CUSTOMER, from: OUR_NUMBER })).rejects.toMatchObject({
      status: 400,
      code: 21602,
    });
    await expect(client.calls.create({ to: CUSTOMER, from: OUR_NUMBER })).rejects.toMatchObject({
      status: 400,
      code: 21205,
    });
    await expect(
      client.calls.create({
        to: CUSTOMER,
        from: OUR_NUMBER,
        twiml: '<Response/>',
        statusCallback: receiver.url('/s'),
        statusCallbackEvent: ['initiated', 'bogus'],
      }),
    ).rejects.toMatchObject({ status: 400, code: 21626 });
    expect(sim.state.messages.size + sim.state.calls.size).toBe(0);
  });

  it('answers unknown resources with 404 code 20404', async () => {
    await expect(client.messages('SM' + '0'.repeat(32)).fetch()).rejects.toMatchObject({
      status: 404,
      code: 20404,
    });
    await expect(client.calls('CA' + '0'.repeat(32)).fetch()).rejects.toMatchObject({
      status: 404,
      code: 20404,
    });
  });
});

describe('SMS', () => {
  it('creates a Message resource and posts sent then delivered status callbacks', async () => {
    const msg = await client.messages.create({
      to: CUSTOMER,
      from: OUR_NUMBER,
      body: '您的投诉已受理',
      statusCallback: receiver.url('/sms-status'),
    });
    expect(msg.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(msg.status).toBe('queued');
    expect(msg.direction).toBe('outbound-api');
    expect(msg.accountSid).toBe(ACCOUNT_SID);
    expect(msg.to).toBe(CUSTOMER);
    expect(msg.body).toBe('您的投诉已受理');
    expect(msg.numSegments).toBe('1');
    expect(msg.dateCreated).toBeInstanceOf(Date);
    expect(Number.isNaN(msg.dateCreated.getTime())).toBe(false);
    expect(msg.uri).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${msg.sid}.json`);

    const callbacks = await waitFor(() => {
      const got = receiver.at('/sms-status');
      return got.length >= 2 && got;
    }, 'two status callbacks');
    expect(callbacks.map((c) => c.params.MessageStatus)).toEqual(['sent', 'delivered']);
    expect(callbacks[1]?.params).toMatchObject({
      MessageSid: msg.sid,
      SmsSid: msg.sid,
      SmsStatus: 'delivered',
      AccountSid: ACCOUNT_SID,
      From: OUR_NUMBER,
      To: CUSTOMER,
      ApiVersion: '2010-04-01',
    });
    expect(callbacks[1]?.params.ErrorCode).toBeUndefined();

    const fetched = await client.messages(msg.sid).fetch();
    expect(fetched.status).toBe('delivered');
    expect(fetched.dateSent).toBeInstanceOf(Date);
  });

  it('S4 status callbacks are signed as Twilio signs them and pass twilio.webhook()', async () => {
    await client.messages.create({
      to: CUSTOMER,
      from: OUR_NUMBER,
      body: 'signed',
      statusCallback: receiver.url('/sms-status?complaint=C-1&x=a%20b'),
    });
    const callbacks = await waitFor(() => {
      const got = receiver.at('/sms-status');
      return got.length >= 2 && got;
    }, 'status callbacks');
    for (const cb of callbacks) {
      expect(cb.signatureValid).toBe(true);
      expect(cb.headers['x-twilio-signature']).toBe(
        twilio.getExpectedTwilioSignature(AUTH_TOKEN, cb.url, cb.params),
      );
      expect(cb.headers['user-agent']).toBe('TwilioProxy/1.1');
      expect(cb.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
      expect(cb.headers['i-twilio-idempotency-token']).toEqual(expect.any(String));
    }
    const tokens = new Set(callbacks.map((c) => c.headers['i-twilio-idempotency-token']));
    expect(tokens.size).toBe(callbacks.length);
    // A tampered signature does not validate.
    const first = callbacks[0] as Received;
    expect(
      twilio.validateRequest(
        AUTH_TOKEN,
        'AAAA' + String(first.headers['x-twilio-signature']),
        first.url,
        first.params,
      ),
    ).toBe(false);

    // The unchanged express middleware accepts the simulator's webhooks and refuses a forged one.
    await client.messages.create({
      to: CUSTOMER,
      from: OUR_NUMBER,
      body: 'x',
      statusCallback: receiver.url('/validated'),
    });
    await sim.idle();
    const log = sim.state.webhooks.filter((w) => w.url === receiver.url('/validated'));
    expect(log.map((w) => w.status)).toEqual([200, 200]);
    const forged = await fetch(receiver.url('/validated'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': 'forged' },
      body: new URLSearchParams({ MessageSid: 'SMx', MessageStatus: 'delivered' }).toString(),
    });
    expect(forged.status).toBe(403);
  });

  it('ends an SMS to an invalid customer undelivered with ErrorCode 30005', async () => {
    await setCustomer(CUSTOMER, { invalid: true });
    const msg = await client.messages.create({
      to: CUSTOMER,
      from: OUR_NUMBER,
      body: 'x',
      statusCallback: receiver.url('/sms-status'),
    });
    const callbacks = await waitFor(() => {
      const got = receiver.at('/sms-status');
      return got.length >= 2 && got;
    }, 'status callbacks');
    expect(callbacks.map((c) => c.params.MessageStatus)).toEqual(['sent', 'undelivered']);
    expect(callbacks[1]?.params.ErrorCode).toBe('30005');
    const fetched = await client.messages(msg.sid).fetch();
    expect(fetched.status).toBe('undelivered');
    expect(fetched.errorCode).toBe(30005);
  });

  it('fails an SMS without a sent step when the script says failed', async () => {
    await setCustomer(CUSTOMER, { smsDelivery: 'failed' });
    await client.messages.create({
      to: CUSTOMER,
      from: OUR_NUMBER,
      body: 'x',
      statusCallback: receiver.url('/s'),
    });
    const callbacks = await waitFor(
      () => receiver.at('/s').length >= 1 && receiver.at('/s'),
      'failed callback',
    );
    await sim.idle();
    expect(receiver.at('/s').map((c) => c.params.MessageStatus)).toEqual(['failed']);
    expect(callbacks[0]?.params.ErrorCode).toBe('30008');
  });

  it("R4.3 a scripted customer's SMS reply is posted to our number's SmsUrl and its TwiML reply is sent", async () => {
    await setCustomer(CUSTOMER, { smsReply: { body: '1', afterMs: 30 } });
    const numberRes = await control('PUT', `/numbers/${encodeURIComponent(OUR_NUMBER)}`, {
      smsUrl: receiver.url('/sms-inbound'),
    });
    expect(numberRes.status).toBe(200);
    receiver.twiml('/sms-inbound', '<Response><Message>谢谢您的确认</Message></Response>');

    await client.messages.create({ to: CUSTOMER, from: OUR_NUMBER, body: '问题已解决请回复1确认' });
    const [inbound] = await waitFor(
      () => receiver.at('/sms-inbound').length > 0 && receiver.at('/sms-inbound'),
      'inbound SMS',
    );
    expect(inbound?.signatureValid).toBe(true);
    expect(inbound?.params).toMatchObject({
      From: CUSTOMER,
      To: OUR_NUMBER,
      Body: '1',
      NumMedia: '0',
      AccountSid: ACCOUNT_SID,
      FromCountry: 'CN',
      SmsStatus: 'received',
      ApiVersion: '2010-04-01',
    });
    expect(inbound?.params.MessageSid).toMatch(/^SM[0-9a-f]{32}$/);

    await sim.idle();
    const toUs = await client.messages.list({ to: OUR_NUMBER });
    expect(toUs.map((m) => [m.direction, m.body, m.status])).toEqual([['inbound', '1', 'received']]);
    const toCustomer = await client.messages.list({ to: CUSTOMER });
    expect(toCustomer.map((m) => m.direction).sort()).toEqual(['outbound-api', 'outbound-reply']);
    expect(toCustomer.find((m) => m.direction === 'outbound-reply')?.body).toBe('谢谢您的确认');
    // The reply to our auto-reply is not answered again (maxReplies defaults to 1).
    expect(receiver.at('/sms-inbound')).toHaveLength(1);
  });

  it('lists messages with To and DateSent filters and follows Twilio paging', async () => {
    const other = '+8613900139000';
    for (const body of ['a', 'b', 'c'])
      await client.messages.create({ to: CUSTOMER, from: OUR_NUMBER, body });
    await client.messages.create({ to: other, from: OUR_NUMBER, body: 'd' });
    await sim.idle();

    const mine = await client.messages.list({ to: CUSTOMER });
    expect(mine.map((m) => m.body).sort()).toEqual(['a', 'b', 'c']);
    const paged = await client.messages.list({ to: CUSTOMER, pageSize: 2 });
    expect(paged).toHaveLength(3);
    const firstPage = await client.messages.page({ to: CUSTOMER, pageSize: 2 });
    expect(firstPage.instances).toHaveLength(2);
    expect(firstPage.nextPageUrl).toContain('Page=1');

    const hourAgo = new Date(Date.now() - 3_600_000);
    const inAnHour = new Date(Date.now() + 3_600_000);
    expect(await client.messages.list({ to: CUSTOMER, dateSentAfter: hourAgo })).toHaveLength(3);
    expect(await client.messages.list({ to: CUSTOMER, dateSentAfter: inAnHour })).toHaveLength(0);
    expect(await client.messages.list({ dateSentBefore: hourAgo })).toHaveLength(0);
    expect(await client.messages.list({ dateSentBefore: inAnHour })).toHaveLength(4);
    expect(await client.messages.list({ from: OUR_NUMBER, limit: 1 })).toHaveLength(1);
  });
});

describe('voice', () => {
  it('R4.3 runs a call from its Url: status callbacks, signed TwiML fetch, Gather DTMF and the action TwiML', async () => {
    await setCustomer(CUSTOMER, { digits: '1' });
    receiver.twiml(
      '/voice',
      '<?xml version="1.0" encoding="UTF-8"?><Response>' +
        '<Gather input="dtmf" numDigits="1" action="/gather" timeout="5">' +
        '<Say language="zh-CN">您好，问题解决了请按1</Say></Gather>' +
        '<Say>not reached</Say></Response>',
    );
    receiver.twiml('/gather', '<Response><Say language="zh-CN">谢谢</Say><Hangup/></Response>');

    const call = await client.calls.create({
      to: CUSTOMER,
      from: OUR_NUMBER,
      url: receiver.url('/voice'),
      statusCallback: receiver.url('/call-status'),
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
    });
    expect(call.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(call.status).toBe('queued');
    expect(call.direction).toBe('outbound-api');

    const view = await waitForCallEnd(call.sid);
    const [voiceReq] = receiver.at('/voice');
    expect(voiceReq?.signatureValid).toBe(true);
    expect(voiceReq?.params).toMatchObject({
      CallSid: call.sid,
      AccountSid: ACCOUNT_SID,
      From: OUR_NUMBER,
      To: CUSTOMER,
      CallStatus: 'in-progress',
      Direction: 'outbound-api',
    });
    const [gatherReq] = receiver.at('/gather');
    expect(gatherReq?.signatureValid).toBe(true);
    expect(gatherReq?.params.Digits).toBe('1');

    const statuses = receiver.at('/call-status');
    expect(statuses.every((s) => s.signatureValid)).toBe(true);
    expect(statuses.map((s) => s.params.CallStatus)).toEqual([
      'initiated',
      'ringing',
      'in-progress',
      'completed',
    ]);
    expect(statuses.map((s) => s.params.SequenceNumber)).toEqual(['0', '1', '2', '3']);
    expect(Number(statuses[3]?.params.CallDuration)).toBeGreaterThan(0);

    expect(view.status).toBe('completed');
    expect(view.said).toEqual([
      { text: '您好，问题解决了请按1', language: 'zh-CN', voice: null },
      { text: '谢谢', language: 'zh-CN', voice: null },
    ]);
    expect(view.gathered).toEqual([{ digits: '1', speech: null, confidence: null }]);
    const fetched = await client.calls(call.sid).fetch();
    expect(fetched.status).toBe('completed');
    expect(Number(fetched.duration)).toBeGreaterThan(0);
    expect(fetched.endTime).toBeInstanceOf(Date);
  });

  it('runs inline Twiml and posts SpeechResult and Confidence for a spoken answer', async () => {
    await setCustomer(CUSTOMER, { speech: '已经解决了', speechConfidence: 0.87 });
    const response = new twilio.twiml.VoiceResponse();
    response
      .gather({ input: ['speech'], action: receiver.url('/speech'), language: 'cmn-Hans-CN' })
      .say({ language: 'zh-CN' }, '请说出您的问题是否已解决');
    receiver.twiml('/speech', '<Response><Hangup/></Response>');

    const call = await client.calls.create({ to: CUSTOMER, from: OUR_NUMBER, twiml: response });
    const view = await waitForCallEnd(call.sid);
    const [req] = receiver.at('/speech');
    expect(req?.signatureValid).toBe(true);
    expect(req?.params).toMatchObject({ SpeechResult: '已经解决了', Confidence: '0.87', CallSid: call.sid });
    expect(req?.params.Digits).toBeUndefined();
    expect(view.gathered).toEqual([{ digits: null, speech: '已经解决了', confidence: 0.87 }]);
  });

  it('continues with the next verb when the customer gives no input to a Gather', async () => {
    const call = await client.calls.create({
      to: CUSTOMER,
      from: OUR_NUMBER,
      twiml: `<Response><Gather action="${receiver.url('/never')}"><Say>press 1</Say></Gather><Say>goodbye</Say></Response>`,
    });
    const view = await waitForCallEnd(call.sid);
    expect(receiver.at('/never')).toHaveLength(0);
    expect(view.said.map((s) => s.text)).toEqual(['press 1', 'goodbye']);
    expect(view.gathered).toEqual([{ digits: null, speech: null, confidence: null }]);
    expect(view.status).toBe('completed');
  });

  it('follows Redirect and resolves relative action URLs against the document URL', async () => {
    await setCustomer(CUSTOMER, { digits: ['2', '9#'] });
    receiver.twiml('/ivr/start', '<Response><Redirect method="POST">menu</Redirect></Response>');
    receiver.twiml(
      '/ivr/menu',
      '<Response><Gather action="choice?step=1"><Say>menu</Say></Gather></Response>',
    );
    receiver.twiml('/ivr/choice', '<Response><Gather action="/ivr/done"/></Response>');
    const call = await client.calls.create({
      to: CUSTOMER,
      from: OUR_NUMBER,
      url: receiver.url('/ivr/start'),
    });
    await waitForCallEnd(call.sid);
    expect(receiver.requests.map((r) => r.path)).toEqual([
      '/ivr/start',
      '/ivr/menu',
      '/ivr/choice',
      '/ivr/done',
    ]);
    expect(receiver.requests.every((r) => r.signatureValid)).toBe(true);
    expect(receiver.at('/ivr/choice')[0]?.url).toBe(receiver.url('/ivr/choice?step=1'));
    expect(receiver.at('/ivr/choice')[0]?.params.Digits).toBe('2');
    expect(receiver.at('/ivr/done')[0]?.params).toMatchObject({ Digits: '9', FinishedOnKey: '#' });
  });

  it('R5.5 record=true records the whole call: recording status callback, Recording resource and WAV media', async () => {
    const call = await client.calls.create({
      to: CUSTOMER,
      from: OUR_NUMBER,
      twiml: '<Response><Say>本次通话将被录音</Say><Pause length="2"/></Response>',
      record: true,
      statusCallback: receiver.url('/call-status'),
      recordingStatusCallback: receiver.url('/recording-status'),
      recordingStatusCallbackEvent: ['completed'],
    });
    await waitForCallEnd(call.sid);
    const [recCb] = receiver.at('/recording-status');
    const [completed] = receiver.at('/call-status');
    expect(recCb?.signatureValid).toBe(true);
    expect(recCb?.params).toMatchObject({
      CallSid: call.sid,
      AccountSid: ACCOUNT_SID,
      RecordingStatus: 'completed',
      RecordingSource: 'OutboundAPI',
      RecordingDuration: completed?.params.CallDuration,
    });
    const recordingSid = recCb?.params.RecordingSid ?? '';
    expect(recordingSid).toMatch(/^RE[0-9a-f]{32}$/);
    expect(completed?.params.RecordingSid).toBe(recordingSid);

    const rec = await client.recordings(recordingSid).fetch();
    expect(rec.callSid).toBe(call.sid);
    expect(rec.status).toBe('completed');
    expect(rec.duration).toBe(completed?.params.CallDuration);
    const byCall = await client.calls(call.sid).recordings.list();
    expect(byCall.map((r) => r.sid)).toEqual([recordingSid]);

    const media = await fetch(recCb?.params.RecordingUrl ?? '');
    expect(media.status).toBe(200);
    expect(media.headers.get('content-type')).toBe('audio/wav');
    const bytes = Buffer.from(await media.arrayBuffer());
    expect(bytes.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(bytes.subarray(8, 12).toString('ascii')).toBe('WAVE');
    expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
    const mp3 = await fetch(`${recCb?.params.RecordingUrl}.mp3`);
    expect(mp3.headers.get('content-type')).toBe('audio/mpeg');
  });

  it('R5.5 <Record> posts RecordingUrl, RecordingSid, RecordingDuration and Digits to its action', async () => {
    await setCustomer(CUSTOMER, { recordSeconds: 5 });
    receiver.twiml(
      '/voice',
      '<Response><Say language="zh-CN">请在提示音后留言</Say>' +
        '<Record action="/recorded" maxLength="30" recordingStatusCallback="/rec-status"/></Response>',
    );
    receiver.twiml('/recorded', '<Response><Say>bye</Say><Hangup/></Response>');
    const call = await client.calls.create({ to: CUSTOMER, from: OUR_NUMBER, url: receiver.url('/voice') });
    const view = await waitForCallEnd(call.sid);

    const [action] = receiver.at('/recorded');
    expect(action?.signatureValid).toBe(true);
    expect(action?.params).toMatchObject({ RecordingDuration: '5', Digits: '#', CallSid: call.sid });
    expect(action?.params.RecordingSid).toMatch(/^RE[0-9a-f]{32}$/);
    expect(action?.params.RecordingUrl).toBe(
      `${sim.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${action?.params.RecordingSid}`,
    );
    const [status] = receiver.at('/rec-status');
    expect(status?.params).toMatchObject({
      RecordingSid: action?.params.RecordingSid,
      RecordingStatus: 'completed',
      RecordingSource: 'RecordVerb',
    });
    expect(view.recordings).toEqual([action?.params.RecordingSid]);
    expect(view.said.map((s) => s.text)).toEqual(['请在提示音后留言', 'bye']);
    const media = await fetch(action?.params.RecordingUrl ?? '');
    expect(media.status).toBe(200);
  });

  it('skips <Record> without posting its action when the customer stays silent', async () => {
    receiver.twiml('/voice', '<Response><Record action="/recorded"/><Say>after</Say></Response>');
    const call = await client.calls.create({ to: CUSTOMER, from: OUR_NUMBER, url: receiver.url('/voice') });
    const view = await waitForCallEnd(call.sid);
    expect(receiver.at('/recorded')).toHaveLength(0);
    expect(view.recordings).toEqual([]);
    expect(view.said.map((s) => s.text)).toEqual(['after']);
  });

  it.each([
    ['busy', { call: 'busy' }, ['initiated', 'busy']],
    ['no-answer', { call: 'no-answer' }, ['initiated', 'ringing', 'no-answer']],
    ['failed', { invalid: true }, ['initiated', 'failed']],
  ])(
    'ends the call %s as the scripted customer does, without fetching TwiML',
    async (status, script, expected) => {
      await setCustomer(CUSTOMER, script);
      const call = await client.calls.create({
        to: CUSTOMER,
        from: OUR_NUMBER,
        url: receiver.url('/voice'),
        statusCallback: receiver.url('/call-status'),
        statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      });
      const view = await waitForCallEnd(call.sid);
      expect(view.status).toBe(status);
      expect(receiver.at('/voice')).toHaveLength(0);
      const callbacks = receiver.at('/call-status');
      expect(callbacks.map((c) => c.params.CallStatus)).toEqual(expected);
      expect(callbacks.at(-1)?.params.CallDuration).toBe('0');
      const listed = await client.calls.list({ to: CUSTOMER });
      expect(listed.map((c) => [c.sid, c.status])).toEqual([[call.sid, status]]);
    },
  );

  it('sends only the completed status callback when no StatusCallbackEvent is given, and honours GET', async () => {
    const call = await client.calls.create({
      to: CUSTOMER,
      from: OUR_NUMBER,
      twiml: '<Response><Say>x</Say></Response>',
      statusCallback: receiver.url('/status-get?c=1'),
      statusCallbackMethod: 'GET',
    });
    await waitForCallEnd(call.sid);
    const callbacks = receiver.at('/status-get');
    expect(callbacks).toHaveLength(1);
    expect(callbacks[0]?.method).toBe('GET');
    expect(callbacks[0]?.params).toMatchObject({ CallStatus: 'completed', CallSid: call.sid, c: '1' });
    expect(callbacks[0]?.signatureValid).toBe(true);
  });

  it('ends the call with error 12100 when the TwiML is malformed, and 11200 when the URL fails', async () => {
    receiver.twiml('/bad', '<Response><Say>oops</Response>');
    receiver.on('/broken', () => ({ status: 500, body: 'boom' }));
    const bad = await client.calls.create({ to: CUSTOMER, from: OUR_NUMBER, url: receiver.url('/bad') });
    const broken = await client.calls.create({
      to: CUSTOMER,
      from: OUR_NUMBER,
      url: receiver.url('/broken'),
    });
    const badView = await waitForCallEnd(bad.sid);
    const brokenView = await waitForCallEnd(broken.sid);
    expect(badView.status).toBe('completed');
    expect(badView.errors.map((e) => e.code)).toEqual([12100]);
    expect(brokenView.errors.map((e) => e.code)).toEqual([11200]);
    expect(receiver.at('/broken')).toHaveLength(3); // first attempt + 2 retries
  });

  it('posts an inbound call to the voiceUrl of our number with Direction inbound', async () => {
    await setCustomer(CUSTOMER, { digits: '3' });
    await control('PUT', `/numbers/${encodeURIComponent(OUR_NUMBER)}`, {
      voiceUrl: receiver.url('/incoming'),
    });
    receiver.on('/incoming', (r, n) =>
      n === 1
        ? { body: '<Response><Gather numDigits="1"><Say>menu</Say></Gather></Response>' }
        : { body: `<Response><Say>you pressed ${r.params.Digits}</Say></Response>` },
    );
    const res = await control('POST', '/inbound/calls', { from: CUSTOMER, to: OUR_NUMBER });
    expect(res.status).toBe(201);
    const { sid } = (await res.json()) as { sid: string };
    const view = await waitForCallEnd(sid);
    const reqs = receiver.at('/incoming');
    expect(reqs.map((r) => [r.params.Direction, r.params.CallStatus, r.params.Digits])).toEqual([
      ['inbound', 'ringing', undefined],
      ['inbound', 'in-progress', '3'],
    ]);
    expect(view.said.map((s) => s.text)).toEqual(['menu', 'you pressed 3']);
  });
});

describe('webhook delivery', () => {
  it('retries a failing webhook with the same idempotency token and logs every attempt', async () => {
    receiver.on('/flaky', (_r, n) => ({ status: n < 3 ? 503 : 200 }));
    const msg = await client.messages.create({
      to: CUSTOMER,
      from: OUR_NUMBER,
      body: 'x',
      statusCallback: receiver.url('/flaky'),
    });
    await sim.idle();
    const attempts = receiver.at('/flaky');
    // sent: 503, 503, 200; delivered: 200
    expect(attempts.map((a) => a.params.MessageStatus)).toEqual(['sent', 'sent', 'sent', 'delivered']);
    const sentTokens = new Set(attempts.slice(0, 3).map((a) => a.headers['i-twilio-idempotency-token']));
    expect(sentTokens.size).toBe(1);
    expect(attempts[3]?.headers['i-twilio-idempotency-token']).not.toBe(
      attempts[0]?.headers['i-twilio-idempotency-token'],
    );

    const res = await control('GET', `/webhooks?resourceSid=${msg.sid}`);
    const log = (await res.json()) as { kind: string; status: number; ok: boolean; attempts: unknown[] }[];
    expect(log.map((w) => [w.kind, w.status, w.ok, w.attempts.length])).toEqual([
      ['message-status', 200, true, 3],
      ['message-status', 200, true, 1],
    ]);
  });

  it('gives up after the retries when the receiver is unreachable and logs it', async () => {
    await client.messages.create({
      to: CUSTOMER,
      from: OUR_NUMBER,
      body: 'x',
      statusCallback: 'http://127.0.0.1:9/unreachable',
    });
    await sim.idle();
    const entries = sim.state.webhooks.filter((w) => w.url.endsWith('/unreachable'));
    expect(entries).toHaveLength(2);
    expect(entries.every((w) => !w.ok && w.status === null && w.attempts.length === 3)).toBe(true);
    expect(simLog.some((l) => l.includes('/unreachable gave up after 3 attempts'))).toBe(true);
    expect((await client.messages.list({ to: CUSTOMER }))[0]?.status).toBe('delivered');
  });
});

describe('control API', () => {
  it('validates customer scripts, naming the field', async () => {
    const res = await control('PUT', `/customers/${encodeURIComponent(CUSTOMER)}`, { call: 'maybe' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^call:/);
    const badNumber = await control('PUT', '/customers/12345', {});
    expect(badNumber.status).toBe(400);
    const unknownField = await control('PUT', `/customers/${encodeURIComponent(CUSTOMER)}`, { dgits: '1' });
    expect(unknownField.status).toBe(400);
    const malformed = await fetch(`${sim.url}/_sim/customers/${encodeURIComponent(CUSTOMER)}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: '{not json',
    });
    expect(malformed.status).toBe(400);
  });

  it('lists state as JSON and HTML and clears it on DELETE /_sim/state', async () => {
    await setCustomer(CUSTOMER, { digits: '1' });
    const msg = await client.messages.create({ to: CUSTOMER, from: OUR_NUMBER, body: '<b>hi</b>' });
    const call = await client.calls.create({
      to: CUSTOMER,
      from: OUR_NUMBER,
      twiml: '<Response><Say>hi</Say></Response>',
    });
    await sim.idle();

    const messages = (await (await control('GET', '/messages')).json()) as { sid: string; status: string }[];
    expect(messages).toEqual([expect.objectContaining({ sid: msg.sid, status: 'delivered' })]);
    const calls = (await (await control('GET', '/calls')).json()) as { sid: string }[];
    expect(calls.map((c) => c.sid)).toEqual([call.sid]);
    const customers = (await (await control('GET', '/customers')).json()) as {
      number: string;
      digits: string;
    }[];
    expect(customers).toEqual([expect.objectContaining({ number: CUSTOMER, digits: '1' })]);

    const page = await control('GET', '');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain(msg.sid);
    expect(html).toContain(call.sid);
    expect(html).toContain('&#60;b&#62;hi&#60;/b&#62;');
    expect(html).not.toContain('<b>hi</b>');

    expect((await control('DELETE', '/state')).status).toBe(204);
    expect(await (await control('GET', '/messages')).json()).toEqual([]);
    expect(await (await control('GET', '/customers')).json()).toEqual([]);
    expect(await client.calls.list()).toHaveLength(0);
  });
});

describe('TwiML XML parser', () => {
  it('parses nested Gather>Say with entities, CDATA, comments and the XML declaration', () => {
    const root = parseXml(
      '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<!-- top --><Response>' +
        '<Gather input="dtmf speech" action="/a?x=1&amp;y=2"><Say language=\'zh-CN\'>A &lt;B&gt; &#x4F60;&#22909;<![CDATA[ & <raw>]]></Say>' +
        '<!-- inner --></Gather><Hangup/></Response>',
    );
    expect(root.name).toBe('Response');
    const gather = root.children[0] as XmlElement;
    expect(gather.attrs).toEqual({ input: 'dtmf speech', action: '/a?x=1&y=2' });
    const say = gather.children[0] as XmlElement;
    expect(say).toEqual({ name: 'Say', attrs: { language: 'zh-CN' }, children: ['A <B> 你好 & <raw>'] });
    expect((root.children[1] as XmlElement).name).toBe('Hangup');
  });

  it.each([
    ['<Response><Say>a & b</Say></Response>', /Unescaped '&'/],
    ['<Response><Say>x</Response>', /Mismatched closing tag/],
    ['<Response><Say a=1/></Response>', /must be quoted/],
    ['<Response/><Response/>', /Only one root/],
    ['<Response><Say>&nbsp;</Say></Response>', /Unknown entity/],
    ['', /No root element/],
  ])('rejects malformed XML %j', (xml, message) => {
    expect(() => parseXml(xml)).toThrow(XmlParseError);
    expect(() => parseXml(xml)).toThrow(message);
  });
});

describe('standalone entry (main.ts)', () => {
  const root = path.resolve(__dirname, '../..');
  const tsx = path.join(root, 'node_modules/.bin/tsx');

  function run(env: Record<string, string>) {
    const child = spawn(tsx, ['infra/twilio-sim/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, exited, out: () => stdout, err: () => stderr };
  }

  it('prints exactly one ready line, serves, and stops on SIGTERM', async () => {
    const p = run({ TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_SIM_PORT: '0' });
    const line = await waitFor(() => /\n/.test(p.out()) && p.out(), 'ready line', 15_000);
    const m = /^twilio-sim ready on (http:\/\/127\.0\.0\.1:\d+)\n$/.exec(line);
    expect(m).not.toBeNull();
    const health = await fetch(`${m?.[1]}/healthz`);
    expect(await health.json()).toEqual({ ok: true });
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.out()).toBe(line);
  });

  it('fails with a message naming TWILIO_AUTH_TOKEN when it is missing', async () => {
    const p = run({ TWILIO_ACCOUNT_SID: ACCOUNT_SID });
    expect(await p.exited).toBe(1);
    expect(p.err()).toContain('TWILIO_AUTH_TOKEN');
    expect(p.out()).toBe('');
  });
});
