// The soak (S10, issue 26), shared by `npm run soak` (test/soak/run.ts, a month or more) and its
// short form in `npm test` (test/integration/soak.test.ts): a seeded month of complaints compressed
// into minutes, filed at the month's own pace (fewer at night, a little fewer at weekends), handled
// by simulated handlers through the HTTP API, answered (or not) by simulated customers on the Twilio
// simulator, with bursts about one site that become mass incidents, which an actor works through
// and resolves. Meanwhile the watcher (soak-watch.ts) asks every part about once a second. Each
// round (one month) ends when every complaint reached the end its simulation expects; then it
// counts what was filed, closed and left waiting, incidents, evidence gaps, intake latency,
// duplicates sent, complaints lost and freezes.
import path from 'node:path';
import { DATASET_KINDS } from '../../activities/evidence/datasets';
import { importDataset } from '../../activities/evidence/import';
import { networkCollections } from '../../activities/evidence/mongo';
import type { Cell } from '../../domain/evidence';
import { connectMongo } from '../../activities/models';
import { generateNetworkData, load as dailyLoad, Rng } from '../../infra/network-data/generate';
import { CATEGORIES, CHANNELS } from '../../workflows/complaint/contract';
import { cpuDelta, rssMiB, stackCpu } from '../bench/machine';
import { percentile } from '../bench/stats';
import {
  callRetrying,
  driveToClose,
  fileComplaint,
  LIFECYCLE,
  mailDuplicates,
  newCallStats,
  readModel,
  sinkMails,
  smsDuplicates,
  view,
  VersionWatch,
  waitForAll,
  type CallStats,
  type ChaosEnv,
  type VersionRegression,
  type ViewLite,
} from './chaos';
import { uniqueMobile } from './fixtures';
import { stackProbes, Watcher, type WatchWindow } from './soak-watch';
import { KEYS, type TestStack } from './stack';

const DAY = 86_400_000;
const MONTH_DAYS = 30;
/** The simulated month's calendar (for its daily and weekly pace): November 2026, Beijing time. */
const MONTH_START = Date.parse('2026-11-01T00:00:00+08:00');
/** Sites kept for the bursts (the background complaints are about the other sites). */
const BURST_SITES = 8;

export interface SoakOptions {
  seed: number;
  /** Complaints of an ordinary month (the bursts come on top). */
  complaints: number;
  bursts: number;
  /** Complaints per burst, drawn between the two. */
  burstSize: [number, number];
  /** Real seconds one month takes. */
  monthSeconds: number;
  /** How long a round waits, after its last complaint, for every complaint to reach its end. */
  settleMs: number;
  /** A probe without an answer after this long is a freeze. */
  freezeMs: number;
}

export const SOAK_DEFAULTS: SoakOptions = {
  seed: 20261205,
  complaints: 300,
  bursts: 4,
  burstSize: [26, 40],
  monthSeconds: 600,
  settleMs: 600_000,
  freezeMs: 5_000,
};

/** The policy the soak's stack runs with: short contact waits, a care callback 20 s after closing. */
export const SOAK_POLICY_FILE = path.resolve(__dirname, '../fixtures/policy-soak.json');

export function soakStackEnv(): Record<string, string> {
  return { POLICY_FILE: SOAK_POLICY_FILE, MASS_INCIDENTS: 'on', RATE_LIMIT_PER_MINUTE: '1000000' };
}

// ---------------------------------------------------------------------------------------------
// The month: a deterministic plan from the seed

/**
 * How a customer behaves on the Twilio simulator. phone: answers the call and presses 1; sms: never
 * picks up, answers the SMS with 1; manual: the handler phones them himself and records the reply
 * (the care callback reaches them); silent: answers nothing (the complaint waits, RESOLVED).
 */
export type Persona = 'phone' | 'sms' | 'manual' | 'silent';
const PERSONAS: Persona[] = ['phone', 'sms', 'manual', 'silent'];
const PERSONA_WEIGHTS = [40, 20, 30, 10];
const SCRIPTS: Record<Persona | 'burst', Record<string, unknown>> = {
  phone: { call: 'answer', digits: '1' },
  sms: { call: 'no-answer', smsReply: { body: '1', afterMs: 1_000, maxReplies: 5 } },
  manual: { call: 'answer', digits: '1' },
  silent: { call: 'no-answer' },
  burst: { call: 'answer', digits: '1', smsReply: { body: '1', afterMs: 500, maxReplies: 5 } },
};

export interface PlannedComplaint {
  /** Real time from the round's start. */
  atMs: number;
  persona: Persona | 'burst';
  /** Intake fields over intakeBody()'s. */
  over: Record<string, unknown>;
  /** How long the handler leaves it before acting (real time). */
  thinkMs: number;
}

export interface PlannedBurst {
  atMs: number;
  siteId: string;
  complaints: PlannedComplaint[];
  /** How long the incident's owner takes before resolving (real time). */
  thinkMs: number;
}

export interface MonthPlan {
  round: number;
  background: PlannedComplaint[];
  bursts: PlannedBurst[];
  /** Real time of the last intake. */
  lastAtMs: number;
}

function weighted<T>(rng: Rng, items: readonly T[], weights: number[]): T {
  let x = rng.uniform(
    0,
    weights.reduce((s, w) => s + w, 0),
  );
  for (let i = 0; i < items.length; i++) if ((x -= weights[i]!) < 0) return items[i]!;
  return items[items.length - 1]!;
}

function intakeOver(rng: Rng, cell: Cell, byCell: boolean, categories: readonly string[]) {
  const location = byCell
    ? { region: cell.region, cellId: cell.cellId }
    : {
        region: cell.region,
        address: `北京市${cell.region}测试小区${rng.int(1, 40)}号楼`,
        coordinates: { lat: cell.lat + rng.uniform(-3e-4, 3e-4), lng: cell.lng + rng.uniform(-3e-4, 3e-4) },
      };
  return {
    channel: weighted(rng, CHANNELS, [40, 30, 15, 10, 5]),
    category: rng.pick(categories),
    location,
    occurrence: {
      since: new Date(Date.now() - rng.uniform(0.5, 6) * DAY).toISOString(),
      frequency: rng.pick(['ALWAYS', 'DAILY', 'INTERMITTENT']),
    },
  };
}

/**
 * Round `round`'s month: `complaints` arrivals drawn over 30 days at the daily pace of the network
 * data generator, about the cells of the ordinary sites (a fifth located by coordinates only), and
 * `bursts` bursts spread over the month, each about one of the kept sites.
 */
export function planMonth(o: SoakOptions, round: number, cells: Cell[]): MonthPlan {
  const rng = new Rng(o.seed + round * 7919);
  const scale = (o.monthSeconds * 1000) / (MONTH_DAYS * DAY);
  const real = (monthMs: number) => Math.max(300, Math.round(monthMs * scale));
  const sites = [...new Set(cells.map((c) => c.siteId))].sort();
  const kept = sites.slice(-BURST_SITES);
  const ordinary = cells.filter((c) => !kept.includes(c.siteId));
  const background: PlannedComplaint[] = [];
  while (background.length < o.complaints) {
    const t = rng.uniform(0, MONTH_DAYS * DAY);
    if (!rng.chance(dailyLoad(MONTH_START + t))) continue;
    background.push({
      atMs: Math.round(t * scale),
      persona: weighted(rng, PERSONAS, PERSONA_WEIGHTS),
      over: intakeOver(rng, rng.pick(ordinary), rng.chance(0.8), CATEGORIES),
      thinkMs: real(rng.uniform(0.5, 12) * 3_600_000),
    });
  }
  background.sort((a, b) => a.atMs - b.atMs);
  const bursts: PlannedBurst[] = [];
  for (let b = 0; b < o.bursts; b++) {
    const atMs = Math.round(((b + 0.25 + 0.5 * rng.uniform()) / o.bursts) * o.monthSeconds * 1000);
    const siteId = kept[(round * o.bursts + b) % kept.length]!;
    const siteCells = cells.filter((c) => c.siteId === siteId);
    const size = rng.int(o.burstSize[0], o.burstSize[1]);
    bursts.push({
      atMs,
      siteId,
      thinkMs: real(rng.uniform(1, 4) * 3_600_000),
      complaints: Array.from({ length: size }, () => ({
        atMs: atMs + Math.round(rng.uniform(0, 3_000)),
        persona: 'burst' as const,
        over: intakeOver(rng, rng.pick(siteCells), true, ['NO_SIGNAL', 'DROPPED_CALLS', 'NO_DATA']),
        thinkMs: 0,
      })),
    });
  }
  const all = [...background, ...bursts.flatMap((b) => b.complaints)];
  return { round, background, bursts, lastAtMs: Math.max(0, ...all.map((c) => c.atMs)) };
}

// ---------------------------------------------------------------------------------------------
// The stack's network data (so that the evidence has cells, alarms, KPIs … to find)

/** Loads the synthetic city's network data (a week of it) into the stack's database; its cells. */
export async function loadNetworkData(stack: TestStack): Promise<Cell[]> {
  const { data } = generateNetworkData({ days: 7 });
  const mongo = await connectMongo(stack.env.MONGODB_URI!);
  try {
    for (const kind of DATASET_KINDS) {
      const r = await importDataset(networkCollections(mongo), kind, 'json', data[kind], {
        replaceAll: true,
      });
      if (r.rejectedTotal > 0) throw new Error(`${kind}: ${r.rejectedTotal} rows rejected`);
    }
  } finally {
    await mongo.close();
  }
  return data.cells;
}

// ---------------------------------------------------------------------------------------------
// Driving a round

type End = 'closed' | 'waiting';

interface SourceResultLite {
  ok: boolean;
  total?: number;
  gap?: string;
}
export interface SoakView extends ViewLite {
  replies: { kind: string; counts: boolean }[];
  careCallback?: { answer?: string };
  evidence?: {
    cells: { gaps: string[] };
    bundle: Partial<Record<EvidenceSource, SourceResultLite>>;
  };
}

const EVIDENCE_SOURCES = ['kpis', 'alarms', 'changes', 'interference', 'chr'] as const;
type EvidenceSource = (typeof EVIDENCE_SOURCES)[number];
export type GapKind = 'timeout' | 'error' | 'unlocated' | 'noData';

interface Tracked {
  ticketId: string;
  persona: Persona | 'burst';
  expected: End;
  intakeMs: number;
  retried: boolean;
  burst: boolean;
  error?: string;
}

export interface RoundReport {
  round: number;
  seconds: number;
  filed: { total: number; background: number; burst: number };
  closed: number;
  /** Customers who never answered: RESOLVED after the contact gave up, as simulated. */
  waiting: number;
  notAtEnd: {
    ticketId: string;
    persona: Persona | 'burst';
    expected: End;
    stage?: string;
    /** The last steps on its timeline. */
    last?: string[];
    error?: string;
  }[];
  /** Complaints the simulation could not file (the intake never accepted them). */
  notFiled: string[];
  incidents: { expected: number; started: number; resolved: number; closed: number; errors: string[] };
  /** Per evidence source (and the cell location): complaints whose source timed out, failed, … */
  evidenceGaps: Record<string, Record<GapKind, number>>;
  evidenceMissing: number;
  intakeMs: { n: number; p50: number; p95: number; max: number; retried: number };
  /** Extra copies sent so far (SMS and e-mails), in the whole run; which ones, when there are. */
  duplicates: { sms: number; mail: number; which?: string[] };
  /** Accepted but missing from the read model. */
  lost: string[];
  /** The read model could not be listed at the round's end (then `lost` is unknown). */
  readModelError?: string;
  /** Projection versions the list probe saw going back this round: which, when, from, to. */
  versionsBackwards: VersionRegression[];
  http: { retryable: Record<number, number>; http500: number; network: number };
  watch: WatchWindow;
  cpuSeconds: [string, number][];
  rssMiB: { worker: number; api: number };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** How often the simulated people look at a complaint they wait on (their reads are load too). */
const POLL_MS = 5_000;

/** `fn` again every 2 s while it throws (a 503 under load), for at most `ms`. */
async function patiently<T>(fn: () => Promise<T>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(2_000);
    }
  }
}
const sleepUntil = (at: number) => sleep(Math.max(0, at - Date.now()));
const counted = (v: SoakView) => v.replies?.some((r) => r.kind === 'FINAL' && r.counts) ?? false;
const contactFailed = (v: ViewLite) => v.timeline.some((t) => t.action === 'CONTACT_FAILED');
const reached = (expected: End, v: SoakView) =>
  expected === 'closed'
    ? v.stage === 'CLOSED' && v.careCallback?.answer !== undefined
    : v.stage === 'RESOLVED' && contactFailed(v);

async function setCustomer(env: ChaosEnv, number: string, script: Record<string, unknown>) {
  const res = await fetch(`${env.stack.urls.twilioSim}/_sim/customers/${encodeURIComponent(number)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(script),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`twilio simulator: customer ${number}: HTTP ${res.status}`);
}

const FINAL_MESSAGE = '您反映的网络问题已处理：基站供电已恢复并复测正常，请您确认';

export class Soak {
  readonly env: ChaosEnv;
  readonly stats: CallStats = newCallStats();
  readonly versions: VersionWatch;
  readonly watcher: Watcher;
  private readonly closeProbes: () => Promise<void>;
  private newest: string | undefined;

  private constructor(
    readonly stack: TestStack,
    readonly o: SoakOptions,
    readonly cells: Cell[],
    log: (m: string) => void,
  ) {
    this.env = { stack, http: stack.http, log };
    this.versions = new VersionWatch(this.env);
    const { probes, close } = stackProbes(stack, {
      freezeMs: o.freezeMs,
      recentTicket: () => this.newest,
      versions: this.versions,
    });
    this.closeProbes = close;
    this.watcher = new Watcher(probes, { intervalMs: 1_000, freezeMs: o.freezeMs });
  }

  /** Loads the network data and starts the watcher. */
  static async start(stack: TestStack, o: SoakOptions, log: (m: string) => void = () => undefined) {
    const soak = new Soak(stack, o, await loadNetworkData(stack), log);
    soak.watcher.start();
    return soak;
  }

  async stop(): Promise<void> {
    await this.watcher.stop();
    await this.closeProbes();
  }

  private async file(p: PlannedComplaint, t0: number, into: Tracked[]): Promise<Tracked> {
    await sleepUntil(t0 + p.atMs);
    const number = uniqueMobile();
    await setCustomer(this.env, number, SCRIPTS[p.persona]);
    const started = performance.now();
    const filed = await fileComplaint(this.env, this.stats, {
      ...p.over,
      numbers: { callback: number, calling: number },
    });
    const t: Tracked = {
      ticketId: filed.ticketId,
      persona: p.persona,
      expected: p.persona === 'silent' ? 'waiting' : 'closed',
      intakeMs: performance.now() - started,
      retried: filed.statuses.length > 1,
      burst: p.persona === 'burst',
    };
    into.push(t);
    this.newest = t.ticketId;
    return t;
  }

  /** A handler works the complaint: triage, findings, resolve, the final reply, close. */
  private async handle(p: PlannedComplaint, t: Tracked): Promise<void> {
    await sleep(p.thinkMs);
    const { env, stats } = this;
    const id = t.ticketId;
    if (p.persona === 'manual') {
      await driveToClose(env, stats, id, KEYS.supervisor);
      return;
    }
    await driveToClose(env, stats, id, KEYS.supervisor, LIFECYCLE.slice(0, 3));
    const body = { purpose: 'FINAL_REPLY', channel: 'PHONE_FIRST', message: FINAL_MESSAGE };
    const c = await callRetrying(env.http, stats, 'POST', `/v1/complaints/${id}/contact`, {
      key: KEYS.supervisor,
      body,
    });
    // A 409 to a retry: an earlier attempt started the contact, only its answer was lost.
    if (c.status !== 200 && !(c.status === 409 && c.attempts > 1))
      throw new Error(`contact: HTTP ${c.status} ${JSON.stringify(c.body).slice(0, 200)}`);
    const outcome = (v: ViewLite) => counted(v as SoakView) || contactFailed(v);
    if ((await waitForAll(env, [id], outcome, 300_000, POLL_MS)).length)
      throw new Error('the contact had no outcome in 300 s');
    const v = (await view(env, id)) as SoakView | undefined;
    if (v && counted(v)) await driveToClose(env, stats, id, KEYS.supervisor, [['close', {}]]);
  }

  private async background(p: PlannedComplaint, t0: number, into: Tracked[], errors: string[]) {
    let t: Tracked | undefined;
    try {
      t = await this.file(p, t0, into);
      await this.handle(p, t);
    } catch (err) {
      if (t) t.error = (err as Error).message;
      else errors.push((err as Error).message);
    }
  }

  /** The burst is filed; its incident's owner works the checklist, resolves, and closes it. */
  private async burst(b: PlannedBurst, t0: number, into: Tracked[], errors: string[]): Promise<string[]> {
    const mine: Tracked[] = [];
    await Promise.all(
      b.complaints.map((p) =>
        this.file(p, t0, mine).catch((err: Error) => void errors.push(`burst: ${err.message}`)),
      ),
    );
    into.push(...mine);
    const { env, stats } = this;
    const filedAt = Date.now();
    const since = () => `${((Date.now() - filedAt) / 1000).toFixed(0)} s after the burst`;
    env.log(`burst: ${mine.length} complaints about site ${b.siteId} filed`);
    const problems: string[] = [];
    const act = async (incidentId: string, step: string, body: unknown) => {
      const url = `/v1/incidents/${encodeURIComponent(incidentId)}/${step}`;
      const r = await callRetrying(env.http, stats, 'POST', url, { key: KEYS.supervisor, body });
      if (r.status !== 200)
        throw new Error(`incident ${step}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
    };
    try {
      const deadline = Date.now() + 300_000;
      let incidentId: string | undefined;
      while (!incidentId && Date.now() < deadline) {
        const r = await env.http.get<{ items?: { incidentId: string; complaintCount: number }[] }>(
          `/v1/incidents?stage=ACTIVE&areaKey=${encodeURIComponent(`site:${b.siteId}`)}`,
          KEYS.supervisor,
        );
        incidentId = r.body.items?.find((i) => i.complaintCount >= mine.length)?.incidentId;
        if (!incidentId) await sleep(2_000);
      }
      if (!incidentId)
        throw new Error(`no incident with all ${mine.length} complaints of site ${b.siteId} in 300 s`);
      env.log(`${incidentId}: all ${mine.length} complaints linked ${since()}`);
      await act(incidentId, 'owner', {});
      await sleep(b.thinkMs);
      const checklist = await patiently(async () => {
        const r = await env.http.get<{ checklist: { id: string; done: boolean }[] }>(
          `/v1/incidents/${encodeURIComponent(incidentId)}`,
          KEYS.supervisor,
        );
        if (r.status !== 200) throw new Error(`incident answered ${r.status}`);
        return r.body.checklist;
      });
      for (const item of checklist.filter((i) => !i.done && i.id !== 'customerMessage'))
        await act(incidentId, 'checklist', { item: item.id, done: true, note: '已核查' });
      await act(incidentId, 'resolve', {
        customerMessage: '您所在区域的基站传输故障已修复，网络已恢复正常，给您带来不便深表歉意。',
        summary: '传输光缆被施工挖断，已熔接恢复',
      });
      env.log(`${incidentId}: resolved ${since()}`);
      const ids = mine.map((t) => t.ticketId);
      const open = await waitForAll(env, ids, (v) => v.stage === 'CLOSED', 600_000, POLL_MS);
      if (open.length) problems.push(`${open.length} complaints of ${incidentId} not closed in 600 s`);
      await act(incidentId, 'close', {
        rootCause: '施工挖断传输光缆导致基站退服',
        preventiveMeasures: ['与市政施工单位建立光缆路由报备机制'],
      });
      env.log(`${incidentId}: every complaint closed, incident closed ${since()}`);
    } catch (err) {
      problems.push((err as Error).message);
    }
    return problems;
  }

  /** One month: files and handles every complaint of the plan, waits for their ends, counts. */
  async round(plan: MonthPlan): Promise<RoundReport> {
    const { env } = this;
    const t0 = Date.now();
    const cpu0 = stackCpu(path.dirname(env.stack.logDir));
    const regressions0 = this.versions.regressions.length;
    const stats0 = {
      retryable: { ...this.stats.retryable },
      http500: this.stats.http500,
      network: this.stats.network,
    };
    const tracked: Tracked[] = [];
    const notFiled: string[] = [];
    const incidentErrors: string[] = [];
    const driving = Promise.all([
      ...plan.background.map(async (p) => {
        await this.background(p, t0, tracked, notFiled);
      }),
      ...plan.bursts.map(async (b) => {
        incidentErrors.push(...(await this.burst(b, t0, tracked, notFiled)));
      }),
    ]);
    const planned = plan.background.length + plan.bursts.reduce((n, b) => n + b.complaints.length, 0);
    const progress = setInterval(() => {
      const w = this.watcher.since(t0);
      env.log(
        `round ${plan.round + 1}: filed ${tracked.length}/${planned}, freezes ${w.freezes.length}, ` +
          `watcher samples ${Math.min(...Object.values(w.probes).map((p) => p.samples))}`,
      );
    }, 60_000);
    const deadline = t0 + plan.lastAtMs + this.o.settleMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      driving.then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), Math.max(0, deadline - Date.now())))),
    ]);
    clearTimeout(timer);
    if (timedOut) env.log('round: the simulated people were still at work at the settle deadline');
    const expected = new Map(tracked.map((t) => [t.ticketId, t]));
    const ids = [...expected.keys()];
    // The last view of each complaint the settling saw (the one that showed it at its end).
    const views = new Map<string, SoakView>();
    const settled = (v: ViewLite) => {
      views.set(v.ticketId, v as SoakView);
      return reached(expected.get(v.ticketId)!.expected, v as SoakView);
    };
    await waitForAll(env, ids, settled, Math.max(5_000, deadline - Date.now()), POLL_MS);
    clearInterval(progress);
    let model: Awaited<ReturnType<typeof readModel>> | undefined;
    let readModelError: string | undefined;
    try {
      model = await patiently(() => readModel(env));
      this.versions.observe(model);
    } catch (err) {
      readModelError = (err as Error).message;
    }

    const notAtEnd: RoundReport['notAtEnd'] = [];
    let closed = 0;
    let waiting = 0;
    for (const t of tracked) {
      const v = views.get(t.ticketId);
      if (v?.stage === 'CLOSED') closed += 1;
      if (v && t.expected === 'waiting' && reached('waiting', v)) waiting += 1;
      if (!v || !reached(t.expected, v))
        notAtEnd.push({
          ticketId: t.ticketId,
          persona: t.persona,
          expected: t.expected,
          stage: v?.stage,
          ...(v
            ? { last: v.timeline.slice(-3).map((e) => `${e.action}${e.detail ? ` ${e.detail}` : ''}`) }
            : {}),
          ...(t.error ? { error: t.error } : {}),
        });
    }
    const incidents = await patiently(() => this.incidentsSince(t0));
    const sms = await smsDuplicates(env.stack);
    const mail = await mailDuplicates(env.stack);
    const latencies = tracked.map((t) => t.intakeMs).sort((a, b) => a - b);
    return {
      round: plan.round,
      seconds: (Date.now() - t0) / 1000,
      filed: {
        total: tracked.length,
        background: tracked.filter((t) => !t.burst).length,
        burst: tracked.filter((t) => t.burst).length,
      },
      closed,
      waiting,
      notAtEnd,
      notFiled,
      incidents: { expected: plan.bursts.length, ...incidents, errors: incidentErrors },
      ...evidenceFigures([...views.values()]),
      intakeMs: {
        n: latencies.length,
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        max: latencies.at(-1) ?? NaN,
        retried: tracked.filter((t) => t.retried).length,
      },
      duplicates: {
        sms: sms.duplicates,
        mail,
        ...(sms.duplicates + mail > 0 ? { which: await duplicated(env, sms.sent) } : {}),
      },
      lost: model ? ids.filter((id) => !model.has(id)) : [],
      ...(readModelError ? { readModelError } : {}),
      versionsBackwards: this.versions.regressions.slice(regressions0),
      http: {
        retryable: Object.fromEntries(
          Object.entries(this.stats.retryable).map(([k, n]) => [k, n - (stats0.retryable[Number(k)] ?? 0)]),
        ),
        http500: this.stats.http500 - stats0.http500,
        network: this.stats.network - stats0.network,
      },
      watch: this.watcher.since(t0),
      cpuSeconds: cpuDelta(cpu0, stackCpu(path.dirname(env.stack.logDir))),
      rssMiB: { worker: rssMiB(env.stack.worker?.pid), api: rssMiB(env.stack.api?.pid) },
    };
  }

  private async incidentsSince(t0: number) {
    const r = await this.env.http.get<{ items: { stage: string; startedAt: string }[] }>(
      '/v1/incidents?limit=200',
      KEYS.supervisor,
    );
    if (r.status !== 200) throw new Error(`incident list answered ${r.status}`);
    const mine = r.body.items.filter((i) => Date.parse(i.startedAt) >= t0);
    return {
      started: mine.length,
      resolved: mine.filter((i) => i.stage !== 'OPEN').length,
      closed: mine.filter((i) => i.stage === 'CLOSED').length,
    };
  }
}

/** What was sent more than once: e-mails by idempotency key (and subject), SMS by number and text. */
async function duplicated(env: ChaosEnv, sms: { to: string; body: string }[]): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const m of await sinkMails(env.stack)) {
    const key = m.headers['x-closedloop-key'];
    if (key && seen.has(key)) out.push(`e-mail ${key} "${m.subject}" at ${m.receivedAt}`);
    if (key) seen.add(key);
  }
  for (const m of sms) {
    const id = `${m.to}: ${m.body}`;
    if (seen.has(id)) out.push(`SMS to ${id.slice(0, 120)}`);
    seen.add(id);
  }
  return out;
}

function gapKind(r: SourceResultLite | undefined): GapKind | undefined {
  if (!r) return undefined;
  if (r.ok) return r.total === 0 ? 'noData' : undefined;
  if (r.gap?.includes('超时')) return 'timeout';
  if (r.gap?.includes('未定位')) return 'unlocated';
  return 'error';
}

/** Which source of the pre-diagnosis evidence timed out, failed, had no cell to ask or no data. */
function evidenceFigures(views: (SoakView | undefined)[]) {
  const gaps: Record<string, Record<GapKind, number>> = {};
  const add = (source: string, kind: GapKind | undefined) => {
    if (!kind) return;
    gaps[source] ??= { timeout: 0, error: 0, unlocated: 0, noData: 0 };
    gaps[source][kind] += 1;
  };
  let missing = 0;
  for (const v of views) {
    if (!v?.evidence) {
      missing += 1;
      continue;
    }
    for (const gap of v.evidence.cells.gaps ?? [])
      add('location', gap.includes('超时') ? 'timeout' : gap.includes('工参') ? 'noData' : 'error');
    for (const s of EVIDENCE_SOURCES) add(s, gapKind(v.evidence.bundle[s]));
  }
  return { evidenceGaps: gaps, evidenceMissing: missing };
}

// ---------------------------------------------------------------------------------------------
// Printing and judging

const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : 'n/a');

/** e.g. " (complaint list 60, database 4)". */
function freezesBy(w: WatchWindow): string {
  const by = new Map<string, number>();
  for (const f of w.freezes) by.set(f.probe, (by.get(f.probe) ?? 0) + 1);
  return by.size ? ` (${[...by].map(([p, n]) => `${p} ${n}`).join(', ')})` : '';
}

/** What a round did, as the script prints it (and the test logs it). */
export function formatRound(r: RoundReport, of?: number): string[] {
  const w = r.watch;
  const gaps = Object.entries(r.evidenceGaps)
    .map(
      ([s, k]) =>
        `${s} ${Object.entries(k)
          .filter(([, n]) => n > 0)
          .map(([kind, n]) => `${kind} ${n}`)
          .join('/')}`,
    )
    .join('; ');
  const probes = Object.entries(w.probes)
    .map(
      ([name, p]) =>
        `${name} ${p.samples} (p95 ${f0(p.p95)} ms, max ${f0(p.max)} ms${p.errors ? `, ${p.errors} errors: ${p.lastError}` : ''})`,
    )
    .join('; ');
  const samples = Math.min(...Object.values(w.probes).map((p) => p.samples));
  const healthz = w.probes.healthz;
  return [
    `round ${r.round + 1}${of ? `/${of}` : ''} (${r.seconds.toFixed(0)} s): filed ${r.filed.total} (${r.filed.background} ordinary, ${r.filed.burst} in bursts), closed ${r.closed}, waiting on a silent customer ${r.waiting}, not at their expected end ${r.notAtEnd.length}, not filed ${r.notFiled.length}`,
    `  incidents: started ${r.incidents.started} (expected ${r.incidents.expected}), resolved ${r.incidents.resolved}, closed ${r.incidents.closed}${r.incidents.errors.length ? `; problems: ${r.incidents.errors.join('; ')}` : ''}`,
    `  evidence gaps by source (complaints): ${gaps || 'none'}; no evidence at all ${r.evidenceMissing}`,
    `  intake latency: p50 ${f0(r.intakeMs.p50)} ms, p95 ${f0(r.intakeMs.p95)} ms, max ${f0(r.intakeMs.max)} ms (n ${r.intakeMs.n}, retried ${r.intakeMs.retried})`,
    `  duplicates sent (whole run): SMS ${r.duplicates.sms}, e-mail ${r.duplicates.mail}; lost ${r.lost.length}; projection versions backwards ${r.versionsBackwards.length}${r.readModelError ? `; read model not listed: ${r.readModelError}` : ''}`,
    ...r.versionsBackwards
      .slice(0, 10)
      .map(
        (v) =>
          `    version back: ${v.at} ${v.ticketId} ${v.from} -> ${v.to}, read by id right after: ${v.thenVersion ?? '?'}`,
      ),
    ...(r.duplicates.which ?? []).slice(0, 10).map((d) => `    sent twice: ${d}`),
    `  freezes (a probe without an answer in ${w.freezeMs} ms): ${w.freezes.length}${freezesBy(w)}`,
    ...w.freezes
      .slice(0, 10)
      .map(
        (f) =>
          `    ${f.at} ${f.probe} ${f.ms} ms${f.error ? ` (${f.error})` : ''}${f.ownLagMs ? `, this process stalled ${f.ownLagMs} ms` : ''}`,
      ),
    ...(w.freezes.length > 10 ? [`    … ${w.freezes.length - 10} more`] : []),
    `  watcher: ${samples} samples per probe in ${w.seconds.toFixed(0)} s; /healthz slower than 1 s ${healthz?.overOneSecond ?? 0}; own event-loop stall max ${w.ownLagMaxMs} ms`,
    `  probes: ${probes}`,
    `  HTTP: retryable answers ${JSON.stringify(r.http.retryable)}, 500s ${r.http.http500}, no connection ${r.http.network}; CPU s: ${r.cpuSeconds.map(([k, s]) => `${k === 'bench' ? 'soak driver' : k} ${s.toFixed(0)}`).join(', ')}; RSS MiB: worker ${f0(r.rssMiB.worker)}, API ${f0(r.rssMiB.api)}`,
    ...r.notAtEnd
      .slice(0, 5)
      .map(
        (n) =>
          `  not at end: ${n.ticketId} (${n.persona} customer) expected ${n.expected}, stage ${n.stage ?? '?'}${n.error ? ` (${n.error})` : ''}${n.last ? `; last: ${n.last.join(' | ')}` : ''}`,
      ),
    ...r.notFiled.slice(0, 3).map((e) => `  not filed: ${e}`),
  ];
}

/** What makes a round fail: a freeze, a loss, a duplicate, a complaint or incident not where expected. */
export function problemsOf(r: RoundReport): string[] {
  const p: string[] = [];
  if (r.watch.freezes.length) p.push(`${r.watch.freezes.length} freezes`);
  if (r.lost.length) p.push(`${r.lost.length} lost`);
  if (r.readModelError) p.push(`read model not listed: ${r.readModelError}`);
  if (r.duplicates.sms + r.duplicates.mail) p.push(`${r.duplicates.sms + r.duplicates.mail} duplicates sent`);
  if (r.notAtEnd.length) p.push(`${r.notAtEnd.length} complaints not at their expected end`);
  if (r.notFiled.length) p.push(`${r.notFiled.length} complaints not filed`);
  if (r.versionsBackwards.length) p.push(`${r.versionsBackwards.length} projection versions backwards`);
  if (r.incidents.started !== r.incidents.expected || r.incidents.closed !== r.incidents.expected)
    p.push(
      `incidents started ${r.incidents.started}, closed ${r.incidents.closed}, expected ${r.incidents.expected}`,
    );
  return p;
}
