// Escalation (R5.1–R5.3, R5.6): the ladder's levels reached by hand, by a clock's breach, by an
// unacknowledged escalation, by an unreachable or unsatisfied customer; each level's role is
// e-mailed and must acknowledge in time, or the escalation climbs. Clock warnings and breaches are
// e-mailed here too.
import { patched, setHandler } from '@temporalio/workflow';
import { stopClock, type Clock } from '../../domain/policy/clocks';
import { checkAcknowledgeEscalation, openEscalationAt } from '../../domain/policy/complaint-checks';
import { formatDuration } from '../../domain/policy/durations';
import {
  legacyLevelOf,
  levelOf,
  nextLevel,
  topLevel,
  type EscalationSource,
} from '../../domain/policy/escalation';
import {
  acknowledgeEscalationUpdate,
  escalateSignal,
  type AcknowledgeInput,
  type Acting,
  type EscalationInput,
} from './contract';
import { runClock, stopNamedClock } from './clocks';
import type { Ctx } from './ctx';
import { departmentOfClock } from '../../domain/policy/lifecycle';
import { act, afterReady, refuse } from './handler-kit';
import { queueMail } from './mail';
import { addClock, record, toView } from './state';

type Ladder = NonNullable<Ctx['state']['policy']>['escalation'];

/**
 * The rung of a level (R5.7): a level the ladder lacks climbs to the next rung instead of falling
 * to level 1. Added after the first release: complaints that met a missing level before it keep
 * the rung they got (the marker is written only when a level is missing).
 */
function rungFor(ladder: Ladder, level: number): Ladder[number] {
  if (ladder.some((l) => l.level === level)) return levelOf(ladder, level);
  return patched('escalation-missing-level-climbs') ? levelOf(ladder, level) : legacyLevelOf(ladder, level);
}

/**
 * Escalates to a level of the ladder (R5.2, R5.6): recorded, the level's role e-mailed, and an
 * acknowledgement clock started; if nobody acknowledges in time the escalation climbs.
 */
export function escalate(
  ctx: Ctx,
  e: { level: number; reason: string; by: string; source: EscalationSource },
): void {
  const { state } = ctx;
  const step = rungFor(state.policy!.escalation, e.level);
  const now = Date.now();
  // A new escalation supersedes the acknowledgement wait of the previous one.
  for (const c of Object.values(state.clockMap)) {
    if (c.name.startsWith('escalationAck:')) stopClock(c, now);
  }
  state.escalations.push({
    level: step.level,
    reason: e.reason,
    by: e.by,
    at: new Date(now).toISOString(),
    source: e.source,
    role: step.role,
    title: step.title,
  });
  state.escalationLevel = Math.max(state.escalationLevel, step.level);
  record(
    state,
    { actor: e.by, action: 'ESCALATED', detail: `L${step.level} ${step.title}: ${e.reason}` },
    now,
  );
  queueMail(ctx, `escalation-L${step.level}`, 'escalation', step.role, {
    level: String(step.level),
    title: step.title,
    reason: e.reason,
    by: e.by,
    source: e.source,
  });
  const ack = { targetMs: step.ackWithinMs, warnAt: [], calendar: '24x7' };
  startClockRunner(ctx, addClock(state, `escalationAck:${step.level}`, ack, now));
  state.dirty = true;
}

/** Runs a clock in the background; its warnings and breach are handled here (reactToClock). */
export function startClockRunner(ctx: Ctx, clock: Clock): void {
  ctx.background.push(runClock(ctx, clock.name, reactToClock));
}

function recipientRole(clock: Clock): string {
  const department = departmentOfClock(clock.name);
  if (department) return `department:${department}`;
  // The coordination of several departments is the interface person's task (R2.3).
  if (clock.name.split(':')[0] === 'coordination') return 'interface';
  return 'supervisor';
}

/**
 * A pre-warning or breach: the owner of the clock and the supervisor are e-mailed, and a breach
 * escalates one level; an acknowledgement not given in time escalates to the next level.
 */
async function reactToClock(ctx: Ctx, clock: Clock, kind: 'warn' | 'breach'): Promise<void> {
  const { state } = ctx;
  const now = Date.now();
  const vars = { clock: clock.name, remaining: '', dueAt: '' };
  const view = toView(state, now).clocks.find((c) => c.name === clock.name);
  if (view) {
    vars.remaining = formatDuration(view.remainingMs);
    vars.dueAt = view.dueAt ?? '';
  }
  if (clock.name.startsWith('escalationAck:')) {
    if (kind === 'warn') return;
    const level = Number(clock.name.split(':')[1]);
    record(state, { actor: 'system', action: 'ESCALATION_UNACKNOWLEDGED', detail: `L${level}` }, now);
    if (level < topLevel(state.policy!.escalation)) {
      escalate(ctx, {
        level: level + 1,
        reason: `L${level} not acknowledged in time`,
        by: 'system',
        source: 'unacknowledged',
      });
    }
    return;
  }
  const template = kind === 'warn' ? 'clockWarning' : 'clockBreached';
  record(
    state,
    { actor: 'system', action: kind === 'warn' ? 'CLOCK_WARNING' : 'CLOCK_BREACHED', detail: clock.name },
    now,
  );
  queueMail(
    ctx,
    `${clock.name}:${kind === 'warn' ? `warn-${clock.warningsSent}` : 'breach'}`,
    template,
    recipientRole(clock),
    vars,
  );
  if (recipientRole(clock) !== 'supervisor')
    queueMail(ctx, `${clock.name}:${kind}:supervisor`, template, 'supervisor', vars);
  if (kind === 'breach') {
    escalate(ctx, {
      level: nextLevel(state.policy!.escalation, state.escalationLevel),
      reason: `${clock.name} breached`,
      by: 'system',
      source: 'clockBreached',
    });
  }
  state.dirty = true;
}

/** The level's role acknowledges the escalation: its acknowledgement clock stops. */
export function acknowledgeEscalation(ctx: Ctx, { actor, input }: Acting<AcknowledgeInput>): void {
  const { state } = ctx;
  const now = Date.now();
  const esc = openEscalationAt(state.escalations, input.level)!;
  esc.acknowledgedBy = actor.user;
  esc.acknowledgedAt = new Date(now).toISOString();
  stopNamedClock(state, `escalationAck:${input.level}`, now);
  record(
    state,
    {
      actor: actor.user,
      action: 'ESCALATION_ACKNOWLEDGED',
      detail: `L${input.level}${input.note ? `: ${input.note}` : ''}`,
    },
    now,
  );
}

/** A supervisor's escalation call (a signal: nothing to refuse); a closed complaint ignores it. */
export function escalateByHand(ctx: Ctx, { actor, input }: Acting<EscalationInput>): void {
  const { state } = ctx;
  if (state.stage === 'CLOSED' || !state.policy) return;
  escalate(ctx, {
    level: rungFor(state.policy.escalation, input.level).level,
    reason: input.reason,
    by: actor.user,
    source: 'manual',
  });
}

export function registerEscalationHandlers(ctx: Ctx): void {
  const { state } = ctx;
  setHandler(acknowledgeEscalationUpdate, (cmd) => act(ctx, acknowledgeEscalation, cmd), {
    validator: ({ actor, input }) =>
      refuse(checkAcknowledgeEscalation(state.escalations, input.level, actor.roles)),
  });
  setHandler(escalateSignal, (cmd) => afterReady(ctx, escalateByHand, cmd));
}
