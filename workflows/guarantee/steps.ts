// Named steps of the guarantee-area workflow: one KPI check, the periodic test tasks, the alert
// notifications and the projection. Side effects only through activities.
import { ActivityFailure, log, patched, proxyActivities } from '@temporalio/workflow';
import type { GuaranteeActivities } from '../../activities/guarantee-types';
import type { ComplaintActivities, SendEmailInput, SendSmsInput } from '../../activities/types';
import { formatDuration, parseDuration } from '../../domain/policy/durations';
import {
  alertNotificationKey,
  describeBreach,
  dueTests,
  evaluateKpis,
  markTestsMade,
  nextAlertState,
  OVERDUE_ESCALATION_ROLE,
  overdueTests,
  testOverdueKey,
  testTaskId,
  withOpenTest,
} from '../../domain/policy/guarantee';
import {
  guaranteeWorkflowId,
  type AlertRecord,
  type GuaranteeTestTask,
  type TestResultRecord,
} from './contract';
import { intervalMs, iso, toView, touch, type Ctx } from './state';

/** The KPI read: a few quick attempts; a source that still fails makes the check a gap. */
const kpis = proxyActivities<GuaranteeActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 3 },
});

/** MongoDB writes: retried until they succeed. */
const data = proxyActivities<GuaranteeActivities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

const notify = proxyActivities<ComplaintActivities>({
  startToCloseTimeout: '60s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 20 },
});

/** At most this many breaches are kept per check and alert (the state lives in history). */
const MAX_BREACHES = 20;
const MAX_FAILURES = 10;
const MAX_LAST_TESTS = 10;

function failureText(err: ActivityFailure): string {
  return err.cause?.message ?? err.message;
}

/** Runs a notification in the background: a failure (after its retries) is recorded, never fatal. */
function background(ctx: Ctx, key: string, work: () => Promise<unknown>): void {
  const tracked: Promise<void> = work().then(
    () => undefined,
    (err: unknown) => {
      const error =
        err instanceof ActivityFailure ? failureText(err) : String((err as Error)?.message ?? err);
      log.warn('guarantee-area notification failed', { key, error });
      ctx.state.notificationFailures = [
        { key, at: iso(Date.now()), error },
        ...ctx.state.notificationFailures,
      ].slice(0, MAX_FAILURES);
      touch(ctx, Date.now());
    },
  );
  const done = tracked.finally(() => ctx.background.delete(done));
  ctx.background.add(done);
}

/** Waits for every notification still on its way. */
export async function drainNotifications(ctx: Ctx): Promise<void> {
  while (ctx.background.size > 0) await Promise.all([...ctx.background]);
}

function areaVars(ctx: Ctx): Record<string, string> {
  const { state } = ctx;
  const def = state.definition;
  return {
    areaId: state.areaId,
    areaName: def.name,
    place: def.place ?? '',
    cells: def.cells.join(', '),
  };
}

function about(ctx: Ctx): SendEmailInput['about'] {
  return {
    workflowId: guaranteeWorkflowId(ctx.state.areaId),
    apiPath: `/v1/guarantee-areas/${encodeURIComponent(ctx.state.areaId)}`,
  };
}

/** E-mail to every responsible role (and the listed addresses), SMS to the listed numbers. */
function notifyAlert(ctx: Ctx, kind: 'raised' | 'recovered', alert: AlertRecord, atMs: number): void {
  const { state } = ctx;
  const def = state.definition;
  // The breaches that raised the alert, in both messages (the recovery says what has cleared).
  const shown = alert.breaches;
  const vars: Record<string, string> = {
    ...areaVars(ctx),
    seq: String(alert.seq),
    at: iso(atMs),
    raisedAt: alert.raisedAt,
    lasted: formatDuration(atMs - Date.parse(alert.raisedAt)),
    breaches: shown.map(describeBreach).join('\n') || '-',
    missing: alert.cellsWithoutData.join(', '),
    summary:
      shown.slice(0, 3).map(describeBreach).join('; ') ||
      `${alert.cellsWithoutData.length} cell(s) without data`,
  };
  const template = kind === 'raised' ? 'areaAlert' : 'areaRecovered';
  const ticketId = guaranteeWorkflowId(state.areaId);
  const mail = (recipient: string, target: Pick<SendEmailInput, 'to' | 'toRole'>) => {
    const idempotencyKey = alertNotificationKey(state.areaId, alert.seq, kind, 'mail', recipient);
    background(ctx, idempotencyKey, () =>
      notify.sendEmail({ idempotencyKey, ticketId, template, vars, about: about(ctx), ...target }),
    );
  };
  for (const role of def.notify.roles) mail(role, { toRole: role });
  if (def.notify.emails.length) mail('addresses', { to: def.notify.emails });
  def.notify.phones.forEach((to, i) => {
    const idempotencyKey = alertNotificationKey(state.areaId, alert.seq, kind, 'sms', String(i));
    const sms: SendSmsInput = { idempotencyKey, ticketId, to, template, language: def.notify.language, vars };
    background(ctx, idempotencyKey, () => notify.sendSms(sms));
  });
}

/** A check was made (also one that could not read the KPIs): count it and schedule the next. */
function counted(ctx: Ctx, atMs: number): void {
  ctx.checksThisRun += 1;
  ctx.state.checks += 1;
  ctx.state.nextCheckAt = iso(atMs + intervalMs(ctx.state.definition));
}

/** One KPI check: read, judge, move the alert state, notify on a transition. */
export async function runCheck(ctx: Ctx, atMs: number): Promise<void> {
  const { state } = ctx;
  const def = state.definition;
  let samples;
  try {
    samples = await kpis.readAreaKpis({
      areaId: state.areaId,
      cells: def.cells,
      at: iso(atMs),
      lookbackMs: parseDuration(def.lookback),
    });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    counted(ctx, atMs);
    // A gap: the alert state stays as it is until a check can read the KPIs again.
    state.lastCheck = {
      at: iso(atMs),
      breaching: false,
      breaches: [],
      cellsWithData: 0,
      cellsWithoutData: [],
      error: failureText(err),
    };
    touch(ctx, atMs);
    return;
  }
  counted(ctx, atMs);
  const ev = evaluateKpis(def, samples, atMs);
  const breaches = ev.breaches.slice(0, MAX_BREACHES);
  state.lastCheck = {
    at: iso(atMs),
    breaching: ev.breaching,
    breaches,
    cellsWithData: ev.cellsWithData,
    cellsWithoutData: ev.cellsWithoutData,
  };
  const { tracker, transition } = nextAlertState(state.tracker, ev.breaching, def.alertPolicy);
  state.tracker = tracker;
  if (transition === 'RAISED') {
    state.alertSeq += 1;
    const alert: AlertRecord = {
      seq: state.alertSeq,
      raisedAt: iso(atMs),
      breaches,
      latestBreaches: breaches,
      cellsWithoutData: ev.cellsWithoutData,
      breachingChecks: 1,
    };
    state.openAlert = alert;
    notifyAlert(ctx, 'raised', alert, atMs);
  } else if (transition === 'RECOVERED' && state.openAlert) {
    const closed: AlertRecord = { ...state.openAlert, closedAt: iso(atMs), closedBy: 'RECOVERED' };
    state.openAlert = undefined;
    state.alertHistory = [closed, ...state.alertHistory].slice(0, ctx.limits.historyLimit);
    notifyAlert(ctx, 'recovered', closed, atMs);
  } else if (state.openAlert && ev.breaching) {
    state.openAlert = {
      ...state.openAlert,
      latestBreaches: breaches,
      cellsWithoutData: ev.cellsWithoutData,
      breachingChecks: state.openAlert.breachingChecks + 1,
    };
  }
  touch(ctx, atMs);
}

/** Closes an open alert when the area ends (no recovery message: the area is no longer watched). */
export function closeOpenAlert(ctx: Ctx, atMs: number): void {
  const { state } = ctx;
  if (!state.openAlert) return;
  const closed: AlertRecord = { ...state.openAlert, closedAt: iso(atMs), closedBy: 'AREA_ENDED' };
  state.openAlert = undefined;
  state.alertHistory = [closed, ...state.alertHistory].slice(0, ctx.limits.historyLimit);
}

/** Creates the periodic test tasks that are due: stored, then e-mailed to the engineer role. */
export async function makeDueTests(ctx: Ctx, atMs: number): Promise<void> {
  const { state } = ctx;
  const def = state.definition;
  for (const due of dueTests(def.testPlan, state.tests, atMs)) {
    const item = def.testPlan.find((t) => t.id === due.itemId);
    if (!item) continue;
    const task: GuaranteeTestTask = {
      taskId: testTaskId(state.areaId, item.id, due.slot),
      areaId: state.areaId,
      areaName: def.name,
      itemId: item.id,
      slot: due.slot,
      title: item.title,
      role: item.role,
      cells: def.cells,
      ...(def.place ? { place: def.place } : {}),
      scheduledAt: due.at,
      dueAt: due.dueAt,
      ...(item.assignee ? { assignee: item.assignee } : {}),
    };
    await data.createGuaranteeTest(task);
    // Added after the first release (R7.4): the task is watched until its result arrives; tasks
    // made by earlier code are not (their histories have no due-time timers).
    if (patched('guarantee-test-tasks'))
      state.openTests = withOpenTest(state.openTests ?? [], {
        taskId: task.taskId,
        itemId: task.itemId,
        title: task.title,
        role: task.role,
        ...(task.assignee ? { assignee: task.assignee } : {}),
        dueAt: task.dueAt,
      });
    state.tests = markTestsMade(state.tests, [due]);
    state.testsCreated += 1;
    state.lastTests = [due, ...state.lastTests].slice(0, MAX_LAST_TESTS);
    const idempotencyKey = `guarantee-area:${task.taskId}:test:mail`;
    background(ctx, idempotencyKey, () =>
      notify.sendEmail({
        idempotencyKey,
        ticketId: guaranteeWorkflowId(state.areaId),
        toRole: item.role,
        template: 'areaTest',
        vars: {
          ...areaVars(ctx),
          taskId: task.taskId,
          title: task.title,
          scheduledAt: task.scheduledAt,
          dueAt: task.dueAt,
          assignee: task.assignee ?? '',
        },
        about: about(ctx),
      }),
    );
    touch(ctx, atMs);
  }
}

/**
 * Escalates the open test tasks past their due time (R7.4), once each: the task is marked overdue
 * in the store, the VIP manager gets an e-mail, and an SMS at each of the role's numbers.
 */
export async function escalateOverdueTests(ctx: Ctx, atMs: number): Promise<void> {
  const { state } = ctx;
  for (const task of overdueTests(state.openTests ?? [], atMs)) {
    const escalatedAt = iso(atMs);
    state.openTests = (state.openTests ?? []).map((t) =>
      t.taskId === task.taskId ? { ...t, escalatedAt } : t,
    );
    touch(ctx, atMs);
    const { phones } = await data.markGuaranteeTestOverdue({
      taskId: task.taskId,
      escalatedAt,
      role: OVERDUE_ESCALATION_ROLE,
    });
    const vars: Record<string, string> = {
      ...areaVars(ctx),
      taskId: task.taskId,
      title: task.title,
      dueAt: task.dueAt,
      assignee: task.assignee ?? task.role,
      overdueBy: formatDuration(atMs - Date.parse(task.dueAt)),
    };
    const ticketId = guaranteeWorkflowId(state.areaId);
    const mailKey = testOverdueKey(task.taskId, 'mail', OVERDUE_ESCALATION_ROLE);
    background(ctx, mailKey, () =>
      notify.sendEmail({
        idempotencyKey: mailKey,
        ticketId,
        toRole: OVERDUE_ESCALATION_ROLE,
        template: 'areaTestOverdue',
        vars,
        about: about(ctx),
      }),
    );
    phones.forEach((to, i) => {
      const idempotencyKey = testOverdueKey(task.taskId, 'sms', String(i));
      const sms: SendSmsInput = {
        idempotencyKey,
        ticketId,
        to,
        template: 'areaTestOverdue',
        language: state.definition.notify.language,
        vars,
      };
      background(ctx, idempotencyKey, () => notify.sendSms(sms));
    });
  }
}

/** The area has ended: the tasks still open are cancelled (they leave the worklists). */
export async function cancelOpenTests(ctx: Ctx, atMs: number): Promise<void> {
  const { state } = ctx;
  const open = state.openTests ?? [];
  if (open.length === 0) return;
  await data.cancelGuaranteeTests({
    areaId: state.areaId,
    taskIds: open.map((t) => t.taskId),
    at: iso(atMs),
    reason: `area ended: ${state.ended?.reason ?? ''}`,
  });
  state.openTests = [];
  touch(ctx, atMs);
}

/** Stores a test task's result (retried until it succeeds: the update answers once it is stored). */
export async function storeTestResult(record: TestResultRecord): Promise<void> {
  await data.recordGuaranteeTestResult(record);
}

/** Writes the read model when something changed. */
export async function commit(ctx: Ctx): Promise<void> {
  if (!ctx.dirty) return;
  ctx.dirty = false;
  await data.projectGuaranteeArea(toView(ctx));
}
