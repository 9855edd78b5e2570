// Guarantee areas (重点保障区域, R7.3) as data and pure functions: KPI thresholds and their
// evaluation, the alert state with hysteresis (raise after N breaching checks, recover after M
// clean ones), and the due times of the periodic tests. No Temporal imports: the workflow, the API
// and the unit tests call the same code.
import { parseDuration } from './durations';
import { frozen } from './frozen';

/** The hourly KPIs of the network data (domain/evidence.ts KpiSample) a threshold can watch. */
export const GUARANTEE_KPIS = frozen([
  'rrcSetupSuccessRate',
  'erabSetupSuccessRate',
  'dropRate',
  'prbUtilisationDl',
  'throughputDlMbps',
  'rsrpP10',
  'rsrpP50',
  'sinrP50',
  'ulInterferenceDbm',
] as const);
export type GuaranteeKpi = (typeof GUARANTEE_KPIS)[number];

export const KPI_UNITS: Record<GuaranteeKpi, string> = frozen({
  rrcSetupSuccessRate: '%',
  erabSetupSuccessRate: '%',
  dropRate: '%',
  prbUtilisationDl: '%',
  throughputDlMbps: 'Mbps',
  rsrpP10: 'dBm',
  rsrpP50: 'dBm',
  sinrP50: 'dB',
  ulInterferenceDbm: 'dBm',
});

/** `min`: the value must be at least `value`; `max`: at most `value`. */
export interface KpiThreshold {
  kpi: GuaranteeKpi;
  bound: 'min' | 'max';
  value: number;
}

/** Defaults of a guarantee area: stricter than the pre-diagnosis rules, as befits a VIP place. */
export const DEFAULT_THRESHOLDS: readonly KpiThreshold[] = frozen([
  { kpi: 'rrcSetupSuccessRate', bound: 'min', value: 98 },
  { kpi: 'erabSetupSuccessRate', bound: 'min', value: 98 },
  { kpi: 'dropRate', bound: 'max', value: 1.5 },
  { kpi: 'prbUtilisationDl', bound: 'max', value: 85 },
  { kpi: 'rsrpP50', bound: 'min', value: -110 },
  { kpi: 'ulInterferenceDbm', bound: 'max', value: -105 },
]);

/** Hysteresis of the alert: how many checks in a row change its state. */
export interface AlertPolicy {
  /** Breaching checks in a row that raise the alert (1 = at the first one). */
  raiseAfter: number;
  /** Clean checks in a row that end it (recovery). */
  clearAfter: number;
  /** A cell without a sample in the look-back counts as breaching (an outage sends no KPIs). */
  missingDataBreaches: boolean;
}

export const DEFAULT_ALERT_POLICY: AlertPolicy = frozen({
  raiseAfter: 1,
  clearAfter: 2,
  missingDataBreaches: false,
});

/** Who is told about alerts: roles (ROLE_EMAILS), extra addresses, and numbers for an SMS. */
export interface NotifyPlan {
  roles: string[];
  emails: string[];
  phones: string[];
  language: 'zh-CN' | 'en';
}

export const DEFAULT_NOTIFY: NotifyPlan = frozen({
  roles: ['vipManager', 'interface'],
  emails: [],
  phones: [],
  language: 'zh-CN',
});

/** One periodic test (e.g. a weekly CQT dial test in the VIP's office), due every `every`. */
export interface TestPlanItem {
  /** Stable id within the area, part of the task ids. */
  id: string;
  title: string;
  /** Interval between two tests, e.g. '7d'. */
  every: string;
  /** First test time (ISO 8601); absent = one interval after the plan starts. */
  firstAt?: string;
  /** The task is due this long after it is created, e.g. '24h'. */
  dueWithin: string;
  /** The engineer role the task is e-mailed to (ROLE_EMAILS), e.g. 'optCenter'. */
  role: string;
  /**
   * Who does the test and records its result (R7.4): a user id (e.g. dept.network) or a role they
   * sign in with (e.g. department:network). Absent: only the area's managers can close it.
   */
  assignee?: string;
}

export const DEFAULT_TEST_ROLE = 'optCenter';

export interface GuaranteeAreaDefinition {
  name: string;
  /** The VIP place the area guards, in words (an address or building). */
  place?: string;
  region?: string;
  cells: string[];
  thresholds: KpiThreshold[];
  /** How often the KPIs are checked, e.g. '15m'. */
  watchInterval: string;
  /** The newest sample of a cell must be at most this old to count, e.g. '3h'. */
  lookback: string;
  alertPolicy: AlertPolicy;
  notify: NotifyPlan;
  testPlan: TestPlanItem[];
}

export const AREA_LIMITS = frozen({
  maxCells: 50,
  maxThresholds: 20,
  maxTests: 10,
  /** No configuration may go below this watch interval (GUARANTEE_MIN_WATCH_INTERVAL is checked against it). */
  hardMinIntervalMs: 10_000,
  maxIntervalMs: 24 * 3_600_000,
  maxLookbackMs: 7 * 24 * 3_600_000,
} as const);

export const AREA_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const CELL_ID_PATTERN = /^\d{3}-\d{2,3}-\d{1,10}-\d{1,3}$/;

/** A definition with every absent field filled with the defaults. */
export type GuaranteeAreaInput = Pick<GuaranteeAreaDefinition, 'name' | 'cells'> &
  Partial<Omit<GuaranteeAreaDefinition, 'name' | 'cells' | 'alertPolicy' | 'notify' | 'testPlan'>> & {
    alertPolicy?: Partial<AlertPolicy>;
    notify?: Partial<NotifyPlan>;
    testPlan?: (Omit<TestPlanItem, 'role' | 'dueWithin'> &
      Partial<Pick<TestPlanItem, 'role' | 'dueWithin'>>)[];
  };

export function withDefaults(input: GuaranteeAreaInput): GuaranteeAreaDefinition {
  return {
    name: input.name,
    ...(input.place !== undefined ? { place: input.place } : {}),
    ...(input.region !== undefined ? { region: input.region } : {}),
    cells: [...input.cells],
    thresholds: (input.thresholds ?? DEFAULT_THRESHOLDS).map((t) => ({ ...t })),
    watchInterval: input.watchInterval ?? '15m',
    lookback: input.lookback ?? '3h',
    alertPolicy: { ...DEFAULT_ALERT_POLICY, ...input.alertPolicy },
    notify: { ...DEFAULT_NOTIFY, ...input.notify },
    testPlan: (input.testPlan ?? []).map((t) => ({
      ...t,
      role: t.role ?? DEFAULT_TEST_ROLE,
      dueWithin: t.dueWithin ?? '24h',
    })),
  };
}

/** A change: any top-level field replaced (nested objects merged), applied to the current definition. */
export type GuaranteeAreaChange = Partial<Omit<GuaranteeAreaInput, 'alertPolicy' | 'notify'>> & {
  alertPolicy?: Partial<AlertPolicy>;
  notify?: Partial<NotifyPlan>;
};

export function applyChange(
  current: GuaranteeAreaDefinition,
  change: GuaranteeAreaChange,
): GuaranteeAreaDefinition {
  return withDefaults({
    ...current,
    ...change,
    alertPolicy: { ...current.alertPolicy, ...change.alertPolicy },
    notify: { ...current.notify, ...change.notify },
    testPlan: change.testPlan ?? current.testPlan,
  });
}

function durationProblem(field: string, text: string, minMs: number, maxMs: number): string | undefined {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (err) {
    return `${field}: ${(err as Error).message}`;
  }
  if (ms < minMs) return `${field}: at least ${minMs / 1000}s`;
  if (ms > maxMs) return `${field}: at most ${maxMs / 3_600_000}h`;
  return undefined;
}

/**
 * What is wrong with a definition (empty = valid). `minIntervalMs` is the configured minimum watch
 * interval (never below AREA_LIMITS.hardMinIntervalMs); it also bounds the test interval.
 */
export function areaProblems(def: GuaranteeAreaDefinition, minIntervalMs: number): string[] {
  const min = Math.max(minIntervalMs, AREA_LIMITS.hardMinIntervalMs);
  const problems: string[] = [];
  if (!def.name.trim()) problems.push('name: must not be empty');
  if (def.cells.length === 0) problems.push('cells: at least one cell');
  if (def.cells.length > AREA_LIMITS.maxCells) problems.push(`cells: at most ${AREA_LIMITS.maxCells}`);
  def.cells.forEach((c, i) => {
    if (!CELL_ID_PATTERN.test(c)) problems.push(`cells.${i}: not a cell id such as 460-00-12345-1`);
    if (def.cells.indexOf(c) !== i) problems.push(`cells.${i}: ${c} is listed twice`);
  });
  if (def.thresholds.length === 0) problems.push('thresholds: at least one threshold');
  if (def.thresholds.length > AREA_LIMITS.maxThresholds)
    problems.push(`thresholds: at most ${AREA_LIMITS.maxThresholds}`);
  const seen = new Set<string>();
  def.thresholds.forEach((t, i) => {
    if (!(GUARANTEE_KPIS as readonly string[]).includes(t.kpi))
      problems.push(`thresholds.${i}.kpi: one of ${GUARANTEE_KPIS.join(', ')}`);
    if (t.bound !== 'min' && t.bound !== 'max') problems.push(`thresholds.${i}.bound: min or max`);
    if (!Number.isFinite(t.value)) problems.push(`thresholds.${i}.value: a finite number`);
    const key = `${t.kpi}:${t.bound}`;
    if (seen.has(key)) problems.push(`thresholds.${i}: a second ${t.bound} bound for ${t.kpi}`);
    seen.add(key);
  });
  const interval = durationProblem('watchInterval', def.watchInterval, min, AREA_LIMITS.maxIntervalMs);
  if (interval) problems.push(interval);
  const lookback = durationProblem('lookback', def.lookback, 3_600_000, AREA_LIMITS.maxLookbackMs);
  if (lookback) problems.push(lookback);
  const { raiseAfter, clearAfter } = def.alertPolicy;
  if (!Number.isInteger(raiseAfter) || raiseAfter < 1 || raiseAfter > 20)
    problems.push('alertPolicy.raiseAfter: an integer from 1 to 20');
  if (!Number.isInteger(clearAfter) || clearAfter < 1 || clearAfter > 50)
    problems.push('alertPolicy.clearAfter: an integer from 1 to 50');
  if (def.notify.roles.length + def.notify.emails.length === 0)
    problems.push('notify: at least one role or e-mail address');
  if (def.testPlan.length > AREA_LIMITS.maxTests) problems.push(`testPlan: at most ${AREA_LIMITS.maxTests}`);
  def.testPlan.forEach((t, i) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/.test(t.id))
      problems.push(`testPlan.${i}.id: letters, digits, - and _ (at most 32)`);
    if (def.testPlan.findIndex((o) => o.id === t.id) !== i)
      problems.push(`testPlan.${i}.id: ${t.id} is used twice`);
    const every = durationProblem(`testPlan.${i}.every`, t.every, min, 366 * 24 * 3_600_000);
    if (every) problems.push(every);
    const due = durationProblem(`testPlan.${i}.dueWithin`, t.dueWithin, 60_000, 31 * 24 * 3_600_000);
    if (due) problems.push(due);
    if (t.firstAt !== undefined && Number.isNaN(Date.parse(t.firstAt)))
      problems.push(`testPlan.${i}.firstAt: an ISO 8601 time`);
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------
// KPI evaluation

/** One hourly sample of a cell (KpiSample fits); a KPI absent from it is not judged. */
export type KpiReading = { cellId: string; hour: string } & Partial<Record<GuaranteeKpi, number>>;

export interface KpiBreach {
  cellId: string;
  kpi: GuaranteeKpi;
  bound: 'min' | 'max';
  limit: number;
  value: number;
  /** The hour of the sample (ISO). */
  hour: string;
}

export interface KpiEvaluation {
  /** No breach (and, when missing data breaches, no cell without data). */
  breaching: boolean;
  breaches: KpiBreach[];
  cellsWithData: number;
  cellsWithoutData: string[];
}

export function crosses(t: KpiThreshold, value: number): boolean {
  return t.bound === 'min' ? value < t.value : value > t.value;
}

/** The newest sample of each cell with `hour` in [at - lookback, at]. */
export function newestPerCell<T extends KpiReading>(
  samples: T[],
  atMs: number,
  lookbackMs: number,
): Map<string, T> {
  const out = new Map<string, T>();
  for (const s of samples) {
    const hour = Date.parse(s.hour);
    if (Number.isNaN(hour) || hour > atMs || hour < atMs - lookbackMs) continue;
    const prev = out.get(s.cellId);
    if (!prev || Date.parse(prev.hour) < hour) out.set(s.cellId, s);
  }
  return out;
}

/** Judges the newest sample of every cell of the area against the thresholds. */
export function evaluateKpis(
  def: Pick<GuaranteeAreaDefinition, 'cells' | 'thresholds' | 'lookback' | 'alertPolicy'>,
  samples: KpiReading[],
  atMs: number,
): KpiEvaluation {
  const newest = newestPerCell(samples, atMs, parseDuration(def.lookback));
  const breaches: KpiBreach[] = [];
  const cellsWithoutData: string[] = [];
  for (const cellId of def.cells) {
    const s = newest.get(cellId);
    if (!s) {
      cellsWithoutData.push(cellId);
      continue;
    }
    for (const t of def.thresholds) {
      const value = s[t.kpi];
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      if (crosses(t, value))
        breaches.push({ cellId, kpi: t.kpi, bound: t.bound, limit: t.value, value, hour: s.hour });
    }
  }
  const breaching =
    breaches.length > 0 || (def.alertPolicy.missingDataBreaches && cellsWithoutData.length > 0);
  return { breaching, breaches, cellsWithData: def.cells.length - cellsWithoutData.length, cellsWithoutData };
}

/** One line per breach for people, e.g. `460-00-12345-1 dropRate 4.2 % > 1.5 % (2026-11-26T09:00Z)`. */
export function describeBreach(b: KpiBreach): string {
  const unit = KPI_UNITS[b.kpi];
  return `${b.cellId} ${b.kpi} ${b.value} ${unit} ${b.bound === 'min' ? '<' : '>'} ${b.limit} ${unit} (${b.hour})`;
}

// ---------------------------------------------------------------------------------------------
// Alert state with hysteresis

export type AlertStatus = 'OK' | 'ALERT';

export interface AlertTracker {
  status: AlertStatus;
  /** Breaching checks in a row (reset by a clean one). */
  breachStreak: number;
  /** Clean checks in a row (reset by a breaching one). */
  cleanStreak: number;
}

export const INITIAL_TRACKER: AlertTracker = frozen({ status: 'OK', breachStreak: 0, cleanStreak: 0 });

export type AlertTransition = 'RAISED' | 'RECOVERED' | undefined;

/** The tracker after one check, and the transition it makes (OK→ALERT raised, ALERT→OK recovered). */
export function nextAlertState(
  tracker: AlertTracker,
  breaching: boolean,
  policy: Pick<AlertPolicy, 'raiseAfter' | 'clearAfter'>,
): { tracker: AlertTracker; transition: AlertTransition } {
  const breachStreak = breaching ? tracker.breachStreak + 1 : 0;
  const cleanStreak = breaching ? 0 : tracker.cleanStreak + 1;
  if (tracker.status === 'OK' && breachStreak >= policy.raiseAfter)
    return { tracker: { status: 'ALERT', breachStreak, cleanStreak }, transition: 'RAISED' };
  if (tracker.status === 'ALERT' && cleanStreak >= policy.clearAfter)
    return { tracker: { status: 'OK', breachStreak, cleanStreak }, transition: 'RECOVERED' };
  return { tracker: { status: tracker.status, breachStreak, cleanStreak }, transition: undefined };
}

// ---------------------------------------------------------------------------------------------
// Periodic tests: slot k of an item is due at anchor + k × every

/** Where one test item stands: its anchor (slot 0) and the last slot a task was made for. */
export interface TestProgress {
  anchorMs: number;
  everyMs: number;
  lastSlot: number;
  /** The item as it was when the progress started (a changed item starts afresh). */
  signature: string;
}

export interface DueTest {
  itemId: string;
  slot: number;
  /** When the slot fell due (ISO). */
  at: string;
  /** When the task must be done (ISO). */
  dueAt: string;
}

const signatureOf = (t: TestPlanItem) => `${t.every}|${t.firstAt ?? ''}`;

/** The slot whose time has most recently passed at `nowMs` (-1 before the anchor). */
export function slotAt(p: Pick<TestProgress, 'anchorMs' | 'everyMs'>, nowMs: number): number {
  return nowMs < p.anchorMs ? -1 : Math.floor((nowMs - p.anchorMs) / p.everyMs);
}

/**
 * Starts an item's progress at `nowMs`: slot 0 at `firstAt`, else one interval from now. Slots
 * already past when a plan starts (a `firstAt` in the past) are not made up for.
 */
export function startTestProgress(item: TestPlanItem, nowMs: number): TestProgress {
  const everyMs = parseDuration(item.every);
  const anchorMs = item.firstAt ? Date.parse(item.firstAt) : nowMs + everyMs;
  const p = { anchorMs, everyMs, lastSlot: -1, signature: signatureOf(item) };
  return { ...p, lastSlot: slotAt(p, nowMs) };
}

/** Progress for a (changed) plan: unchanged items keep theirs, new or changed ones start now. */
export function reconcileTestProgress(
  plan: TestPlanItem[],
  progress: Record<string, TestProgress>,
  nowMs: number,
): Record<string, TestProgress> {
  const out: Record<string, TestProgress> = {};
  for (const item of plan) {
    const p = progress[item.id];
    out[item.id] = p && p.signature === signatureOf(item) ? p : startTestProgress(item, nowMs);
  }
  return out;
}

/** After a pause: slots that fell due while paused are skipped, the plan goes on from now. */
export function skipMissedTests(
  progress: Record<string, TestProgress>,
  nowMs: number,
): Record<string, TestProgress> {
  return Object.fromEntries(
    Object.entries(progress).map(([id, p]) => [
      id,
      { ...p, lastSlot: Math.max(p.lastSlot, slotAt(p, nowMs)) },
    ]),
  );
}

/**
 * The tests due at `nowMs`: per item the newest slot past due and not yet made (several missed
 * slots, e.g. while no worker ran, make one task, not a burst).
 */
export function dueTests(
  plan: TestPlanItem[],
  progress: Record<string, TestProgress>,
  nowMs: number,
): DueTest[] {
  const due: DueTest[] = [];
  for (const item of plan) {
    const p = progress[item.id];
    if (!p) continue;
    const slot = slotAt(p, nowMs);
    if (slot <= p.lastSlot) continue;
    const at = p.anchorMs + slot * p.everyMs;
    due.push({
      itemId: item.id,
      slot,
      at: new Date(at).toISOString(),
      dueAt: new Date(at + parseDuration(item.dueWithin)).toISOString(),
    });
  }
  return due;
}

/** The next slot time of any item after what was made (ms), or undefined without a plan. */
export function nextTestAt(progress: Record<string, TestProgress>): number | undefined {
  let next: number | undefined;
  for (const p of Object.values(progress)) {
    const at = p.anchorMs + (p.lastSlot + 1) * p.everyMs;
    if (next === undefined || at < next) next = at;
  }
  return next;
}

/** Marks the slots of these tests as made. */
export function markTestsMade(
  progress: Record<string, TestProgress>,
  made: Pick<DueTest, 'itemId' | 'slot'>[],
): Record<string, TestProgress> {
  const out = { ...progress };
  for (const m of made) {
    const p = out[m.itemId];
    if (p && m.slot > p.lastSlot) out[m.itemId] = { ...p, lastSlot: m.slot };
  }
  return out;
}

/** Deterministic ids: the same slot of the same area always makes the same task and e-mail. */
export function testTaskId(areaId: string, itemId: string, slot: number): string {
  return `${areaId}:${itemId}:${slot}`;
}

/** Idempotency key of an alert notification: area + alert sequence + what + recipient. */
export function alertNotificationKey(
  areaId: string,
  seq: number,
  kind: 'raised' | 'recovered',
  channel: 'mail' | 'sms',
  recipient: string,
): string {
  return `guarantee-area:${areaId}:alert:${seq}:${kind}:${channel}:${recipient}`;
}

// ---------------------------------------------------------------------------------------------
// Test tasks (R7.4): an assignee, a due date from the plan, a result that closes them, escalation
// to the VIP manager when overdue

/** Roles that may close any test task of any area (the same people who set areas up, R7.3). */
export const TEST_MANAGER_ROLES = frozen(['vipManager', 'supervisor', 'interface', 'admin'] as const);

/** The role an overdue test task escalates to (e-mail to ROLE_EMAILS, SMS to ROLE_PHONES). */
export const OVERDUE_ESCALATION_ROLE = 'vipManager';

/** Open tasks an area keeps in its workflow state; beyond it the oldest are no longer watched. */
export const MAX_OPEN_TESTS = 100;

/** One reading taken during the test, e.g. RSRP -95 dBm on 460-00-12345-1. */
export interface TestMeasurement {
  name: string;
  value: number;
  unit?: string;
  cellId?: string;
}

export const TEST_CONCLUSIONS = ['PASS', 'FAIL'] as const;
export type TestConclusion = (typeof TEST_CONCLUSIONS)[number];

/** What closes a test task: the measurements, the conclusion in words and links to the photos. */
export interface GuaranteeTestResult {
  measurements: TestMeasurement[];
  conclusion: TestConclusion;
  /** The engineer's finding in words (required when the test failed). */
  notes?: string;
  /** Links (https) to photos of the site, the screen of the test phone, … */
  photos: string[];
}

/** A test task the area's workflow watches until its result arrives. */
export interface OpenTest {
  taskId: string;
  itemId: string;
  title: string;
  role: string;
  assignee?: string;
  dueAt: string;
  /** When it was escalated as overdue (once per task). */
  escalatedAt?: string;
}

/** Open tasks past their due time and not yet escalated. */
export function overdueTests(open: readonly OpenTest[], nowMs: number): OpenTest[] {
  return open.filter((t) => !t.escalatedAt && Date.parse(t.dueAt) <= nowMs);
}

/** The earliest due time of an open task not yet escalated (ms), or undefined. */
export function nextOverdueAt(open: readonly OpenTest[]): number | undefined {
  let next: number | undefined;
  for (const t of open) {
    if (t.escalatedAt) continue;
    const due = Date.parse(t.dueAt);
    if (next === undefined || due < next) next = due;
  }
  return next;
}

/** Adds a new open task, keeping the newest MAX_OPEN_TESTS. */
export function withOpenTest(open: readonly OpenTest[], task: OpenTest): OpenTest[] {
  return [...open.filter((t) => t.taskId !== task.taskId), task].slice(-MAX_OPEN_TESTS);
}

/** True when `actor` is the task's assignee: the user named, or one of the roles they sign in with. */
export function isAssignee(
  task: { assignee?: string },
  actor: { user: string; roles: readonly string[] },
): boolean {
  return !!task.assignee && (actor.user === task.assignee || actor.roles.includes(task.assignee));
}

/** The assignee records the result; the area's managers may too (e.g. for an engineer off sick). */
export function mayRecordResult(
  task: { assignee?: string },
  actor: { user: string; roles: readonly string[] },
): boolean {
  return (
    isAssignee(task, actor) || actor.roles.some((r) => (TEST_MANAGER_ROLES as readonly string[]).includes(r))
  );
}

/** What is wrong with a result (empty = valid); the API's schema checks the shapes. */
export function testResultProblems(result: GuaranteeTestResult): string[] {
  const problems: string[] = [];
  if (result.measurements.length === 0) problems.push('measurements: at least one measurement');
  result.measurements.forEach((m, i) => {
    if (!Number.isFinite(m.value)) problems.push(`measurements.${i}.value: a finite number`);
  });
  if (result.conclusion === 'FAIL' && !result.notes?.trim())
    problems.push('notes: say what failed when the conclusion is FAIL');
  return problems;
}

/** Idempotency key of an overdue escalation message: task + channel + recipient. */
export function testOverdueKey(taskId: string, channel: 'mail' | 'sms', recipient: string): string {
  return `guarantee-test:${taskId}:overdue:${channel}:${recipient}`;
}
