// The complaint's stage transitions as pure functions (R2.1, R4.3, R4.5).
// Each `check*` returns the reason an action is refused, or undefined when it is allowed;
// the workflow's update validators turn a reason into a rejection (HTTP 409 at the API).
import type { Stage } from '../complaint-input';

export interface LifecycleFacts {
  stage: Stage;
  transferredTo?: string;
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

export function checkTriage(f: LifecycleFacts, decision: string, department?: string): string | undefined {
  const wrong = notIn(f.stage, ['RECEIVED'], 'triage');
  if (wrong) return wrong;
  if (decision === 'TRANSFER' && !department) return 'a transfer names the department that verifies it';
  return undefined;
}

export function stageAfterTriage(decision: string): Stage {
  return decision === 'TRANSFER' ? 'TRANSFERRED' : 'IN_PROGRESS';
}

export function checkVerification(f: LifecycleFacts, department: string): string | undefined {
  const wrong = notIn(f.stage, ['TRANSFERRED'], 'record a department verification for');
  if (wrong) return wrong;
  if (f.transferredTo && f.transferredTo !== department)
    return `the complaint was transferred to ${f.transferredTo}, not ${department}`;
  return undefined;
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
