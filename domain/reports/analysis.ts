// The interface person's part of a report (R9.4): the written analysis and rectification measures
// of the hot topics, added to a draft before it is sent, and how a draft is released (at a set time
// after it is produced, or only when approved). Pure data and checks, shared by the report
// workflow, its activities, the configuration and the API.
import { isDuration } from '../policy/durations';
import { RELEASE_MODES, REPORT_KINDS, type ReportKind, type ReportRelease } from './report';

export { RELEASE_MODES, type ReleaseMode, type ReportRelease } from './report';

/** Weekly: sent the same day at 17:00 (Schedules run at 09:00); monthly: a day for the analysis. */
export const DEFAULT_REPORT_RELEASE: Record<ReportKind, ReportRelease> = {
  weekly: { send: 'scheduled', hold: '8h' },
  monthly: { send: 'scheduled', hold: '24h' },
};

/** Problems of a REPORT_RELEASE override ({"monthly":{"send":"approval"}}), naming the field. */
export function releaseProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return ['an object by kind, e.g. {"monthly":{"send":"approval"}}'];
  const problems: string[] = [];
  for (const [kind, v] of Object.entries(value as Record<string, unknown>)) {
    if (!(REPORT_KINDS as readonly string[]).includes(kind)) {
      problems.push(`${kind}: not a report kind (${REPORT_KINDS.join(', ')})`);
      continue;
    }
    if (typeof v !== 'object' || v === null) {
      problems.push(`${kind}: an object with send and/or hold`);
      continue;
    }
    for (const [field, x] of Object.entries(v as Record<string, unknown>)) {
      if (field === 'send' && !(RELEASE_MODES as readonly unknown[]).includes(x))
        problems.push(`${kind}.send: ${RELEASE_MODES.join(' or ')}`);
      else if (field === 'hold' && !(typeof x === 'string' && isDuration(x)))
        problems.push(`${kind}.hold: a duration such as 8h`);
      else if (field !== 'send' && field !== 'hold') problems.push(`${kind}.${field}: unknown (send, hold)`);
    }
  }
  return problems;
}

export function releaseWith(
  override: Partial<Record<ReportKind, Partial<ReportRelease>>>,
): Record<ReportKind, ReportRelease> {
  return {
    weekly: { ...DEFAULT_REPORT_RELEASE.weekly, ...override.weekly },
    monthly: { ...DEFAULT_REPORT_RELEASE.monthly, ...override.monthly },
  };
}

/** The written analysis and the rectification measures of one hot topic. */
export interface TopicAnalysis {
  /** The hot topic's key, category|region, e.g. DROPPED_CALLS|chaoyang. */
  key: string;
  analysis: string;
  measures: string[];
}

export interface AnalysisInput {
  /** An overall analysis of the period (optional). */
  summary?: string;
  topics: TopicAnalysis[];
}

/** What the interface person wrote, as stored on the report and printed in it. */
export interface WrittenAnalysis extends AnalysisInput {
  by: string;
  at: string;
}

/** Where a report is: a draft waits for its analysis and release; sent is sent. */
export type ReportStatus = 'PRODUCED' | 'DRAFT' | 'SENT';

/** Why an analysis cannot be taken for a report with these hot topics, or undefined. */
export function analysisProblem(input: AnalysisInput, hotTopicKeys: readonly string[]): string | undefined {
  if (input.topics.length === 0 && !input.summary?.trim())
    return 'topics: write the analysis of at least one hot topic (or a summary)';
  const seen = new Set<string>();
  for (const [i, t] of input.topics.entries()) {
    if (!hotTopicKeys.includes(t.key))
      return `topics[${i}].key: ${t.key} is not a hot topic of this report (${hotTopicKeys.join(', ') || 'none'})`;
    if (seen.has(t.key)) return `topics[${i}].key: ${t.key} is written twice`;
    seen.add(t.key);
    if (t.analysis.trim().length < 10) return `topics[${i}].analysis: at least 10 characters`;
    if (t.measures.filter((m) => m.trim().length > 0).length === 0)
      return `topics[${i}].measures: at least one rectification measure (R9.4)`;
  }
  return undefined;
}

/** A measure written for last period's hot topic, and how the topic did in this period (R9.4). */
export interface TrackedMeasure {
  key: string;
  category: string;
  region: string;
  analysis: string;
  measures: string[];
  writtenBy: string;
  /** Complaints of the topic in the period the measures were written for … */
  lastCount: number;
  /** … and in this period. */
  count: number;
  changePct: number | null;
  hotNow: boolean;
  status: 'controlled' | 'improving' | 'not controlled';
}
