// The pre-diagnosis measured on a labelled month (R3.5, issue 25): every complaint of the month
// goes through the product's evidence path (locateCells and the five evidence activities over a
// network data adapter, then evidenceOutcome: the stored evidence and the ranked hypotheses, as
// the workflow's gatherEvidence step does) and its top hypothesis is compared with the planted
// cause. Used by `npm run eval:diagnosis` (evaluation seeds) and the R3.5 unit test (test seed).
import pino from 'pino';
import { createEvidenceActivities } from '../../activities/evidence/activities';
import { createMemoryNetworkSources } from '../../activities/evidence/memory';
import type { NetworkSources } from '../../activities/evidence/sources';
import {
  generateLabelledMonth,
  PLANTED_CAUSES,
  type LabelledMonth,
  type PlantedCause,
} from '../../infra/network-data/labelled-month';
import { gatherDirect } from './evidence';

/** Seeds of the published figures: never looked at while writing the rules. */
export const EVAL_SEEDS = [2511, 2512, 2513] as const;
/** Seed of the R3.5 unit test (and of rule development). */
export const TEST_SEED = 25;

/** What the top of the list says when it is empty: nothing on the radio side. */
const NONE = 'NO_RADIO_CAUSE';

export interface CaseResult {
  ticketId: string;
  cause: PlantedCause;
  variant: string;
  servingCellId: string;
  /** Causes of the ranked hypotheses, first = top-1 (empty list: NO_RADIO_CAUSE). */
  ranked: string[];
  top1: boolean;
  top3: boolean;
  gaps: number;
}

export interface CauseScore {
  n: number;
  top1: number;
  top3: number;
}

export interface Scorecard {
  seeds: number[];
  complaints: number;
  top1: number;
  top3: number;
  perCause: Record<PlantedCause, CauseScore>;
  /** planted cause → predicted top-1 cause → count */
  matrix: Record<PlantedCause, Record<string, number>>;
  cases: CaseResult[];
}

/** Runs every complaint of the month through the evidence path (memory adapter unless given). */
export async function runMonth(month: LabelledMonth, sources?: NetworkSources): Promise<CaseResult[]> {
  const acts = createEvidenceActivities({
    sources: sources ?? createMemoryNetworkSources(month.data),
    logger: pino({ level: 'silent' }),
  });
  const out: CaseResult[] = [];
  for (const c of month.complaints) {
    const { outcome } = await gatherDirect(acts, c.input);
    const causes = outcome.hypotheses.map((h) => h.cause as string);
    const ranked = causes.length ? causes : [NONE];
    out.push({
      ticketId: c.input.ticketId,
      cause: c.cause,
      variant: c.variant,
      servingCellId: c.servingCellId,
      ranked,
      top1: ranked[0] === c.cause,
      top3: ranked.slice(0, 3).includes(c.cause),
      gaps: outcome.bundle.gaps.length,
    });
  }
  return out;
}

export function score(seeds: number[], cases: CaseResult[]): Scorecard {
  const perCause = Object.fromEntries(PLANTED_CAUSES.map((c) => [c, { n: 0, top1: 0, top3: 0 }])) as Record<
    PlantedCause,
    CauseScore
  >;
  const matrix = Object.fromEntries(PLANTED_CAUSES.map((c) => [c, {}])) as Scorecard['matrix'];
  for (const r of cases) {
    const s = perCause[r.cause];
    s.n += 1;
    s.top1 += Number(r.top1);
    s.top3 += Number(r.top3);
    const row = matrix[r.cause];
    row[r.ranked[0]!] = (row[r.ranked[0]!] ?? 0) + 1;
  }
  return {
    seeds,
    complaints: cases.length,
    top1: cases.filter((r) => r.top1).length / Math.max(1, cases.length),
    top3: cases.filter((r) => r.top3).length / Math.max(1, cases.length),
    perCause,
    matrix,
    cases,
  };
}

/** Generates the month of each seed and scores them together. */
export async function evaluateSeeds(seeds: readonly number[], perCause?: number): Promise<Scorecard> {
  const cases: CaseResult[] = [];
  for (const seed of seeds) cases.push(...(await runMonth(generateLabelledMonth({ seed, perCause }))));
  return score([...seeds], cases);
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const SHORT: Record<string, string> = {
  FAULT_ALARM: 'alarm',
  RECENT_CHANGE: 'change',
  UL_INTERFERENCE: 'interf.',
  CAPACITY: 'capacity',
  WEAK_COVERAGE: 'coverage',
  NO_RADIO_CAUSE: 'no-radio',
  CALL_FAILURE_SIGNALLING: 'chr',
  KNOWN_ISSUE: 'known',
};

/** The confusion matrix, top-1/top-3 per cause and the last line `diagnosis: top-1 X % top-3 Y %`. */
export function formatScorecard(s: Scorecard): string {
  const columns = [
    ...PLANTED_CAUSES,
    ...[...new Set(Object.values(s.matrix).flatMap((row) => Object.keys(row)))].filter(
      (c) => !(PLANTED_CAUSES as readonly string[]).includes(c),
    ),
  ];
  const w = 10;
  const lines: string[] = [];
  lines.push(`labelled months: seeds ${s.seeds.join(', ')}; ${s.complaints} complaints`);
  lines.push('');
  lines.push('confusion matrix (rows: planted cause, columns: top-1 hypothesis)');
  lines.push(
    `${'planted \\ top-1'.padEnd(18)}${columns.map((c) => (SHORT[c] ?? c).padStart(w)).join('')}${'n'.padStart(6)}`,
  );
  for (const cause of PLANTED_CAUSES) {
    const row = s.matrix[cause];
    lines.push(
      `${(SHORT[cause] ?? cause).padEnd(18)}${columns.map((c) => String(row[c] ?? 0).padStart(w)).join('')}${String(s.perCause[cause].n).padStart(6)}`,
    );
  }
  lines.push('');
  lines.push(`${'planted cause'.padEnd(18)}${'top-1'.padStart(w)}${'top-3'.padStart(w)}`);
  for (const cause of PLANTED_CAUSES) {
    const c = s.perCause[cause];
    lines.push(
      `${cause.padEnd(18)}${pct(c.top1 / Math.max(1, c.n)).padStart(w)}${pct(c.top3 / Math.max(1, c.n)).padStart(w)}`,
    );
  }
  lines.push('');
  lines.push(`diagnosis: top-1 ${pct(s.top1)} top-3 ${pct(s.top3)}`);
  return lines.join('\n');
}

/** R3.5: top-1 ≥ 85 %, top-3 ≥ 97 %, every cause ≥ 75 % top-1. */
export function meetsR35(s: Scorecard): { ok: boolean; failures: string[] } {
  const failures: string[] = [];
  if (s.top1 < 0.85) failures.push(`top-1 ${pct(s.top1)} < 85 %`);
  if (s.top3 < 0.97) failures.push(`top-3 ${pct(s.top3)} < 97 %`);
  for (const cause of PLANTED_CAUSES) {
    const c = s.perCause[cause];
    if (c.top1 / Math.max(1, c.n) < 0.75) failures.push(`${cause} top-1 ${pct(c.top1 / c.n)} < 75 %`);
  }
  return { ok: failures.length === 0, failures };
}
