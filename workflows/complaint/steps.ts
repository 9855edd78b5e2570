// Small named steps of the complaint workflow. Deterministic: time is workflow time,
// side effects are activities, idempotency keys are built from the ticket id and the step.
import {
  ActivityFailure,
  condition,
  log,
  proxyActivities,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { ComplaintActivities, EmailTemplate } from '../../activities/types';
import { formatDuration } from '../policy/durations';
import { warningInstants, type ClockName } from '../policy/sla';
import { ComplaintStage, SlaBreached, SlaState } from '../search-attributes';
import { clockViews, record, slaState, toView, type ComplaintState } from './state';
import type { ComplaintView } from './contract';

const data = proxyActivities<ComplaintActivities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

const notify = proxyActivities<ComplaintActivities>({
  startToCloseTimeout: '60s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 20 },
});

export const selectPolicy = data.selectPolicy;

/** Bumps the version, refreshes search attributes and projects the read model. */
export async function commit(state: ComplaintState): Promise<ComplaintView> {
  state.version += 1;
  const view = toView(state, Date.now());
  upsertSearchAttributes([
    { key: ComplaintStage, value: state.stage },
    { key: SlaBreached, value: view.slaBreached },
    { key: SlaState, value: slaState(view.clocks, state) },
  ]);
  await data.projectComplaint(view);
  return view;
}

/** Sends the zh-CN intake acknowledgement; a failure is recorded, never fatal. */
export async function acknowledgeIntake(state: ComplaintState): Promise<void> {
  const { input } = state;
  const due = state.clockRuns.firstReply;
  try {
    const sms = await notify.sendSms({
      idempotencyKey: `${state.ticketId}:sms:intake-ack`,
      ticketId: state.ticketId,
      to: input.numbers.callback,
      template: 'intakeAcknowledgement',
      language: input.customer.language,
      vars: {
        ticketId: state.ticketId,
        firstReplyWithin: due ? formatDuration(due.targetMs) : '48h',
      },
    });
    record(state, { actor: 'system', action: 'ACK_SMS_SENT', detail: sms.sid }, Date.now());
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    log.warn('intake acknowledgement SMS failed', { ticketId: state.ticketId, error: err.cause?.message });
    record(state, { actor: 'system', action: 'ACK_SMS_FAILED', detail: err.cause?.message }, Date.now());
  }
  await commit(state);
}

async function sendClockEmail(
  state: ComplaintState,
  name: ClockName,
  template: EmailTemplate,
  step: string,
): Promise<void> {
  const run = state.clockRuns[name];
  if (!run) return;
  const dueAt = run.startedAt + run.targetMs;
  try {
    await notify.sendEmail({
      idempotencyKey: `${state.ticketId}:mail:${name}:${step}`,
      ticketId: state.ticketId,
      template,
      vars: {
        ticketId: state.ticketId,
        clock: name,
        dueAt: new Date(dueAt).toISOString(),
        remaining: formatDuration(dueAt - Date.now()),
        stage: state.stage,
        channel: state.input.channel,
        category: state.input.category,
        region: state.input.location.region,
      },
    });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    log.error('clock e-mail failed', { ticketId: state.ticketId, clock: name, step });
    record(state, { actor: 'system', action: 'NOTIFICATION_FAILED', detail: `${name}:${step}` }, Date.now());
  }
}

/**
 * Runs one SLA clock as durable timers: a pre-warning at each policy fraction, a breach at the
 * target, each e-mailed to the supervisors (R4.2, R5.6). Returns when the clock is stopped.
 */
export async function runClock(state: ComplaintState, name: ClockName): Promise<void> {
  const run = state.clockRuns[name];
  const policy = state.policy?.clocks[name];
  if (!run || !policy) return;
  const stopped = () => run.stoppedAt !== undefined;
  const instants = warningInstants(run.startedAt, run.targetMs, policy.warnAt);
  for (const [i, at] of instants.entries()) {
    if (await condition(stopped, Math.max(at - Date.now(), 1))) return;
    run.warningsSent = i + 1;
    record(state, { actor: 'system', action: 'CLOCK_WARNING', detail: name }, Date.now());
    await sendClockEmail(state, name, 'clockWarning', `warn-${i + 1}`);
    await commit(state);
  }
  const dueAt = run.startedAt + run.targetMs;
  if (await condition(stopped, Math.max(dueAt - Date.now(), 1))) return;
  run.breachNotified = true;
  record(state, { actor: 'system', action: 'CLOCK_BREACHED', detail: name }, Date.now());
  await sendClockEmail(state, name, 'clockBreached', 'breach');
  await commit(state);
  await condition(stopped);
}

export function currentClocks(state: ComplaintState) {
  return clockViews(state, Date.now());
}

/** Tells the supervisors about escalations they have not yet heard of (R5.2). */
export async function notifyEscalations(state: ComplaintState): Promise<void> {
  while (state.escalationsNotified < state.escalations.length) {
    const index = state.escalationsNotified;
    const esc = state.escalations[index];
    state.escalationsNotified += 1;
    if (!esc) continue;
    try {
      await notify.sendEmail({
        idempotencyKey: `${state.ticketId}:mail:escalation:${index + 1}`,
        ticketId: state.ticketId,
        template: 'escalation',
        vars: {
          ticketId: state.ticketId,
          level: String(esc.level),
          reason: esc.reason,
          by: esc.by,
          stage: state.stage,
          region: state.input.location.region,
        },
      });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      record(
        state,
        { actor: 'system', action: 'NOTIFICATION_FAILED', detail: `escalation:${index + 1}` },
        Date.now(),
      );
    }
  }
}
