// Inputs and outputs of the report activities, shared with the report workflow as types only.
import type { ReleaseMode, WrittenAnalysis } from '../../domain/reports/analysis';
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
  /** The run's workflow id: the API finds a draft's run by it (R9.4). */
  workflowId?: string;
  /** Produced as a draft for the interface person's analysis, released so (R9.4). */
  draft?: { send: ReleaseMode; sendAt?: string };
}

export interface DeliverReportInput {
  id: string;
  /** Made in the workflow: the same key never sends twice (outbox). */
  idempotencyKey: string;
  /** Who approved the draft, when it was released by approval. */
  approvedBy?: string;
}

export interface SaveReportAnalysisInput {
  id: string;
  analysis: WrittenAnalysis;
}

export interface RefreshRollupsResult {
  rebuilt: number;
  passes: number;
}

export interface ReportActivities {
  planReport(input: PlanReportInput): Promise<ReportPlan>;
  produceReport(input: ProduceReportInput): Promise<ReportProduced>;
  deliverReport(input: DeliverReportInput): Promise<ReportDelivered>;
  saveReportAnalysis(input: SaveReportAnalysisInput): Promise<void>;
  refreshReportRollups(): Promise<RefreshRollupsResult>;
}
