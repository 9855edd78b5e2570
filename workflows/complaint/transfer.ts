// Triage, transfer and verification (R2.1–R2.3): the intake person handles a complaint, gives it to
// the team, or transfers it to departments, each of which must verify it within the policy's time;
// later, at any stage before resolution, the team may transfer it again to one or several
// departments in parallel. Several departments at once give the interface person a coordination
// task with its own clock.
import { setHandler } from '@temporalio/workflow';
import { parseDuration } from '../../domain/policy/durations';
import {
  checkCloseCoordination,
  checkTransfer,
  checkTriage,
  checkVerification,
  coordinationClockName,
  departmentsOf,
  needsCoordination,
  stageAfterTriage,
  stageAfterVerification,
  verificationClockName,
} from '../../domain/policy/lifecycle';
import { DEFAULT_COORDINATION, type ResolvedClockPolicy } from '../../domain/policy/sla';
import {
  closeCoordinationUpdate,
  recordVerificationUpdate,
  transferUpdate,
  triageUpdate,
  type Acting,
  type CloseCoordinationInput,
  type TransferInput,
  type TriageInput,
  type VerificationInput,
} from './contract';
import { stopNamedClock } from './clocks';
import { setStage, type Ctx } from './ctx';
import { startClockRunner } from './escalation';
import { act, refuse } from './handler-kit';
import { queueMail } from './mail';
import { addClock, awaitingDepartments, facts, openCoordination, record } from './state';

/** Triage stops the acceptance clock; a transfer asks each department it names (R2.2, R2.3). */
export function triage(ctx: Ctx, { actor, input }: Acting<TriageInput>): void {
  const { state } = ctx;
  const now = Date.now();
  const departments = input.decision === 'TRANSFER' ? departmentsOf(input) : [];
  state.triage = {
    ...input,
    ...(departments[0] ? { department: input.department ?? departments[0] } : {}),
    by: actor.user,
    at: new Date(now).toISOString(),
  };
  if (input.assignee) state.assignee = input.assignee;
  stopNamedClock(state, 'acceptance', now);
  const detail = input.decision === 'TRANSFER' ? `TRANSFER → ${departments.join(', ')}` : input.decision;
  setStage(ctx, stageAfterTriage(input.decision), { actor: actor.user, action: 'TRIAGED', detail }, now);
  if (departments.length > 0) askDepartments(ctx, departments, input.note, actor.user, now);
}

/**
 * A later transfer (R2.3): the stage stays as it is (the handling goes on while the departments
 * verify); each department named gets its own request, clock and e-mail.
 */
export function transfer(ctx: Ctx, { actor, input }: Acting<TransferInput>): void {
  const now = Date.now();
  const departments = departmentsOf(input);
  record(
    ctx.state,
    {
      actor: actor.user,
      action: 'TRANSFERRED',
      detail: `→ ${departments.join(', ')}${input.note ? `: ${input.note}` : ''}`,
    },
    now,
  );
  askDepartments(ctx, departments, input.note, actor.user, now);
}

/** Each department is asked on its own; several waited for at once need coordinating. */
function askDepartments(
  ctx: Ctx,
  departments: string[],
  note: string | undefined,
  by: string,
  now: number,
): void {
  const { state } = ctx;
  const requests = (state.verificationRequests ??= []);
  const transferNo = 1 + Math.max(0, ...requests.map((r) => r.transfer));
  for (const department of departments) {
    const nth = 1 + requests.filter((r) => r.department === department).length;
    const clock = verificationClockName(department, nth);
    requests.push({
      department,
      transfer: transferNo,
      clock,
      ...(note ? { note } : {}),
      by,
      at: new Date(now).toISOString(),
    });
    askForVerification(ctx, department, clock, note, nth);
  }
  coordinate(ctx, departments, now);
}

/** The department is e-mailed and its verification clock runs. */
function askForVerification(
  ctx: Ctx,
  department: string,
  clock: string,
  note: string | undefined,
  nth: number,
): void {
  const { state } = ctx;
  const p = state.policy!.verification[department] ?? Object.values(state.policy!.verification)[0]!;
  startClockRunner(ctx, addClock(state, clock, p, Date.now()));
  queueMail(
    ctx,
    nth <= 1 ? `transfer-${department}` : `transfer-${department}-${nth}`,
    'verificationRequest',
    `department:${department}`,
    { department, note: note ?? '', within: `${Math.round(p.targetMs / 3_600_000)}h` },
  );
}

function coordinationPolicy(ctx: Ctx): ResolvedClockPolicy {
  return (
    ctx.state.policy!.coordination ?? {
      targetMs: parseDuration(DEFAULT_COORDINATION.target),
      warnAt: [...DEFAULT_COORDINATION.warnAt],
      calendar: DEFAULT_COORDINATION.calendar ?? '24x7',
    }
  );
}

/**
 * Several departments waited for at once (R2.3): the interface person gets a coordination task with
 * its own clock; a task already open takes the newly asked departments in.
 */
function coordinate(ctx: Ctx, asked: string[], now: number): void {
  const { state } = ctx;
  const open = openCoordination(state);
  if (open) {
    const added = asked.filter((d) => !open.departments.includes(d));
    if (added.length === 0) return;
    open.departments.push(...added);
    record(state, { actor: 'system', action: 'COORDINATION_EXTENDED', detail: added.join(', ') }, now);
    return;
  }
  const awaiting = awaitingDepartments(state);
  if (!needsCoordination(awaiting)) return;
  const tasks = (state.coordination ??= []);
  const clock = coordinationClockName(tasks.length + 1);
  tasks.push({ departments: awaiting, owner: 'interface', clock, openedAt: new Date(now).toISOString() });
  const p = coordinationPolicy(ctx);
  startClockRunner(ctx, addClock(state, clock, p, now));
  queueMail(ctx, `coordination-${tasks.length}`, 'coordinationTask', 'interface', {
    departments: awaiting.join(', '),
    within: `${Math.round(p.targetMs / 3_600_000)}h`,
  });
  record(state, { actor: 'system', action: 'COORDINATION_OPENED', detail: awaiting.join(', ') }, now);
}

/**
 * A department answered (R2.3): its request and clock stop; a complaint waiting in TRANSFERRED goes
 * to work once no department is waited for; the coordination is done once all of its answered.
 */
export function recordVerification(ctx: Ctx, { actor, input }: Acting<VerificationInput>): void {
  const { state } = ctx;
  const now = Date.now();
  const at = new Date(now).toISOString();
  state.verifications.push({ ...input, by: actor.user, at });
  const request = state.verificationRequests?.find((r) => r.department === input.department && !r.answeredAt);
  if (request) {
    request.answeredBy = actor.user;
    request.answeredAt = at;
  }
  stopNamedClock(state, request?.clock ?? verificationClockName(input.department, 1), now);
  const why = { actor: actor.user, action: 'VERIFIED', detail: input.department };
  const next = stageAfterVerification(state.stage, awaitingDepartments(state).length);
  if (next !== state.stage) setStage(ctx, next, why, now);
  else record(state, why, now);
  const open = openCoordination(state);
  const waiting = awaitingDepartments(state);
  if (open && !open.departments.some((d) => waiting.includes(d))) {
    open.outcome = 'ALL_ANSWERED';
    open.doneAt = at;
    stopNamedClock(state, open.clock, now);
    record(state, { actor: 'system', action: 'COORDINATION_DONE', detail: 'every department answered' }, now);
  }
}

/**
 * The interface person ends the coordination with a note (R2.3): its clock stops; departments that
 * have not answered may still answer (their own clocks run on), and a complaint waiting in
 * TRANSFERRED goes to work.
 */
export function closeCoordination(ctx: Ctx, { actor, input }: Acting<CloseCoordinationInput>): void {
  const { state } = ctx;
  const now = Date.now();
  const open = openCoordination(state)!;
  open.outcome = 'CLOSED';
  open.doneAt = new Date(now).toISOString();
  open.closedBy = actor.user;
  open.note = input.note;
  stopNamedClock(state, open.clock, now);
  const why = { actor: actor.user, action: 'COORDINATION_CLOSED', detail: input.note };
  if (state.stage === 'TRANSFERRED') setStage(ctx, 'IN_PROGRESS', why, now);
  else record(state, why, now);
}

export function registerTransferHandlers(ctx: Ctx): void {
  const { state } = ctx;
  setHandler(triageUpdate, (cmd) => act(ctx, triage, cmd), {
    validator: ({ input }) =>
      refuse(checkTriage(facts(state), input.decision, input.department, input.departments)),
  });
  setHandler(transferUpdate, (cmd) => act(ctx, transfer, cmd), {
    validator: ({ input }) => refuse(checkTransfer(facts(state), departmentsOf(input))),
  });
  setHandler(recordVerificationUpdate, (cmd) => act(ctx, recordVerification, cmd), {
    validator: ({ input }) => refuse(checkVerification(facts(state), input.department)),
  });
  setHandler(closeCoordinationUpdate, (cmd) => act(ctx, closeCoordination, cmd), {
    validator: (_cmd) => refuse(checkCloseCoordination(facts(state))),
  });
}
