// An EMOS-like dispatching system for the local stack (issue 19, T3, T4): it listens for TMF621
// hub events and for work-order replies (执行工单回复) and shows what it received.
//   POST /listener/<name>              a hub callback: records the TMF event, de-duplicated by eventId
//   POST /work-order-reply/<channel>   a channel's reply endpoint: records the reply, de-duplicated by
//                                      its Idempotency-Key, and whether it carried the expected credential
//   ?fail=always on either             answers 503 every time (a listener that is down for good)
//   POST /_sim/fail {count, status}    the next `count` deliveries answer `status` (default 503)
//   POST /_sim/reset                   forgets everything
//   GET  /received.json                what arrived (each event or reply once), duplicates and failures
//   GET  /                             the same as a page for people
// Kept in memory: a restart of the simulator starts empty.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';

export interface DispatcherSimOptions {
  host?: string;
  /** 0 = any free port */
  port: number;
  /** The credential the reply endpoint expects in `authHeader` (recorded as authorized or not). */
  expectedAuth?: string;
  authHeader?: string;
}

export interface ReceivedEvent {
  eventId: string;
  eventType: string;
  listener: string;
  receivedAt: string;
  /** how many times it was posted (more than 1: a retry the receiver de-duplicated) */
  deliveries: number;
  body: Record<string, unknown>;
}

export interface ReceivedReply {
  key: string;
  channel: string;
  receivedAt: string;
  deliveries: number;
  authorized: boolean;
  body: Record<string, unknown>;
}

export interface Received {
  events: ReceivedEvent[];
  replies: ReceivedReply[];
  /** deliveries of an id already received */
  duplicates: number;
  /** deliveries answered with an error (injected or ?fail=always) */
  failed: number;
}

export interface DispatcherSim {
  url: string;
  port: number;
  received(): Received;
  close(): Promise<void>;
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(r: Received): string {
  const events = r.events
    .map(
      (e) =>
        `<tr><td>${esc(e.receivedAt)}</td><td>${esc(e.listener)}</td><td>${esc(e.eventType)}</td><td><code>${esc(e.eventId)}</code></td><td>${esc(String((e.body.event as { troubleTicket?: { status?: string } })?.troubleTicket?.status ?? ''))}</td><td>${e.deliveries}</td></tr>`,
    )
    .join('');
  const replies = r.replies
    .map((x) => {
      const b = x.body;
      const f = (k: string) => esc(String(b[k] ?? ''));
      return `<tr><td>${esc(x.receivedAt)}</td><td>${esc(x.channel)}</td><td><code>${esc(x.key)}</code></td><td>${f('step')}</td><td>${f('checked')}</td><td>${f('found')}</td><td>${f('rootCause')}</td><td>${f('actions')}</td><td>${f('customerTold')}</td><td>${f('customerConfirmed')}</td><td>${x.authorized ? 'yes' : 'no'}</td></tr>`;
    })
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dispatcher simulator</title>
<style>body{font:14px system-ui;margin:2em}table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}</style></head>
<body><h1>Dispatcher simulator (EMOS-like)</h1>
<p>${r.events.length} events, ${r.replies.length} work-order replies, ${r.duplicates} duplicate deliveries, ${r.failed} failed deliveries. <a href="/received.json">received.json</a></p>
<h2>Work-order replies (执行工单回复)</h2><table><tr><th>received</th><th>channel</th><th>key</th><th>step</th><th>checked</th><th>found</th><th>root cause</th><th>actions</th><th>customer told</th><th>confirmed</th><th>authorized</th></tr>${replies}</table>
<h2>TMF621 events</h2><table><tr><th>received</th><th>listener</th><th>type</th><th>eventId</th><th>status</th><th>deliveries</th></tr>${events}</table>
</body></html>`;
}

export async function startDispatcherSim(opts: DispatcherSimOptions): Promise<DispatcherSim> {
  const host = opts.host ?? '127.0.0.1';
  const authHeader = (opts.authHeader ?? 'authorization').toLowerCase();
  const events = new Map<string, ReceivedEvent>();
  const replies = new Map<string, ReceivedReply>();
  let duplicates = 0;
  let failed = 0;
  let failNext = { count: 0, status: 503 };
  const received = (): Received => ({
    events: [...events.values()],
    replies: [...replies.values()],
    duplicates,
    failed,
  });

  const app = express();
  app.disable('x-powered-by');
  /** An injected failure for this delivery, if any (answered already). */
  const failing = (req: Request, res: Response): boolean => {
    if (req.query.fail === 'always') {
      failed += 1;
      res.status(503).json({ error: 'down for good (?fail=always)' });
      return true;
    }
    if (failNext.count > 0) {
      failNext.count -= 1;
      failed += 1;
      res.status(failNext.status).json({ error: `failing on request (${failNext.count} more)` });
      return true;
    }
    return false;
  };
  app.get('/healthz', (_req, res) => void res.json({ ok: true }));
  app.post('/listener/{*name}', express.json({ limit: '1mb' }), (req, res) => {
    if (failing(req, res)) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const eventId = String(body.eventId ?? req.get('x-event-id') ?? '');
    if (!eventId) return void res.status(400).json({ error: 'no eventId' });
    const seen = events.get(eventId);
    if (seen) {
      seen.deliveries += 1;
      duplicates += 1;
    } else {
      const name = (req.params as { name?: string[] }).name;
      events.set(eventId, {
        eventId,
        eventType: String(body.eventType ?? body['@type'] ?? ''),
        listener: Array.isArray(name) ? name.join('/') : String(name ?? ''),
        receivedAt: new Date().toISOString(),
        deliveries: 1,
        body,
      });
    }
    res.status(204).end();
  });
  app.post('/work-order-reply/:channel', express.json({ limit: '1mb' }), (req, res) => {
    if (failing(req, res)) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const key = String(req.get('idempotency-key') ?? body.idempotencyKey ?? '');
    if (!key) return void res.status(400).json({ error: 'no Idempotency-Key' });
    const seen = replies.get(key);
    if (seen) {
      seen.deliveries += 1;
      duplicates += 1;
    } else
      replies.set(key, {
        key,
        channel: String(req.params.channel),
        receivedAt: new Date().toISOString(),
        deliveries: 1,
        authorized: opts.expectedAuth === undefined || req.get(authHeader) === opts.expectedAuth,
        body,
      });
    res.status(200).json({ accepted: key });
  });
  app.post('/_sim/fail', express.json(), (req, res) => {
    const b = (req.body ?? {}) as { count?: unknown; status?: unknown };
    const count = Number(b.count ?? 1);
    const status = Number(b.status ?? 503);
    if (!Number.isInteger(count) || count < 0 || !Number.isInteger(status) || status < 400 || status > 599)
      return void res.status(400).json({ error: 'count ≥ 0, status 400–599' });
    failNext = { count, status };
    res.json(failNext);
  });
  app.post('/_sim/reset', (_req, res) => {
    events.clear();
    replies.clear();
    duplicates = 0;
    failed = 0;
    failNext = { count: 0, status: 503 };
    res.status(204).end();
  });
  app.get('/received.json', (_req, res) => void res.json(received()));
  app.get('/', (_req, res) => void res.type('html').send(page(received())));

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(opts.port, host, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
