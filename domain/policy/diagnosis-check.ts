// The handler's finding beside the pre-diagnosis (R3.5, issue 25 "learning from outcomes"): when a
// handler resolves a complaint and names the cause they found, the complaint keeps where that cause
// ranked among the hypotheses, so reports and the evaluation can say how often the top hypothesis
// was the one handlers confirmed. Pure; the workflow calls it in the resolve update.
import type { Hypothesis, HypothesisCause } from '../evidence';
import type { DiagnosisCheck } from '../complaint';

export function checkDiagnosis(
  hypotheses: readonly Hypothesis[] | undefined,
  found: HypothesisCause,
): DiagnosisCheck {
  const list = hypotheses ?? [];
  const at = list.findIndex((h) => h.cause === found);
  return {
    top: list[0]?.cause ?? 'NONE',
    found,
    rank: at >= 0 ? at + 1 : null,
    confirmed: at === 0,
  };
}

/** How the pre-diagnosis fared against what handlers found, over resolved complaints. */
export interface CheckSummary {
  /** Resolved complaints whose handler named the cause. */
  named: number;
  /** Their top hypothesis was the cause found. */
  confirmed: number;
  /** The cause found was among the first three hypotheses. */
  inTop3: number;
  /** The cause found was not among the hypotheses at all. */
  notListed: number;
  /** Per cause found: how many, and how often it was the top hypothesis. */
  byFound: Record<string, { named: number; confirmed: number }>;
}

export function summariseChecks(checks: readonly DiagnosisCheck[]): CheckSummary {
  const byFound: CheckSummary['byFound'] = {};
  for (const c of checks) {
    const row = (byFound[c.found] ??= { named: 0, confirmed: 0 });
    row.named += 1;
    if (c.confirmed) row.confirmed += 1;
  }
  return {
    named: checks.length,
    confirmed: checks.filter((c) => c.confirmed).length,
    inTop3: checks.filter((c) => c.rank !== null && c.rank <= 3).length,
    notListed: checks.filter((c) => c.rank === null).length,
    byFound,
  };
}

const pct = (n: number, of: number) => (of === 0 ? '—' : `${((100 * n) / of).toFixed(1)} %`);

/** Lines for a terminal; the last one is `handlers: top-1 confirmed X % top-3 Y % of N`. */
export function formatChecks(s: CheckSummary): string {
  const rows = Object.entries(s.byFound)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(
      ([cause, r]) =>
        `  ${cause.padEnd(24)} ${String(r.named).padStart(5)}  top-1 ${pct(r.confirmed, r.named)}`,
    );
  return [
    'cause the handler found        n  top hypothesis was it',
    ...rows,
    `not among the hypotheses: ${s.notListed}`,
    `handlers: top-1 confirmed ${pct(s.confirmed, s.named)} top-3 ${pct(s.inTop3, s.named)} of ${s.named}`,
  ].join('\n');
}
