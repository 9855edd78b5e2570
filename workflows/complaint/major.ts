// Major complaints (R5.3): marked major, owned by the optimisation centre's interface person, who
// is reached at once and writes the report to the optimisation centre before the complaint closes.
import { setHandler } from '@temporalio/workflow';
import { checkMajorReport, checkMarkMajor } from '../../domain/policy/complaint-checks';
import {
  markMajorUpdate,
  submitMajorReportUpdate,
  type Acting,
  type MajorReportInput,
  type MarkMajorInput,
} from './contract';
import type { Ctx } from './ctx';
import { escalate } from './escalation';
import { act, refuse } from './handler-kit';
import { queueMail } from './mail';
import { facts, record } from './state';

/** Marked major: the interface person owns it and is reached unless the escalation is there already. */
export function markMajor(ctx: Ctx, { actor, input }: Acting<MarkMajorInput>): void {
  const { state } = ctx;
  state.major = { ...input, by: actor.user, at: new Date(Date.now()).toISOString(), owner: 'interface' };
  record(state, { actor: actor.user, action: 'MARKED_MAJOR', detail: input.reason }, Date.now());
  const iface = state.policy!.escalation.find((l) => l.role === 'interface');
  if (iface && state.escalationLevel < iface.level)
    escalate(ctx, {
      level: iface.level,
      reason: `major complaint: ${input.reason}`,
      by: actor.user,
      source: 'major',
    });
}

/** The written report goes to the optimisation centre by e-mail. */
export function submitMajorReport(ctx: Ctx, { actor, input }: Acting<MajorReportInput>): void {
  const { state } = ctx;
  state.majorReport = { ...input, by: actor.user, at: new Date(Date.now()).toISOString() };
  record(state, { actor: actor.user, action: 'MAJOR_REPORT', detail: input.title }, Date.now());
  queueMail(ctx, 'major-report', 'majorReport', 'optCenter', { ...input, by: actor.user });
}

export function registerMajorHandlers(ctx: Ctx): void {
  const { state } = ctx;
  setHandler(markMajorUpdate, (cmd) => act(ctx, markMajor, cmd), {
    validator: (_cmd) => refuse(checkMarkMajor(facts(state))),
  });
  setHandler(submitMajorReportUpdate, (cmd) => act(ctx, submitMajorReport, cmd), {
    validator: ({ actor }) => refuse(checkMajorReport(facts(state), actor.roles)),
  });
}
