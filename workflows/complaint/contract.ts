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

export const COMPLAINT_TASK_QUEUE = 'complaints';
export const COMPLAINT_WORKFLOW_TYPE = 'complaintWorkflow';

export const triageUpdate = defineUpdate<ComplaintView, [Acting<TriageInput>]>('triage');
export const recordVerificationUpdate = defineUpdate<ComplaintView, [Acting<VerificationInput>]>(
  'recordVerification',
);
/** A transfer after triage, at any stage before resolution, to one or several departments (R2.3). */
export const transferUpdate = defineUpdate<ComplaintView, [Acting<TransferInput>]>('transfer');
/** The interface person closes the coordination of several departments with a note (R2.3). */
export const closeCoordinationUpdate = defineUpdate<ComplaintView, [Acting<CloseCoordinationInput>]>(
  'closeCoordination',
);
export const recordFindingsUpdate = defineUpdate<ComplaintView, [Acting<FindingsInput>]>('recordFindings');
export const resolveUpdate = defineUpdate<ComplaintView, [Acting<ResolveInput>]>('resolve');
export const recordReplyUpdate = defineUpdate<ComplaintView, [Acting<ReplyInput>]>('recordReply');
export const closeUpdate = defineUpdate<ComplaintView, [Acting<CloseInput>]>('close');
/** A note on the work record, at any stage before CLOSED: on the timeline as NOTE with its author. */
export const addNoteUpdate = defineUpdate<ComplaintView, [Acting<NoteInput>]>('addNote');

export const assignUpdate = defineUpdate<ComplaintView, [Acting<AssignInput>]>('assign');
export const acknowledgeEscalationUpdate = defineUpdate<ComplaintView, [Acting<AcknowledgeInput>]>(
  'acknowledgeEscalation',
);
export const pauseClockUpdate = defineUpdate<ComplaintView, [Acting<PauseClockInput>]>('pauseClock');
export const resumeClockUpdate = defineUpdate<ComplaintView, [Acting<ResumeClockInput>]>('resumeClock');
export const extendClockUpdate = defineUpdate<ComplaintView, [Acting<ExtendClockInput>]>('extendClock');
export const applyPolicyUpdate = defineUpdate<ComplaintView, [Acting<ApplyPolicyInput>]>('applyPolicy');
export const markMajorUpdate = defineUpdate<ComplaintView, [Acting<MarkMajorInput>]>('markMajor');
export const submitMajorReportUpdate = defineUpdate<ComplaintView, [Acting<MajorReportInput>]>(
  'submitMajorReport',
);

export const contactCustomerUpdate = defineUpdate<ComplaintView, [Acting<ContactCustomerInput>]>(
  'contactCustomer',
);
/** The customer's own contact window and agreed appointment (R4.8), set or changed before CLOSED. */
export const setContactPreferencesUpdate = defineUpdate<ComplaintView, [Acting<ContactPreferencesInput>]>(
  'setContactPreferences',
);
export const markDisputeProneUpdate = defineUpdate<ComplaintView, [Acting<MarkDisputeProneInput>]>(
  'markDisputeProne',
);

export const regatherEvidenceUpdate = defineUpdate<ComplaintView, [Acting<RegatherEvidenceInput>]>(
  'regatherEvidence',
);

export const proposeOnSiteTestUpdate = defineUpdate<ComplaintView, [Acting<ProposeOnSiteTestInput>]>(
  'proposeOnSiteTest',
);
export const recordOnSiteResultUpdate = defineUpdate<ComplaintView, [Acting<OnSiteResultInput>]>(
  'recordOnSiteResult',
);

export const requestSignatureUpdate = defineUpdate<ComplaintView, [Acting<RequestSignatureInput>]>(
  'requestSignature',
);
export const signatureCapturedSignal = defineSignal<[SignatureCapturedInput]>('signatureCaptured');

/** A person records the care callback nobody answered (R6.3). */
export const recordCareCallbackUpdate = defineUpdate<ComplaintView, [Acting<CareCallbackOutcomeInput>]>(
  'recordCareCallback',
);

export const escalateSignal = defineSignal<[Acting<EscalationInput>]>('escalate');
export const contactEventSignal = defineSignal<[ContactEventInput]>('contactEvent');

export const getComplaintQuery = defineQuery<ComplaintView>('getComplaint');
