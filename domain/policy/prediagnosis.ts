// Pre-diagnosis (R3.2, R3.5, R3.6): pure functions from gathered network evidence to ranked
// hypotheses, each with the evidence for and against it and their weights, in sentences with the
// numbers, and the draft of the work-order reply's "what was checked / what was found" (R4.6).
// The rules read only what the complaint keeps (storedEvidence: per-cell summaries, the serving
// cell's hours, the alarms and changes that matter, the complaint's own words and time pattern), so
// the stored pre-diagnosis is exactly the rules re-run on the stored evidence (rediagnose).
// docs/diagnosis.md explains every rule. No Temporal imports, no I/O.
import type {
  Alarm,
  AlarmSeverity,
  CellKpiSummary,
  CellLocation,
  CellNoiseSummary,
  ChangeEvent,
  ChangeKind,
  ChrRecord,
  ComplaintHints,
  EvidenceBundle,
  EvidenceOutcome,
  EvidenceQuery,
  HourlySeries,
  Hypothesis,
  HypothesisCause,
  InterferenceSample,
  KpiSample,
  SourceName,
  SourceResult,
  TimeWindow,
  WeighedEvidence,
  WorkOrderDraft,
} from '../evidence';
import type { ComplaintInput } from '../complaint-input';
import {
  changeLookbackHours,
  DEFAULT_DIAGNOSIS_RULES,
  type AlarmRule,
  type CapacityRule,
  type ChangeRule,
  type ChrRule,
  type CoverageRule,
  type DiagnosisRule,
  type DiagnosisRules,
  type InterferenceRule,
  type NoRadioRule,
  type Scope,
} from './diagnosis-rules';

const H = 3_600_000;
const DAY = 24 * H;
const LOCAL_OFFSET_MS = 8 * H; // Asia/Shanghai (no DST)
export const DEFAULT_WINDOW_DAYS = 7;
export const MAX_WINDOW_DAYS = 31;

// ---------------------------------------------------------------------------------------------
// Window and query

/**
 * The complaint's evidence window: from when it started happening (occurrence.since, else 7 days
 * before intake) to intake; at most 31 days, at least one hour.
 */
export function evidenceWindow(input: Pick<ComplaintInput, 'occurrence' | 'receivedAt'>): TimeWindow {
  const to = Date.parse(input.receivedAt);
  const since = input.occurrence.since ? Date.parse(input.occurrence.since) : NaN;
  let from = Number.isFinite(since) ? since : to - DEFAULT_WINDOW_DAYS * DAY;
  from = Math.min(Math.max(from, to - MAX_WINDOW_DAYS * DAY), to - H);
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** The evidence query for a located complaint: serving cell first, then neighbours. */
export function buildEvidenceQuery(
  input: Pick<ComplaintInput, 'ticketId' | 'customer' | 'numbers'>,
  location: CellLocation,
  window: TimeWindow,
  rules: DiagnosisRules = DEFAULT_DIAGNOSIS_RULES,
): EvidenceQuery {
  const cells = unique([location.servingCellId, ...location.neighbours.map((c) => c.cellId)]);
  const siteIds = unique([location.servingSiteId, ...location.neighbours.map((c) => c.siteId)]);
  const vip = input.customer.vipLevel > 0;
  return {
    ticketId: input.ticketId,
    cells,
    siteIds,
    window,
    lookbackHours: changeLookbackHours(rules),
    vip,
    ...(vip ? { msisdn: input.numbers.callback } : {}),
  };
}

function unique(xs: (string | undefined)[]): string[] {
  const out: string[] = [];
  for (const x of xs) if (x && !out.includes(x)) out.push(x);
  return out;
}

/** What the rules read of the complaint: category, words, time pattern, terminal, intake time. */
export function complaintHints(
  input: Pick<ComplaintInput, 'category' | 'description' | 'occurrence' | 'terminal' | 'receivedAt'>,
): ComplaintHints {
  return {
    category: input.category,
    description: input.description,
    occurrence: input.occurrence,
    ...(input.terminal ? { terminal: input.terminal } : {}),
    receivedAt: input.receivedAt,
  };
}

/** The bundle of one gathering, as the workflow step and the evaluation assemble it. */
export function assembleBundle(
  input: Pick<ComplaintInput, 'category' | 'description' | 'occurrence' | 'terminal' | 'receivedAt'>,
  location: CellLocation,
  query: EvidenceQuery,
  results: {
    kpis: SourceResult<KpiSample>;
    alarms: SourceResult<Alarm>;
    changes: SourceResult<ChangeEvent>;
    interference: SourceResult<InterferenceSample>;
    chr?: SourceResult<ChrRecord>;
  },
): EvidenceBundle {
  const { kpis, alarms, changes, interference, chr } = results;
  return {
    query,
    location,
    kpis,
    alarms,
    changes,
    interference,
    ...(chr ? { chr } : {}),
    kpiSummary: [],
    gaps: gapsOf(location, [kpis, alarms, changes, interference, ...(chr ? [chr] : [])]),
    complaint: complaintHints(input),
  };
}

// ---------------------------------------------------------------------------------------------
// Summaries: what the complaint keeps of the hourly data

const median = (xs: number[]) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const quantile = (xs: number[], q: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))]!;
};
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

export function localHourOf(iso: string): number {
  return new Date(Date.parse(iso) + LOCAL_OFFSET_MS).getUTCHours();
}
const localHourMs = (ms: number) => new Date(ms + LOCAL_OFFSET_MS).getUTCHours();

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return m;
}

/** Per cell: the busy hour (local hour of day with the highest mean PRB), window medians, PRB by hour. */
export function summariseKpis(samples: KpiSample[]): CellKpiSummary[] {
  const out: CellKpiSummary[] = [];
  for (const [cellId, rows] of groupBy(samples, (s) => s.cellId)) {
    const byHour = groupBy(rows, (r) => String(localHourOf(r.hour)));
    let busyHour = 0;
    let busyPrb = -1;
    const prbByHour: (number | null)[] = Array.from({ length: 24 }, () => null);
    for (const [h, hs] of byHour) {
      const prb = mean(hs.map((x) => x.prbUtilisationDl));
      prbByHour[Number(h)] = Math.round(prb);
      if (prb > busyPrb || (prb === busyPrb && Number(h) < busyHour)) [busyHour, busyPrb] = [Number(h), prb];
    }
    const busy = byHour.get(String(busyHour)) ?? [];
    const med = (f: (k: KpiSample) => number) => round(median(rows.map(f)), 2);
    const near = (h: number) => Math.min(Math.abs(h - busyHour), 24 - Math.abs(h - busyHour)) <= 1;
    const days = groupBy(
      rows.filter((r) => near(localHourOf(r.hour))),
      (r) => new Date(Date.parse(r.hour) + LOCAL_OFFSET_MS).toISOString().slice(0, 10),
    );
    const busyHourPrbByDay = [...days.keys()]
      .sort()
      .map((d) => Math.round(Math.max(...days.get(d)!.map((r) => r.prbUtilisationDl))));
    out.push({
      cellId,
      hours: rows.length,
      busyHour,
      busyHourPrbDl: round(busyPrb, 1),
      busyHourThroughputDlMbps: round(mean(busy.map((x) => x.throughputDlMbps)), 1),
      rrcSetupSuccessRate: round(mean(rows.map((x) => x.rrcSetupSuccessRate)), 2),
      erabSetupSuccessRate: round(mean(rows.map((x) => x.erabSetupSuccessRate)), 2),
      dropRate: round(mean(rows.map((x) => x.dropRate)), 2),
      rsrpP10: med((x) => x.rsrpP10),
      rsrpP50: med((x) => x.rsrpP50),
      sinrP50: med((x) => x.sinrP50),
      ulInterferenceDbm: med((x) => x.ulInterferenceDbm),
      prbByHour,
      busyHourPrbByDay,
    });
  }
  return out;
}

/** Uplink noise per cell: the interference analysis where it has the cell, else the KPIs' figure. */
export function summariseNoise(kpis: KpiSample[], interference: InterferenceSample[]): CellNoiseSummary[] {
  const analysed = groupBy(interference, (i) => i.cellId);
  const fromKpis = groupBy(kpis, (k) => k.cellId);
  const out: CellNoiseSummary[] = [];
  const cells = [...new Set([...analysed.keys(), ...fromKpis.keys()])];
  for (const cellId of cells) {
    const a = analysed.get(cellId);
    const rows = a
      ? a.map((i) => ({ hour: i.hour, dbm: i.ulNoiseDbm, source: i.source }))
      : fromKpis.get(cellId)!.map((k) => ({ hour: k.hour, dbm: k.ulInterferenceDbm, source: undefined }));
    const values = rows.map((r) => r.dbm);
    const byHour: (number | null)[] = Array.from({ length: 24 }, () => null);
    for (const [h, hs] of groupBy(rows, (r) => String(localHourOf(r.hour))))
      byHour[Number(h)] = round(median(hs.map((x) => x.dbm)));
    const sources = [
      ...groupBy(
        rows.filter((r) => r.source),
        (r) => r.source!,
      ).entries(),
    ].sort((x, y) => y[1].length - x[1].length || x[0].localeCompare(y[0]));
    out.push({
      cellId,
      from: a ? 'analysis' : 'kpi',
      hours: rows.length,
      p50Dbm: round(median(values)),
      p90Dbm: round(quantile(values, 0.9)),
      maxDbm: round(Math.max(...values)),
      byHour,
      ...(sources[0] ? { source: sources[0][0] } : {}),
    });
  }
  return out;
}

/** The serving cell hour by hour (at most the last 168 hours), with the analysis' noise where it has the hour. */
export function servingSeries(
  serving: string | undefined,
  kpis: KpiSample[],
  interference: InterferenceSample[],
): HourlySeries | undefined {
  if (!serving) return undefined;
  const k = kpis.filter((x) => x.cellId === serving);
  const i = interference.filter((x) => x.cellId === serving);
  const hours = [...k.map((x) => Date.parse(x.hour)), ...i.map((x) => Date.parse(x.hour))];
  if (hours.length === 0) return undefined;
  const last = Math.max(...hours);
  const first = Math.max(Math.min(...hours), last - 167 * H);
  const n = Math.round((last - first) / H) + 1;
  const blank = () => Array.from({ length: n }, () => null as number | null);
  const s: HourlySeries = {
    from: new Date(first).toISOString(),
    dropRate: blank(),
    rrcSetupSuccessRate: blank(),
    prbUtilisationDl: blank(),
    ulNoiseDbm: blank(),
  };
  const at = (iso: string) => Math.round((Date.parse(iso) - first) / H);
  for (const x of k) {
    const j = at(x.hour);
    if (j < 0 || j >= n) continue;
    s.dropRate[j] = round(x.dropRate, 2);
    s.rrcSetupSuccessRate[j] = round(x.rrcSetupSuccessRate, 2);
    s.prbUtilisationDl[j] = Math.round(x.prbUtilisationDl);
    s.ulNoiseDbm[j] = round(x.ulInterferenceDbm, 1);
  }
  for (const x of i) {
    const j = at(x.hour);
    if (j >= 0 && j < n) s.ulNoiseDbm[j] = round(x.ulNoiseDbm, 1);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// The complaint's own time pattern

const TIME_WORDS: [string, number, number][] = [
  ['晚高峰', 18, 23],
  ['晚上', 18, 24],
  ['夜间', 19, 24],
  ['傍晚', 17, 20],
  ['下班', 17, 20],
  ['深夜', 0, 5],
  ['半夜', 0, 5],
  ['凌晨', 0, 6],
  ['早上', 6, 10],
  ['早晨', 6, 10],
  ['上午', 8, 12],
  ['中午', 11, 14],
  ['下午', 13, 18],
  ['白天', 8, 18],
  ['上班时间', 8, 18],
  ['工作时间', 8, 18],
];

function span(from: number, to: number): number[] {
  if (from === to) return [from];
  const out: number[] = [];
  for (let h = from; h !== to % 24 || out.length === 0; h = (h + 1) % 24) {
    out.push(h);
    if (out.length >= 24) break;
  }
  return out;
}

/** The local hours of day the customer names ('19:00-22:00', '20-23点', '晚上'); undefined when none. */
export function hoursOfDay(timeOfDay: string | undefined): number[] | undefined {
  if (!timeOfDay) return undefined;
  const m = /(\d{1,2})(?:[:：](\d{2}))?\s*[点时]?\s*[-~–—至到]\s*(\d{1,2})(?:[:：](\d{2}))?/.exec(timeOfDay);
  if (m) {
    const from = Number(m[1]);
    let to = Number(m[3]);
    if (Number(m[4] ?? 0) > 0) to += 1;
    if (from <= 24 && to <= 24) return span(from % 24, to % 24);
  }
  const hours = new Set<number>();
  for (const [word, from, to] of TIME_WORDS)
    if (timeOfDay.includes(word)) span(from, to).forEach((h) => hours.add(h));
  return hours.size ? [...hours].sort((a, b) => a - b) : undefined;
}

const FREQ_ZH: Record<string, string> = {
  ALWAYS: '一直',
  DAILY: '每天',
  INTERMITTENT: '时有时无',
  ONCE: '一次',
};

function hoursText(hours: number[]): string {
  if (hours.length === 0) return '';
  const runs: string[] = [];
  let a = hours[0]!;
  let b = a;
  for (const h of [...hours.slice(1), -1]) {
    if (h === b + 1) b = h;
    else {
      runs.push(a === b ? `${a} 时` : `${a}–${b + 1} 时`);
      a = h;
      b = h;
    }
  }
  return runs.join('、');
}

// ---------------------------------------------------------------------------------------------
// Rules

const SEVERITY_ZH: Record<AlarmSeverity, string> = {
  critical: '紧急',
  major: '重要',
  minor: '次要',
  warning: '提示',
};
const SEVERITY_RANK: Record<AlarmSeverity, number> = { critical: 0, major: 1, minor: 2, warning: 3 };
const CHANGE_ZH: Record<ChangeKind, string> = { cutover: '割接', upgrade: '升级', parameter: '参数修改' };

/** '2026-11-20T00:00:00Z' → '2026-11-20 08:00' (Beijing time). */
export function formatLocal(iso: string): string {
  const d = new Date(Date.parse(iso) + LOCAL_OFFSET_MS).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 16)}`;
}
const formatLocalMs = (ms: number) => formatLocal(new Date(ms).toISOString());

const items = <T>(r: SourceResult<T> | undefined): T[] => (r && r.ok ? r.items : []);

type Role = keyof Scope;

interface Context {
  bundle: EvidenceBundle;
  rules: DiagnosisRules;
  serving?: string;
  servingSite?: string;
  siteOf: Map<string, string>;
  from: number;
  to: number;
  summaries: Map<string, CellKpiSummary>;
  noise: Map<string, CellNoiseSummary>;
  series?: HourlySeries;
  complaint?: ComplaintHints;
  /** When the customer says it started (occurrence.since), if said. */
  start?: number;
  /** The customer's hours of day, if named. */
  hours?: number[];
}

interface Finding {
  subject: string;
  /** Strength of the finding itself (level × scope), before the evidence for and against. */
  base: number;
  /** The scope factor: evidence about the complaint counts in proportion for a neighbour's finding. */
  scope: number;
  sentences: string[];
  pros: WeighedEvidence[];
  cons: WeighedEvidence[];
  action?: string;
}

const strengthOf = (f: Finding) =>
  clamp01(f.base + f.pros.reduce((a, p) => a + p.weight, 0) + f.cons.reduce((a, p) => a + p.weight, 0));

function finding(subject: string, base: number, scope: number, sentences: string[]): Finding {
  return { subject, base, scope, sentences, pros: [], cons: [] };
}
/** Evidence for: scaled by the finding's scope (a neighbour's problem matching the complaint counts less). */
function pro(f: Finding, weight: number, text: string): void {
  if (weight > 0) f.pros.push({ text, weight: round(weight * f.scope, 2) });
  else if (weight < 0) f.cons.push({ text, weight: round(weight, 2) });
}
function con(f: Finding, weight: number, text: string): void {
  if (weight !== 0) f.cons.push({ text, weight: round(-Math.abs(weight), 2) });
}
/** The rule's weight for the complaint's category, as evidence for or against. */
function categoryHint(f: Finding, rule: DiagnosisRule, ctx: Context): void {
  const c = ctx.complaint?.category;
  const w = c ? rule.categories?.[c] : undefined;
  if (!c || !w) return;
  const text = `投诉类别 ${c}${w > 0 ? '常见于此类原因' : '不像此类原因的表现'}`;
  if (w > 0) pro(f, w, text);
  else con(f, w, text);
}

function siteOfCell(ctx: Context, cellId: string): string | undefined {
  return ctx.siteOf.get(cellId) ?? /^(.+)-\d+$/.exec(cellId)?.[1];
}

function roleOfCell(ctx: Context, cellId: string): Role {
  if (cellId === ctx.serving) return 'servingCell';
  if (ctx.servingSite && siteOfCell(ctx, cellId) === ctx.servingSite) return 'sibling';
  return 'neighbour';
}

function cellRole(ctx: Context, cellId: string): string {
  const role = roleOfCell(ctx, cellId);
  return role === 'servingCell'
    ? `服务小区 ${cellId}`
    : role === 'sibling'
      ? `同站其他扇区 ${cellId}`
      : `邻区 ${cellId}`;
}

/** The window the customer has the problem in: from the start they name (or the window) to intake. */
function period(ctx: Context): { from: number; to: number } {
  return { from: Math.max(ctx.start ?? ctx.from, ctx.from), to: ctx.to };
}

interface SeriesHours {
  n: number;
  degraded: number;
  minRrc: number;
  maxDrop: number;
  meanRrc: number;
  meanDrop: number;
}

/** The serving cell's hours whose start satisfies `pick`, with the degraded ones counted. */
function seriesOver(ctx: Context, pick: (hourStart: number) => boolean): SeriesHours {
  const s = ctx.series;
  const rrc: number[] = [];
  const drop: number[] = [];
  let degraded = 0;
  if (s) {
    const t0 = Date.parse(s.from);
    for (let i = 0; i < s.dropRate.length; i++) {
      const d = s.dropRate[i];
      const r = s.rrcSetupSuccessRate[i];
      if (d === null || d === undefined || r === null || r === undefined || !pick(t0 + i * H)) continue;
      drop.push(d);
      rrc.push(r);
      if (d > ctx.rules.health.dropRatePct || r < ctx.rules.health.rrcSetupPct) degraded += 1;
    }
  }
  return {
    n: drop.length,
    degraded,
    minRrc: rrc.length ? Math.min(...rrc) : NaN,
    maxDrop: drop.length ? Math.max(...drop) : NaN,
    meanRrc: mean(rrc),
    meanDrop: mean(drop),
  };
}

const inHours = (hours: number[] | undefined, ms: number, slack = 0) =>
  !hours ||
  hours.some((h) => {
    const d = Math.abs(h - localHourMs(ms));
    return Math.min(d, 24 - d) <= slack;
  });

function alarmSentence(a: Alarm, where: string): string {
  const text = a.text ? `（${a.text}）` : '';
  const state = a.clearedAt ? `${formatLocal(a.clearedAt)} 清除` : '至今未清除';
  return `${where} ${SEVERITY_ZH[a.severity]}告警 ${a.type}${text}：${formatLocal(a.raisedAt)} 产生，${state}，与投诉时段重叠`;
}

function evalAlarm(rule: AlarmRule, ctx: Context): Finding[] {
  const relevant = items(ctx.bundle.alarms).filter(
    (a) =>
      rule.severities[a.severity] &&
      Date.parse(a.raisedAt) < ctx.to &&
      !(a.clearedAt && Date.parse(a.clearedAt) < ctx.from),
  );
  // The records of one alarm (same place, same type) are weighed together: a flapping alarm is one.
  const groups = groupBy(relevant, (a) => `${a.siteId}|${[...a.cellIds].sort().join(',')}|${a.type}`);
  const changes = items(ctx.bundle.changes);
  const p = period(ctx);
  const out: Finding[] = [];
  for (const recs of groups.values()) {
    recs.sort((a, b) => Date.parse(a.raisedAt) - Date.parse(b.raisedAt) || a.id.localeCompare(b.id));
    const first = recs[0]!;
    const severity = recs.map((a) => a.severity).sort((a, b) => SEVERITY_RANK[a] - SEVERITY_RANK[b])[0]!;
    let role: Role;
    let where: string;
    if (ctx.serving && first.cellIds.includes(ctx.serving)) {
      role = 'servingCell';
      where = `服务小区 ${ctx.serving}`;
    } else if (first.siteId === ctx.servingSite && first.cellIds.length === 0) {
      role = 'servingSite';
      where = `服务站点 ${first.siteId}（整站）`;
    } else if (first.siteId === ctx.servingSite) {
      role = 'sibling';
      where = `同站其他扇区 ${first.cellIds.join('、')}`;
    } else {
      role = 'neighbour';
      where = first.cellIds.length ? `邻区 ${first.cellIds.join('、')}` : `邻站 ${first.siteId}`;
    }
    const scope = rule.scope[role];
    const allCleared = recs.every((a) => a.clearedAt);
    const base =
      rule.severities[severity]! *
      scope *
      (rule.typeFactor[first.type] ?? 1) *
      (allCleared ? rule.cleared : 1);
    const latest = recs[recs.length - 1]!;
    const shown = recs.find((a) => !a.clearedAt) ?? (recs.length > 1 ? latest : first);
    const spans = recs.map((a) => ({
      from: Date.parse(a.raisedAt),
      to: a.clearedAt ? Date.parse(a.clearedAt) : ctx.to,
    }));
    const activeMs = spans.reduce(
      (acc, s) => acc + Math.max(0, Math.min(s.to, p.to) - Math.max(s.from, p.from)),
      0,
    );
    const sentences = [alarmSentence(shown, where)];
    if (recs.length > 1)
      sentences.push(
        `该告警在时段内反复出现 ${recs.length} 次（${formatLocal(first.raisedAt)} 起），累计 ${round(activeMs / H)} 小时`,
      );
    const f = finding(latest.id, base, scope, sentences);

    // The serving cell's KPIs while the alarm was active (serving cell or the whole serving site).
    if (role === 'servingCell' || role === 'servingSite') {
      const during = seriesOver(ctx, (t) => spans.some((s) => t + H > s.from && t < s.to));
      if (during.n > 0) {
        const needed = Math.max(1, Math.ceil(0.2 * during.n));
        if (during.degraded >= needed)
          pro(
            f,
            rule.kpiDegraded,
            `告警期间服务小区 ${during.n} 小时中 ${during.degraded} 小时劣化：RRC 建立成功率最低 ${round(during.minRrc, 1)}%，掉线率最高 ${round(during.maxDrop, 2)}%`,
          );
        else if (during.n >= 2)
          con(
            f,
            rule.kpiNormal,
            `告警期间（${during.n} 小时）服务小区话统正常：RRC 建立成功率 ${round(during.meanRrc, 1)}%，掉线率 ${round(during.meanDrop, 2)}%`,
          );
      }
    }
    // Raised and cleared inside a change window on the site: the change took the cells down.
    const m = rule.duringChange.marginMinutes * 60_000;
    const inChange = (a: Alarm) =>
      a.clearedAt !== undefined &&
      changes.some(
        (c) =>
          c.siteIds.includes(a.siteId) &&
          Date.parse(a.raisedAt) >= Date.parse(c.startedAt) - m &&
          Date.parse(a.clearedAt!) <= Date.parse(c.endedAt ?? c.startedAt) + m,
      );
    if (recs.every(inChange)) {
      const c = changes.find((x) => x.siteIds.includes(first.siteId))!;
      con(
        f,
        rule.duringChange.weight,
        `告警在 ${formatLocal(c.startedAt)} 的${CHANGE_ZH[c.kind]}窗口内产生并清除，是变更操作所致`,
      );
    }
    if (ctx.complaint) alarmTimePattern(rule, ctx, f, recs, spans, activeMs);
    if (scope >= rule.scope.servingSite) categoryHint(f, rule, ctx);
    out.push(f);
  }
  return out;
}

/** The alarm's active periods against when, since when and how often the customer has the problem. */
function alarmTimePattern(
  rule: AlarmRule,
  ctx: Context,
  f: Finding,
  recs: Alarm[],
  spans: { from: number; to: number }[],
  activeMs: number,
): void {
  const p = period(ctx);
  const frequency = ctx.complaint!.occurrence.frequency;
  const lastEnd = Math.max(...spans.map((s) => s.to));
  const ongoing = lastEnd >= ctx.to - rule.ongoing.withinHours * H;
  if (ongoing)
    pro(
      f,
      rule.ongoing.weight,
      recs.some((a) => !a.clearedAt) ? '投诉受理时告警仍未清除' : '告警在投诉受理前不久才清除',
    );
  const active = recs.some((a) => !a.clearedAt);
  let match: number;
  if (frequency === 'ONCE' && ctx.start !== undefined)
    // It happened once, when the customer says: an alarm active around then, or not.
    match = spans.some(
      (s) =>
        s.from <= ctx.start! + rule.onset.afterHours * H && s.to >= ctx.start! - rule.onset.afterHours * H,
    )
      ? 1
      : 0;
  else if (active || frequency === 'ONCE') match = 1;
  // Comes and goes: about an episode every other day of the period matches.
  else if (frequency !== 'ALWAYS')
    match = Math.min(1, recs.length / Math.max(1, (p.to - p.from) / (2 * DAY)));
  // Always: active for a good part (30 %) of the period.
  else match = Math.min(1, activeMs / (0.3 * Math.max(H, p.to - p.from)));
  if (match < 1)
    con(
      f,
      rule.timeMismatch * (1 - match),
      `告警在用户反映的时段内仅活动 ${round(activeMs / H)} 小时（占 ${Math.round((100 * activeMs) / Math.max(H, p.to - p.from))}%），${formatLocalMs(lastEnd)} 已清除，与“${FREQ_ZH[frequency] ?? frequency}”的描述不符`,
    );
  if (ctx.hours && recs.length >= 2) {
    const within = recs.filter((a) => inHours(ctx.hours, Date.parse(a.raisedAt), 1)).length;
    if (within / recs.length >= 0.5)
      pro(f, rule.hoursMatch, `${recs.length} 次中 ${within} 次发生在用户反映的 ${hoursText(ctx.hours)}`);
  }
  if (ctx.start !== undefined) {
    const d = (Date.parse(recs[0]!.raisedAt) - ctx.start) / H;
    if (d >= -rule.onset.beforeHours && d <= rule.onset.afterHours)
      pro(
        f,
        rule.onset.weight,
        `告警首次产生（${formatLocal(recs[0]!.raisedAt)}）与用户所说开始时间（${formatLocalMs(ctx.start)}）相符`,
      );
    else if (d > rule.lateOnset.hours)
      con(
        f,
        rule.lateOnset.weight,
        `告警首次出现（${formatLocal(recs[0]!.raisedAt)}）比用户所说开始时间晚 ${round(d)} 小时，不是问题开始的原因`,
      );
  }
}

function evalChange(rule: ChangeRule, ctx: Context): Finding[] {
  const out: Finding[] = [];
  // Without the complaint (older outcomes), the window's start stands for when it started.
  const anchor = ctx.complaint ? ctx.start : ctx.from;
  for (const c of items(ctx.bundle.changes)) {
    const kind = rule.kinds[c.kind];
    if (!kind) continue;
    let role: Role;
    if (ctx.serving && c.cellIds.includes(ctx.serving)) role = 'servingCell';
    else if (ctx.servingSite && c.siteIds.includes(ctx.servingSite))
      role = c.cellIds.length === 0 ? 'servingSite' : 'sibling';
    else if (c.siteIds.some((s) => ctx.bundle.query.siteIds.includes(s))) role = 'neighbour';
    else continue;
    const scope = rule.scope[role];
    const started = Date.parse(c.startedAt);
    const ended = c.endedAt ? Date.parse(c.endedAt) : started;
    let base: number;
    let when: string;
    if (anchor !== undefined) {
      const hoursBefore = (anchor - started) / H;
      if (hoursBefore > rule.lookbackHours || hoursBefore < -rule.graceHours) continue;
      base = kind * scope * (1 - rule.ageDecay * clamp01(hoursBefore / rule.lookbackHours));
      when =
        hoursBefore >= 0 ? `投诉开始前 ${round(hoursBefore)} 小时` : `投诉开始后 ${round(-hoursBefore)} 小时`;
    } else {
      // The customer did not say since when: a change in the window (or shortly before) may be it.
      const hoursBefore = (ctx.to - started) / H;
      if (started < ctx.from - rule.lookbackHours * H || started >= ctx.to) continue;
      base =
        kind *
        scope *
        (1 - rule.ageDecay * clamp01(hoursBefore / (rule.lookbackHours + (ctx.to - ctx.from) / H)));
      when = `投诉受理前 ${round(hoursBefore)} 小时`;
    }
    const f = finding(c.id, base, scope, [
      `站点 ${c.siteIds.join('、')} 于 ${formatLocal(c.startedAt)} 进行${CHANGE_ZH[c.kind]}（${c.description}），${when}`,
    ]);
    if (anchor === undefined) con(f, rule.unknownStart, '用户未说明开始时间，无法与变更时间比对');
    // The serving cell before and after the change.
    const before = seriesOver(ctx, (t) => t >= started - DAY && t < started);
    const after = seriesOver(ctx, (t) => t >= ended && t < ended + DAY);
    if (before.n >= 3 && after.n >= 3) {
      const rise = after.meanDrop - before.meanDrop;
      const fall = before.meanRrc - after.meanRrc;
      const figures = `服务小区掉线率 ${round(after.meanDrop, 2)}%（之前 24 小时 ${round(before.meanDrop, 2)}%），RRC 建立成功率 ${round(after.meanRrc, 2)}%（之前 ${round(before.meanRrc, 2)}%）`;
      if (rise >= rule.degradation.dropRateRisePct || fall >= rule.degradation.rrcFallPct)
        pro(f, rule.degradation.bonus, `${CHANGE_ZH[c.kind]}后${figures}`);
      else if (rise < rule.unchanged.dropRateRisePct && fall < rule.unchanged.rrcFallPct)
        con(f, rule.unchanged.weight, `${CHANGE_ZH[c.kind]}前后话统无明显变化：${figures}`);
    } else {
      // No day before it measured: every measured hour since the change says whether it broke the cell.
      const since = seriesOver(ctx, (t) => t >= ended);
      if (since.n >= 12) {
        const share = since.degraded / since.n;
        const figures = `${CHANGE_ZH[c.kind]}后服务小区 ${since.n} 小时中 ${since.degraded} 小时劣化（掉线率均值 ${round(since.meanDrop, 2)}%，RRC 建立成功率均值 ${round(since.meanRrc, 2)}%）`;
        if (share >= rule.afterOnly.high) pro(f, rule.afterOnly.for, figures);
        else if (share < rule.afterOnly.low) con(f, rule.afterOnly.against, figures);
      }
    }
    if (ctx.start !== undefined && ctx.complaint) {
      const d = (ctx.start - ended) / H;
      if (d >= -rule.onset.beforeHours && d <= rule.onset.afterHours)
        pro(
          f,
          rule.onset.weight,
          `用户所说开始时间在${CHANGE_ZH[c.kind]}结束后 ${round(Math.max(0, d))} 小时`,
        );
    }
    if (scope >= rule.scope.servingSite) categoryHint(f, rule, ctx);
    out.push(f);
  }
  return out;
}

function ramp(excess: number, full: number): number {
  return 0.6 + 0.4 * clamp01(excess / full);
}

/** The customer's hours of day against the cell's hours: does a condition of those hours explain them? */
function hoursAgainst(
  f: Finding,
  ctx: Context,
  matching: number[],
  weights: { hoursMatch: number; hoursMismatch: number },
  what: string,
  figure: (h: number) => string,
): void {
  if (!ctx.hours || matching.length === 0) return;
  const hit = ctx.hours.filter((h) =>
    matching.some((m) => Math.min(Math.abs(m - h), 24 - Math.abs(m - h)) <= 1),
  );
  if (hit.length > 0)
    pro(
      f,
      weights.hoursMatch,
      `用户反映的 ${hoursText(ctx.hours)} 正是该小区${what}的时段（${hoursText(matching)}）`,
    );
  else
    con(
      f,
      weights.hoursMismatch,
      `用户反映的 ${hoursText(ctx.hours)} 不在该小区${what}的时段（${hoursText(matching)}）；该时段 ${figure(ctx.hours[0]!)}`,
    );
}

function evalCapacity(rule: CapacityRule, ctx: Context): Finding[] {
  const out: Finding[] = [];
  for (const s of ctx.summaries.values()) {
    // Congested on average at the busy hour, or on most of the days (a quieter weekend lowers the mean).
    const days = s.busyHourPrbByDay ?? [];
    const congestedDays = days.filter((v) => v >= rule.busyHourPrbPct).length;
    const byMean = s.busyHourPrbDl >= rule.busyHourPrbPct;
    if (!byMean && !(days.length >= 2 && congestedDays >= Math.ceil(days.length / 2))) continue;
    const scope = rule.scope[roleOfCell(ctx, s.cellId)];
    const level = byMean ? s.busyHourPrbDl : rule.busyHourPrbPct;
    const f = finding(
      s.cellId,
      scope * ramp(level - rule.busyHourPrbPct, rule.fullPrbPct - rule.busyHourPrbPct),
      scope,
      [
        `${cellRole(ctx, s.cellId)} 忙时（${s.busyHour} 时）下行 PRB 利用率 ${s.busyHourPrbDl}%（阈值 ${rule.busyHourPrbPct}%），忙时下行吞吐 ${s.busyHourThroughputDlMbps} Mbps，统计 ${s.hours} 小时，RRC 建立成功率 ${s.rrcSetupSuccessRate}%`,
        ...(days.length >= 2
          ? [
              `${days.length} 天中 ${congestedDays} 天忙时 PRB ≥ ${rule.busyHourPrbPct}%（最高 ${Math.max(...days)}%）`,
            ]
          : []),
      ],
    );
    const byHour = s.prbByHour ?? [];
    const congested = byHour.flatMap((v, h) => (v !== null && v >= rule.busyHourPrbPct ? [h] : []));
    hoursAgainst(
      f,
      ctx,
      congested.length ? congested : [s.busyHour],
      rule,
      ` PRB ≥ ${rule.busyHourPrbPct}%`,
      (h) => `PRB ${byHour[h] ?? '—'}%`,
    );
    const frequency = ctx.complaint?.occurrence.frequency;
    const fw = frequency ? rule.frequency[frequency] : undefined;
    if (frequency && fw)
      pro(
        f,
        fw,
        fw > 0
          ? `“${FREQ_ZH[frequency]}”出现，与每日忙时规律一致`
          : `“${FREQ_ZH[frequency]}”出现，不像忙时拥塞`,
      );
    categoryHint(f, rule, ctx);
    out.push(f);
  }
  return out;
}

function evalInterference(rule: InterferenceRule, ctx: Context): Finding[] {
  const out: Finding[] = [];
  const thr = rule.ulNoiseDbm;
  for (const n of ctx.noise.values()) {
    const role = roleOfCell(ctx, n.cellId);
    const scope = rule.scope[role];
    let level: number;
    let share: number;
    let sentence: string;
    let noisyHours: number[] = [];
    let onset: number | undefined;
    const serving = role === 'servingCell' && ctx.series;
    if (serving) {
      // The serving cell hour by hour: how much of the time, since when, at which hours.
      const s = ctx.series!;
      const t0 = Date.parse(s.from);
      const rows = s.ulNoiseDbm.flatMap((v, i) => (v === null ? [] : [{ t: t0 + i * H, v }]));
      const above = rows.filter((r) => r.v > thr);
      if (rows.length === 0) continue;
      // Weighed over the complaint's own time (since when, at which hours) and its last day, too.
      const p = period(ctx);
      const mine = rows.filter((r) => r.t + H > p.from && r.t < p.to && inHours(ctx.hours, r.t));
      const recent = rows.filter((r) => r.t >= ctx.to - DAY && inHours(ctx.hours, r.t));
      const shareOf = (rs: typeof rows, min: number) =>
        rs.length >= min ? rs.filter((r) => r.v > thr).length / rs.length : 0;
      share = Math.max(above.length / rows.length, shareOf(mine, 6), shareOf(recent, 4));
      level = above.length ? median(above.map((r) => r.v)) : median(rows.map((r) => r.v));
      const perHour = groupBy(rows, (r) => String(localHourMs(r.t)));
      noisyHours = [...perHour.entries()]
        .filter(([, rs]) => rs.filter((r) => r.v > thr).length / rs.length >= 0.5)
        .map(([h]) => Number(h))
        .sort((a, b) => a - b);
      const firstAbove = rows.findIndex((r, i) => r.v > thr && rows.slice(i, i + 3).every((x) => x.v > thr));
      if (firstAbove > 0) onset = rows[firstAbove]!.t;
      sentence = `${cellRole(ctx, n.cellId)} 上行干扰中位数 ${round(median(rows.map((r) => r.v)))} dBm（阈值 ${thr} dBm），最高 ${round(Math.max(...rows.map((r) => r.v)))} dBm，${rows.length} 小时中 ${above.length} 小时超过阈值`;
    } else {
      share = n.p50Dbm > thr ? 0.5 : n.p90Dbm > thr ? 0.15 : 0;
      level = n.p50Dbm > thr ? n.p50Dbm : n.p90Dbm;
      noisyHours = n.byHour.flatMap((v, h) => (v !== null && v > thr ? [h] : []));
      sentence = `${cellRole(ctx, n.cellId)} 上行干扰中位数 ${n.p50Dbm} dBm（阈值 ${thr} dBm），90% 分位 ${n.p90Dbm} dBm，最高 ${n.maxDbm} dBm，统计 ${n.hours} 小时`;
    }
    if (share < rule.minShare || !(level > thr)) continue;
    const f = finding(
      n.cellId,
      scope * ramp(level - thr, rule.fullDbm - thr) * (0.7 + 0.3 * clamp01(share / 0.5)),
      scope,
      [sentence, ...(n.source ? [`干扰分析判断的干扰源：${n.source}`] : [])],
    );
    if (ctx.complaint && ctx.start !== undefined && onset !== undefined) {
      const d = (onset - ctx.start) / H;
      if (d >= -rule.onset.beforeHours && d <= rule.onset.afterHours)
        pro(
          f,
          rule.onset.weight,
          `上行底噪自 ${formatLocalMs(onset)} 起抬升，与用户所说开始时间（${formatLocalMs(ctx.start)}）相符`,
        );
    }
    if (noisyHours.length < 20)
      hoursAgainst(f, ctx, noisyHours, rule, '上行底噪超阈值', (h) => `底噪 ${n.byHour[h] ?? '—'} dBm`);
    if (serving && level < thr + rule.mild.withinDb) {
      // Noise just above the threshold: does the serving cell suffer in its noisy hours?
      const t0 = Date.parse(ctx.series!.from);
      const noisy = new Set(
        ctx.series!.ulNoiseDbm.flatMap((v, i) => (v !== null && v > thr ? [t0 + i * H] : [])),
      );
      const during = seriesOver(ctx, (t) => noisy.has(t));
      if (during.n >= 3 && during.degraded / during.n < rule.mild.maxDegradedShare)
        con(
          f,
          rule.mild.weight,
          `底噪仅略超阈值，超阈值的 ${during.n} 小时服务小区话统正常（掉线率均值 ${round(during.meanDrop, 2)}%，RRC 建立成功率均值 ${round(during.meanRrc, 2)}%）`,
        );
    }
    categoryHint(f, rule, ctx);
    out.push(f);
  }
  return out;
}

function evalCoverage(rule: CoverageRule, ctx: Context): Finding[] {
  const s = ctx.serving ? ctx.summaries.get(ctx.serving) : undefined;
  if (!s) return [];
  const d50 = rule.rsrpP50Dbm - s.rsrpP50;
  const d10 = rule.rsrpP10Dbm - s.rsrpP10;
  const tail = d10 > -rule.tailMarginDb;
  if (!tail && d50 <= 0) return [];
  // Weak edge (p10) alone is common; a weak median is the stronger sign.
  const base =
    d50 > 0 || d10 > 0 ? (d50 > 0 ? 1 : 0.8) * ramp(Math.max(d50, d10), rule.fullDeficitDb) : rule.tailBase;
  const f = finding(s.cellId, base, 1, [
    `服务小区 ${s.cellId} RSRP 中位数 ${s.rsrpP50} dBm（阈值 ${rule.rsrpP50Dbm} dBm），10% 分位 ${s.rsrpP10} dBm（阈值 ${rule.rsrpP10Dbm} dBm），SINR 中位数 ${s.sinrP50} dB`,
  ]);
  const cell = ctx.bundle.location.serving;
  let placeSaysWeak = false;
  if (cell?.distanceM !== undefined && cell.bearing !== undefined) {
    const off = angleBetween(cell.bearing, cell.azimuth);
    const where = `投诉点距服务小区 ${round(cell.distanceM / 1000, 2)} km，方位 ${cell.bearing}°（天线方位角 ${cell.azimuth}°）`;
    if (cell.distanceM >= rule.far.metres) {
      pro(f, rule.far.weight, `${where}：位于覆盖边缘`);
      placeSaysWeak = true;
    }
    if (off >= rule.offBeam.degrees && cell.distanceM >= 50) {
      pro(f, rule.offBeam.weight, `投诉点偏离天线主瓣 ${Math.round(off)}°`);
      placeSaysWeak = true;
    }
    if (!placeSaysWeak && cell.distanceM < rule.near.metres)
      con(f, rule.near.weight, `${where}：距离近且在主瓣内`);
    else if (!placeSaysWeak) f.sentences.push(where);
  }
  const c = ctx.complaint;
  if (c) {
    const word = rule.indoor.words.find((w) => c.description.includes(w));
    if (word) {
      pro(f, rule.indoor.weight, `用户描述为室内场景（“${word}”），室内穿透损耗使边缘覆盖更弱`);
      placeSaysWeak = true;
    }
    const days = ctx.start !== undefined ? (ctx.to - ctx.start) / DAY : undefined;
    if (c.occurrence.frequency === 'ALWAYS' && (days === undefined || days >= rule.chronic.minDays))
      pro(
        f,
        rule.chronic.weight,
        days === undefined ? '用户反映一直如此，与覆盖问题一致' : `用户反映 ${Math.round(days)} 天来一直如此`,
      );
    if (days !== undefined && days < rule.recentStart.maxDays)
      con(f, rule.recentStart.weight, `用户说 ${round(days)} 天前才开始，而小区覆盖不会突然变化`);
    if (ctx.hours) con(f, rule.timeOfDay, `问题只在 ${hoursText(ctx.hours)} 出现，覆盖不随时段变化`);
    categoryHint(f, rule, ctx);
    if (c.category === 'WEAK_SIGNAL' || c.category === 'NO_SIGNAL') placeSaysWeak = true;
  }
  // A tail that is only close to the threshold counts where the place or the words say weak signal.
  if (!(d50 > 0 || d10 > 0) && !placeSaysWeak) return [];
  return [f];
}

function angleBetween(a: number, b: number): number {
  const d = Math.abs(((a - b) % 360) + 360) % 360;
  return d > 180 ? 360 - d : d;
}

function evalChr(rule: ChrRule, ctx: Context): Finding[] {
  const r = ctx.bundle.chr;
  const calls = items(r);
  const failed = calls.filter((c) => c.result !== 'normal');
  if (failed.length < rule.minFailures || failed.length === 0) return [];
  const count = <K extends string>(keys: (K | undefined)[]) => {
    const m = new Map<K, number>();
    for (const k of keys) if (k) m.set(k, (m.get(k) ?? 0) + 1);
    return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  };
  const drops = failed.filter((c) => c.result === 'drop').length;
  const setup = failed.length - drops;
  const steps = count(failed.map((c) => c.failedStep));
  const causes = count(failed.map((c) => c.causeCode));
  const cells = count(failed.map((c) => c.cellId));
  const fmt = (xs: [string, number][]) =>
    xs
      .slice(0, 3)
      .map(([k, n]) => `${k} ×${n}`)
      .join('、');
  const total = r && r.ok ? Math.max(r.total, calls.length) : calls.length;
  const sentences = [`CHR/信令回溯：时段内 ${total} 次通话中 ${drops} 次掉话、${setup} 次建立失败`];
  if (steps.length)
    sentences.push(`中断的信令步骤：${fmt(steps)}${causes.length ? `；原因码：${fmt(causes)}` : ''}`);
  if (cells.length) sentences.push(`失败发生的小区：${fmt(cells)}`);
  const topStep = steps[0]?.[0];
  const f = finding(
    topStep ?? 'calls',
    Math.min(1, rule.base + rule.perExtraFailure * (failed.length - 1)),
    1,
    sentences,
  );
  f.action = (topStep && rule.actionsByStep[topStep]) || undefined;
  return [f];
}

const RADIO_CAUSES: HypothesisCause[] = [
  'FAULT_ALARM',
  'RECENT_CHANGE',
  'CAPACITY',
  'UL_INTERFERENCE',
  'WEAK_COVERAGE',
  'CALL_FAILURE_SIGNALLING',
];

function evalNoRadio(rule: NoRadioRule, ctx: Context, radio: Hypothesis[]): Finding[] {
  const s = ctx.serving ? ctx.summaries.get(ctx.serving) : undefined;
  if (!s || s.hours < rule.minHours) return [];
  const strongest = radio.filter((h) => RADIO_CAUSES.includes(h.cause)).sort((a, b) => b.score - a.score)[0];
  const f = finding(s.cellId, Math.max(0, rule.base - rule.radioPenalty * (strongest?.score ?? 0)), 1, [
    strongest
      ? `无线侧最强的线索是“${strongest.title['zh-CN']}”（可能性 ${strongest.score.toFixed(2)}），不足以解释投诉`
      : '告警、变更、容量、干扰与覆盖均未见指向服务小区的异常',
  ]);
  const p = period(ctx);
  const hours = seriesOver(ctx, (t) => t + H > p.from && t < p.to && inHours(ctx.hours, t));
  if (hours.n >= rule.minHours / 2 || (ctx.hours && hours.n > 0)) {
    const share = hours.degraded / hours.n;
    const figures = `服务小区在投诉时段 ${hours.n} 小时中 ${hours.degraded} 小时劣化（RRC 建立成功率均值 ${round(hours.meanRrc, 2)}%，掉线率均值 ${round(hours.meanDrop, 2)}%）`;
    if (share <= rule.healthy.maxShare)
      pro(f, rule.healthy.weight, figures.replace('小时劣化', '小时劣化，话统正常'));
    else if (share >= rule.degraded.minShare) con(f, rule.degraded.weight, figures);
  }
  const c = ctx.complaint;
  if (c) {
    const word = rule.words.words.find((w) => c.description.includes(w));
    if (word) pro(f, rule.words.weight, `用户说“${word}”：无线信号本身不像问题所在`);
    categoryHint(f, rule, ctx);
  }
  const gaps = ctx.bundle.gaps.length - ctx.bundle.location.gaps.length;
  if (gaps > 0) con(f, rule.gap, `${gaps} 项证据缺失，不能排除无线原因`);
  return [f];
}

function evaluate(rule: DiagnosisRule, ctx: Context, ranked: Hypothesis[]): Finding[] {
  switch (rule.kind) {
    case 'alarm':
      return evalAlarm(rule, ctx);
    case 'change':
      return evalChange(rule, ctx);
    case 'capacity':
      return evalCapacity(rule, ctx);
    case 'interference':
      return evalInterference(rule, ctx);
    case 'coverage':
      return evalCoverage(rule, ctx);
    case 'chr':
      return evalChr(rule, ctx);
    case 'no-radio':
      return evalNoRadio(rule, ctx, ranked);
  }
}

function contextOf(bundle: EvidenceBundle, rules: DiagnosisRules): Context {
  const complaint = bundle.complaint;
  const since = complaint?.occurrence.since ? Date.parse(complaint.occurrence.since) : NaN;
  const siteOf = new Map<string, string>();
  for (const c of [
    ...(bundle.location.serving ? [bundle.location.serving] : []),
    ...bundle.location.neighbours,
  ])
    siteOf.set(c.cellId, c.siteId);
  return {
    bundle,
    rules,
    serving: bundle.query.cells[0],
    servingSite: bundle.query.siteIds[0],
    siteOf,
    from: Date.parse(bundle.query.window.from),
    to: Date.parse(bundle.query.window.to),
    summaries: new Map(bundle.kpiSummary.map((s) => [s.cellId, s])),
    noise: new Map((bundle.noiseSummary ?? []).map((s) => [s.cellId, s])),
    series: bundle.servingSeries,
    complaint,
    start: Number.isFinite(since) ? since : undefined,
    hours: hoursOfDay(complaint?.occurrence.timeOfDay),
  };
}

function rank(stored: EvidenceBundle, rules: DiagnosisRules): Hypothesis[] {
  const ctx = contextOf(stored, rules);
  const out: (Hypothesis & { weight: number })[] = [];
  // The explicit "no radio cause" is weighed last, against the strongest radio hypothesis.
  const ordered = [
    ...rules.rules.filter((r) => r.kind !== 'no-radio'),
    ...rules.rules.filter((r) => r.kind === 'no-radio'),
  ];
  for (const rule of ordered) {
    const findings = evaluate(rule, ctx, out)
      .map((f) => ({ f, strength: strengthOf(f) }))
      .sort((a, b) => b.strength - a.strength || a.f.subject.localeCompare(b.f.subject));
    const best = findings[0];
    if (!best || best.strength <= 0) continue;
    const f = best.f;
    out.push({
      id: `${rule.id}:${f.subject}`,
      cause: rule.cause,
      ruleId: rule.id,
      title: rule.title,
      score: round(rule.weight * best.strength, 2),
      evidence: [
        ...f.sentences,
        ...f.pros.map((p) => p.text),
        ...findings.slice(1, 3).flatMap((x) => x.f.sentences),
      ],
      for: [{ text: f.sentences.join('；'), weight: round(f.base, 2) }, ...f.pros],
      against: f.cons,
      suggestedAction: f.action ?? rule.suggestedAction,
      weight: rule.weight,
    });
  }
  return out
    .sort((a, b) => b.score - a.score || b.weight - a.weight || a.id.localeCompare(b.id))
    .slice(0, rules.maxHypotheses)
    .map(({ weight: _w, ...h }) => h);
}

/**
 * Ranked hypotheses (highest score first), one per rule, each with the evidence for and against it.
 * The rules read the evidence as the complaint keeps it (storedEvidence), so that re-running them on
 * a stored outcome gives the same list (R3.6).
 */
export function prediagnose(
  bundle: EvidenceBundle,
  rules: DiagnosisRules = DEFAULT_DIAGNOSIS_RULES,
): Hypothesis[] {
  return rank(storedEvidence(bundle), rules);
}

/** The rules re-run on what a complaint stored (R3.6): equal to its stored hypotheses. */
export function rediagnose(
  outcome: Pick<EvidenceOutcome, 'bundle' | 'cells'>,
  rules: DiagnosisRules = DEFAULT_DIAGNOSIS_RULES,
): Hypothesis[] {
  return prediagnose({ ...outcome.bundle, location: outcome.cells }, rules);
}

// ---------------------------------------------------------------------------------------------
// Work-order draft

const SOURCE_ZH: Record<SourceName, string> = {
  kpis: '话统指标',
  alarms: '故障告警',
  changes: '升级/割接/参数变更',
  interference: '干扰分析',
  chr: 'CHR/信令回溯',
};
const MAX_DRAFT = 3_900; // the findings API takes at most 4000 characters per field

function describeSource(r: SourceResult<unknown> | undefined, name: SourceName, what: (n: number) => string) {
  if (!r) return undefined;
  return r.ok ? `${SOURCE_ZH[name]}（${what(r.total)}）` : undefined;
}

/** zh-CN "what was checked / what was found" for the work-order reply, gaps included (R4.6). */
export function draftWorkOrder(bundle: EvidenceBundle, hypotheses: Hypothesis[]): WorkOrderDraft {
  const { location, query } = bundle;
  const checked: string[] = [];
  const s = location.serving;
  if (location.servingCellId) {
    const detail = s
      ? `（站点 ${s.siteId} 第${s.sector}扇区，${s.technology} ${s.band}，方位角 ${s.azimuth}°）`
      : '';
    const nb = location.neighbours.map((c) => c.cellId);
    checked.push(
      `核查范围：服务小区 ${location.servingCellId}${detail}${nb.length ? `，邻区 ${nb.join('、')}` : ''}`,
    );
  }
  checked.push(`时段：${formatLocal(query.window.from)} 至 ${formatLocal(query.window.to)}（北京时间）`);
  const cellsInKpi = new Set(items(bundle.kpis).map((k) => k.cellId)).size;
  const done = [
    describeSource(bundle.kpis, 'kpis', (n) => `${cellsInKpi} 个小区共 ${n} 条小时数据`),
    describeSource(bundle.alarms, 'alarms', (n) => `活动及已清除告警 ${n} 条`),
    describeSource(bundle.changes, 'changes', (n) => `投诉前 ${query.lookbackHours ?? 0} 小时起 ${n} 条`),
    describeSource(bundle.interference, 'interference', (n) => `${n} 条小时数据`),
    describeSource(bundle.chr, 'chr', (n) => `VIP 用户通话 ${n} 次`),
  ].filter(Boolean);
  if (done.length) checked.push(`已核查：${done.join('；')}`);
  if (!query.vip) checked.push('CHR/信令回溯：非 VIP 投诉，未调取');
  if (bundle.gaps.length) checked.push(`未能核查：${bundle.gaps.join('；')}`);

  const found: string[] = [];
  if (hypotheses.length === 0) {
    found.push(
      location.servingCellId
        ? '预判：告警、变更、容量、干扰、覆盖及 CHR 均未见超阈值的异常，未发现明确的网络原因，建议预约客户进行实地测试'
        : '预判：未能定位小区，无法按小区做网络预判，请补充坐标或服务小区后重新采集',
    );
  } else {
    found.push('预判（按可能性排序）：');
    hypotheses.forEach((h, i) => {
      found.push(
        `${i + 1}. ${h.title['zh-CN']}（可能性 ${h.score.toFixed(2)}）：${h.evidence.join('；')}。${h.against?.length ? `反证：${h.against.map((x) => x.text).join('；')}。` : ''}建议：${h.suggestedAction}`,
      );
    });
  }
  const normal = normalAspects(bundle, hypotheses);
  if (normal.length) found.push(`未见异常：${normal.join('；')}`);
  if (bundle.gaps.length) found.push(`注意：${bundle.gaps.length} 项证据缺失，预判可能不完整`);
  return { checked: clip(checked.join('\n')), found: clip(found.join('\n')) };
}

function normalAspects(bundle: EvidenceBundle, hypotheses: Hypothesis[]): string[] {
  const fired = new Set(hypotheses.map((h) => h.cause));
  const out: string[] = [];
  const serving = bundle.query.cells[0];
  const s = bundle.kpiSummary.find((k) => k.cellId === serving);
  if (bundle.alarms.ok && !fired.has('FAULT_ALARM')) out.push('相关小区无重要及以上告警');
  if (bundle.changes.ok && !fired.has('RECENT_CHANGE')) out.push('投诉前无相关升级/割接');
  if (s && !fired.has('CAPACITY')) out.push(`服务小区忙时 PRB 利用率 ${s.busyHourPrbDl}%`);
  if (s && !fired.has('UL_INTERFERENCE')) out.push(`服务小区上行干扰中位数 ${s.ulInterferenceDbm} dBm`);
  if (s && !fired.has('WEAK_COVERAGE')) out.push(`服务小区 RSRP 中位数 ${s.rsrpP50} dBm`);
  if (bundle.chr?.ok && !fired.has('CALL_FAILURE_SIGNALLING')) out.push('CHR 无掉话或建立失败');
  return out;
}

function clip(text: string): string {
  return text.length <= MAX_DRAFT ? text : `${text.slice(0, MAX_DRAFT - 1)}…`;
}

// ---------------------------------------------------------------------------------------------
// The bundle, gathered, summarised and kept

/** An empty source result for a source that was not asked (no cells located). */
export function skippedSource<T>(source: SourceName, gap: string): SourceResult<T> {
  return { source, ok: false, gap };
}

/** Gap sentences for the failed sources and the location. */
export function gapsOf(location: CellLocation, results: SourceResult<unknown>[]): string[] {
  return [
    ...location.gaps,
    ...results
      .filter((r): r is Extract<typeof r, { ok: false }> => !r.ok)
      .map((r) => `${SOURCE_ZH[r.source]}：${r.gap}`),
  ];
}

/** Alarms and changes a complaint keeps: every one the rules may weigh on a busy site. */
const ALARMS_KEPT = 20;
const CHANGES_KEPT = 10;
const FAILED_CALLS_KEPT = 50;

function top<T>(r: SourceResult<T>, order: (a: T, b: T) => number, n: number): SourceResult<T> {
  return r.ok ? { ...r, items: [...r.items].sort(order).slice(0, n) } : r;
}

/** The per-cell summaries and the serving cell's hours, from the hourly rows (once: kept ones stay). */
function withSummaries(bundle: EvidenceBundle): EvidenceBundle {
  // A kept bundle has them (noiseSummary marks it): computed once, from all the hourly rows.
  if (bundle.noiseSummary) return bundle;
  const kpis = items(bundle.kpis);
  const interference = items(bundle.interference);
  const series = servingSeries(bundle.query.cells[0], kpis, interference);
  return {
    ...bundle,
    kpiSummary: bundle.kpiSummary.length ? bundle.kpiSummary : summariseKpis(kpis),
    noiseSummary: summariseNoise(kpis, interference),
    ...(series ? { servingSeries: series } : {}),
  };
}

/**
 * The bundle as a complaint keeps it (workflow history, read model): the top items per source for
 * reading, `total` still telling how many there were, the per-cell summaries and the serving cell's
 * hours, and the alarms, changes and failed calls the rules weigh (serving cell first).
 */
export function compactBundle(bundle: EvidenceBundle, n = 5): Omit<EvidenceBundle, 'location'> {
  const serving = bundle.query.cells[0];
  const servingSite = bundle.query.siteIds[0];
  const t = (s: string) => Date.parse(s);
  const { location: _location, ...rest } = bundle;
  const place = (a: Alarm) =>
    serving && a.cellIds.includes(serving)
      ? 0
      : a.siteId === servingSite
        ? a.cellIds.length === 0
          ? 1
          : 2
        : 3;
  const changePlace = (c: ChangeEvent) =>
    serving && c.cellIds.includes(serving) ? 0 : servingSite && c.siteIds.includes(servingSite) ? 1 : 2;
  return {
    ...rest,
    kpis: top(
      bundle.kpis,
      (a, b) => Number(b.cellId === serving) - Number(a.cellId === serving) || t(b.hour) - t(a.hour),
      n,
    ),
    alarms: top(
      bundle.alarms,
      (a, b) =>
        Number(b.severity !== 'warning') - Number(a.severity !== 'warning') ||
        place(a) - place(b) ||
        SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
        t(b.raisedAt) - t(a.raisedAt) ||
        a.id.localeCompare(b.id),
      Math.max(n, ALARMS_KEPT),
    ),
    changes: top(
      bundle.changes,
      (a, b) =>
        changePlace(a) - changePlace(b) || t(b.startedAt) - t(a.startedAt) || a.id.localeCompare(b.id),
      Math.max(n, CHANGES_KEPT),
    ),
    interference: top(
      bundle.interference,
      (a, b) => b.ulNoiseDbm - a.ulNoiseDbm || t(b.hour) - t(a.hour) || a.cellId.localeCompare(b.cellId),
      n,
    ),
    ...(bundle.chr
      ? {
          chr: top(
            bundle.chr,
            (a, b) =>
              Number(b.result !== 'normal') - Number(a.result !== 'normal') ||
              t(b.startedAt) - t(a.startedAt) ||
              a.callId.localeCompare(b.callId),
            Math.max(
              n,
              Math.min(FAILED_CALLS_KEPT, items(bundle.chr).filter((c) => c.result !== 'normal').length),
            ),
          ),
        }
      : {}),
  };
}

/** What a complaint keeps of a gathering, with its location: what the rules read (R3.6). */
export function storedEvidence(bundle: EvidenceBundle): EvidenceBundle {
  return { ...compactBundle(withSummaries(bundle)), location: bundle.location };
}

/** Assembles the outcome a complaint keeps from a gathered bundle. */
export function evidenceOutcome(
  bundle: EvidenceBundle,
  gatheredAt: string,
  tookMs: number,
  rules: DiagnosisRules = DEFAULT_DIAGNOSIS_RULES,
): EvidenceOutcome {
  const full = withSummaries(bundle);
  const { location, ...kept } = storedEvidence(full);
  const hypotheses = rank({ ...kept, location }, rules);
  return {
    cells: location,
    bundle: kept,
    hypotheses,
    draft: draftWorkOrder(full, hypotheses),
    gatheredAt,
    tookMs,
  };
}

/** One line for the Temporal UI memo and lists, e.g. 'FAULT_ALARM 0.90 故障告警 (1 gap)'. */
export function preDiagnosisLine(outcome: Pick<EvidenceOutcome, 'hypotheses' | 'bundle'>): string {
  const top = outcome.hypotheses[0];
  const gaps = outcome.bundle.gaps.length;
  const head = top ? `${top.cause} ${top.score.toFixed(2)} ${top.title['zh-CN']}` : 'NO_FINDING';
  return gaps ? `${head} (${gaps} gap${gaps > 1 ? 's' : ''})` : head;
}
