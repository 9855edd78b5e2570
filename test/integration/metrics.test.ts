// D4: the worker's and the API's Prometheus endpoints on the real local stack, scraped before and
// after a complaint is filed and acted on: the figures must move. Each business gauge is moved by
// its real cause: a clock that breaches, an escalation and its acknowledgement, TMF621 events a
// listener refuses.
import path from 'node:path';
import twilio from 'twilio';
import { intakeBody, uniqueExternalId } from '../support/fixtures';
import { eventually, KEYS, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({
    // The business gauges are read at every scrape here (production reuses them for 15 s).
    API_METRICS_CACHE_MS: '0',
    // The built-in limits, except NO_SIGNAL complaints: their first reply breaches after 8 s.
    POLICY_FILE: path.resolve(__dirname, '../fixtures/policy-metrics.json'),
  });
}, 600_000);

afterAll(async () => {
  await stack?.dispose();
}, 60_000);

/** One Prometheus text exposition, as `name{labels}` → value. */
type Samples = Map<string, number>;

function parseMetrics(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)/.exec(line);
    if (m) samples.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return samples;
}

async function scrape(url: string | undefined): Promise<Samples> {
  if (!url) throw new Error('the stack published no metrics URL');
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return parseMetrics(await res.text());
}

/** The value of `name` with exactly these labels (in any order), 0 when absent. */
function value(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort();
  for (const [key, v] of samples) {
    const m = /^([^{]+)(?:\{(.*)\})?$/.exec(key);
    if (m?.[1] !== name) continue;
    const have: string[] = (m[2] ?? '').match(/[a-zA-Z_]+="[^"]*"/g)?.sort() ?? [];
    if (want.every((w) => have.includes(w)) && have.length === want.length) return v;
  }
  return 0;
}

/** The sum of every series of `name` whatever its labels. */
function total(samples: Samples, name: string): number {
  let sum = 0;
  for (const [key, v] of samples) if (key === name || key.startsWith(`${name}{`)) sum += v;
  return sum;
}

const signed = (
  url: string,
  params: Record<string, string>,
  token: string,
  extra: Record<string, string> = {},
) =>
  fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(token, url, params),
      ...extra,
    },
    body: new URLSearchParams(params).toString(),
  });

describe('D4 metrics endpoints on the worker and the API', () => {
  it('D4 the API serves /metrics on its own listener only; /livez and /readyz answer on the public port', async () => {
    const samples = await scrape(stack.urls.apiMetrics);
    expect(value(samples, 'closedloop_business_gauges_ok')).toBe(1);
    expect([...samples.keys()].some((k) => k.startsWith('closedloop_api_process_cpu'))).toBe(true);
    const publicMetrics = await fetch(`${stack.urls.api}/metrics`);
    expect(publicMetrics.status).toBe(404);
    expect((await stack.http.request('GET', '/livez', { key: null })).status).toBe(200);
    const ready = await stack.http.request('GET', '/readyz', { key: null });
    expect(ready).toMatchObject({ status: 200, body: { ok: true, temporal: 'up', mongodb: 'up' } });
  });

  it('D4 the worker serves the Temporal SDK metrics and its readiness', async () => {
    const samples = await eventually(
      async () => {
        const s = await scrape(stack.urls.workerMetrics);
        return [...s.keys()].some((k) => k.startsWith('temporal_workflow_task_')) ? s : undefined;
      },
      60_000,
      'temporal_workflow_task_* on the worker endpoint',
    );
    expect([...samples.keys()].filter((k) => k.startsWith('temporal_')).length).toBeGreaterThan(10);
    const ready = await fetch(`${stack.urls.workerHealth}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, phase: 'polling' });
  });

  it('D4 filing and acting on a complaint moves the request, intake, webhook and business figures', async () => {
    const apiBefore = await scrape(stack.urls.apiMetrics);
    const workerBefore = await scrape(stack.urls.workerMetrics);
    const open = (s: Samples, stage: string) => value(s, 'closedloop_open_complaints', { stage });
    const intake = (s: Samples, outcome: string) =>
      value(s, 'closedloop_intake_total', { operation: 'fileComplaint', outcome });

    // Intake: created, then the same ticket again (duplicate), then a body the API refuses.
    const body = intakeBody();
    const filed = await stack.http.post<{ ticketId: string }>('/v1/complaints', body, KEYS.intake);
    expect(filed.status).toBe(201);
    expect((await stack.http.post('/v1/complaints', body, KEYS.intake)).status).toBe(200);
    expect((await stack.http.post('/v1/complaints', { channel: 'EMOS' }, KEYS.intake)).status).toBe(400);
    const id = filed.body.ticketId;

    // The complaint reaches the read model as RECEIVED, then a handler triages it (IN_PROGRESS).
    await eventually(async () => {
      const r = await stack.http.get<{ stage: string }>(`/v1/complaints/${id}`, KEYS.handler);
      return r.status === 200 ? r.body : undefined;
    });
    const triaged = await stack.http.post<{ stage: string }>(
      `/v1/complaints/${id}/triage`,
      { decision: 'SELF', note: '本人处理' },
      KEYS.handler,
    );
    expect(triaged.status).toBe(200);
    expect(triaged.body.stage).toBe('IN_PROGRESS');

    // Webhooks: a forged signature, a signed status callback, and Twilio's retry of it (same token).
    const url = `${stack.env.PUBLIC_BASE_URL}/webhooks/twilio/message-status`;
    const params = { MessageSid: 'SM' + 'd4'.repeat(16), MessageStatus: 'delivered' };
    expect((await signed(url, params, 'not-the-token')).status).toBe(403);
    const token = { 'i-twilio-idempotency-token': `d4-${Date.now()}` };
    expect((await signed(url, params, stack.env.TWILIO_AUTH_TOKEN!, token)).status).toBe(204);
    const retry = await signed(url, params, stack.env.TWILIO_AUTH_TOKEN!, token);
    expect(retry.status).toBe(204);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');

    const after = await eventually(
      async () => {
        const s = await scrape(stack.urls.apiMetrics);
        return open(s, 'IN_PROGRESS') === open(apiBefore, 'IN_PROGRESS') + 1 ? s : undefined;
      },
      30_000,
      'closedloop_open_complaints{stage="IN_PROGRESS"} to go up by one',
    );

    const requests = (s: Samples, operation: string, status: string) =>
      value(s, 'closedloop_api_requests_total', { operation, status });
    expect(requests(after, 'fileComplaint', '201')).toBe(requests(apiBefore, 'fileComplaint', '201') + 1);
    expect(requests(after, 'fileComplaint', '200')).toBe(requests(apiBefore, 'fileComplaint', '200') + 1);
    expect(requests(after, 'triageComplaint', '200')).toBe(requests(apiBefore, 'triageComplaint', '200') + 1);
    expect(
      value(after, 'closedloop_api_request_duration_seconds_count', {
        operation: 'fileComplaint',
        status: '201',
      }),
    ).toBe(
      value(apiBefore, 'closedloop_api_request_duration_seconds_count', {
        operation: 'fileComplaint',
        status: '201',
      }) + 1,
    );
    expect([intake(after, 'created'), intake(after, 'duplicate'), intake(after, 'refused')]).toEqual([
      intake(apiBefore, 'created') + 1,
      intake(apiBefore, 'duplicate') + 1,
      intake(apiBefore, 'refused') + 1,
    ]);
    const verdict = (s: Samples, v: string) =>
      value(s, 'closedloop_twilio_webhooks_total', { hook: 'twilioMessageStatus', verdict: v });
    // The Twilio simulator also calls back with the intake SMS's statuses: accepted grows by at least one.
    expect([verdict(after, 'bad_signature'), verdict(after, 'replayed')]).toEqual([
      verdict(apiBefore, 'bad_signature') + 1,
      verdict(apiBefore, 'replayed') + 1,
    ]);
    expect(verdict(after, 'accepted')).toBeGreaterThanOrEqual(verdict(apiBefore, 'accepted') + 1);
    // The complaint left RECEIVED for IN_PROGRESS: the stage gauges moved with it.
    expect(open(after, 'RECEIVED')).toBe(open(apiBefore, 'RECEIVED'));
    expect(total(after, 'closedloop_open_complaints')).toBe(
      total(apiBefore, 'closedloop_open_complaints') + 1,
    );
    // The other business gauges are declared (a gauge without a waiting escalation has no series);
    // the tests below move each of them.
    const exposition = await (await fetch(stack.urls.apiMetrics!)).text();
    for (const name of [
      'closedloop_open_clocks_breached',
      'closedloop_open_complaints_sla_breached',
      'closedloop_escalations_awaiting_ack',
      'closedloop_outbox_backlog',
    ])
      expect(exposition).toContain(`# TYPE ${name} gauge`);

    // The worker ran the complaint's workflow tasks and activities: its SDK counters moved too.
    const workerAfter = await scrape(stack.urls.workerMetrics);
    const tasks = (s: Samples) => total(s, 'temporal_workflow_task_execution_latency_seconds_count');
    expect(tasks(workerAfter)).toBeGreaterThan(tasks(workerBefore));
    const activities = (s: Samples) => total(s, 'temporal_activity_execution_latency_seconds_count');
    expect(activities(workerAfter)).toBeGreaterThan(activities(workerBefore));
  });
});

describe('D4 the business gauges follow their causes', () => {
  const file = async (over: Record<string, unknown> = {}) => {
    const res = await stack.http.post<{ ticketId: string }>('/v1/complaints', intakeBody(over), KEYS.intake);
    expect(res.status).toBe(201);
    return res.body.ticketId;
  };
  const timeline = async (id: string) => {
    const r = await stack.http.get<{ timeline: { action: string; detail?: string }[] }>(
      `/v1/complaints/${id}`,
      KEYS.supervisor,
    );
    return r.status === 200 ? r.body.timeline : [];
  };
  /** Scrapes the API until `pick` of its figures is `want` (a gauge is read at every scrape here). */
  const scrapeUntil = (pick: (s: Samples) => number, want: number, what: string, timeoutMs = 30_000) =>
    eventually(
      async () => {
        const s = await scrape(stack.urls.apiMetrics);
        return pick(s) === want ? s : undefined;
      },
      timeoutMs,
      `${what} to be ${want}`,
    );
  const awaitingAck = (s: Samples, role: string) => value(s, 'closedloop_escalations_awaiting_ack', { role });

  it('D4 a first-reply clock that breaches raises the breached-clock and breached-SLA gauges; its escalation waits for the supervisor', async () => {
    const before = await scrape(stack.urls.apiMetrics);
    const breached = (s: Samples, clock: string) => value(s, 'closedloop_open_clocks_breached', { clock });
    const slaBreached = (s: Samples) => value(s, 'closedloop_open_complaints_sla_breached');
    // policy-metrics.json: the first reply of a NO_SIGNAL complaint is due 8 s after intake.
    const id = await file({ category: 'NO_SIGNAL' });
    const breach = await eventually(
      async () => (await timeline(id)).find((t) => t.action === 'CLOCK_BREACHED'),
      60_000,
      'the first-reply breach on the timeline',
    );
    expect(breach.detail).toBe('firstReply');
    const after = await scrapeUntil(
      (s) => breached(s, 'firstReply'),
      breached(before, 'firstReply') + 1,
      'closedloop_open_clocks_breached{clock="firstReply"}',
    );
    expect(slaBreached(after)).toBe(slaBreached(before) + 1);
    for (const clock of ['acceptance', 'handling', 'escalationAck'])
      expect(breached(after, clock)).toBe(breached(before, clock));
    // A breach escalates one level (R5.2): level 1 of the ladder, the supervisor, must acknowledge it.
    expect(awaitingAck(after, 'supervisor')).toBe(awaitingAck(before, 'supervisor') + 1);
  }, 120_000);

  it('D4 an escalation raises the awaiting-acknowledgement gauge of its role; the acknowledgement lowers it again', async () => {
    const id = await file();
    await eventually(
      async () => ((await timeline(id)).length > 0 ? true : undefined),
      30_000,
      'the complaint in the read model',
    );
    const before = await scrape(stack.urls.apiMetrics);
    const waiting = (s: Samples) => awaitingAck(s, 'supervisor');
    const escalated = await stack.http.post(
      `/v1/complaints/${id}/escalations`,
      { level: 1, reason: '客户多次来电催促，请班组长跟进' },
      KEYS.supervisor,
    );
    expect(escalated.status).toBe(202);
    const raised = await scrapeUntil(
      waiting,
      waiting(before) + 1,
      'closedloop_escalations_awaiting_ack{role="supervisor"}',
    );
    // Only the supervisor's rung moved.
    expect(awaitingAck(raised, 'interface')).toBe(awaitingAck(before, 'interface'));
    const acked = await stack.http.post(
      `/v1/complaints/${id}/escalations/acknowledge`,
      { level: 1, note: '班组长已接手' },
      KEYS.supervisor,
    );
    expect(acked.status).toBe(200);
    await scrapeUntil(waiting, waiting(before), 'closedloop_escalations_awaiting_ack{role="supervisor"}');
  }, 120_000);

  it('D4 a TMF621 event its listener refuses is outbox backlog until the listener takes it', async () => {
    type Received = {
      events: {
        eventType: string;
        listener: string;
        deliveries: number;
        body: { event: { troubleTicket: { id: string } } };
      }[];
      failed: number;
    };
    const sim = stack.urls.dispatcherSim;
    if (!sim) throw new Error('the stack published no dispatcher simulator URL');
    const received = async () => (await (await fetch(`${sim}/received.json`)).json()) as Received;
    const externalId = uniqueExternalId('D4');
    // A dispatching system subscribes to the creation of this one ticket (TMF621 hub, T3).
    const hub = await fetch(`${stack.urls.api}/tmf-api/troubleTicket/v5/hub`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.intake}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        '@type': 'Hub',
        callback: `${sim}/listener/metrics`,
        query: `eventType=TroubleTicketCreateEvent&externalIdentifier.id=${externalId}`,
      }),
    });
    expect(hub.status).toBe(201);
    // The listener answers 503 to the next four deliveries: Temporal retries the delivery 1, 2, 4
    // and 8 s apart, so the event waits in the outbox about 15 s before the fifth attempt lands.
    const failedBefore = (await received()).failed;
    const failing = await fetch(`${sim}/_sim/fail`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: 4 }),
    });
    expect(failing.status).toBe(200);
    const before = await scrape(stack.urls.apiMetrics);
    const backlog = (s: Samples) => value(s, 'closedloop_outbox_backlog', { kind: 'tmf_event' });

    const id = await file({ externalId });
    await scrapeUntil(backlog, backlog(before) + 1, 'closedloop_outbox_backlog{kind="tmf_event"}');
    // While the listener refuses it, it stays counted (until the fifth attempt, ~15 s after the first).
    await eventually(
      async () => ((await received()).failed > failedBefore ? true : undefined),
      30_000,
      'a refused delivery at the listener',
    );
    expect(backlog(await scrape(stack.urls.apiMetrics))).toBe(backlog(before) + 1);
    // Delivered at last: the backlog is back where it was, and the listener got the event once.
    await scrapeUntil(backlog, backlog(before), 'closedloop_outbox_backlog{kind="tmf_event"}', 60_000);
    const got = await received();
    const events = got.events.filter((e) => e.listener === 'metrics' && e.body.event.troubleTicket.id === id);
    expect(events.map((e) => [e.eventType, e.deliveries])).toEqual([['TroubleTicketCreateEvent', 1]]);
    expect(got.failed).toBe(failedBefore + 4);
  }, 120_000);
});
