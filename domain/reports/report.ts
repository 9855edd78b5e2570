// Reports (R9): the kinds, periods and ids, and what planning, producing and delivering a report
// yield. Shared by the report workflow's contract (which re-exports them) and the report activities.

export const REPORT_KINDS = ['weekly', 'monthly'] as const;

export type ReportKind = (typeof REPORT_KINDS)[number];

/** ISO week `2026-W48` (weekly) or month `2026-11` (monthly), in REPORT_TIMEZONE. */
export const PERIOD_PATTERN: Record<ReportKind, RegExp> = {
  weekly: /^(\d{4})-W(\d{2})$/,
  monthly: /^(\d{4})-(\d{2})$/,
};

/** The report's id, also its _id in the `reports` collection: `weekly-2026-W48`, `monthly-2026-11`. */
export function reportId(kind: ReportKind, period: string): string {
  return `${kind}-${period}`;
}

export const REPORT_ID_PATTERN = /^(weekly-\d{4}-W\d{2}|monthly-\d{4}-\d{2})$/;

/** What the workflow needs to produce one report, resolved by the planReport activity. */
export interface ReportPlan {
  id: string;
  kind: ReportKind;
  period: string;
  previousPeriod: string;
  timeZone: string;
  /** Start (inclusive) and end (exclusive) of the period, ISO instants. */
  from: string;
  to: string;
  requestedBy: string;
}

export interface ReportProduced {
  id: string;
  revision: number;
  generatedAt: string;
  total: number;
  hotTopics: number;
  source: 'rollups' | 'direct';
}

export interface ReportDelivered {
  to: string[];
  messageId: string;
  alreadySent: boolean;
  attachments: string[];
}
