// Contract of the guarantee-area workflow (重点保障区域, R7.3): id builder, start input, updates,
// query and the view. The API imports this file; it holds no logic with side effects.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { GuaranteeAreaChange, GuaranteeAreaDefinition } from '../../domain/policy/guarantee';
import type {
  GuaranteeAreaState,
  GuaranteeAreaView,
  RecordTestResultInput,
  TestResultRecord,
} from '../../domain/guarantee';

// The state, the view and the test task are domain (domain/guarantee.ts), re-exported here.
export * from '../../domain/guarantee';

export const GUARANTEE_WORKFLOW_TYPE = 'guaranteeAreaWorkflow';

/** One workflow per area, for as long as the area is guarded (continue-as-new keeps the id). */
export function guaranteeWorkflowId(areaId: string): string {
  return `guarantee-area-${areaId}`;
}

export interface Actor {
  user: string;
  roles: string[];
}

/** Bounds that keep one run's history small; data, so tests can make them tiny. */
export interface GuaranteeLimits {
  /** Checks per run before continue-as-new (also earlier when Temporal suggests it). */
  maxChecksPerRun: number;
  /** Closed alerts kept in the state. */
  historyLimit: number;
}

export const DEFAULT_GUARANTEE_LIMITS: GuaranteeLimits = { maxChecksPerRun: 150, historyLimit: 20 };

export interface GuaranteeAreaStart {
  areaId: string;
  area: GuaranteeAreaDefinition;
  createdBy: string;
  limits?: Partial<GuaranteeLimits>;
  /** The state of the previous run (continue-as-new); absent on the first run. */
  carried?: GuaranteeAreaState;
}

export interface Acting<T> {
  actor: Actor;
  input: T;
}

export interface PauseAreaInput {
  reason: string;
}
export interface ResumeAreaInput {
  note?: string;
}
export interface EndAreaInput {
  reason: string;
}

export const pauseAreaUpdate = defineUpdate<GuaranteeAreaView, [Acting<PauseAreaInput>]>('pauseArea');
export const resumeAreaUpdate = defineUpdate<GuaranteeAreaView, [Acting<ResumeAreaInput>]>('resumeArea');
export const changeAreaUpdate = defineUpdate<GuaranteeAreaView, [Acting<GuaranteeAreaChange>]>('changeArea');
export const endAreaUpdate = defineUpdate<GuaranteeAreaView, [Acting<EndAreaInput>]>('endArea');
export const getAreaQuery = defineQuery<GuaranteeAreaView>('getArea');
/** A test task's result (R7.4): closes the task; refused when it is not open in this area. */
export const recordTestResultUpdate = defineUpdate<TestResultRecord, [Acting<RecordTestResultInput>]>(
  'recordTestResult',
);

export interface GuaranteeAreaOutcome {
  areaId: string;
  status: 'ENDED';
  checks: number;
  alerts: number;
  testsCreated: number;
  endedAt: string;
}
