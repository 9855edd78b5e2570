// Triage, transfer and verification (R2.1, R2.2): the intake person handles a complaint, gives it to
// the team, or transfers it to a department, which must verify it within the policy's time.
import { setHandler } from '@temporalio/workflow';
import { checkTriage, checkVerification, stageAfterTriage } from '../../domain/policy/lifecycle';
import {
  recordVerificationUpdate,
  triageUpdate,
  type Acting,
  type TriageInput,
  type VerificationInput,
} from './contract';
import { stopNamedClock } from './clocks';
import { setStage, type Ctx } from './ctx';
import { startClockRunner } from './escalation';
import { act, refuse } from './handler-kit';
import { queueMail } from './mail';
import { addClock, facts } from './state';

/** Triage stops the acceptance clock; a transfer starts the department's verification clock. */
export function triage(ctx: Ctx, { actor, input }: Acting<TriageInput>): void {
  const { state } = ctx;
  const now = Date.now();
  state.triage = { ...input, by: actor.user, at: new Date(now).toISOString() };
  if (input.assignee) state.assignee = input.assignee;
  stopNamedClock(state, 'acceptance', now);
  const detail = input.decision === 'TRANSFER' ? `TRANSFER → ${input.department}` : input.decision;
  setStage(ctx, stageAfterTriage(input.decision), { actor: actor.user, action: 'TRIAGED', detail }, now);
  if (input.decision === 'TRANSFER' && input.department)
    askForVerification(ctx, input.department, input.note);
}

/** The department is e-mailed and its verification clock runs. */
function askForVerification(ctx: Ctx, department: string, note: string | undefined): void {
  const { state } = ctx;
  const p = state.policy!.verification[department] ?? Object.values(state.policy!.verification)[0]!;
  startClockRunner(ctx, addClock(state, `verification:${department}`, p, Date.now()));
  queueMail(ctx, `transfer-${department}`, 'verificationRequest', `department:${department}`, {
    department,
    note: note ?? '',
    within: `${Math.round(p.targetMs / 3_600_000)}h`,
  });
}

/** The department verified the transferred complaint: its clock stops and the work goes on. */
export function recordVerification(ctx: Ctx, { actor, input }: Acting<VerificationInput>): void {
  const { state } = ctx;
  const now = Date.now();
  state.verifications.push({ ...input, by: actor.user, at: new Date(now).toISOString() });
  stopNamedClock(state, `verification:${input.department}`, now);
  setStage(ctx, 'IN_PROGRESS', { actor: actor.user, action: 'VERIFIED', detail: input.department }, now);
}

export function registerTransferHandlers(ctx: Ctx): void {
  const { state } = ctx;
  setHandler(triageUpdate, (cmd) => act(ctx, triage, cmd), {
    validator: ({ input }) => refuse(checkTriage(facts(state), input.decision, input.department)),
  });
  setHandler(recordVerificationUpdate, (cmd) => act(ctx, recordVerification, cmd), {
    validator: ({ input }) => refuse(checkVerification(facts(state), input.department)),
  });
}
