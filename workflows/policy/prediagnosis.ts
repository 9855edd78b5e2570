// Pre-diagnosis (R3.2): pure functions from gathered network evidence to ranked hypotheses, each
// with the evidence behind it in sentences with the numbers, and the draft of the work-order
// reply's "what was checked / what was found" (R4.6). No Temporal imports, no I/O.
import type {
  Alarm,
  AlarmSeverity,
  CellKpiSummary,
  CellLocation,
  ChangeKind,
  EvidenceBundle,
  EvidenceOutcome,
  EvidenceQuery,
  Hypothesis,
  InterferenceSample,
  KpiSample,
  SourceName,
  SourceResult,
  TimeWindow,
  WorkOrderDraft,
} from '../../activities/evidence/types';
import type { ComplaintInput } from '../complaint/contract';
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

// ---------------------------------------------------------------------------------------------
// KPI summary

const median = (xs: number[]) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

export function localHourOf(iso: string): number {
  return new Date(Date.parse(iso) + LOCAL_OFFSET_MS).getUTCHours();
}

/** Per cell: the busy hour (local hour of day with the highest mean PRB) and window medians. */
export function summariseKpis(samples: KpiSample[]): CellKpiSummary[] {
  const byCell = new Map<string, KpiSample[]>();
  for (const s of samples) byCell.set(s.cellId, [...(byCell.get(s.cellId) ?? []), s]);
  const out: CellKpiSummary[] = [];
  for (const [cellId, rows] of byCell) {
    const byHour = new Map<number, KpiSample[]>();
    for (const r of rows) {
      const h = localHourOf(r.hour);
      byHour.set(h, [...(byHour.get(h) ?? []), r]);
    }
    let busyHour = 0;
    let busyPrb = -1;
    for (const [h, hs] of byHour) {
      const prb = mean(hs.map((x) => x.prbUtilisationDl));
      if (prb > busyPrb || (prb === busyPrb && h < busyHour)) [busyHour, busyPrb] = [h, prb];
    }
    const busy = byHour.get(busyHour) ?? [];
    const med = (f: (k: KpiSample) => number) => round(median(rows.map(f)), 2);
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
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Rules

const SEVERITY_ZH: Record<AlarmSeverity, string> = {
  critical: '紧急',
  major: '重要',
  minor: '次要',
  warning: '提示',
};
const CHANGE_ZH: Record<ChangeKind, string> = { cutover: '割接', upgrade: '升级', parameter: '参数修改' };

/** '2026-11-20T00:00:00Z' → '2026-11-20 08:00' (Beijing time). */
export function formatLocal(iso: string): string {
  const d = new Date(Date.parse(iso) + LOCAL_OFFSET_MS).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 16)}`;
}

const items = <T>(r: SourceResult<T> | undefined): T[] => (r && r.ok ? r.items : []);

interface Context {
  bundle: EvidenceBundle;
  serving?: string;
  servingSite?: string;
  from: number;
  to: number;
  summaries: Map<string, CellKpiSummary>;
}

interface Finding {
  strength: number;
  subject: string;
  sentences: string[];
  action?: string;
}

function cellRole(ctx: Context, cellId: string): string {
  return cellId === ctx.serving ? `服务小区 ${cellId}` : `邻区 ${cellId}`;
}

function evalAlarm(rule: AlarmRule, ctx: Context): Finding[] {
  const out: Finding[] = [];
  for (const a of items(ctx.bundle.alarms)) {
    const sev = rule.severities[a.severity];
    if (!sev) continue;
    if (Date.parse(a.raisedAt) >= ctx.to) continue;
    if (a.clearedAt && Date.parse(a.clearedAt) < ctx.from) continue;
    let scope: number;
    let where: string;
    if (ctx.serving && a.cellIds.includes(ctx.serving)) {
      scope = rule.scope.servingCell;
      where = `服务小区 ${ctx.serving}`;
    } else if (a.siteId === ctx.servingSite && a.cellIds.length === 0) {
      scope = rule.scope.servingSite;
      where = `服务站点 ${a.siteId}（整站）`;
    } else {
      scope = rule.scope.neighbour;
      where = a.cellIds.length ? `邻区 ${a.cellIds.join('、')}` : `邻站 ${a.siteId}`;
    }
    const strength = sev * scope * (a.clearedAt ? rule.cleared : 1);
    out.push({ strength, subject: a.id, sentences: [alarmSentence(a, where)] });
  }
  return out;
}

function alarmSentence(a: Alarm, where: string): string {
  const text = a.text ? `（${a.text}）` : '';
  const state = a.clearedAt ? `${formatLocal(a.clearedAt)} 清除` : '至今未清除';
  return `${where} ${SEVERITY_ZH[a.severity]}告警 ${a.type}${text}：${formatLocal(a.raisedAt)} 产生，${state}，与投诉时段重叠`;
}

function evalChange(rule: ChangeRule, ctx: Context): Finding[] {
  const out: Finding[] = [];
  const kpis = items(ctx.bundle.kpis).filter((k) => k.cellId === ctx.serving);
  for (const c of items(ctx.bundle.changes)) {
    const kind = rule.kinds[c.kind];
    if (!kind) continue;
    let scope: number;
    if (
      (ctx.servingSite && c.siteIds.includes(ctx.servingSite)) ||
      (ctx.serving && c.cellIds.includes(ctx.serving))
    )
      scope = rule.scope.servingSite;
    else if (c.siteIds.some((s) => ctx.bundle.query.siteIds.includes(s))) scope = rule.scope.neighbour;
    else continue;
    const started = Date.parse(c.startedAt);
    const hoursBefore = (ctx.from - started) / H;
    if (hoursBefore > rule.lookbackHours || hoursBefore < -rule.graceHours) continue;
    let strength = kind * scope * (1 - rule.ageDecay * clamp01(hoursBefore / rule.lookbackHours));
    const when =
      hoursBefore >= 0 ? `投诉开始前 ${round(hoursBefore)} 小时` : `投诉开始后 ${round(-hoursBefore)} 小时`;
    const sentences = [
      `站点 ${c.siteIds.join('、')} 于 ${formatLocal(c.startedAt)} 进行${CHANGE_ZH[c.kind]}（${c.description}），${when}`,
    ];
    const end = c.endedAt ? Date.parse(c.endedAt) : started;
    const before = kpis.filter((k) => Date.parse(k.hour) >= started - DAY && Date.parse(k.hour) < started);
    const after = kpis.filter((k) => Date.parse(k.hour) >= end && Date.parse(k.hour) < end + DAY);
    if (before.length >= 3 && after.length >= 3) {
      const dropBefore = mean(before.map((k) => k.dropRate));
      const dropAfter = mean(after.map((k) => k.dropRate));
      const rrcBefore = mean(before.map((k) => k.rrcSetupSuccessRate));
      const rrcAfter = mean(after.map((k) => k.rrcSetupSuccessRate));
      if (dropAfter - dropBefore >= rule.degradation.dropRateRisePct) {
        strength += rule.degradation.bonus;
        sentences.push(
          `${CHANGE_ZH[c.kind]}后服务小区掉线率 ${round(dropAfter, 2)}%（之前 24 小时 ${round(dropBefore, 2)}%），RRC 建立成功率 ${round(rrcAfter, 2)}%（之前 ${round(rrcBefore, 2)}%）`,
        );
      }
    }
    out.push({ strength: Math.min(1, strength), subject: c.id, sentences });
  }
  return out;
}

function ramp(excess: number, full: number): number {
  return 0.6 + 0.4 * clamp01(excess / full);
}

function evalCapacity(rule: CapacityRule, ctx: Context): Finding[] {
  const out: Finding[] = [];
  for (const s of ctx.summaries.values()) {
    if (s.busyHourPrbDl < rule.busyHourPrbPct) continue;
    const scope = s.cellId === ctx.serving ? rule.scope.servingCell : rule.scope.neighbour;
    out.push({
      strength: scope * ramp(s.busyHourPrbDl - rule.busyHourPrbPct, rule.fullPrbPct - rule.busyHourPrbPct),
      subject: s.cellId,
      sentences: [
        `${cellRole(ctx, s.cellId)} 忙时（${s.busyHour} 时）下行 PRB 利用率 ${s.busyHourPrbDl}%（阈值 ${rule.busyHourPrbPct}%），忙时下行吞吐 ${s.busyHourThroughputDlMbps} Mbps，统计 ${s.hours} 小时，RRC 建立成功率 ${s.rrcSetupSuccessRate}%`,
      ],
    });
  }
  return out;
}

function evalInterference(rule: InterferenceRule, ctx: Context): Finding[] {
  const measured = items(ctx.bundle.interference);
  const byCell = new Map<string, InterferenceSample[]>();
  for (const m of measured) byCell.set(m.cellId, [...(byCell.get(m.cellId) ?? []), m]);
  // Without an interference analysis for a cell, its KPI uplink interference stands in.
  for (const k of items(ctx.bundle.kpis))
    if (!measured.some((m) => m.cellId === k.cellId))
      byCell.set(k.cellId, [
        ...(byCell.get(k.cellId) ?? []),
        { cellId: k.cellId, hour: k.hour, ulNoiseDbm: k.ulInterferenceDbm },
      ]);
  const out: Finding[] = [];
  for (const [cellId, rows] of byCell) {
    const med = median(rows.map((r) => r.ulNoiseDbm));
    if (!(med > rule.ulNoiseDbm)) continue;
    const above = rows.filter((r) => r.ulNoiseDbm > rule.ulNoiseDbm);
    const worst = Math.max(...rows.map((r) => r.ulNoiseDbm));
    const sources = new Map<string, number>();
    for (const r of above) if (r.source) sources.set(r.source, (sources.get(r.source) ?? 0) + 1);
    const topSource = [...sources.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    const scope = cellId === ctx.serving ? rule.scope.servingCell : rule.scope.neighbour;
    const sentences = [
      `${cellRole(ctx, cellId)} 上行干扰中位数 ${round(med)} dBm（阈值 ${rule.ulNoiseDbm} dBm），最高 ${round(worst)} dBm，${rows.length} 小时中 ${above.length} 小时超过阈值`,
    ];
    if (topSource) sentences.push(`干扰分析判断的干扰源：${topSource}`);
    out.push({
      strength: scope * ramp(med - rule.ulNoiseDbm, rule.fullDbm - rule.ulNoiseDbm),
      subject: cellId,
      sentences,
    });
  }
  return out;
}

function evalCoverage(rule: CoverageRule, ctx: Context): Finding[] {
  const s = ctx.serving ? ctx.summaries.get(ctx.serving) : undefined;
  if (!s) return [];
  const d50 = rule.rsrpP50Dbm - s.rsrpP50;
  const d10 = rule.rsrpP10Dbm - s.rsrpP10;
  if (d50 <= 0 && d10 <= 0) return [];
  // Weak edge (p10) alone is common; a weak median is the stronger sign.
  const strength = (d50 > 0 ? 1 : 0.8) * ramp(Math.max(d50, d10), rule.fullDeficitDb);
  const sentences = [
    `服务小区 ${s.cellId} RSRP 中位数 ${s.rsrpP50} dBm（阈值 ${rule.rsrpP50Dbm} dBm），10% 分位 ${s.rsrpP10} dBm（阈值 ${rule.rsrpP10Dbm} dBm），SINR 中位数 ${s.sinrP50} dB`,
  ];
  const cell = ctx.bundle.location.serving;
  if (cell?.distanceM !== undefined && cell.bearing !== undefined)
    sentences.push(
      `投诉点距服务小区 ${round(cell.distanceM / 1000, 2)} km，方位 ${cell.bearing}°（天线方位角 ${cell.azimuth}°）`,
    );
  return [{ strength, subject: s.cellId, sentences }];
}

function evalChr(rule: ChrRule, ctx: Context): Finding[] {
  const calls = items(ctx.bundle.chr);
  const failed = calls.filter((c) => c.result !== 'normal');
  if (failed.length < rule.minFailures || failed.length === 0) return [];
  const count = <K extends string>(keys: (K | undefined)[]) => {
    const m = new Map<K, number>();
    for (const k of keys) if (k) m.set(k, (m.get(k) ?? 0) + 1);
    return [...m.entries()].sort((a, b) => b[1] - a[1]);
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
  const sentences = [`CHR/信令回溯：时段内 ${calls.length} 次通话中 ${drops} 次掉话、${setup} 次建立失败`];
  if (steps.length)
    sentences.push(`中断的信令步骤：${fmt(steps)}${causes.length ? `；原因码：${fmt(causes)}` : ''}`);
  if (cells.length) sentences.push(`失败发生的小区：${fmt(cells)}`);
  const topStep = steps[0]?.[0];
  return [
    {
      strength: Math.min(1, rule.base + rule.perExtraFailure * (failed.length - 1)),
      subject: topStep ?? 'calls',
      sentences,
      action: (topStep && rule.actionsByStep[topStep]) || undefined,
    },
  ];
}

function evaluate(rule: DiagnosisRule, ctx: Context): Finding[] {
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
  }
}

/** Ranked hypotheses (highest score first), one per rule, each with its evidence sentences. */
export function prediagnose(
  bundle: EvidenceBundle,
  rules: DiagnosisRules = DEFAULT_DIAGNOSIS_RULES,
): Hypothesis[] {
  const summaries = bundle.kpiSummary.length ? bundle.kpiSummary : summariseKpis(items(bundle.kpis));
  const ctx: Context = {
    bundle,
    serving: bundle.query.cells[0],
    servingSite: bundle.query.siteIds[0],
    from: Date.parse(bundle.query.window.from),
    to: Date.parse(bundle.query.window.to),
    summaries: new Map(summaries.map((s) => [s.cellId, s])),
  };
  const out: (Hypothesis & { weight: number })[] = [];
  for (const rule of rules.rules) {
    const findings = evaluate(rule, ctx).sort((a, b) => b.strength - a.strength);
    const best = findings[0];
    if (!best || best.strength <= 0) continue;
    out.push({
      id: `${rule.id}:${best.subject}`,
      cause: rule.cause,
      ruleId: rule.id,
      title: rule.title,
      score: round(rule.weight * best.strength, 2),
      evidence: findings.slice(0, 3).flatMap((f) => f.sentences),
      suggestedAction: best.action ?? rule.suggestedAction,
      weight: rule.weight,
    });
  }
  return out
    .sort((a, b) => b.score - a.score || b.weight - a.weight || a.id.localeCompare(b.id))
    .slice(0, rules.maxHypotheses)
    .map(({ weight: _w, ...h }) => h);
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
        `${i + 1}. ${h.title['zh-CN']}（可能性 ${h.score.toFixed(2)}）：${h.evidence.join('；')}。建议：${h.suggestedAction}`,
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
// The bundle, gathered and compacted

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

const SEVERITY_ORDER: Record<AlarmSeverity, number> = { critical: 0, major: 1, minor: 2, warning: 3 };

function top<T>(r: SourceResult<T>, order: (a: T, b: T) => number, n: number): SourceResult<T> {
  return r.ok ? { ...r, items: [...r.items].sort(order).slice(0, n) } : r;
}

/**
 * The bundle as a complaint keeps it (workflow history, read model): the top items per source,
 * `total` still telling how many there were, and the per-cell KPI summaries.
 */
export function compactBundle(bundle: EvidenceBundle, n = 5): Omit<EvidenceBundle, 'location'> {
  const serving = bundle.query.cells[0];
  const t = (s: string) => Date.parse(s);
  const { location: _location, ...rest } = bundle;
  return {
    ...rest,
    kpis: top(
      bundle.kpis,
      (a, b) => Number(b.cellId === serving) - Number(a.cellId === serving) || t(b.hour) - t(a.hour),
      n,
    ),
    alarms: top(
      bundle.alarms,
      (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || t(b.raisedAt) - t(a.raisedAt),
      n,
    ),
    changes: top(bundle.changes, (a, b) => t(b.startedAt) - t(a.startedAt), n),
    interference: top(bundle.interference, (a, b) => b.ulNoiseDbm - a.ulNoiseDbm || t(b.hour) - t(a.hour), n),
    ...(bundle.chr
      ? {
          chr: top(
            bundle.chr,
            (a, b) =>
              Number(b.result !== 'normal') - Number(a.result !== 'normal') ||
              t(b.startedAt) - t(a.startedAt),
            n,
          ),
        }
      : {}),
  };
}

/** Assembles the outcome a complaint keeps from a gathered bundle. */
export function evidenceOutcome(
  bundle: EvidenceBundle,
  gatheredAt: string,
  tookMs: number,
  rules: DiagnosisRules = DEFAULT_DIAGNOSIS_RULES,
): EvidenceOutcome {
  const full: EvidenceBundle = { ...bundle, kpiSummary: summariseKpis(items(bundle.kpis)) };
  const hypotheses = prediagnose(full, rules);
  return {
    cells: bundle.location,
    bundle: compactBundle(full),
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
