// Contract of the complaint workflow: task queue, workflow type, updates, signals and queries.
// The API imports this file; it holds no logic with side effects. The ids, the inputs and the view
// are domain types (domain/complaint.ts, domain/complaint-input.ts), re-exported here.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AcknowledgeInput,
  Acting,
  ApplyPolicyInput,
  AssignInput,
  CareCallbackOutcomeInput,
  CloseCoordinationInput,
  CloseInput,
  ComplaintView,
  ContactCustomerInput,
  ContactEventInput,
  ContactPreferencesInput,
  EscalationInput,
  ExtendClockInput,
  FindingsInput,
  MajorReportInput,
  MarkDisputeProneInput,
  MarkMajorInput,
  NoteAttachment,
  OnSiteResultInput,
  PauseClockInput,
  ProposeOnSiteTestInput,
  RegatherEvidenceInput,
  ReplyInput,
  RequestSignatureInput,
  ResolveInput,
  ResumeClockInput,
  SignatureCapturedInput,
  Stage,
  TransferInput,
  TriageInput,
  VerificationInput,
} from '../../domain/complaint';

export * from '../../domain/complaint';

/**
 * A person's note on the complaint's work record (TMF621 `note`, issue 19): free text, with
 * references to files kept elsewhere (`attachment`), never the files. Checked by `checkNote`.
 */
export interface NoteInput {
  text: string;
  attachments?: NoteAttachment[];
}

/**
 * What an action (an update) answers since issue 23: which version of the complaint contains it.
 * The view itself is read from the read model, written before the update answers; it was the
 * update's answer before, which put the whole view into the history once per action.
 */
export interface ActionAnswer {
  ticketId: string;
  version: number;
  stage: Stage;
}

export const COMPLAINT_TASK_QUEUE = 'complaints';
export const COMPLAINT_WORKFLOW_TYPE = 'complaintWorkflow';

export const triageUpdate = defineUpdate<ActionAnswer, [Acting<TriageInput>]>('triage');
export const recordVerificationUpdate = defineUpdate<ActionAnswer, [Acting<VerificationInput>]>(
  'recordVerification',
);
/** A transfer after triage, at any stage before resolution, to one or several departments (R2.3). */
export const transferUpdate = defineUpdate<ActionAnswer, [Acting<TransferInput>]>('transfer');
/** The interface person closes the coordination of several departments with a note (R2.3). */
export const closeCoordinationUpdate = defineUpdate<ActionAnswer, [Acting<CloseCoordinationInput>]>(
  'closeCoordination',
);
export const recordFindingsUpdate = defineUpdate<ActionAnswer, [Acting<FindingsInput>]>('recordFindings');
export const resolveUpdate = defineUpdate<ActionAnswer, [Acting<ResolveInput>]>('resolve');
export const recordReplyUpdate = defineUpdate<ActionAnswer, [Acting<ReplyInput>]>('recordReply');
export const closeUpdate = defineUpdate<ActionAnswer, [Acting<CloseInput>]>('close');
/** A note on the work record, at any stage before CLOSED: on the timeline as NOTE with its author. */
export const addNoteUpdate = defineUpdate<ActionAnswer, [Acting<NoteInput>]>('addNote');

export const assignUpdate = defineUpdate<ActionAnswer, [Acting<AssignInput>]>('assign');
export const acknowledgeEscalationUpdate = defineUpdate<ActionAnswer, [Acting<AcknowledgeInput>]>(
  'acknowledgeEscalation',
);
export const pauseClockUpdate = defineUpdate<ActionAnswer, [Acting<PauseClockInput>]>('pauseClock');
export const resumeClockUpdate = defineUpdate<ActionAnswer, [Acting<ResumeClockInput>]>('resumeClock');
export const extendClockUpdate = defineUpdate<ActionAnswer, [Acting<ExtendClockInput>]>('extendClock');
export const applyPolicyUpdate = defineUpdate<ActionAnswer, [Acting<ApplyPolicyInput>]>('applyPolicy');
export const markMajorUpdate = defineUpdate<ActionAnswer, [Acting<MarkMajorInput>]>('markMajor');
export const submitMajorReportUpdate = defineUpdate<ActionAnswer, [Acting<MajorReportInput>]>(
  'submitMajorReport',
);

export const contactCustomerUpdate = defineUpdate<ActionAnswer, [Acting<ContactCustomerInput>]>(
  'contactCustomer',
);
/** The customer's own contact window and agreed appointment (R4.8), set or changed before CLOSED. */
export const setContactPreferencesUpdate = defineUpdate<ActionAnswer, [Acting<ContactPreferencesInput>]>(
  'setContactPreferences',
);
export const markDisputeProneUpdate = defineUpdate<ActionAnswer, [Acting<MarkDisputeProneInput>]>(
  'markDisputeProne',
);

export const regatherEvidenceUpdate = defineUpdate<ActionAnswer, [Acting<RegatherEvidenceInput>]>(
  'regatherEvidence',
);

export const proposeOnSiteTestUpdate = defineUpdate<ActionAnswer, [Acting<ProposeOnSiteTestInput>]>(
  'proposeOnSiteTest',
);
export const recordOnSiteResultUpdate = defineUpdate<ActionAnswer, [Acting<OnSiteResultInput>]>(
  'recordOnSiteResult',
);

export const requestSignatureUpdate = defineUpdate<ActionAnswer, [Acting<RequestSignatureInput>]>(
  'requestSignature',
);
export const signatureCapturedSignal = defineSignal<[SignatureCapturedInput]>('signatureCaptured');

/** A person records the care callback nobody answered (R6.3). */
export const recordCareCallbackUpdate = defineUpdate<ActionAnswer, [Acting<CareCallbackOutcomeInput>]>(
  'recordCareCallback',
);

export const escalateSignal = defineSignal<[Acting<EscalationInput>]>('escalate');
export const contactEventSignal = defineSignal<[ContactEventInput]>('contactEvent');

export const getComplaintQuery = defineQuery<ComplaintView>('getComplaint');
