// The subset of Twilio's REST API 2010-04-01 the product uses: Messages, Calls, Recordings (and their deletion).
// Requests are form-encoded as the twilio SDK sends them; errors use Twilio's JSON error shape.
import { timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { SimContext } from './context';
import type { Messaging } from './messaging';
import { badRequest, callJson, messageJson, notFound, recordingJson, TwilioApiError } from './resources';
import type { CallStatusEvent, HttpMethod, RecordingStatusEvent } from './types';
import { isHttpUrl, isPhoneNumber, isSender } from './util';
import type { Voice } from './voice';
import { makeWav } from './wav';

/** Form or query parameters; repeated names keep every value (e.g. StatusCallbackEvent). */
class Params {
  constructor(private readonly search: URLSearchParams) {}

  static fromBody(req: Request): Params {
    return new Params(new URLSearchParams(typeof req.body === 'string' ? req.body : ''));
  }

  static fromQuery(req: Request): Params {
    const q = req.originalUrl.indexOf('?');
    return new Params(new URLSearchParams(q >= 0 ? req.originalUrl.slice(q + 1) : ''));
  }

  get(name: string): string | null {
    const v = this.search.get(name);
    return v === null || v === '' ? null : v;
  }

  getAll(name: string): string[] {
    return this.search
      .getAll(name)
      .flatMap((v) => v.split(/[\s,]+/))
      .filter(Boolean);
  }

  entries(): [string, string][] {
    return [...this.search.entries()];
  }
}

const CALL_EVENTS: readonly CallStatusEvent[] = ['initiated', 'ringing', 'answered', 'completed'];
const RECORDING_EVENTS: readonly RecordingStatusEvent[] = ['in-progress', 'completed', 'absent'];

export function createRestRouter(ctx: SimContext, messaging: Messaging, voice: Voice): express.Router {
  const router = express.Router({ mergeParams: true });
  router.use(express.text({ type: 'application/x-www-form-urlencoded', limit: '1mb' }));

  // Recording media is public by default on Twilio (no HTTP auth needed), so it comes before auth.
  router.get('/Recordings/:file', (req, res, next) => {
    const m = /^(RE[0-9a-f]{32})(\.wav|\.mp3)?$/.exec(String(req.params.file));
    if (!m) return next();
    const rec = ctx.state.recordings.get(m[1] ?? '');
    if (!rec || accountOf(req) !== ctx.accountSid) throw notFound(req.originalUrl.split('?')[0] ?? '');
    res
      .status(200)
      .type(m[2] === '.mp3' ? 'audio/mpeg' : 'audio/wav')
      .send(makeWav(rec.durationSeconds));
  });

  router.use((req: Request, _res: Response, next: NextFunction) => {
    authenticate(req, ctx);
    next();
  });

  router.post('/Messages.json', (req, res) => {
    const p = Params.fromBody(req);
    const to = p.get('To');
    const from = p.get('From');
    const body = p.get('Body');
    const messagingServiceSid = p.get('MessagingServiceSid');
    const statusCallback = p.get('StatusCallback');
    if (!to) throw badRequest(21604, "A 'To' phone number is required.");
    if (!isPhoneNumber(to)) throw badRequest(21211, `Invalid 'To' Phone Number: ${to}`);
    if (!from && !messagingServiceSid) throw badRequest(21603, "A 'From' phone number is required.");
    if (from && !isSender(from)) throw badRequest(21212, `Invalid 'From' Phone Number: ${from}`);
    if (!body && p.getAll('MediaUrl').length === 0) throw badRequest(21602, 'Message body is required.');
    if (body && body.length > 1600) {
      throw badRequest(21617, 'The concatenated message body exceeds the 1600 character limit.');
    }
    if (statusCallback && !isHttpUrl(statusCallback)) {
      throw badRequest(21609, `Invalid StatusCallback: ${statusCallback}`);
    }
    const msg = messaging.send({
      from: from ?? messagingServiceSid ?? '',
      to,
      body: body ?? '',
      statusCallback,
      messagingServiceSid,
      direction: 'outbound-api',
      apiBaseUrl: apiBaseUrl(req),
    });
    res.status(201).json(messageJson(msg));
  });

  router.get('/Messages.json', (req, res) => {
    const q = Params.fromQuery(req);
    const to = q.get('To');
    const from = q.get('From');
    const on = dateFilter(q, 'DateSent');
    const after = dateFilter(q, 'DateSent>');
    const before = dateFilter(q, 'DateSent<');
    const items = [...ctx.state.messages.values()]
      .filter((m) => (!to || m.to === to) && (!from || m.from === from))
      .filter((m) => {
        const t = (m.dateSent ?? m.dateCreated).getTime();
        return (
          (!on || (t >= on[0] && t <= on[1])) && (!after || t >= after[0]) && (!before || t <= before[1])
        );
      })
      .reverse()
      .sort((a, b) => (b.dateSent ?? b.dateCreated).getTime() - (a.dateSent ?? a.dateCreated).getTime());
    res.json(page(req, q, 'messages', items.map(messageJson)));
  });

  router.get('/Messages/:file', (req, res) => {
    const sid = sidFromFile(String(req.params.file), 'SM');
    const msg = sid ? ctx.state.messages.get(sid) : undefined;
    if (!msg) throw notFound(pathOf(req));
    res.json(messageJson(msg));
  });

  router.post('/Calls.json', (req, res) => {
    const p = Params.fromBody(req);
    const to = p.get('To');
    const from = p.get('From');
    const url = p.get('Url');
    const twiml = p.get('Twiml');
    if (!to) throw badRequest(21201, "No 'To' number is specified");
    if (!isPhoneNumber(to)) throw badRequest(21211, `Invalid 'To' Phone Number: ${to}`);
    if (!from) throw badRequest(21213, "No 'From' number is specified");
    if (!isPhoneNumber(from)) throw badRequest(21212, `Invalid 'From' Phone Number: ${from}`);
    if (!url && !twiml) throw badRequest(21205, 'Url parameter is required.');
    if (url && !isHttpUrl(url)) throw badRequest(21205, `Url is not a valid URL: ${url}`);
    for (const name of ['StatusCallback', 'FallbackUrl', 'RecordingStatusCallback']) {
      const v = p.get(name);
      if (v && !isHttpUrl(v)) throw badRequest(21609, `Invalid ${name}: ${v}`);
    }
    const events = p.getAll('StatusCallbackEvent');
    if (events.some((e) => !(CALL_EVENTS as readonly string[]).includes(e))) {
      throw badRequest(21626, "Invalid 'StatusCallbackEvent'");
    }
    const recordingEvents = p.getAll('RecordingStatusCallbackEvent');
    if (recordingEvents.some((e) => !(RECORDING_EVENTS as readonly string[]).includes(e))) {
      throw badRequest(21626, "Invalid 'RecordingStatusCallbackEvent'");
    }
    const call = voice.place({
      from,
      to,
      url,
      method: httpMethod(p.get('Method'), 'Method'),
      fallbackUrl: p.get('FallbackUrl'),
      fallbackMethod: httpMethod(p.get('FallbackMethod'), 'FallbackMethod'),
      twiml,
      statusCallback: p.get('StatusCallback'),
      statusCallbackEvents: events.length > 0 ? (events as CallStatusEvent[]) : ['completed'],
      statusCallbackMethod: httpMethod(p.get('StatusCallbackMethod'), 'StatusCallbackMethod'),
      record: p.get('Record') === 'true',
      recordingStatusCallback: p.get('RecordingStatusCallback'),
      recordingStatusCallbackEvents:
        recordingEvents.length > 0 ? (recordingEvents as RecordingStatusEvent[]) : ['completed'],
      recordingStatusCallbackMethod: httpMethod(
        p.get('RecordingStatusCallbackMethod'),
        'RecordingStatusCallbackMethod',
      ),
      apiBaseUrl: apiBaseUrl(req),
    });
    res.status(201).json(callJson(call));
  });

  router.get('/Calls.json', (req, res) => {
    const q = Params.fromQuery(req);
    const to = q.get('To');
    const from = q.get('From');
    const status = q.get('Status');
    const items = [...ctx.state.calls.values()]
      .filter((c) => (!to || c.to === to) && (!from || c.from === from) && (!status || c.status === status))
      .reverse();
    res.json(page(req, q, 'calls', items.map(callJson)));
  });

  router.get('/Calls/:file', (req, res) => {
    const sid = sidFromFile(String(req.params.file), 'CA');
    const call = sid ? ctx.state.calls.get(sid) : undefined;
    if (!call) throw notFound(pathOf(req));
    res.json(callJson(call));
  });

  router.get('/Calls/:callSid/Recordings.json', (req, res) => {
    const callSid = String(req.params.callSid);
    if (!ctx.state.calls.has(callSid)) throw notFound(pathOf(req));
    const items = [...ctx.state.recordings.values()].filter((r) => r.callSid === callSid).reverse();
    res.json(page(req, Params.fromQuery(req), 'recordings', items.map(recordingJson)));
  });

  router.get('/Recordings.json', (req, res) => {
    const q = Params.fromQuery(req);
    const callSid = q.get('CallSid');
    const items = [...ctx.state.recordings.values()]
      .filter((r) => !callSid || r.callSid === callSid)
      .reverse();
    res.json(page(req, q, 'recordings', items.map(recordingJson)));
  });

  router.get('/Recordings/:file', (req, res) => {
    const sid = sidFromFile(String(req.params.file), 'RE');
    const rec = sid ? ctx.state.recordings.get(sid) : undefined;
    if (!rec) throw notFound(pathOf(req));
    res.json(recordingJson(rec));
  });

  // Deleting a recording removes its media too, as on Twilio (issue 22: erasure reaches the provider).
  router.delete('/Recordings/:file', (req, res) => {
    const sid = sidFromFile(String(req.params.file), 'RE');
    if (!sid || !ctx.state.recordings.delete(sid)) throw notFound(pathOf(req));
    res.status(204).end();
  });

  router.use((req: Request) => {
    throw notFound(pathOf(req));
  });
  return router;
}

/** Error middleware for the REST API: Twilio's JSON error body, never a stack trace. */
export function restErrorHandler(log: (msg: string) => void) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(err);
    if (err instanceof TwilioApiError) {
      if (err.status === 401) res.set('WWW-Authenticate', 'Basic realm="Twilio API"');
      res.status(err.status).json(err.toJSON());
      return;
    }
    const status = httpErrorStatus(err);
    if (status >= 400 && status < 500) {
      res.status(status).json(new TwilioApiError(status, 20001, 'Invalid request').toJSON());
      return;
    }
    log(
      `${req.method} ${req.originalUrl} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    res.status(500).json(new TwilioApiError(500, 20500, 'Internal Server Error').toJSON());
  };
}

function httpErrorStatus(err: unknown): number {
  if (typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number') {
    return err.status;
  }
  return 500;
}

function authenticate(req: Request, ctx: SimContext): void {
  const header = req.get('authorization') ?? '';
  const m = /^Basic\s+(\S+)$/i.exec(header);
  const decoded = m ? Buffer.from(m[1] ?? '', 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  const user = colon >= 0 ? decoded.slice(0, colon) : '';
  const pass = colon >= 0 ? decoded.slice(colon + 1) : '';
  if (!safeEqual(user, ctx.accountSid) || !safeEqual(pass, ctx.authToken)) {
    throw new TwilioApiError(401, 20003, 'Authenticate');
  }
  if (accountOf(req) !== ctx.accountSid) throw notFound(pathOf(req));
}

function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

function accountOf(req: Request): string {
  return String(req.params.accountSid ?? '');
}

function pathOf(req: Request): string {
  return req.originalUrl.split('?')[0] ?? req.originalUrl;
}

/** The base URL the client reached us on; used for absolute URLs such as RecordingUrl. */
function apiBaseUrl(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

function sidFromFile(file: string, prefix: 'SM' | 'CA' | 'RE'): string | null {
  const m = new RegExp(`^(${prefix}[0-9a-f]{32})\\.json$`).exec(file);
  return m?.[1] ?? null;
}

function httpMethod(value: string | null, name: string): HttpMethod {
  if (value === null) return 'POST';
  const upper = value.toUpperCase();
  if (upper !== 'GET' && upper !== 'POST') throw badRequest(21207, `${name} must be GET or POST`);
  return upper;
}

/**
 * `DateSent`, `DateSent>` and `DateSent<` as the SDK sends them (on the wire `DateSent>=…`, so
 * inclusive). A bare date covers the whole UTC day. Returns [first ms, last ms] of the value.
 */
function dateFilter(q: Params, name: string): [number, number] | null {
  const raw = q.get(name);
  if (raw === null) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
    const start = Date.parse(`${raw}T00:00:00Z`);
    if (Number.isNaN(start)) throw badRequest(20001, `Invalid value for ${name}: ${raw}`);
    return [start, start + 86_400_000 - 1];
  }
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw badRequest(20001, `Invalid value for ${name}: ${raw}`);
  const second = Math.floor(t / 1000) * 1000;
  return [second, second + 999];
}

/** A page of a list resource with Twilio's paging fields (Page, PageSize; first page is 0). */
function page(req: Request, q: Params, key: string, all: Record<string, unknown>[]): Record<string, unknown> {
  const pageSize = clampInt(q.get('PageSize'), 50, 1, 1000);
  const pageNo = clampInt(q.get('Page'), 0, 0, 1_000_000);
  const start = pageNo * pageSize;
  const items = all.slice(start, start + pageSize);
  const path = pathOf(req).replace(/^.*?(\/2010-04-01\/)/, '$1');
  const filters = q.entries().filter(([k]) => k !== 'Page' && k !== 'PageSize' && k !== 'PageToken');
  const uriFor = (n: number): string => {
    const s = new URLSearchParams(filters);
    s.set('PageSize', String(pageSize));
    s.set('Page', String(n));
    return `${path}?${s.toString()}`;
  };
  return {
    first_page_uri: uriFor(0),
    end: items.length > 0 ? start + items.length - 1 : start,
    previous_page_uri: pageNo > 0 ? uriFor(pageNo - 1) : null,
    [key]: items,
    uri: uriFor(pageNo),
    page_size: pageSize,
    start,
    next_page_uri: start + pageSize < all.length ? uriFor(pageNo + 1) : null,
    page: pageNo,
  };
}

function clampInt(raw: string | null, fallback: number, min: number, max: number): number {
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) return fallback;
  return n;
}
