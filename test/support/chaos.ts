// Fault scenarios on the real local stack (issue 9), shared by the CI test
// (test/integration/chaos.test.ts, small counts) and the long form (`npm run chaos`, large counts).
// Each scenario injects one fault while complaints are in flight, drives them through HTTP only
// (simulated clients retry what the API says is retryable) and returns what happened: complaints in
// flight, finished, duplicates sent, data lost. The caller asserts (test) or prints (script).
import type { Stack } from '../../infra/stack/stack';
import { intakeBody } from './fixtures';
import { KEYS, OpenApiMismatch, type ApiClient } from './stack';

export interface FaultReport {
  fault: string;
  /** Complaints open while the fault was on. */
  inFlight: number;
  /** Of those, complaints that reached the expected end state afterwards. */
  finished: number;
  /** SMS (same number and text) and e-mails (same idempotency key) that reached the providers twice or more. */
  duplicatesSent: number;
  /** Complaints accepted (2xx) that are missing from the read model or never carried on. */
  lost: number;
  /** Projection versions seen going backwards (read model polled during the scenario). */
  versionRegressions: number;
  /**
   * Read-model snapshots the watcher compared while the scenario ran. Zero means the check above
   * saw nothing, so `versionRegressions === 0` proves nothing: callers assert this is above zero.
   */
  versionSamples: number;
  /** Polls of the read model that got no snapshot (database or API down, bad answer), counted. */
  versionReadErrors: number;
  /** Answers 500 (unexpected errors) the clients got; retryable errors are 503/502/504/429 or no connection. */
  http500: number;
  /** Scenario-specific figures (timings, counts of retryable errors …). */
  details: Record<string, unknown>;
}

export interface ChaosEnv {
  stack: Stack;
  http: ApiClient;
  log(message: string): void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `fn` over `items` with at most `concurrency` in flight; results in order. */
export async function pool<T, R>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<R>) {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

// ---------------------------------------------------------------------------------------------
// A client that retries what is retryable

export interface CallStats {
  /** Requests that failed without an HTTP answer (connection refused or reset). */
  network: number;
  /** Their errors, with the cause the client gave (for the suites' logs). */
  networkMessages: string[];
  /** Retryable HTTP answers (429, 502, 503, 504) by status. */
  retryable: Record<number, number>;
  http500: number;
  /** Messages of the 503 answers seen (to check they are clear). */
  messages503: Set<string>;
}

export function newCallStats(): CallStats {
  return { network: 0, networkMessages: [], retryable: {}, http500: 0, messages503: new Set() };
}

const RETRYABLE = new Set([429, 502, 503, 504]);

/** A request without an HTTP answer: counted, with fetch's cause (ECONNRESET, other side closed…). */
function countNetworkError(stats: CallStats, err: unknown): void {
  stats.network += 1;
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (stats.networkMessages.length < 50)
    stats.networkMessages.push(
      [(err as Error).message, cause?.code, cause?.message].filter(Boolean).join(': '),
    );
}

/**
 * One API call, repeated while the answer is retryable (no connection, 429, 5xx) until `deadlineMs`.
 * A 500 is counted (it should not happen) and retried too, so the scenario still finishes.
 */
export async function callRetrying<T = Record<string, unknown>>(
  http: ApiClient,
  stats: CallStats,
  method: 'GET' | 'POST',
  path: string,
  opts: { key: string; body?: unknown; deadlineMs?: number },
): Promise<{ status: number; body: T; attempts: number }> {
  const deadline = Date.now() + (opts.deadlineMs ?? 180_000);
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await http.request<T>(method, path, {
        key: opts.key,
        ...(opts.body !== undefined ? { body: opts.body } : {}),
      });
      const retry = RETRYABLE.has(res.status) || res.status >= 500;
      if (!retry || Date.now() > deadline) return { ...res, attempts: attempt };
      if (RETRYABLE.has(res.status)) stats.retryable[res.status] = (stats.retryable[res.status] ?? 0) + 1;
      else stats.http500 += 1;
      if (res.status === 503) stats.messages503.add(String((res.body as { message?: string }).message));
    } catch (err) {
      if (Date.now() > deadline || err instanceof OpenApiMismatch) throw err;
      countNetworkError(stats, err);
    }
    await sleep(Math.min(250 * attempt, 2_000));
  }
}

export interface Filed {
  ticketId: string;
  body: ReturnType<typeof intakeBody>;
  /** Statuses of every answer received for this ticket (a retry after a lost answer gets 200). */
  statuses: number[];
}

/** Files a complaint, retrying the same body (same channel ticket) until it is accepted. */
export async function fileComplaint(env: ChaosEnv, stats: CallStats, over: Record<string, unknown> = {}) {
  const body = intakeBody(over);
  const statuses: number[] = [];
  const deadline = Date.now() + 180_000;
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await env.http.post<{ ticketId: string; created: boolean }>(
        '/v1/complaints',
        body,
        KEYS.intake,
      );
      statuses.push(res.status);
      if (res.status === 201 || res.status === 200)
        return { ticketId: res.body.ticketId, body, statuses } satisfies Filed;
      if (res.status < 500 && res.status !== 429)
        throw new Error(`intake answered ${res.status}: ${JSON.stringify(res.body)}`);
      if (res.status === 503) stats.messages503.add(String((res.body as { message?: string }).message));
      if (RETRYABLE.has(res.status)) stats.retryable[res.status] = (stats.retryable[res.status] ?? 0) + 1;
      else stats.http500 += 1;
    } catch (err) {
      if ((err as Error).message.startsWith('intake answered') || err instanceof OpenApiMismatch) throw err;
      statuses.push(0);
      countNetworkError(stats, err);
    }
    if (Date.now() > deadline) throw new Error(`intake of ${body.externalId} not accepted in 180 s`);
    await sleep(Math.min(250 * attempt, 2_000));
  }
}

export const LIFECYCLE: [string, Record<string, unknown>][] = [
  ['triage', { decision: 'SELF' }],
  ['findings', { checked: '告警、话统', found: '基站断电后已恢复' }],
  [
    'resolve',
    { summary: '基站供电恢复，信号正常，已复测', rootCause: '基站市电中断', actions: '恢复供电并复测' },
  ],
  [
    'replies',
    { kind: 'FINAL', method: 'PHONE', summary: '已电话告知客户', customerConfirmed: true, satisfied: true },
  ],
  ['close', {}],
];

/**
 * Drives a complaint to CLOSED as a handler would. A retried action answered 409 was applied by an
 * earlier attempt whose answer was lost (the complaint has moved on): that counts as done.
 */
export async function driveToClose(
  env: ChaosEnv,
  stats: CallStats,
  ticketId: string,
  key: string = KEYS.handler,
  steps: [string, Record<string, unknown>][] = LIFECYCLE,
): Promise<string> {
  let stage = '';
  for (const [step, body] of steps) {
    const res = await callRetrying<{ stage: string; message?: string }>(
      env.http,
      stats,
      'POST',
      `/v1/complaints/${ticketId}/${step}`,
      { key, body },
    );
    if (res.status === 409 && res.attempts > 1) continue;
    if (res.status !== 200)
      throw new Error(`${ticketId} ${step}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    stage = res.body.stage;
  }
  return stage;
}

// ---------------------------------------------------------------------------------------------
// What reached the providers, and the read model

interface SimMessage {
  sid: string;
  to: string;
  body: string;
  direction?: string;
  statusCallback?: string | null;
}

/**
 * SMS we sent that reached the Twilio simulator more than once (the same idempotency key, carried
 * in the status callback, or the same number and text): the extra copies. Customers' replies
 * (inbound, e.g. many a "1" to our number) are not ours.
 */
export async function smsDuplicates(stack: Stack): Promise<{ sent: SimMessage[]; duplicates: number }> {
  const all = (await (await fetch(`${stack.urls.twilioSim}/_sim/messages`)).json()) as SimMessage[];
  const sent = all.filter((m) => m.direction !== 'inbound');
  const seen = new Set<string>();
  let duplicates = 0;
  for (const m of sent) {
    const key = m.statusCallback ? new URL(m.statusCallback).searchParams.get('key') : null;
    const ids = [`${m.to}\n${m.body}`, ...(key ? [`key:${key}`] : [])];
    if (ids.some((id) => seen.has(id))) duplicates += 1;
    for (const id of ids) seen.add(id);
  }
  return { sent, duplicates };
}

export async function callDuplicates(stack: Stack): Promise<number> {
  const calls = (await (await fetch(`${stack.urls.twilioSim}/_sim/calls`)).json()) as { to: string }[];
  return calls.length; // no flow of these scenarios calls the customer: every call would be extra
}

interface SinkMailLite {
  subject: string;
  receivedAt: string;
  headers: Record<string, string>;
}

export async function sinkMails(stack: Stack): Promise<SinkMailLite[]> {
  return (await (await fetch(`${stack.urls.mailInbox}/api/messages`)).json()) as SinkMailLite[];
}

/** E-mails delivered more than once under one idempotency key: the extra copies. */
export async function mailDuplicates(stack: Stack): Promise<number> {
  const keys = (await sinkMails(stack)).map((m) => m.headers['x-closedloop-key']).filter(Boolean);
  return keys.length - new Set(keys).size;
}

export type Timeline = { at: string; actor: string; action: string; detail?: string }[];
export interface ViewLite {
  ticketId: string;
  stage: string;
  version: number;
  timeline: Timeline;
  clocks: { name: string; state: string; dueAt?: string }[];
}

export async function view(env: ChaosEnv, ticketId: string): Promise<ViewLite | undefined> {
  const r = await env.http.get<ViewLite>(`/v1/complaints/${ticketId}`, KEYS.supervisor);
  return r.status === 200 ? r.body : undefined;
}

/** Polls until `done(view)` holds for every complaint; returns those for which it never did. */
export async function waitForAll(
  env: ChaosEnv,
  ids: string[],
  done: (v: ViewLite) => boolean,
  timeoutMs: number,
  everyMs = 500,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let pending = [...ids];
  while (pending.length > 0 && Date.now() < deadline) {
    const still = await pool(pending, 8, async (id) => {
      const v = await view(env, id).catch(() => undefined);
      return v && done(v) ? undefined : id;
    });
    pending = still.filter((id): id is string => id !== undefined);
    if (pending.length > 0) await sleep(everyMs);
  }
  return pending;
}

/** Summary documents in the read model (list API, every page). */
export async function readModel(env: ChaosEnv): Promise<Map<string, { version: number; stage: string }>> {
  const out = new Map<string, { version: number; stage: string }>();
  for (let offset = 0; ; offset += 200) {
    const r = await env.http.get<{
      items: { ticketId: string; version: number; stage: string }[];
      total: number;
    }>(`/v1/complaints?limit=200&offset=${offset}`, KEYS.supervisor);
    if (r.status !== 200) throw new Error(`list answered ${r.status}`);
    for (const i of r.body.items) out.set(i.ticketId, { version: i.version, stage: i.stage });
    if (r.body.items.length < 200) return out;
  }
}

/**
 * Polls the read model while a scenario runs and records every projection version it sees going
 * backwards for a complaint (a stale write overwriting a newer one). A poll that gets no read model
 * (the database or the API is down, an answer other than 200) is counted in `readErrors`, not
 * swallowed: a watch that only ever failed to read has `samples === 0` and shows it.
 */
export interface VersionRegression {
  ticketId: string;
  /** The highest version seen before, and the lower one this snapshot showed. */
  from: number;
  to: number;
  /** When the lower version was seen (ISO). */
  at: string;
  /** What a read of the complaint by id said right after (a stale read answers >= from again). */
  thenVersion?: number | string;
}

export class VersionWatch {
  private readonly highest = new Map<string, number>();
  /** Each time a snapshot showed a lower version than an earlier one: which, when, from and to. */
  readonly regressions: VersionRegression[] = [];
  /** Snapshots compared (each `observe`). */
  samples = 0;
  /** Polls that got no snapshot, and what the last few said (to tell an outage from a broken read). */
  readErrors = 0;
  readonly readErrorMessages: string[] = [];
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly env: ChaosEnv) {}

  start(intervalMs = 500): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          this.observe(await readModel(this.env));
        } catch (err) {
          this.readFailed(err);
        }
        await sleep(intervalMs);
      }
    })();
  }

  private readFailed(err: unknown): void {
    this.readErrors += 1;
    const message = err instanceof Error ? err.message : String(err);
    // Keep the distinct messages only, a handful: an outage repeats the same one every poll.
    if (!this.readErrorMessages.includes(message) && this.readErrorMessages.length < 5)
      this.readErrorMessages.push(message);
  }

  /** Compares one snapshot with the highest versions seen; returns the regressions it showed. */
  observe(model: Map<string, { version: number }>): VersionRegression[] {
    this.samples += 1;
    const found: VersionRegression[] = [];
    for (const [id, { version }] of model) {
      const before = this.highest.get(id);
      if (before !== undefined && version < before)
        found.push({ ticketId: id, from: before, to: version, at: new Date().toISOString() });
      if (before === undefined || version > before) this.highest.set(id, version);
    }
    this.regressions.push(...found);
    return found;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

const acked = (v: ViewLite) => v.timeline.some((t) => t.action === 'ACK_SMS_SENT');
const closed = (v: ViewLite) => v.stage === 'CLOSED';
const at = (v: ViewLite, action: string) => {
  const t = v.timeline.find((e) => e.action === action);
  return t ? Date.parse(t.at) : undefined;
};

async function finish(
  env: ChaosEnv,
  fault: string,
  ids: string[],
  stats: CallStats,
  watch: VersionWatch,
  finished: (v: ViewLite) => boolean,
  details: Record<string, unknown>,
  timeoutMs = 120_000,
): Promise<FaultReport> {
  const notFinished = await waitForAll(env, ids, finished, timeoutMs);
  await watch.stop();
  // Samples taken while the scenario ran; the final read below is compared too but not counted,
  // so that a watcher that never read anything during the fault reports 0.
  const samplesDuringScenario = watch.samples;
  const model = await readModel(env);
  watch.observe(model);
  const lost = ids.filter((id) => !model.has(id)).length;
  const sms = await smsDuplicates(env.stack);
  const mail = await mailDuplicates(env.stack);
  const calls = await callDuplicates(env.stack);
  return {
    fault,
    inFlight: ids.length,
    finished: ids.length - notFinished.length,
    duplicatesSent: sms.duplicates + mail + calls,
    lost,
    versionRegressions: watch.regressions.length,
    versionSamples: samplesDuringScenario,
    versionReadErrors: watch.readErrors,
    http500: stats.http500,
    details: {
      notFinished: notFinished.slice(0, 5),
      smsDuplicates: sms.duplicates,
      mailDuplicates: mail,
      calls,
      retryableAnswers: stats.retryable,
      networkErrors: stats.network,
      messages503: [...stats.messages503],
      versionReadErrorMessages: watch.readErrorMessages,
      versionRegressionsSeen: watch.regressions.slice(0, 5),
      ...details,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Scenarios

/**
 * R1.4: the worker is killed with SIGKILL while `n` complaints are being filed and handled, and a
 * new worker starts `downMs` later. Every complaint must close with exactly one acknowledgement SMS.
 */
export async function workerKill(
  env: ChaosEnv,
  o: { n: number; concurrency: number; killAfterMs: number; downMs: number },
): Promise<FaultReport> {
  const stats = newCallStats();
  const watch = new VersionWatch(env);
  watch.start();
  const t0 = Date.now();
  const driving = pool(
    Array.from({ length: o.n }, (_, i) => i),
    o.concurrency,
    async () => {
      const filed = await fileComplaint(env, stats);
      await driveToClose(env, stats, filed.ticketId);
      return filed.ticketId;
    },
  );
  await sleep(o.killAfterMs);
  const worker = env.stack.worker!;
  worker.kill('SIGKILL');
  const exit = await worker.exited;
  env.log(`worker killed (${exit.signal}) ${Date.now() - t0} ms into the run`);
  await sleep(o.downMs);
  await env.stack.startWorker();
  env.log(`new worker ready ${Date.now() - t0} ms into the run`);
  const ids = await driving;
  const report = await finish(env, 'worker SIGKILL', ids, stats, watch, (v) => closed(v) && acked(v), {
    killedBy: exit.signal,
    workerDownMs: o.downMs,
    seconds: (Date.now() - t0) / 1000,
  });
  const sms = await smsDuplicates(env.stack);
  report.details.ackSmsPerComplaint = countPerTicket(sms.sent, ids);
  return report;
}

function countPerTicket(sent: SimMessage[], ids: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const id of ids) {
    const n = sent.filter((m) => m.body.includes(id)).length;
    counts[String(n)] = (counts[String(n)] ?? 0) + 1;
  }
  return counts; // e.g. { "1": 50 } = 50 complaints with exactly one SMS
}

/**
 * The Temporal dev server is stopped while `n` complaints are open (their first-reply clocks due
 * during the outage) and started again on the same SQLite file `downMs` later: every complaint
 * carries on, every clock timer fires (a CLOCK_BREACHED entry), and each one closes.
 */
export async function temporalRestart(
  env: ChaosEnv,
  o: { n: number; concurrency: number; downMs: number; signal?: NodeJS.Signals },
): Promise<FaultReport> {
  const stats = newCallStats();
  const watch = new VersionWatch(env);
  watch.start();
  const t0 = Date.now();
  const filed = await pool(
    Array.from({ length: o.n }, (_, i) => i),
    o.concurrency,
    () => fileComplaint(env, stats),
  );
  const ids = filed.map((f) => f.ticketId);
  const unacked = await waitForAll(env, ids, acked, 60_000);
  await env.stack.stopTemporal(o.signal ?? 'SIGTERM');
  const stoppedAt = Date.now();
  env.log(`temporal stopped (${o.signal ?? 'SIGTERM'})`);
  // While it is down: intake and actions get a retryable answer.
  const duringIntake = await env.http.post<{ error?: string; message?: string }>(
    '/v1/complaints',
    intakeBody(),
    KEYS.intake,
  );
  const duringRead = await env.http.get(`/v1/complaints/${ids[0]}`, KEYS.supervisor);
  await sleep(Math.max(0, o.downMs - (Date.now() - stoppedAt)));
  await env.stack.startTemporal();
  const restartedAt = Date.now();
  env.log(`temporal started again after ${restartedAt - stoppedAt} ms`);
  const breached = await waitForAll(
    env,
    ids,
    (v) => v.timeline.some((t) => t.action === 'CLOCK_BREACHED' && t.detail === 'firstReply'),
    90_000,
  );
  await pool(ids, o.concurrency, (id) => driveToClose(env, stats, id));
  const fired = (v: ViewLite) =>
    v.timeline.some((t) => t.action === 'CLOCK_BREACHED' && t.detail === 'firstReply');
  const done = (v: ViewLite) => closed(v) && fired(v);
  const report = await finish(env, 'Temporal dev server restart', ids, stats, watch, done, {
    signal: o.signal ?? 'SIGTERM',
    downMs: restartedAt - stoppedAt,
    notAcknowledgedBeforeStop: unacked.length,
    timersNotFired: breached.length,
    intakeWhileDown: { status: duringIntake.status, body: duringIntake.body },
    readWhileDown: duringRead.status,
    seconds: (Date.now() - t0) / 1000,
  });
  return report;
}

/**
 * The database (FerretDB) is stopped for `downMs`: intake still answers 201 (a complaint is a
 * workflow), reads answer 503 with a message naming the database, and afterwards every complaint
 * filed before and during the outage is projected and acknowledged.
 */
export async function databaseDown(
  env: ChaosEnv,
  o: { before: number; during: number; downMs: number; concurrency: number },
): Promise<FaultReport> {
  const stats = newCallStats();
  const watch = new VersionWatch(env);
  watch.start();
  const t0 = Date.now();
  const before = await pool(
    Array.from({ length: o.before }, (_, i) => i),
    o.concurrency,
    () => fileComplaint(env, stats),
  );
  await env.stack.stopMongo('SIGKILL');
  const stoppedAt = Date.now();
  env.log('database stopped');
  const intakeMs: number[] = [];
  const intakeStatuses: Record<number, number> = {};
  const during = await pool(
    Array.from({ length: o.during }, (_, i) => i),
    o.concurrency,
    async () => {
      const t = Date.now();
      const f = await fileComplaint(env, stats);
      intakeMs.push(Date.now() - t);
      for (const s of f.statuses) intakeStatuses[s] = (intakeStatuses[s] ?? 0) + 1;
      return f;
    },
  );
  const readStarted = Date.now();
  const read = await env.http.get<{ error?: string; message?: string }>(
    `/v1/complaints/${before[0]!.ticketId}`,
    KEYS.supervisor,
  );
  const readMs = Date.now() - readStarted;
  const list = await env.http.get<{ error?: string; message?: string }>(
    '/v1/complaints?limit=5',
    KEYS.supervisor,
  );
  await sleep(Math.max(0, o.downMs - (Date.now() - stoppedAt)));
  await env.stack.startMongo();
  const restartedAt = Date.now();
  env.log(`database started again after ${restartedAt - stoppedAt} ms`);
  const ids = [...before, ...during].map((f) => f.ticketId);
  const report = await finish(env, 'database down', ids, stats, watch, acked, {
    downMs: restartedAt - stoppedAt,
    filedBefore: before.length,
    filedDuring: during.length,
    intakeStatusesDuring: intakeStatuses,
    intakeMsDuringMax: Math.max(...intakeMs),
    readWhileDown: { status: read.status, body: read.body, ms: readMs },
    listWhileDown: { status: list.status, body: list.body },
    seconds: (Date.now() - t0) / 1000,
  });
  report.details.caughtUpSeconds = (Date.now() - restartedAt) / 1000;
  return report;
}

/**
 * The Twilio simulator answers 5xx (and, with `slowMs`, acts but answers too late for the client)
 * for `twilioDownMs`, and the mail sink is down for `mailDownMs`, while `n` complaints are filed
 * (the fast policy breaches their first-reply clock 12 s after intake: warning, breach and
 * escalation e-mails). Every SMS and e-mail arrives exactly once after the faults; the timeline
 * shows the delay (ACK_SMS_SENT well after RECEIVED).
 */
export async function providersDown(
  env: ChaosEnv,
  o: { n: number; concurrency: number; twilioDownMs: number; mailDownMs: number; slowMs?: number },
): Promise<FaultReport> {
  const stats = newCallStats();
  const watch = new VersionWatch(env);
  watch.start();
  const sim = env.stack.urls.twilioSim;
  const t0 = Date.now();
  const fault = async (body: unknown) => {
    const res = await fetch(`${sim}/_sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`twilio simulator fault: ${res.status} ${await res.text()}`);
  };
  if (o.slowMs) await fault({ mode: 'slow', forMs: o.slowMs, delayMs: 35_000, methods: ['POST'] });
  else await fault({ mode: 'error', status: 503, forMs: o.twilioDownMs });
  await env.stack.stopMail();
  const filed = await pool(
    Array.from({ length: o.n }, (_, i) => i),
    o.concurrency,
    () => fileComplaint(env, stats),
  );
  const ids = filed.map((f) => f.ticketId);
  if (o.slowMs) {
    await sleep(o.slowMs);
    await fault({ mode: 'error', status: 503, forMs: Math.max(1, o.twilioDownMs - o.slowMs) });
  }
  await sleep(Math.max(0, o.mailDownMs - (Date.now() - t0)));
  await env.stack.startMail();
  const mailUpAt = Date.now();
  env.log(`mail sink up again after ${mailUpAt - t0} ms`);
  const faultView = (await (await fetch(`${sim}/_sim/faults`)).json()) as { hits: Record<string, number> };
  // Every complaint's breach e-mail (first-reply clock, 12 s) and escalation e-mail arrive once.
  const deadline = Date.now() + 150_000;
  let missingMail = ids;
  while (missingMail.length > 0 && Date.now() < deadline) {
    const subjects = (await sinkMails(env.stack)).map((m) => m.subject);
    missingMail = ids.filter((id) => !subjects.some((s) => s.includes(id) && s.includes('Breached')));
    if (missingMail.length > 0) await sleep(1_000);
  }
  const report = await finish(
    env,
    'Twilio 5xx and mail sink down',
    ids,
    stats,
    watch,
    acked,
    {
      twilioFaultMs: o.twilioDownMs,
      slowMs: o.slowMs ?? 0,
      mailDownMs: mailUpAt - t0,
      twilioRequestsFaulted: faultView.hits,
      breachMailMissing: missingMail.length,
    },
    // The SMS retries back off up to 5 min between attempts: after a long outage, wait for them.
    300_000,
  );
  const views = await pool(ids, 8, (id) => view(env, id));
  const delays = views
    .filter((v): v is ViewLite => v !== undefined)
    .map((v) => (at(v, 'ACK_SMS_SENT') ?? NaN) - (at(v, 'RECEIVED') ?? Date.parse(v.timeline[0]!.at)))
    .filter((d) => !Number.isNaN(d))
    .sort((a, b) => a - b);
  report.details.ackDelayMs = { min: delays[0], max: delays.at(-1), n: delays.length };
  report.finished -= missingMail.length;
  return report;
}

/**
 * The API process is restarted (SIGTERM, or SIGKILL = crash) `restarts` times while `clients`
 * simulated intake systems file complaints as fast as they can, retrying the same ticket after any
 * retryable error. Every ticket must be exactly one complaint (one workflow).
 */
export async function apiRestart(
  env: ChaosEnv,
  o: { n: number; clients: number; restarts: number; signal: NodeJS.Signals; gapMs: number },
): Promise<FaultReport & { filed: Filed[] }> {
  const stats = newCallStats();
  const watch = new VersionWatch(env);
  watch.start();
  const t0 = Date.now();
  // The clients file n complaints; until the restarts are over one of them goes on filing (4 a
  // second), so that every restart hits requests in flight however fast the machine is.
  const filed: Filed[] = [];
  let restartsDone = false;
  const filing = Promise.all(
    Array.from({ length: o.clients }, async (_, client) => {
      for (;;) {
        const more = filed.length < o.n;
        if (!more && (restartsDone || client > 0)) return;
        filed.push(await fileComplaint(env, stats));
        if (!more) await sleep(250);
      }
    }),
  );
  for (let i = 0; i < o.restarts; i++) {
    await sleep(o.gapMs);
    const t = Date.now();
    await env.stack.restartApi(o.signal);
    env.log(`api restarted (${o.signal}) in ${Date.now() - t} ms`);
  }
  restartsDone = true;
  await filing;
  const ids = filed.map((f) => f.ticketId);
  const retried = filed.filter((f) => f.statuses.length > 1);
  const report = await finish(env, `API restart (${o.signal})`, ids, stats, watch, acked, {
    restarts: o.restarts,
    clients: o.clients,
    retriedIntakes: retried.length,
    retriedAnswered200: retried.filter((f) => f.statuses.at(-1) === 200).length,
    seconds: (Date.now() - t0) / 1000,
  });
  return { ...report, filed };
}

/** A Markdown table of reports, for the script and the docs. */
export function reportTable(reports: FaultReport[]): string {
  const head =
    '| fault | in flight | finished | duplicates sent | data lost | versions backwards (samples, read errors) | HTTP 500 |\n' +
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |';
  const rows = reports.map(
    (r) =>
      `| ${r.fault} | ${r.inFlight} | ${r.finished} | ${r.duplicatesSent} | ${r.lost} | ${r.versionRegressions} (${r.versionSamples}, ${r.versionReadErrors}) | ${r.http500} |`,
  );
  return [head, ...rows].join('\n');
}
