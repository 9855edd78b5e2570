// Guarantee areas (重点保障区域, R7.3): the state of an area's workflow and the view the API and
// the read model show, and the periodic test task. Shared by the guarantee workflow's contract
// (which re-exports them) and the guarantee activities.
import type {
  AlertTracker,
  DueTest,
  GuaranteeAreaDefinition,
  GuaranteeTestResult,
  KpiBreach,
  OpenTest,
  TestProgress,
} from './policy/guarantee';

export type AreaStatus = 'OK' | 'ALERT' | 'PAUSED' | 'ENDED';

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
  /**
   * Test tasks awaiting their result (R7.4), watched for their due time. Absent on areas started
   * before tasks were watched (their earlier tasks are not watched).
   */
  openTests?: OpenTest[];
  /** Tasks closed by a result; of them, closed after their due time. */
  testsDone?: number;
  testsDoneLate?: number;
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
  tests: {
    created: number;
    nextDueAt?: string;
    last: DueTest[];
    /** Open tasks (R7.4), oldest first, with their due time and escalation. */
    open: OpenTest[];
    done: number;
    doneLate: number;
  };
  notificationFailures: NotificationFailure[];
  run: { number: number; checksThisRun: number };
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
  /** Who does it (R7.4): a user id or a role; see TestPlanItem.assignee. */
  assignee?: string;
}

/** A result recorded on a test task (R7.4): the input of the update and of the store. */
export interface RecordTestResultInput {
  taskId: string;
  result: GuaranteeTestResult;
}

/** What the store keeps of a closed task and the update answers. */
export interface TestResultRecord {
  taskId: string;
  areaId: string;
  status: 'DONE';
  result: GuaranteeTestResult;
  doneAt: string;
  doneBy: string;
  /** Recorded after the due time. */
  late: boolean;
}
