// Contract of the report workflow (R9): ids, inputs and results. The API and the schedules import
// this file; it holds no logic with side effects.

export const REPORT_WORKFLOW_TYPE = 'reportWorkflow';

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

/** On-demand runs of one period share an id: a second request while one runs joins it. */
export function reportWorkflowId(kind: ReportKind, period: string): string {
  return `report-${reportId(kind, period)}`;
}

/** Temporal Schedules that start the report workflow (created idempotently at worker start). */
export const REPORT_SCHEDULE_IDS: Record<ReportKind, string> = {
  weekly: 'closedloop-report-weekly',
  monthly: 'closedloop-report-monthly',
};

export interface ReportRequest {
  kind: ReportKind;
  /** The period to report; absent = the last completed one at the (scheduled) start time. */
  period?: string;
  /** E-mail it to the interface people (default true). */
  deliver?: boolean;
  /** Who asked: a user, or `schedule`. */
  requestedBy?: string;
}

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

export interface ReportResult extends ReportProduced {
  kind: ReportKind;
  period: string;
  delivered?: ReportDelivered;
}
