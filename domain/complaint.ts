// The complaint's actions and records (R1–R8): the inputs of its updates and signals, the contact,
// escalation and timeline records, and the view that the workflow's query, the read model and the
// API show. Shared by the complaint workflow's contract (which re-exports them) and the activities
// that project, report on and erase complaints.
import type { Actor, ComplaintInput, Stage } from './complaint-input';
import type { EvidenceOutcome, HypothesisCause } from './evidence';
import type { ClockView } from './policy/clocks';
import type { CareCallbackOutcomeInput } from './policy/care-callback';
import type { ContactPreferences } from './policy/contact-window';
import type { EscalationSource } from './policy/escalation';
import type { HotTrack } from './policy/hot';
import type { PolicySnapshot } from './policy/sla';

export * from './complaint-input';
export type { ContactPreferences, ContactPreferencesInput } from './policy/contact-window';

export type TriageDecision = 'SELF' | 'TEAM' | 'TRANSFER';

export interface TriageInput {
  decision: TriageDecision;
  department?: string;
  /** A transfer to several departments in parallel (R2.3); merged with `department`. */
  departments?: string[];
  assignee?: string;
  note?: string;
}

/** A transfer after triage (R2.3): at any stage before resolution, to one or several departments. */
export interface TransferInput {
  departments?: string[];
  /** One department, as the older single form; merged with `departments`. */
  department?: string;
  note?: string;
}

/** The interface person ends the coordination of several departments with a note (R2.3). */
export interface CloseCoordinationInput {
  note: string;
}

/** One department asked to verify (R2.3): its own clock, its own answer. */
export interface VerificationRequest {
  department: string;
  /** The transfer that asked it: 1 is the first (usually the triage), then 2, 3 … */
  transfer: number;
  /** Its verification clock: verification:<department>, or verification:<department>:<n> when asked again. */
  clock: string;
  note?: string;
  by: string;
  at: string;
  answeredBy?: string;
  answeredAt?: string;
}

/** The interface person's task while several departments verify in parallel (R2.3). */
export interface CoordinationTask {
  /** The departments it waits for. */
  departments: string[];
  owner: 'interface';
  /** Its clock: coordination, or coordination:<n> for a later one. */
  clock: string;
  openedAt: string;
  /** Every department answered, or the interface person closed it with a note. */
  outcome?: 'ALL_ANSWERED' | 'CLOSED';
  doneAt?: string;
  closedBy?: string;
  note?: string;
}

export interface FindingsInput {
  checked: string;
  found: string;
  onSite?: boolean;
}

export interface VerificationInput {
  department: string;
  result: string;
}

export interface ResolveInput {
  summary: string;
  rootCause: string;
  actions: string;
  /** The cause the handler found, named as the pre-diagnosis names causes (R3.5, issue 25). */
  cause?: HypothesisCause;
}

/**
 * The handler's finding beside the pre-diagnosis (R3.5): the top hypothesis when resolved, where
 * the handler's cause ranked among the hypotheses (1 = the top one; null = not among them).
 */
export interface DiagnosisCheck {
  top: HypothesisCause | 'NONE';
  found: HypothesisCause;
  rank: number | null;
  confirmed: boolean;
}

export interface ReplyInput {
  kind: 'FIRST' | 'FINAL';
  method: 'PHONE' | 'SMS';
  summary: string;
  /** An SMS reply counts only once the customer confirmed it (R4.3). */
  customerConfirmed: boolean;
  satisfied?: boolean;
}

export interface CloseInput {
  note?: string;
}

export interface EscalationInput {
  level: number;
  reason: string;
}

export interface AcknowledgeInput {
  level: number;
  note?: string;
}

export interface AssignInput {
  assignee: string;
  team?: string;
  reason?: string;
}

export interface PauseClockInput {
  clock: string;
  reason: string;
}

export interface ResumeClockInput {
  clock: string;
}

export interface ExtendClockInput {
  clock: string;
  /** A duration such as "4h". */
  by: string;
  reason: string;
}

export interface ApplyPolicyInput {
  reason: string;
}

export interface MarkMajorInput {
  reason: string;
}

/** The written report of a major complaint to the optimisation centre or network department (R5.3). */
export interface MajorReportInput {
  title: string;
  impact: string;
  rootCause: string;
  coordination: string;
  actions: string;
  result: string;
}

export interface ContactCustomerInput {
  purpose: 'FIRST_REPLY' | 'FINAL_REPLY';
  /** PHONE_FIRST (the default way, R4.3) or SMS_ONLY when the handler chooses SMS. */
  channel: 'PHONE_FIRST' | 'SMS_ONLY';
  /** What the customer is told: specific and detailed (R4.6). */
  message: string;
}

/** A time window offered to the customer for an on-site test (R3.3), ISO 8601 instants. */
export interface TimeSlot {
  from: string;
  to: string;
}

export interface ProposeOnSiteTestInput {
  /** One to four slots inside the customer's allowed hours; the customer picks one by SMS. */
  slots: TimeSlot[];
  engineer: { name: string; email: string };
  address?: string;
  note?: string;
}

export interface OnSiteResultInput {
  measurements: { name: string; value: number; unit?: string }[];
  /** Links to photos (the photos live in the operator's file store). */
  photos: string[];
  conclusion: string;
}

/** An on-site test (实地测试, R3.3): a task with an appointment the customer chose. */
export interface OnSiteTest {
  round: number;
  status: 'WAITING_CUSTOMER' | 'BOOKED' | 'DECLINED' | 'NO_ANSWER' | 'DONE';
  slots: TimeSlot[];
  engineer: { name: string; email: string };
  address?: string;
  note?: string;
  proposedBy: string;
  proposedAt: string;
  /** Until when the customer's choice is waited for. */
  answerBy: string;
  answer?: string;
  chosen?: TimeSlot;
  bookedAt?: string;
  result?: OnSiteResultInput & { by: string; at: string };
}

/** The customer signs the reply on a page linked by SMS (R5.5), instead of a recorded call. */
export interface RequestSignatureInput {
  /** The result the customer reads and signs. */
  message: string;
}

export interface SignatureRequest {
  round: number;
  requestId: string;
  message: string;
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  status: 'WAITING' | 'SIGNED' | 'EXPIRED' | 'FAILED';
  answer?: 'SATISFIED' | 'NOT_SATISFIED';
}

export interface SignatureCapturedInput {
  requestId: string;
  signatureId: string;
  sha256: string;
  bytes: number;
  answer: 'SATISFIED' | 'NOT_SATISFIED';
  capturedAt: string;
}

export type { CareCallbackOutcomeInput } from './policy/care-callback';

/** The care callback after closing (R6.1), and who took it over when nobody answered (R6.3). */
export interface CareCallbackView {
  dueAt: string;
  /** The automatic callback's answer (SATISFIED, NOT_SATISFIED, UNCLEAR, NO_ANSWER). */
  answer?: string;
  at?: string;
  /** Neither the calls nor the SMS got an answer: listed for a person since then (R6.3). */
  toPersonAt?: string;
  /** What the person recorded; it closes the worklist item. */
  byPerson?: CareCallbackOutcomeInput & { by: string; at: string };
}

export interface MarkDisputeProneInput {
  reason: string;
}

/** One contact with the customer through the contact workflow, and how it ended. */
export interface ContactRecord {
  workflowId: string;
  purpose: 'FIRST_REPLY' | 'FINAL_REPLY' | 'CARE_CALLBACK';
  round: number;
  /** SMS_NOTICE: the holding notice of a mass incident (R8.4), which asks nothing. */
  channel: 'PHONE_FIRST' | 'SMS_ONLY' | 'SMS_NOTICE';
  by: string;
  startedAt: string;
  endedAt?: string;
  reached?: boolean;
  method?: 'PHONE' | 'SMS' | 'NONE';
  answer?: string;
  attempts?: { channel: string; at: string; result: string; sid?: string }[];
  /**
   * The contact waits for the customer's window or agreed appointment until this instant (R4.8);
   * absent when it could start at once. Moved when the customer's preferences change.
   */
  windowOpensAt?: string;
}

export interface EscalationRecord extends EscalationInput {
  by: string;
  at: string;
  source: EscalationSource;
  role: string;
  title: string;
  acknowledgedBy?: string;
  acknowledgedAt?: string;
}

export interface ContactEventInput {
  kind: 'SMS_STATUS';
  messageSid: string;
  status: string;
  purpose: string;
}

/** Every human action carries the acting person (R10.2). */
export interface Acting<T> {
  actor: Actor;
  input: T;
}

/** A file kept elsewhere that a note points to (a photo, a drive-test export): never its content. */
export interface NoteAttachment {
  name: string;
  /** http(s) link to the file */
  url: string;
  mimeType?: string;
}

export interface TimelineEntry {
  at: string;
  actor: string;
  action: string;
  detail?: string;
  /** a note's attachment references (action NOTE) */
  attachments?: NoteAttachment[];
}

export interface ComplaintView {
  ticketId: string;
  workflowId: string;
  stage: Stage;
  version: number;
  input: ComplaintInput;
  policy?: PolicySnapshot;
  triage?: TriageInput & { by: string; at: string };
  verifications: (VerificationInput & { by: string; at: string })[];
  /** Every department asked to verify, and whether it answered (R2.3). */
  verificationRequests?: VerificationRequest[];
  /** The interface person's coordination tasks when several departments verify (R2.3). */
  coordination?: CoordinationTask[];
  findings: (FindingsInput & { by: string; at: string })[];
  resolution?: ResolveInput & { by: string; at: string; diagnosis?: DiagnosisCheck };
  /** `notice`: an SMS that informed the customer and asked nothing (a first reply only, R8.4). */
  replies: (ReplyInput & { by: string; at: string; counts: boolean; notice?: boolean })[];
  escalations: EscalationRecord[];
  escalationLevel: number;
  /** The role that must acknowledge the newest escalation, while it is not acknowledged. */
  awaitingAckRole?: string;
  assignee?: string;
  team: string;
  assignments: (AssignInput & { by: string; at: string })[];
  /** Rounds of handling: 1, and one more each time an unsatisfied customer reopens it (R5.4). */
  rounds: number;
  major?: MarkMajorInput & { by: string; at: string; owner: 'interface' };
  majorReport?: MajorReportInput & { by: string; at: string };
  contacts: ContactRecord[];
  /** The customer's own contact window and agreed appointment (R4.8), from intake or a handler. */
  contactPreferences?: ContactPreferences & { by: string; at: string };
  /** Network evidence and the ranked pre-diagnosis (R3.1, R3.2), gathered at intake and on request. */
  evidence?: EvidenceOutcome;
  disputeProne?: MarkDisputeProneInput & { by: string; at: string };
  /** The customer's final opinion kept as evidence (R5.5): recordings of reply calls. */
  consentEvidence: {
    /** A recorded reply call (the default) or the customer's signature on the reply page. */
    kind?: 'recording' | 'signature';
    id: string;
    sid: string;
    url: string;
    durationSec: number;
    sha256: string;
    capturedAt: string;
  }[];
  /** One-time signature links sent to the customer (R5.5). */
  signatureRequests?: SignatureRequest[];
  /** On-site tests with the appointment the customer chose (R3.3). */
  onSiteTests?: OnSiteTest[];
  /** The care callback after closing (R6.1). */
  careCallback?: CareCallbackView;
  /**
   * The earlier complaints this one repeats (R6.2, domain/policy/repeat.ts): the same number's,
   * closed within the window, or the same cell's, closed within the window with its cause fixed there.
   */
  repeatOf?: {
    ticketId: string;
    stage: string;
    receivedAt: string;
    closedAt?: string;
    by: 'number' | 'cell';
  }[];
  /** The area whose watch this complaint was reported to (R8.1), e.g. site:460-00-12345. */
  areaKey?: string;
  /** The mass incident this complaint is linked to (R8.4); its customer is answered when it is resolved. */
  incident?: {
    incidentId: string;
    areaKey: string;
    linkedAt: string;
    stage: 'OPEN' | 'RESOLVED';
    resolvedAt?: string;
  };
  /** The VIP profile recognised by the callback number at intake (R7.1, R7.2). */
  vip?: { profileId: string; level: number; assistants: number; informed: string[] };
  /** Hot / difficult (R4.7): two or more rounds, an escalation, or major. */
  hot: boolean;
  /**
   * Hot tracking (R4.7): since when and why it is hot, the clocks tightened then, the solve-by
   * limit and the escalations for staying unsolved. Absent until it is hot (and for complaints
   * that became hot before hot tracking was released).
   */
  hotTrack?: HotTrack;
  policyHistory: {
    id: string;
    version: number;
    setVersion: number;
    at: string;
    by: string;
    reason: string;
  }[];
  clocks: ClockView[];
  slaBreached: boolean;
  timeline: TimelineEntry[];
  closedAt?: string;
}

export interface ComplaintOutcome {
  ticketId: string;
  stage: Stage;
  closedAt: string;
  slaBreached: boolean;
}

export interface RegatherEvidenceInput {
  from: string;
  to: string;
}
