// The weekly and monthly reports (R9.1, R9.2) from aggregated periods: handling figures with the
// change against the previous period, hot topics by the data definition in ./hot, how last period's
// hot topics were controlled, the top five with analysis and measures, and the overall picture.
// Pure: the aggregations come from ./source, the rendering is ./render.
import { CATEGORIES, CHANNELS } from '../../domain/complaint';
import { CLOCK_KINDS } from '../../domain/policy/sla';
import type { ReportKind, ReportPlan } from '../../domain/reports/report';
import { percentile, rowOf, rowsOf, type PeriodAgg, type TagRow } from './aggregate';
import { describeHotRule, growthPct, hotReasons, round1, type HotRule } from '../../domain/reports/hot';
import type { TrackedMeasure, WrittenAnalysis } from '../../domain/reports/analysis';

export const REPORT_SCHEMA_VERSION = 1;

export interface CountRow {
  key: string;
  count: number;
  previous: number;
  /** % change against the previous period; null when the previous period had none. */
  changePct: number | null;
}

export interface ClockFigures {
  clock: string;
  met: number;
  metLate: number;
  breached: number;
  /** Still running or paused. */
  open: number;
  /** met / (met + metLate + breached), in %; null when none decided. */
  metPct: number | null;
}

export interface TransferFigures {
  department: string;
  transferred: number;
  verified: number;
  /** Mean time from the transfer to the department's verification. */
  avgVerifyMs: number | null;
  /** Verification clocks met late or breached. */
  late: number;
}

export interface HandlingFigures {
  total: number;
  byChannel: CountRow[];
  byCategory: CountRow[];
  byRegion: CountRow[];
  byVipLevel: CountRow[];
  firstReply: { within48h: number; late: number; pending: number; within48hPct: number | null };
  replied: { replied: number; total: number; pct: number | null; target: 100; notReplied: number };
  resolved: number;
  closed: number;
  slaBreached: number;
  clocks: ClockFigures[];
  escalations: { escalated: number; events: number; byLevel: { level: number; complaints: number }[] };
  transfers: TransferFigures[];
  specialHandling: { reopened: number; byRounds: { rounds: number; complaints: number }[] };
  satisfaction: { satisfied: number; unsatisfied: number; unknown: number; pct: number | null };
  repeats: { count: number; pct: number | null };
  timeToResolve: { resolved: number; medianMs: number | null; p90Ms: number | null };
  massIncidents: { incidents: number; complaints: number; list: { incident: string; complaints: number }[] };
  hotComplaints: { count: number; closed: number };
  major: number;
  /**
   * Care callbacks (R6.1, R6.3): made, answered by nobody (calls nor SMS) and handed to a person,
   * recorded by that person, and still waiting on the care-callback worklist.
   */
  careCallbacks: { called: number; unanswered: number; recordedByPerson: number; awaitingPerson: number };
}

export interface TextCount {
  text: string;
  count: number;
}

export interface HotTopic {
  key: string;
  category: string;
  region: string;
  count: number;
  previous: number;
  changePct: number | null;
  repeats: number;
  escalated: number;
  breached: number;
  resolved: number;
  closed: number;
  reasons: string[];
  causes: TextCount[];
  measures: TextCount[];
  /** Short analysis generated from the figures (top-five and hot-topic tables). */
  analysis: string;
  examples: string[];
}

export interface ControlRow {
  key: string;
  category: string;
  region: string;
  /** Complaints of the topic in the previous period (when it was hot) … */
  lastCount: number;
  /** … and in this period. */
  count: number;
  changePct: number | null;
  lastReasons: string[];
  hotNow: boolean;
  status: 'controlled' | 'improving' | 'not controlled';
  /** Rectification of the previous period's complaints of the topic, as of this report. */
  lastClosed: number;
  lastResolved: number;
  causes: TextCount[];
  measures: TextCount[];
}

export interface ComparisonRow {
  id: string;
  label: string;
  unit: 'count' | 'pct' | 'hours';
  current: number | null;
  previous: number | null;
  /** Absolute difference (percentage points for pct). */
  delta: number | null;
  /** % change for counts; null otherwise or when the previous is 0. */
  changePct: number | null;
}

export interface Report {
  schema: number;
  id: string;
  kind: ReportKind;
  period: string;
  previousPeriod: string;
  timeZone: string;
  from: string;
  to: string;
  generatedAt: string;
  requestedBy: string;
  source: 'rollups' | 'direct';
  hotRule: HotRule & { en: string; zh: string };
  overview: { total: number; previous: number; changePct: number | null; highlights: string[] };
  previousHot: ControlRow[];
  previousHotComplaints: { count: number; closed: number; open: number };
  hotTopics: HotTopic[];
  topFive: HotTopic[];
  figures: HandlingFigures;
  previousFigures: HandlingFigures;
  comparison: ComparisonRow[];
  daily: { day: string; count: number; previousDay: string | null; previous: number | null }[];
  trend: { period: string; count: number }[];
  /**
   * The measures the interface person wrote for last period's hot topics and how each topic did
   * in this period (R9.4); absent when last period's report carried no written analysis.
   */
  measuresTracked?: TrackedMeasure[];
  /** The interface person's written analysis of this report (R9.4): on the stored report, not computed. */
  written?: WrittenAnalysis;
}

export interface ReportInput {
  plan: ReportPlan;
  current: PeriodAgg;
  previous: PeriodAgg;
  /** The period before the previous one (for the growth of last period's topics). */
  before: PeriodAgg;
  days: string[];
  previousDays: string[];
  /** Days (of this and the previous period) whose complaints were all received > 48 h before asOf. */
  overdueDays: string[];
  trend: { period: string; count: number }[];
  hotRule: HotRule;
  generatedAt: string;
  source: 'rollups' | 'direct';
  /** What the interface person wrote into the previous period's report (R9.4). */
  previousAnalysis?: WrittenAnalysis;
}

const pct = (part: number, whole: number): number | null =>
  whole === 0 ? null : round1((part / whole) * 100);

function countRows(
  current: PeriodAgg,
  previous: PeriodAgg,
  prefix: string,
  known: readonly string[] = [],
): CountRow[] {
  const keys = new Set([
    ...known,
    ...rowsOf(current, prefix).map((r) => r.key),
    ...rowsOf(previous, prefix).map((r) => r.key),
  ]);
  return [...keys]
    .map((key) => {
      const count = rowOf(current, `${prefix}:${key}`).n;
      const prev = rowOf(previous, `${prefix}:${key}`).n;
      return { key, count, previous: prev, changePct: growthPct(count, prev) };
    })
    .sort((a, b) => b.count - a.count || b.previous - a.previous || compareKeys(a.key, b.key));
}

function compareKeys(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Clocks in the policy's order (one list: CLOCK_KINDS); a name it does not know goes last. */
function clockRank(name: string): number {
  const i = (CLOCK_KINDS as readonly string[]).indexOf(name.split(':')[0] ?? name);
  return i < 0 ? CLOCK_KINDS.length : i;
}

function clockFigures(agg: PeriodAgg): ClockFigures[] {
  const byClock = new Map<string, ClockFigures>();
  for (const { key, row } of rowsOf(agg, 'clk')) {
    const cut = key.lastIndexOf(':');
    const clock = key.slice(0, cut);
    const state = key.slice(cut + 1);
    let f = byClock.get(clock);
    if (!f) byClock.set(clock, (f = { clock, met: 0, metLate: 0, breached: 0, open: 0, metPct: null }));
    if (state === 'met') f.met += row.n;
    else if (state === 'metLate') f.metLate += row.n;
    else if (state === 'breached') f.breached += row.n;
    else f.open += row.n;
  }
  return [...byClock.values()]
    .map((f) => ({ ...f, metPct: pct(f.met, f.met + f.metLate + f.breached) }))
    .sort((a, b) => clockRank(a.clock) - clockRank(b.clock) || compareKeys(a.clock, b.clock));
}

export function handlingFigures(
  agg: PeriodAgg,
  previous: PeriodAgg,
  days: string[],
  overdueDays: ReadonlySet<string>,
): HandlingFigures {
  const all = rowOf(agg, 'all');
  const m = all.m;
  const total = all.n;
  // Not replied yet and received > 48 h before the report: late, even if nothing was projected since.
  const overdue = days
    .filter((d) => overdueDays.has(d))
    .reduce((s, d) => s + rowOf(agg, `day:${d}`).m.frPending, 0);
  const late = m.frLate + overdue;
  const pending = m.frPending - overdue;
  const clocks = clockFigures(agg);
  const transfers = rowsOf(agg, 'dept')
    .map(({ key, row }): TransferFigures => {
      const clock = clocks.find((c) => c.clock === `verification:${key}`);
      return {
        department: key,
        transferred: row.n,
        verified: row.m.verified,
        avgVerifyMs: row.m.verified === 0 ? null : Math.round(row.m.verifyMs / row.m.verified),
        late: (clock?.metLate ?? 0) + (clock?.breached ?? 0),
      };
    })
    .sort((a, b) => b.transferred - a.transferred || compareKeys(a.department, b.department));
  const byLevel = rowsOf(agg, 'esc')
    .map(({ key, row }) => ({ level: Number(key), complaints: row.n }))
    .sort((a, b) => a.level - b.level);
  const byRounds = rowsOf(agg, 'rounds')
    .map(({ key, row }) => ({ rounds: Number(key), complaints: row.n }))
    .sort((a, b) => a.rounds - b.rounds);
  const mass = rowsOf(agg, 'mass')
    .map(({ key, row }) => ({ incident: key, complaints: row.n }))
    .sort((a, b) => b.complaints - a.complaints || compareKeys(a.incident, b.incident));
  const median = percentile(agg.resolveMs, 50);
  const p90 = percentile(agg.resolveMs, 90);
  return {
    total,
    byChannel: countRows(agg, previous, 'ch', CHANNELS),
    byCategory: countRows(agg, previous, 'cat', CATEGORIES),
    byRegion: countRows(agg, previous, 'reg'),
    byVipLevel: countRows(agg, previous, 'vip').sort((a, b) => compareKeys(a.key, b.key)),
    firstReply: { within48h: m.frOnTime, late, pending, within48hPct: pct(m.frOnTime, m.frOnTime + late) },
    replied: {
      replied: m.replied,
      total,
      pct: pct(m.replied, total),
      target: 100,
      notReplied: total - m.replied,
    },
    resolved: m.resolved,
    closed: m.closed,
    slaBreached: m.breached,
    clocks,
    escalations: { escalated: m.escalated, events: m.escalations, byLevel },
    transfers,
    specialHandling: { reopened: m.reopened, byRounds },
    satisfaction: {
      satisfied: m.satisfied,
      unsatisfied: m.unsatisfied,
      unknown: total - m.satisfied - m.unsatisfied,
      pct: pct(m.satisfied, m.satisfied + m.unsatisfied),
    },
    repeats: { count: m.repeat, pct: pct(m.repeat, total) },
    timeToResolve: { resolved: agg.resolveMs.length, medianMs: median ?? null, p90Ms: p90 ?? null },
    massIncidents: { incidents: mass.length, complaints: m.mass, list: mass },
    hotComplaints: { count: m.hot, closed: m.hotClosed },
    major: m.major,
    careCallbacks: {
      called: m.careCalled,
      unanswered: m.careUnanswered,
      recordedByPerson: m.careByPerson,
      awaitingPerson: m.careUnanswered - m.careByPerson,
    },
  };
}

function splitTopic(key: string): { category: string; region: string } {
  const cut = key.indexOf('|');
  return { category: key.slice(0, cut), region: key.slice(cut + 1) };
}

/** Cause or measure texts of a topic, most frequent first (top 3). */
function texts(agg: PeriodAgg, prefix: 'cause' | 'measure', topic: string): TextCount[] {
  const p = `${topic}|`;
  return rowsOf(agg, prefix)
    .filter((r) => r.key.startsWith(p))
    .map(({ key, row }) => ({ text: key.slice(p.length), count: row.n }))
    .sort((a, b) => b.count - a.count || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
    .slice(0, 3);
}

function topicRow(agg: PeriodAgg, key: string): TagRow {
  return rowOf(agg, `topic:${key}`);
}

/** Hot topics of `agg` against `previous`, hottest first (count, escalated, repeats, key). */
export function hotTopics(agg: PeriodAgg, previous: PeriodAgg, rule: HotRule): HotTopic[] {
  return (
    rowsOf(agg, 'topic')
      .map(({ key, row }): HotTopic | undefined => {
        const prev = topicRow(previous, key).n;
        const reasons = hotReasons(rule, {
          count: row.n,
          previous: prev,
          repeats: row.m.repeat,
          escalated: row.m.escalated,
        });
        if (reasons.length === 0) return undefined;
        const causes = texts(agg, 'cause', key);
        const measures = texts(agg, 'measure', key);
        const topic: HotTopic = {
          key,
          ...splitTopic(key),
          count: row.n,
          previous: prev,
          changePct: growthPct(row.n, prev),
          repeats: row.m.repeat,
          escalated: row.m.escalated,
          breached: row.m.breached,
          resolved: row.m.resolved,
          closed: row.m.closed,
          reasons,
          causes,
          measures,
          analysis: '',
          examples: agg.examples?.get(key)?.map((e) => e.ticketId) ?? [],
        };
        topic.analysis = analyse(topic);
        return topic;
      })
      .filter((t): t is HotTopic => t !== undefined)
      .sort(
        (a, b) =>
          b.count - a.count || b.escalated - a.escalated || b.repeats - a.repeats || (a.key < b.key ? -1 : 1),
      )
      // Example tickets for the top five only (what the report shows them for).
      .map((t, i) => (i < TOP ? t : { ...t, examples: [] }))
  );
}

/** How many hot topics the monthly report analyses (and lists examples for). */
export const TOP = 5;

const signed = (x: number) => (x > 0 ? `+${x}` : String(x));

export function analyse(t: Omit<HotTopic, 'analysis'>): string {
  const parts = [
    `${t.count} complaints about ${t.category} in ${t.region}` +
      (t.changePct === null
        ? t.previous === 0
          ? ' (none in the previous period)'
          : ''
        : ` (${signed(t.changePct)} %)`),
  ];
  const detail = [
    t.repeats ? `${t.repeats} repeat` : '',
    t.escalated ? `${t.escalated} escalated` : '',
    t.breached ? `${t.breached} past a time limit` : '',
  ].filter(Boolean);
  if (detail.length) parts.push(detail.join(', '));
  parts.push(`${t.resolved} resolved, ${t.closed} closed`);
  parts.push(
    t.causes.length
      ? `main causes: ${t.causes.map((c) => `${c.text} (${c.count})`).join('; ')}`
      : 'no root cause recorded yet',
  );
  if (t.measures.length)
    parts.push(`measures: ${t.measures.map((c) => `${c.text} (${c.count})`).join('; ')}`);
  return `${parts.join('; ')}.`;
}

/** How the previous period's hot topics did in this period, and the rectification of their complaints. */
export function controlOfPrevious(
  current: PeriodAgg,
  previous: PeriodAgg,
  before: PeriodAgg,
  rule: HotRule,
): ControlRow[] {
  return hotTopics(previous, before, rule).map((last): ControlRow => {
    const row = topicRow(current, last.key);
    const hotNow =
      hotReasons(rule, {
        count: row.n,
        previous: last.count,
        repeats: row.m.repeat,
        escalated: row.m.escalated,
      }).length > 0;
    const status = !hotNow ? 'controlled' : row.n < last.count ? 'improving' : 'not controlled';
    return {
      key: last.key,
      category: last.category,
      region: last.region,
      lastCount: last.count,
      count: row.n,
      changePct: growthPct(row.n, last.count),
      lastReasons: last.reasons,
      hotNow,
      status,
      lastClosed: last.closed,
      lastResolved: last.resolved,
      causes: last.causes,
      measures: last.measures,
    };
  });
}

/**
 * Last period's written measures, topic by topic, against this period's complaints of the topic
 * (R9.4): controlled when the topic is no longer hot, improving when it is but smaller.
 */
export function trackMeasures(
  written: WrittenAnalysis,
  current: PeriodAgg,
  previous: PeriodAgg,
  rule: HotRule,
): TrackedMeasure[] {
  return written.topics.map((t): TrackedMeasure => {
    const row = topicRow(current, t.key);
    const lastCount = topicRow(previous, t.key).n;
    const hotNow =
      hotReasons(rule, {
        count: row.n,
        previous: lastCount,
        repeats: row.m.repeat,
        escalated: row.m.escalated,
      }).length > 0;
    return {
      key: t.key,
      ...splitTopic(t.key),
      analysis: t.analysis,
      measures: t.measures,
      writtenBy: written.by,
      lastCount,
      count: row.n,
      changePct: growthPct(row.n, lastCount),
      hotNow,
      status: !hotNow ? 'controlled' : row.n < lastCount ? 'improving' : 'not controlled',
    };
  });
}

const hours = (ms: number | null) => (ms === null ? null : round1(ms / 3_600_000));

function comparison(cur: HandlingFigures, prev: HandlingFigures): ComparisonRow[] {
  const row = (
    id: string,
    label: string,
    unit: ComparisonRow['unit'],
    c: number | null,
    p: number | null,
  ): ComparisonRow => ({
    id,
    label,
    unit,
    current: c,
    previous: p,
    delta: c === null || p === null ? null : round1(c - p),
    changePct: unit === 'count' && c !== null && p !== null ? growthPct(c, p) : null,
  });
  return [
    row('total', 'complaints', 'count', cur.total, prev.total),
    row(
      'firstReplyWithin48h',
      'first replies within 48 h',
      'pct',
      cur.firstReply.within48hPct,
      prev.firstReply.within48hPct,
    ),
    row('replied', 'replied (target 100 %)', 'pct', cur.replied.pct, prev.replied.pct),
    row('resolved', 'resolved', 'count', cur.resolved, prev.resolved),
    row('closed', 'closed', 'count', cur.closed, prev.closed),
    row('slaBreached', 'past a time limit', 'count', cur.slaBreached, prev.slaBreached),
    row('escalated', 'escalated', 'count', cur.escalations.escalated, prev.escalations.escalated),
    row('transferred', 'transferred to a department', 'count', sumOf(cur.transfers), sumOf(prev.transfers)),
    row(
      'reopened',
      'special handling (reopened)',
      'count',
      cur.specialHandling.reopened,
      prev.specialHandling.reopened,
    ),
    row('satisfaction', 'satisfied', 'pct', cur.satisfaction.pct, prev.satisfaction.pct),
    row('repeats', 'repeat complaints', 'count', cur.repeats.count, prev.repeats.count),
    row(
      'medianResolve',
      'median time to resolve',
      'hours',
      hours(cur.timeToResolve.medianMs),
      hours(prev.timeToResolve.medianMs),
    ),
    row(
      'p90Resolve',
      '90th percentile time to resolve',
      'hours',
      hours(cur.timeToResolve.p90Ms),
      hours(prev.timeToResolve.p90Ms),
    ),
    row(
      'massIncidentComplaints',
      'complaints linked to mass incidents',
      'count',
      cur.massIncidents.complaints,
      prev.massIncidents.complaints,
    ),
    row('hot', 'hot complaints (R4.7)', 'count', cur.hotComplaints.count, prev.hotComplaints.count),
  ];
}

const sumOf = (t: TransferFigures[]) => t.reduce((s, x) => s + x.transferred, 0);

function highlights(
  kind: ReportKind,
  plan: ReportPlan,
  f: HandlingFigures,
  p: HandlingFigures,
  hot: HotTopic[],
): string[] {
  const change = growthPct(f.total, p.total);
  const out = [
    `${f.total} complaints in ${plan.period}` +
      (change === null ? '' : ` (${signed(change)} % against ${plan.previousPeriod}: ${p.total})`),
  ];
  const topCat = f.byCategory[0];
  const topReg = f.byRegion[0];
  if (topCat && topCat.count > 0) out.push(`most complaints about ${topCat.key} (${topCat.count})`);
  if (topReg && topReg.count > 0) out.push(`most complaints in region ${topReg.key} (${topReg.count})`);
  if (f.total > 0) {
    out.push(
      `first replies within 48 h: ${f.firstReply.within48hPct ?? '—'} %; replied: ${f.replied.pct ?? '—'} % (target 100 %)`,
    );
    out.push(
      `${f.slaBreached} past a time limit, ${f.escalations.escalated} escalated, ${f.repeats.count} repeat complaints`,
    );
  }
  out.push(
    hot.length === 0
      ? `no hot topic this ${kind === 'weekly' ? 'week' : 'month'}`
      : `${hot.length} hot topic${hot.length > 1 ? 's' : ''}: ${hot
          .slice(0, 5)
          .map((t) => `${t.category}/${t.region} (${t.count})`)
          .join(', ')}`,
  );
  return out;
}

export function buildReport(input: ReportInput): Report {
  const { plan, current, previous, before, hotRule } = input;
  const overdue = new Set(input.overdueDays);
  const figures = handlingFigures(current, previous, input.days, overdue);
  const previousFigures = handlingFigures(previous, before, input.previousDays, overdue);
  const hot = hotTopics(current, previous, hotRule);
  const prevAll = rowOf(previous, 'all');
  return {
    schema: REPORT_SCHEMA_VERSION,
    id: plan.id,
    kind: plan.kind,
    period: plan.period,
    previousPeriod: plan.previousPeriod,
    timeZone: plan.timeZone,
    from: plan.from,
    to: plan.to,
    generatedAt: input.generatedAt,
    requestedBy: plan.requestedBy,
    source: input.source,
    hotRule: { ...hotRule, ...describeHotRule(hotRule, plan.kind) },
    overview: {
      total: figures.total,
      previous: previousFigures.total,
      changePct: growthPct(figures.total, previousFigures.total),
      highlights: highlights(plan.kind, plan, figures, previousFigures, hot),
    },
    previousHot: controlOfPrevious(current, previous, before, hotRule),
    previousHotComplaints: {
      count: prevAll.m.hot,
      closed: prevAll.m.hotClosed,
      open: prevAll.m.hot - prevAll.m.hotClosed,
    },
    hotTopics: hot,
    topFive: hot.slice(0, TOP),
    figures,
    previousFigures,
    comparison: comparison(figures, previousFigures),
    daily: input.days.map((day, i) => {
      const previousDay = input.previousDays[i] ?? null;
      return {
        day,
        count: rowOf(current, `day:${day}`).n,
        previousDay,
        previous: previousDay === null ? null : rowOf(previous, `day:${previousDay}`).n,
      };
    }),
    trend: input.trend,
    ...(input.previousAnalysis
      ? { measuresTracked: trackMeasures(input.previousAnalysis, current, previous, hotRule) }
      : {}),
  };
}
