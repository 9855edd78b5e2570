// Contract of the report workflow (R9): ids, inputs and results. The API and the schedules import
// this file; it holds no logic with side effects. The kinds, periods and the activities' results
// are domain types (domain/reports/report.ts), re-exported here.
import {
  reportId,
  type ReportDelivered,
  type ReportKind,
  type ReportProduced,
} from '../../domain/reports/report';

export * from '../../domain/reports/report';

export const REPORT_WORKFLOW_TYPE = 'reportWorkflow';

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

export interface ReportResult extends ReportProduced {
  kind: ReportKind;
  period: string;
  delivered?: ReportDelivered;
}
