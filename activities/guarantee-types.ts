// Inputs and outputs of the guarantee-area activities (R7.3), shared with the workflow as types only.
import type { KpiSample } from '../domain/evidence';
import type { GuaranteeAreaView, GuaranteeTestTask, TestResultRecord } from '../domain/guarantee';

export interface ReadAreaKpisInput {
  areaId: string;
  cells: string[];
  /** The check's time (workflow time, ISO): samples with `at - lookback <= hour <= at`. */
  at: string;
  lookbackMs: number;
}

export interface GuaranteeActivities {
  /** The newest hourly sample of each cell in the look-back (at most one per cell: small history). */
  readAreaKpis(input: ReadAreaKpisInput): Promise<KpiSample[]>;
  /** Writes the area's read model (guarantee_areas) unless a newer version is there. */
  projectGuaranteeArea(view: GuaranteeAreaView): Promise<{ applied: boolean }>;
  /** Stores a periodic test task (guarantee_tests) once: the same task id twice is one task. */
  createGuaranteeTest(task: GuaranteeTestTask): Promise<{ created: boolean }>;
  /** Closes a test task with its result (R7.4); the same result twice is one write. */
  recordGuaranteeTestResult(record: TestResultRecord): Promise<{ applied: boolean }>;
  /**
   * Marks an open test task overdue (R7.4) and returns the numbers of `role` (ROLE_PHONES) that
   * the escalation SMS goes to.
   */
  markGuaranteeTestOverdue(input: MarkTestOverdueInput): Promise<{ phones: string[] }>;
  /** Cancels the tasks still open when their area ends: they leave the worklists (R7.4). */
  cancelGuaranteeTests(input: CancelTestsInput): Promise<{ cancelled: number }>;
}

export interface CancelTestsInput {
  areaId: string;
  taskIds: string[];
  at: string;
  reason: string;
}

export interface MarkTestOverdueInput {
  taskId: string;
  escalatedAt: string;
  /** Who is told (the VIP manager). */
  role: string;
}
