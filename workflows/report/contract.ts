// Contract of the report workflow (R9): ids, inputs and results. The API and the schedules import
// this file; it holds no logic with side effects. The kinds, periods and the activities' results
// are domain types (domain/reports/report.ts), re-exported here.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../../domain/complaint-input';
import type { AnalysisInput, ReleaseMode } from '../../domain/reports/analysis';
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
  /**
   * policy (the Schedules' runs): a draft for the interface person's analysis, released as
   * REPORT_RELEASE says (R9.4); now (default of an on-demand run): sent as soon as it is produced.
   */
  release?: 'policy' | 'now';
}

/** Where a run is: producing, a draft waiting for its analysis and release, sending, done. */
export type ReportRunStage = 'PRODUCING' | 'DRAFT' | 'SENDING' | 'DONE';

export interface ReportRunView {
  id?: string;
  stage: ReportRunStage;
  /** A draft's release: at sendAt (scheduled) or when approved (approval). */
  send?: ReleaseMode;
  sendAt?: string;
  analysisBy?: string;
  approvedBy?: string;
}

export interface ReportActing<T> {
  actor: Actor;
  input: T;
}

export const getReportRunQuery = defineQuery<ReportRunView>('getReportRun');
/** The interface person's written analysis and measures of the hot topics, into the draft (R9.4). */
export const saveReportAnalysisUpdate = defineUpdate<ReportRunView, [ReportActing<AnalysisInput>]>(
  'saveReportAnalysis',
);
/** Approves a draft: it is sent at once (R9.4). */
export const approveReportUpdate = defineUpdate<ReportRunView, [ReportActing<{ note?: string }>]>(
  'approveReport',
);

export interface ReportResult extends ReportProduced {
  kind: ReportKind;
  period: string;
  delivered?: ReportDelivered;
}
