// Contract of the guarantee-area workflow (重点保障区域, R7.3): id builder, start input, updates,
// query and the view. The API imports this file; it holds no logic with side effects.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  AlertTracker,
  DueTest,
  GuaranteeAreaChange,
  GuaranteeAreaDefinition,
  KpiBreach,
  TestProgress,
} from '../policy/guarantee';

export const GUARANTEE_WORKFLOW_TYPE = 'guaranteeAreaWorkflow';

/** One workflow per area, for as long as the area is guarded (continue-as-new keeps the id). */
export function guaranteeWorkflowId(areaId: string): string {
  return `guarantee-area-${areaId}`;
}

export interface Actor {
  user: string;
  roles: string[];
}

export type AreaStatus = 'OK' | 'ALERT' | 'PAUSED' | 'ENDED';

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

export interface AlertRecord {
  /** 1, 2, … per area: part of the notification idempotency keys. */
  seq: number;
  raisedAt: string;
  /** When it ended: recovered (clean checks) or closed with the area. */
  closedAt?: string;
  closedBy?: 'RECOVERED' | 'AREA_ENDED';
  /** The breaches of the check that raised it (at most 20). */
  breaches: KpiBreach[];
  /** The breaches of the latest breaching check while open. */
  latestBreaches: KpiBreach[];
  cellsWithoutData: string[];
  /** Breaching checks while it was open. */
  breachingChecks: number;
}

export interface CheckRecord {
  at: string;
  breaching: boolean;
  breaches: KpiBreach[];
  cellsWithData: number;
  cellsWithoutData: string[];
  /** The KPI source failed after its retries: the check is a gap and changes no alert state. */
  error?: string;
}

export interface NotificationFailure {
  key: string;
  at: string;
  error: string;
}

/** The whole state, carried across continue-as-new. */
export interface GuaranteeAreaState {
  areaId: string;
  definition: GuaranteeAreaDefinition;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  version: number;
  tracker: AlertTracker;
  paused?: { at: string; by: string; reason: string };
  ended?: { at: string; by: string; reason: string };
  lastCheck?: CheckRecord;
  /** When the next KPI check is due (ISO); checks pause while the area is paused. */
  nextCheckAt: string;
  checks: number;
  alertSeq: number;
  openAlert?: AlertRecord;
  alertHistory: AlertRecord[];
  tests: Record<string, TestProgress>;
  testsCreated: number;
  lastTests: DueTest[];
  notificationFailures: NotificationFailure[];
  /** 1 for the first run, +1 for each continue-as-new. */
  run: number;
}

/** What the query and the API show. */
export interface GuaranteeAreaView {
  areaId: string;
  workflowId: string;
  name: string;
  status: AreaStatus;
  definition: GuaranteeAreaDefinition;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  version: number;
  paused?: GuaranteeAreaState['paused'];
  ended?: GuaranteeAreaState['ended'];
  lastCheck?: CheckRecord;
  checks: number;
  nextCheckAt?: string;
  alerts: { seq: number; breachStreak: number; cleanStreak: number };
  openAlerts: AlertRecord[];
  alertHistory: AlertRecord[];
  tests: { created: number; nextDueAt?: string; last: DueTest[] };
  notificationFailures: NotificationFailure[];
  run: { number: number; checksThisRun: number };
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

export interface GuaranteeAreaOutcome {
  areaId: string;
  status: 'ENDED';
  checks: number;
  alerts: number;
  testsCreated: number;
  endedAt: string;
}

/** The periodic test task (stored in MongoDB, e-mailed to the engineer role). */
export interface GuaranteeTestTask {
  /** `<areaId>:<itemId>:<slot>` (testTaskId). */
  taskId: string;
  areaId: string;
  areaName: string;
  itemId: string;
  slot: number;
  title: string;
  role: string;
  cells: string[];
  place?: string;
  scheduledAt: string;
  dueAt: string;
}
