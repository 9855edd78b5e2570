// Reports (R9): the kinds, periods and ids, and what planning, producing and delivering a report
// yield. Shared by the report workflow's contract (which re-exports them) and the report activities.

export const REPORT_KINDS = ['weekly', 'monthly'] as const;

export type ReportKind = (typeof REPORT_KINDS)[number];

/**
 * scheduled: the draft is sent `hold` after the run started (the Schedule's time), or earlier when
 * approved; approval: it is sent only when approved.
 */
export const RELEASE_MODES = ['scheduled', 'approval'] as const;
export type ReleaseMode = (typeof RELEASE_MODES)[number];

export interface ReportRelease {
  send: ReleaseMode;
  /** The draft window of a scheduled release, a duration such as 8h. */
  hold: string;
}

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
  /** How a draft of this kind is released (R9.4); absent from plans made before drafts existed. */
  release?: ReportRelease;
}

export interface ReportProduced {
  id: string;
  revision: number;
  generatedAt: string;
  total: number;
  hotTopics: number;
  source: 'rollups' | 'direct';
  /** The hot topics' keys: what the interface person may write the analysis of (R9.4). */
  topics?: string[];
}

export interface ReportDelivered {
  to: string[];
  messageId: string;
  alreadySent: boolean;
  attachments: string[];
}
