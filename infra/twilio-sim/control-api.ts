// The simulator's own control API under /_sim (not Twilio). JSON in and out; 400 names the field.
//
//   GET    /_sim                          HTML overview (customers, numbers, messages, calls, recordings, webhooks)
//   GET    /_sim/customers                scripted customers
//   PUT    /_sim/customers/{e164}         set a script, e.g. { "call": "answer", "digits": "1",
//                                        "speech": "已经解决了", "recordSeconds": 5,
//                                        "smsReply": { "body": "1", "afterMs": 200 }, "invalid": false }
//                                        (fields and defaults: CustomerScriptSchema in customers.ts)
//   DELETE /_sim/customers/{e164}         back to the default customer (answers, gives no input)
//   GET    /_sim/numbers                  our numbers' inbound configuration
//   PUT    /_sim/numbers/{e164}           { "smsUrl", "smsMethod", "voiceUrl", "voiceMethod", "statusCallback" }
//   DELETE /_sim/numbers/{e164}
//   GET    /_sim/messages[?to=&from=]     messages, oldest first;  GET /_sim/messages/{sid}
//   GET    /_sim/calls[?to=&from=]        calls with TwiML events, said texts, gathered input, recordings;
//                                        GET /_sim/calls/{sid}
//   GET    /_sim/recordings[?callSid=]
//   GET    /_sim/webhooks[?kind=&resourceSid=]   every webhook sent: url, params, signature, attempts, status
//   POST   /_sim/inbound/sms              { "from", "to", "body" }: a customer texts our number
//   POST   /_sim/inbound/calls            { "from", "to" }: a customer calls our number (needs its voiceUrl)
//   DELETE /_sim/state[?keep=config]      cancel running flows and clear everything (keep customers/numbers)
//   PUT|GET|DELETE /_sim/faults           the REST API answers 5xx or slowly for a while (faults.ts)
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { SimContext } from './context';
import { CustomerScriptSchema } from './customers';
import type { Messaging } from './messaging';
import { TwilioApiError } from './resources';
import type { NumberConfig } from './types';
import { isHttpUrl, isPhoneNumber } from './util';
import {
  callView,
  customerView,
  messageView,
  numberView,
  recordingView,
  renderOverview,
  webhookView,
} from './views';
import type { Voice } from './voice';

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const httpUrl = z.string().refine(isHttpUrl, 'must be an http(s) URL');
const method = z.enum(['GET', 'POST']).default('POST');
const phone = z.string().refine(isPhoneNumber, 'must be an E.164 phone number');

const NumberConfigSchema = z
  .object({
    smsUrl: httpUrl.nullable().default(null),
    smsMethod: method,
    voiceUrl: httpUrl.nullable().default(null),
    voiceMethod: method,
    statusCallback: httpUrl.nullable().default(null),
  })
  .strict();

const InboundSmsSchema = z.object({ from: phone, to: phone, body: z.string().min(1).max(1600) }).strict();
const InboundCallSchema = z.object({ from: phone, to: phone }).strict();

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new ControlError(400, detail);
  }
  return result.data;
}

function phoneParam(req: Request): string {
  const number = String(req.params.number ?? '');
  if (!isPhoneNumber(number))
    throw new ControlError(400, `number: must be an E.164 phone number, got '${number}'`);
  return number;
}

function query(req: Request, name: string): string | null {
  const v = req.query[name];
  return typeof v === 'string' && v !== '' ? v : null;
}

function apiBaseUrl(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

export interface ControlHooks {
  /** Cancels running flows and clears state; `keepConfig` keeps customers and numbers. */
  reset(keepConfig: boolean): void;
}

export function createControlRouter(
  ctx: SimContext,
  messaging: Messaging,
  voice: Voice,
  hooks: ControlHooks,
): express.Router {
  const { state } = ctx;
  const router = express.Router();
  router.use(express.json({ limit: '256kb' }));

  router.get('/', (_req, res) => {
    res.type('html').send(renderOverview(state));
  });

  router.get('/customers', (_req, res) => {
    res.json([...state.customers].map(([n, c]) => customerView(n, c)));
  });
  router.put('/customers/:number', (req, res) => {
    const number = phoneParam(req);
    const script = parse(CustomerScriptSchema, req.body);
    state.customers.set(number, script);
    state.customerReplies.delete(number);
    res.json(customerView(number, script));
  });
  router.delete('/customers/:number', (req, res) => {
    const number = phoneParam(req);
    state.customers.delete(number);
    state.customerReplies.delete(number);
    res.status(204).end();
  });

  router.get('/numbers', (_req, res) => {
    res.json([...state.numbers.values()].map(numberView));
  });
  router.put('/numbers/:number', (req, res) => {
    const number = phoneParam(req);
    const config: NumberConfig = { number, ...parse(NumberConfigSchema, req.body) };
    state.numbers.set(number, config);
    res.json(numberView(config));
  });
  router.delete('/numbers/:number', (req, res) => {
    state.numbers.delete(phoneParam(req));
    res.status(204).end();
  });

  router.get('/messages', (req, res) => {
    const to = query(req, 'to');
    const from = query(req, 'from');
    const list = [...state.messages.values()].filter(
      (m) => (!to || m.to === to) && (!from || m.from === from),
    );
    res.json(list.map(messageView));
  });
  router.get('/messages/:sid', (req, res) => {
    const msg = state.messages.get(String(req.params.sid));
    if (!msg) throw new ControlError(404, `message ${String(req.params.sid)} not found`);
    res.json(messageView(msg));
  });

  router.get('/calls', (req, res) => {
    const to = query(req, 'to');
    const from = query(req, 'from');
    const list = [...state.calls.values()].filter((c) => (!to || c.to === to) && (!from || c.from === from));
    res.json(list.map((c) => callView(c, state)));
  });
  router.get('/calls/:sid', (req, res) => {
    const call = state.calls.get(String(req.params.sid));
    if (!call) throw new ControlError(404, `call ${String(req.params.sid)} not found`);
    res.json(callView(call, state));
  });

  router.get('/recordings', (req, res) => {
    const callSid = query(req, 'callSid');
    const list = [...state.recordings.values()].filter((r) => !callSid || r.callSid === callSid);
    res.json(list.map(recordingView));
  });

  router.get('/webhooks', (req, res) => {
    const kind = query(req, 'kind');
    const resourceSid = query(req, 'resourceSid');
    const list = state.webhooks.filter(
      (w) => (!kind || w.kind === kind) && (!resourceSid || w.resourceSid === resourceSid),
    );
    res.json(list.map(webhookView));
  });

  router.post('/inbound/sms', (req, res) => {
    const input = parse(InboundSmsSchema, req.body);
    res.status(201).json(messageView(messaging.receive({ ...input, apiBaseUrl: apiBaseUrl(req) })));
  });
  router.post('/inbound/calls', (req, res) => {
    const input = parse(InboundCallSchema, req.body);
    res.status(201).json(callView(voice.receive({ ...input, apiBaseUrl: apiBaseUrl(req) }), state));
  });

  router.delete('/state', (req, res) => {
    hooks.reset(query(req, 'keep') === 'config');
    res.status(204).end();
  });

  router.use((req: Request) => {
    throw new ControlError(404, `no such control endpoint: ${req.method} ${req.originalUrl}`);
  });
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err instanceof ControlError) return void res.status(err.status).json({ error: err.message });
    if (err instanceof TwilioApiError)
      return void res.status(err.status).json({ error: err.message, code: err.code });
    const status = typeof err === 'object' && err !== null && 'status' in err ? Number(err.status) : 500;
    if (status >= 400 && status < 500)
      return void res.status(status).json({ error: 'malformed request body' });
    ctx.log(`control API failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    res.status(500).json({ error: 'internal error' });
  });
  return router;
}
