// The API's Prometheus metrics (D4), served on their own listener (API_METRICS_ADDRESS), never on
// the public port (docs/decisions.md, "Metrics on their own port"):
//   closedloop_api_requests_total / _request_duration_seconds   by operation (operationId) and status
//   closedloop_intake_total                                      created, duplicate, refused, error
//   closedloop_twilio_webhooks_total                             accepted, bad_signature, replayed, rejected, error
//   closedloop_open_complaints{stage}, closedloop_open_clocks_breached{clock},
//   closedloop_open_complaints_sla_breached, closedloop_escalations_awaiting_ack{role},
//   closedloop_outbox_backlog{kind}                              read from the read model at scrape
//                                                                time, reused for API_METRICS_CACHE_MS
// plus prom-client's process metrics (CPU, memory, event-loop lag, GC) with the prefix closedloop_api_.
// Everything is counted from the answer as it leaves (status, the replay header), so the routes,
// webhooks and intake code need no metrics calls of their own.
import { createServer, type Server } from 'node:http';
import type { RequestHandler } from 'express';
import type { Connection } from 'mongoose';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Models } from '../activities/models';
import { STAGES } from '../domain/complaint-input';
import { CLOCK_KINDS } from '../domain/policy/sla';
import { parseListenAddress } from '../platform/ops-config';
import { ACCESS } from './access';
import { OPERATIONS } from './operations';
import { REPLAYED_HEADER } from './webhook-replay';

/** The operations that file a complaint (their 201 = created, 200 = filed before). */
export const INTAKE_OPERATIONS: ReadonlySet<string> = new Set(['fileComplaint', 'createTroubleTicket']);
const OPEN_STAGES = STAGES.filter((s) => s !== 'CLOSED');
/** The business gauges wait this long for the read model; past it the scrape shows the last figures. */
const GAUGE_DEADLINE_MS = 3_000;

interface Route {
  method: string;
  pattern: RegExp;
  params: number;
  operation: string;
}

/**
 * The label of a request: the operationId of the declared operation it matched, the method and
 * path template of an undocumented route (console, signing page, TwiML hooks), else `unmatched`.
 * A bounded set, whatever paths clients send.
 */
export function operationMatcher(): (method: string, path: string) => string {
  const ids = new Map(OPERATIONS.map((o) => [`${o.method} ${o.path}`, o.operationId]));
  const routes: Route[] = ACCESS.map((rule) => {
    const prefix = rule.path === '/console' || rule.path === '/docs';
    const source = rule.path
      .split(/(\{[^}]+\})/)
      .map((part) => (/^\{.+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    return {
      method: rule.method,
      pattern: new RegExp(`^${source}${prefix ? '(?:/.*)?' : '/?'}$`),
      params: (rule.path.match(/\{/g) ?? []).length + (prefix ? 100 : 0),
      operation: ids.get(`${rule.method} ${rule.path}`) ?? `${rule.method} ${rule.path}`,
    };
  }).sort((a, b) => a.params - b.params);
  return (method, path) => {
    const m = method === 'HEAD' ? 'GET' : method;
    return routes.find((r) => r.method === m && r.pattern.test(path))?.operation ?? 'unmatched';
  };
}

export function intakeOutcome(status: number): 'created' | 'duplicate' | 'refused' | 'error' {
  if (status === 201) return 'created';
  if (status >= 200 && status < 300) return 'duplicate';
  return status >= 500 ? 'error' : 'refused';
}

export function webhookVerdict(
  status: number,
  replayed: boolean,
): 'accepted' | 'bad_signature' | 'replayed' | 'rejected' | 'error' {
  if (replayed) return 'replayed';
  // On /webhooks/twilio only the signature check answers 403 (api/webhooks.ts).
  if (status === 403) return 'bad_signature';
  if (status < 400) return 'accepted';
  return status >= 500 ? 'error' : 'rejected';
}

/** The business figures, read from the read model. */
export interface BusinessFigures {
  openByStage: Record<string, number>;
  breachedByClock: Record<string, number>;
  slaBreached: number;
  awaitingAckByRole: Record<string, number>;
  outboxBacklog: Record<string, number>;
}

async function readFigures(models: Models, mongo: Connection): Promise<BusinessFigures> {
  const open = { stage: { $ne: 'CLOSED' } };
  // One accumulator per $group: FerretDB v1 computes only the first one correctly (reports/fields.ts).
  const count = (rows: { _id: unknown; n: number }[]): Record<string, number> =>
    Object.fromEntries(
      rows.filter((r) => typeof r._id === 'string' && r._id !== '').map((r) => [r._id as string, r.n]),
    );
  const [byStage, clocks, breached, acks, outbox, tmf] = await Promise.all([
    models.Complaint.aggregate<{ _id: string; n: number }>([
      { $match: open },
      { $group: { _id: '$stage', n: { $sum: 1 } } },
    ]),
    models.Complaint.aggregate<{ _id: string; n: number }>([
      { $match: { ...open, reportTags: { $regex: '^clk:.*:breached$' } } },
      { $unwind: '$reportTags' },
      { $match: { reportTags: { $regex: '^clk:.*:breached$' } } },
      { $group: { _id: '$reportTags', n: { $sum: 1 } } },
    ]),
    models.Complaint.countDocuments({ ...open, slaBreached: true }),
    models.Complaint.aggregate<{ _id: string; n: number }>([
      { $match: { ...open, awaitingAckRole: { $exists: true } } },
      { $group: { _id: '$awaitingAckRole', n: { $sum: 1 } } },
    ]),
    models.Outbox.aggregate<{ _id: string; n: number }>([
      { $match: { state: 'SENDING' } },
      { $group: { _id: '$kind', n: { $sum: 1 } } },
    ]),
    // TMF621 event and work-order reply deliveries not yet made (activities/tmf-events-models.ts).
    mongo.db
      ? mongo.db
          .collection('tmf_event_outbox')
          .aggregate<{ _id: string; n: number }>([
            { $match: { state: 'PENDING' } },
            { $group: { _id: '$kind', n: { $sum: 1 } } },
          ])
          .toArray()
      : Promise.resolve([]),
  ]);
  const breachedByClock: Record<string, number> = {};
  for (const [tag, n] of Object.entries(count(clocks))) {
    // clk:<name>:breached, where a name may be <kind>:<department or level>
    const kind = tag.split(':')[1] ?? 'unknown';
    breachedByClock[kind] = (breachedByClock[kind] ?? 0) + n;
  }
  return {
    openByStage: count(byStage),
    breachedByClock,
    slaBreached: breached,
    awaitingAckByRole: count(acks),
    outboxBacklog: {
      ...Object.fromEntries(Object.entries(count(outbox)).map(([k, n]) => [k.toLowerCase(), n])),
      ...Object.fromEntries(Object.entries(count(tmf)).map(([k, n]) => [`tmf_${k}`, n])),
    },
  };
}

/** Resolves with `work`, or rejects after `ms`. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)),
  );
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export interface ApiMetrics {
  registry: Registry;
  /** Counts every request as its answer leaves; mount it first. */
  middleware: RequestHandler;
  /** Serves GET /metrics on `address` (host:port). */
  listen(address: string): Promise<Server>;
}

export function createApiMetrics(deps: {
  models: Models;
  mongo: Connection;
  cacheMs: number;
  onGaugeError?: (err: unknown) => void;
}): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'closedloop_api_' });
  const requests = new Counter({
    name: 'closedloop_api_requests_total',
    help: 'API requests by operation (operationId, or method and path of an undocumented route) and status',
    labelNames: ['operation', 'status'] as const,
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'closedloop_api_request_duration_seconds',
    help: 'API request durations by operation and status, until the answer was sent',
    labelNames: ['operation', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const intake = new Counter({
    name: 'closedloop_intake_total',
    help: 'Complaints filed (v1 and TMF621) by outcome: created, duplicate (filed before), refused (4xx), error (5xx)',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const webhooks = new Counter({
    name: 'closedloop_twilio_webhooks_total',
    help: 'Twilio webhooks by verdict: accepted, bad_signature, replayed (answered from the receipt), rejected, error',
    labelNames: ['hook', 'verdict'] as const,
    registers: [registry],
  });
  for (const outcome of ['created', 'duplicate', 'refused', 'error'])
    for (const operation of INTAKE_OPERATIONS) intake.inc({ operation, outcome }, 0);

  // Business gauges: one read of the read model per cache period, shared by every gauge.
  let figures: { at: number; value: Promise<BusinessFigures> } | undefined;
  let last: BusinessFigures | undefined;
  let lastAt = 0;
  let lastOk = 0;
  // Both are collected after the read of this scrape (their own collect waits for it).
  new Gauge({
    name: 'closedloop_business_gauges_ok',
    help: '1 when the last read of the read model for the business gauges answered, else 0 (the figures are the last read)',
    registers: [registry],
    async collect() {
      await current();
      this.set(lastOk);
    },
  });
  new Gauge({
    name: 'closedloop_business_gauges_age_seconds',
    help: 'Age of the business figures shown (they are reused for API_METRICS_CACHE_MS)',
    registers: [registry],
    async collect() {
      await current();
      this.set(lastAt ? (Date.now() - lastAt) / 1000 : 0);
    },
  });
  const current = async (): Promise<BusinessFigures | undefined> => {
    const now = Date.now();
    if (!figures || now - figures.at >= deps.cacheMs) {
      const value = within(GAUGE_DEADLINE_MS, readFigures(deps.models, deps.mongo));
      figures = { at: now, value };
      value.then(
        (v) => {
          last = v;
          lastAt = now;
          lastOk = 1;
        },
        (err: unknown) => {
          // Not cached: the next scrape reads again.
          if (figures?.value === value) figures = undefined;
          lastOk = 0;
          deps.onGaugeError?.(err);
        },
      );
    }
    try {
      await figures?.value;
    } catch {
      /* the last figures, marked by closedloop_business_gauges_ok 0 */
    }
    return last;
  };
  const gauge = (
    name: string,
    help: string,
    labelName: string | undefined,
    zeros: readonly string[],
    pick: (f: BusinessFigures) => Record<string, number> | number,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: labelName ? [labelName] : [],
      registers: [registry],
      async collect() {
        const f = await current();
        if (!f) return;
        const value = pick(f);
        if (typeof value === 'number') return void this.set(value);
        this.reset();
        for (const key of new Set([...zeros, ...Object.keys(value)]))
          this.set({ [labelName!]: key }, value[key] ?? 0);
      },
    });
  gauge(
    'closedloop_open_complaints',
    'Complaints not closed, by stage',
    'stage',
    OPEN_STAGES,
    (f) => f.openByStage,
  );
  gauge(
    'closedloop_open_clocks_breached',
    'Breached clocks of complaints not closed, by clock kind',
    'clock',
    CLOCK_KINDS,
    (f) => f.breachedByClock,
  );
  gauge(
    'closedloop_open_complaints_sla_breached',
    'Complaints not closed with a breached SLA clock',
    undefined,
    [],
    (f) => f.slaBreached,
  );
  gauge(
    'closedloop_escalations_awaiting_ack',
    'Escalations waiting for their acknowledgement, by the role that must acknowledge',
    'role',
    [],
    (f) => f.awaitingAckByRole,
  );
  gauge(
    'closedloop_outbox_backlog',
    'Messages and deliveries not yet sent: SMS and e-mail being sent (outbox), TMF621 events and replies pending',
    'kind',
    ['sms', 'email'],
    (f) => f.outboxBacklog,
  );

  const operationOf = operationMatcher();
  const middleware: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const path = req.originalUrl.split('?')[0] ?? '/';
      const operation = operationOf(req.method, path);
      const status = String(res.statusCode);
      requests.inc({ operation, status });
      durations.observe({ operation, status }, Number(process.hrtime.bigint() - started) / 1e9);
      if (INTAKE_OPERATIONS.has(operation)) intake.inc({ operation, outcome: intakeOutcome(res.statusCode) });
      if (path.startsWith('/webhooks/twilio/'))
        webhooks.inc({
          hook: operation,
          verdict: webhookVerdict(res.statusCode, res.getHeader(REPLAYED_HEADER) === 'true'),
        });
    });
    next();
  };

  const listen = (address: string): Promise<Server> => {
    const at = parseListenAddress(address);
    if (!at) throw new Error(`API_METRICS_ADDRESS: not host:port: ${address}`);
    const server = createServer((req, res) => {
      if ((req.url ?? '').split('?')[0] !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
        return;
      }
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(err)}\n`),
      );
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(at.port, at.host, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  };

  return { registry, middleware, listen };
}
