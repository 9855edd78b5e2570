// Inputs and outputs of the report activities, shared with the report workflow as types only.
import type { ReportDelivered, ReportKind, ReportPlan, ReportProduced } from '../../domain/reports/report';

export interface PlanReportInput {
  kind: ReportKind;
  period?: string;
  /** The (scheduled) start time: without a period, the last period completed at this instant. */
  at: string;
  requestedBy: string;
}

export interface ProduceReportInput {
  plan: ReportPlan;
  /** The workflow run: a retried activity keeps the revision it already wrote. */
  runId: string;
}

export interface DeliverReportInput {
  id: string;
  /** Made in the workflow: the same key never sends twice (outbox). */
  idempotencyKey: string;
}

export interface RefreshRollupsResult {
  rebuilt: number;
  passes: number;
}

export interface ReportActivities {
  planReport(input: PlanReportInput): Promise<ReportPlan>;
  produceReport(input: ProduceReportInput): Promise<ReportProduced>;
  deliverReport(input: DeliverReportInput): Promise<ReportDelivered>;
  refreshReportRollups(): Promise<RefreshRollupsResult>;
}
