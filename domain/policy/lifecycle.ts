// The complaint's stage transitions as pure functions (R2.1, R2.3, R4.3, R4.5).
// Each `check*` returns the reason an action is refused, or undefined when it is allowed;
// the workflow's update validators turn a reason into a rejection (HTTP 409 at the API).
import type { Stage } from '../complaint-input';

export interface LifecycleFacts {
  stage: Stage;
  transferredTo?: string;
  /** Departments asked to verify that have not answered yet (R2.3). */
  awaitingDepartments?: string[];
  /** Every department ever asked to verify this complaint (R2.3). */
  askedDepartments?: string[];
  /** An open coordination task of the interface person (R2.3). */
  coordinationOpen?: boolean;
  findings: number;
  hasResolution: boolean;
  /** Final replies that count: by phone, or by SMS confirmed by the customer. */
  countingFinalReplies: number;
  lastFinalReplySatisfied?: boolean;
  major: boolean;
  hasMajorReport: boolean;
  /** Likely to cause a dispute later (R5.5): the customer's final opinion must be kept as evidence. */
  disputeProne: boolean;
  consentEvidence: number;
  contactInFlight: boolean;
}

const OPEN_WORK: Stage[] = ['IN_PROGRESS', 'REOPENED'];

function notIn(stage: Stage, allowed: Stage[], action: string): string | undefined {
  return allowed.includes(stage)
    ? undefined
    : `cannot ${action} a complaint in stage ${stage} (allowed in ${allowed.join(', ')})`;
}

export function checkTriage(
  f: LifecycleFacts,
  decision: string,
  department?: string,
  departments?: string[],
): string | undefined {
  const wrong = notIn(f.stage, ['RECEIVED'], 'triage');
  if (wrong) return wrong;
  if (decision === 'TRANSFER' && departmentsOf({ department, departments }).length === 0)
    return 'a transfer names the department that verifies it';
  return undefined;
}

/** The departments a transfer names: `departments` and the older single `department`, once each. */
export function departmentsOf(t: { department?: string; departments?: string[] }): string[] {
  return [...new Set([...(t.department ? [t.department] : []), ...(t.departments ?? [])])];
}

/**
 * A later transfer (R2.3): at any stage of work before resolution, to departments not already
 * waited for. In RECEIVED the transfer is the triage decision; from RESOLVED on there is nothing
 * left for a department to verify. A later transfer keeps the stage: the handling goes on while
 * the departments verify (only the triage's transfer waits in TRANSFERRED).
 */
export const TRANSFER_STAGES: Stage[] = ['TRIAGED', 'TRANSFERRED', 'IN_PROGRESS', 'REOPENED'];

export function checkTransfer(f: LifecycleFacts, departments: string[]): string | undefined {
  if (f.stage === 'RECEIVED')
    return 'triage the complaint first: a transfer at intake is the triage decision TRANSFER';
  const wrong = notIn(f.stage, TRANSFER_STAGES, 'transfer');
  if (wrong) return wrong;
  if (departments.length === 0) return 'a transfer names at least one department';
  const again = departments.filter((d) => f.awaitingDepartments?.includes(d));
  if (again.length > 0) return `already waiting for the answer of ${again.join(', ')}`;
  return undefined;
}

/** A complaint waiting in TRANSFERRED goes to work once no department is waited for any more. */
export function stageAfterVerification(stage: Stage, stillAwaiting: number): Stage {
  return stage === 'TRANSFERRED' && stillAwaiting === 0 ? 'IN_PROGRESS' : stage;
}

/** Several departments waited for at once need the interface person's coordination (R2.3). */
export function needsCoordination(awaiting: string[]): boolean {
  return awaiting.length >= 2;
}

/** The verification clock of a department's n-th request (R2.3): the first keeps the old name. */
export function verificationClockName(department: string, nth: number): string {
  return nth <= 1 ? `verification:${department}` : `verification:${department}:${nth}`;
}

/** The department of a verification clock, or undefined for any other clock. */
export function departmentOfClock(name: string): string | undefined {
  if (!name.startsWith('verification:')) return undefined;
  return name.slice('verification:'.length).split(':')[0];
}

/** The coordination task's clock (R2.3): the first is `coordination`, later ones numbered. */
export function coordinationClockName(nth: number): string {
  return nth <= 1 ? 'coordination' : `coordination:${nth}`;
}

export function checkCloseCoordination(f: LifecycleFacts): string | undefined {
  if (f.stage === 'CLOSED') return 'the complaint is closed';
  if (!f.coordinationOpen) return 'there is no open coordination task on this complaint';
  return undefined;
}

export function stageAfterTriage(decision: string): Stage {
  return decision === 'TRANSFER' ? 'TRANSFERRED' : 'IN_PROGRESS';
}

/**
 * A department answers (R2.3) only a request it was sent and has not answered yet, at any stage
 * before closing (a late answer is still recorded and stops its clock).
 */
export function checkVerification(f: LifecycleFacts, department: string): string | undefined {
  if (f.stage === 'CLOSED') return 'cannot record a department verification for a closed complaint';
  if (f.awaitingDepartments?.includes(department)) return undefined;
  const asked = f.askedDepartments ?? [];
  if (asked.includes(department))
    return `${department} has already answered; transfer to it again to ask once more`;
  if (asked.length === 0) return `no department was asked to verify this complaint, not ${department}`;
  return `${department} was not asked to verify this complaint (asked: ${asked.join(', ')})`;
}

export function checkFindings(f: LifecycleFacts): string | undefined {
  return notIn(f.stage, [...OPEN_WORK, 'TRANSFERRED'], 'record findings on');
}

export function checkResolve(f: LifecycleFacts): string | undefined {
  const wrong = notIn(f.stage, OPEN_WORK, 'resolve');
  if (wrong) return wrong;
  if (f.findings === 0) return 'record what was checked and found before resolving (R4.6)';
  return undefined;
}

export function checkReply(f: LifecycleFacts, kind: 'FIRST' | 'FINAL'): string | undefined {
  if (f.stage === 'CLOSED') return 'the complaint is closed';
  if (kind === 'FINAL') return notIn(f.stage, ['RESOLVED', 'REPLYING'], 'record a final reply for');
  return undefined;
}

/**
 * A reply counts when given by phone, or by SMS that the customer confirmed (R4.3). A first reply
 * may also be a notice that asks nothing (the holding SMS of a mass incident, R8.4): sent, it
 * counts for the 48-hour first reply (R4.2). A final reply always needs the phone or the
 * customer's confirmation.
 */
export function replyCounts(
  method: 'PHONE' | 'SMS',
  customerConfirmed: boolean,
  firstReplyNotice = false,
): boolean {
  return method === 'PHONE' || customerConfirmed || firstReplyNotice;
}

/** Where a final reply leaves the complaint: an unsatisfied customer reopens it (R5.4). */
export function stageAfterFinalReply(counts: boolean, satisfied: boolean | undefined): Stage {
  if (counts && satisfied === false) return 'REOPENED';
  return 'REPLYING';
}

export function checkClose(f: LifecycleFacts): string | undefined {
  const wrong = notIn(f.stage, ['REPLYING'], 'close');
  if (wrong) return wrong;
  if (f.countingFinalReplies === 0)
    return 'no recorded reply to the customer: every complaint is replied to before it closes (R4.5)';
  if (f.lastFinalReplySatisfied === false) return 'the customer is not satisfied: follow up first (R5.4)';
  if (f.major && !f.hasMajorReport)
    return 'a major complaint closes only with the written report to the optimisation centre (R5.3)';
  if (f.disputeProne && f.consentEvidence === 0)
    return "a dispute-prone complaint closes only with the customer's final opinion kept as evidence: reply by a recorded call (R5.5)";
  return undefined;
}

/** Contacting the customer through the contact workflow (phone first, SMS confirmed). */
export function checkContact(f: LifecycleFacts, purpose: 'FIRST_REPLY' | 'FINAL_REPLY'): string | undefined {
  if (f.contactInFlight) return 'the customer is being contacted already; wait for the outcome';
  return checkReply(f, purpose === 'FIRST_REPLY' ? 'FIRST' : 'FINAL');
}

export function checkOpen(f: LifecycleFacts, action: string): string | undefined {
  return f.stage === 'CLOSED' ? `cannot ${action} a closed complaint` : undefined;
}

/** Hot / difficult (R4.7): repeated rounds, any escalation, a major complaint, or a repeat (R6.2). */
export function isHot(rounds: number, escalationLevel: number, major: boolean, repeat = false): boolean {
  return rounds >= 2 || escalationLevel > 0 || major || repeat;
}
