// What makes a complaint topic "hot" (热点) in a report, as data (R9.1, R9.2): a topic is one
// complaint category in one region; it is hot in a period when any threshold is reached. The
// definition is printed in every report. REPORT_HOT_RULES (JSON) overrides the defaults per kind.
import type { ReportKind } from './report';

export interface HotRule {
  /** Complaints of the topic in the period. */
  minCount: number;
  /** Growth against the previous period, in % … */
  minGrowthPct: number;
  /** … counted only from this many complaints on (a topic new in the period counts as growth). */
  growthMinCount: number;
  /** Repeat complaints (二次投诉, R6.2). */
  minRepeats: number;
  /** Escalated complaints (R5). */
  minEscalated: number;
}

export const DEFAULT_HOT_RULES: Record<ReportKind, HotRule> = {
  weekly: { minCount: 10, minGrowthPct: 50, growthMinCount: 5, minRepeats: 3, minEscalated: 2 },
  monthly: { minCount: 30, minGrowthPct: 30, growthMinCount: 15, minRepeats: 8, minEscalated: 5 },
};

export interface TopicFigures {
  count: number;
  previous: number;
  repeats: number;
  escalated: number;
}

/** Growth in % against the previous period; null when the previous period had none. */
export function growthPct(count: number, previous: number): number | null {
  return previous === 0 ? null : round1(((count - previous) / previous) * 100);
}

export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** The thresholds a topic reaches (empty: not hot), as short phrases for the report. */
export function hotReasons(rule: HotRule, t: TopicFigures): string[] {
  const reasons: string[] = [];
  if (t.count >= rule.minCount) reasons.push(`count ${t.count} ≥ ${rule.minCount}`);
  if (t.count >= rule.growthMinCount && t.count > t.previous) {
    const g = growthPct(t.count, t.previous);
    if (g === null) reasons.push(`new: ${t.count} (none in the previous period)`);
    else if (g >= rule.minGrowthPct) reasons.push(`growth +${g} % ≥ ${rule.minGrowthPct} %`);
  }
  if (t.repeats >= rule.minRepeats) reasons.push(`repeats ${t.repeats} ≥ ${rule.minRepeats}`);
  if (t.escalated >= rule.minEscalated) reasons.push(`escalated ${t.escalated} ≥ ${rule.minEscalated}`);
  return reasons;
}

/** The definition as printed in the report, in English and Chinese. */
export function describeHotRule(rule: HotRule, kind: ReportKind): { en: string; zh: string } {
  const period = kind === 'weekly' ? 'week' : 'month';
  const zhPeriod = kind === 'weekly' ? '本周' : '本月';
  return {
    en:
      `A topic (one complaint category in one region) is hot when in the ${period} it has at least ` +
      `${rule.minCount} complaints, or grew by at least ${rule.minGrowthPct} % against the previous ${period} ` +
      `(from ${rule.growthMinCount} complaints on; new topics count as growth), or has at least ` +
      `${rule.minRepeats} repeat complaints, or at least ${rule.minEscalated} escalated complaints.`,
    zh:
      `热点投诉：同一地区同一投诉类型，${zhPeriod}投诉量 ≥ ${rule.minCount} 件，或环比增长 ≥ ${rule.minGrowthPct}%` +
      `（投诉量 ≥ ${rule.growthMinCount} 件时计算，新出现的视为增长），或二次投诉 ≥ ${rule.minRepeats} 件，` +
      `或升级投诉 ≥ ${rule.minEscalated} 件。`,
  };
}

/** Checks a REPORT_HOT_RULES override; returns the problems (empty = fine). */
export function hotRuleProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null)
    return ['must be a JSON object with weekly and/or monthly'];
  const problems: string[] = [];
  for (const [kind, rule] of Object.entries(value)) {
    if (kind !== 'weekly' && kind !== 'monthly') {
      problems.push(`${kind}: only weekly and monthly`);
      continue;
    }
    for (const [k, v] of Object.entries(rule as Record<string, unknown>)) {
      if (!(k in DEFAULT_HOT_RULES.weekly)) problems.push(`${kind}.${k}: unknown threshold`);
      else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
        problems.push(`${kind}.${k}: must be a number ≥ 0`);
    }
  }
  return problems;
}

export function hotRulesWith(
  overrides: Partial<Record<ReportKind, Partial<HotRule>>>,
): Record<ReportKind, HotRule> {
  return {
    weekly: { ...DEFAULT_HOT_RULES.weekly, ...overrides.weekly },
    monthly: { ...DEFAULT_HOT_RULES.monthly, ...overrides.monthly },
  };
}
