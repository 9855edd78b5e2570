// The complaint operations, and the table of human actions on a complaint: each action is declared
// once here (path, workflow update, request and response schema, roles and scope, audit name,
// summary); the routes (api/routes/complaints.ts), the service call, the access rules, the OpenAPI
// operation and the console's typed client all come from this table. Adding an action: a row here,
// its handler in the workflow, its form in the console.
import type { UpdateDefinition } from '@temporalio/common';
import { z } from 'zod';
import { HTTP_LINK, NOTE_MAX_ATTACHMENTS, NOTE_MAX_CHARS } from '../../domain/policy/complaint-checks';
import {
  acknowledgeEscalationUpdate,
  addNoteUpdate,
  applyPolicyUpdate,
  assignUpdate,
  closeCoordinationUpdate,
  closeUpdate,
  contactCustomerUpdate,
  extendClockUpdate,
  markDisputeProneUpdate,
  markMajorUpdate,
  pauseClockUpdate,
  proposeOnSiteTestUpdate,
  recordFindingsUpdate,
  recordOnSiteResultUpdate,
  recordCareCallbackUpdate,
  recordReplyUpdate,
  recordVerificationUpdate,
  regatherEvidenceUpdate,
  requestSignatureUpdate,
  resolveUpdate,
  resumeClockUpdate,
  setContactPreferencesUpdate,
  submitMajorReportUpdate,
  transferUpdate,
  triageUpdate,
  type Acting,
  type ActionAnswer,
  type NoteInput,
} from '../../workflows/complaint/contract';
import { OnSiteResultSchema, ProposeOnSiteTestSchema, RequestSignatureSchema } from '../on-site-schemas';
import * as S from '../schemas';
import { json, media, op, roles, type Operation, type RoleName } from './define';
import { LADDER_ROLES, LEADS, READERS, WORKERS, WORKERS_AND_ADMIN } from './roles';
import {
  ComplaintPageSchema,
  ComplaintViewSchema,
  EscalationAcceptedSchema,
  IntakeResultSchema,
} from './views';

const TAGS = ['complaints'] as const;
export const TicketParams = z.object({
  id: S.TicketIdParam.describe('ticket id: CHANNEL-externalId'),
});

const LINK_MESSAGE = 'an http(s) link to the file (references only: the file stays where it is)';

/** A person's note on the work record, with references to files kept elsewhere (issue 19, TMF621 note). */
export const NoteSchema = z
  .object({
    text: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(NOTE_MAX_CHARS, `at most ${NOTE_MAX_CHARS} characters`)
      .describe('what the person wants kept on the work record'),
    attachments: z
      .array(
        z
          .object({
            name: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters'),
            url: z
              .url({ protocol: /^https?$/, error: LINK_MESSAGE })
              .max(2000, 'at most 2000 characters')
              .regex(HTTP_LINK, LINK_MESSAGE),
            mimeType: z
              .string()
              .regex(/^[\w.+-]{1,60}\/[\w.+-]{1,60}$/, 'a MIME type such as image/jpeg')
              .optional(),
          })
          .strict(),
      )
      .max(NOTE_MAX_ATTACHMENTS, `at most ${NOTE_MAX_ATTACHMENTS} attachment references`)
      .optional()
      .describe('links to photos, measurements, exports … kept elsewhere; never the file'),
  })
  .strict() satisfies z.ZodType<NoteInput>;

/** One human action: a workflow update with a validated body, answered with the complaint. */
export interface ComplaintAction extends Operation {
  /** Name in the audit trail (S5, R10.2). */
  audit: string;
  /** The workflow update it sends (workflows/complaint/contract.ts). */
  update: UpdateDefinition<ActionAnswer, [Acting<never>], string>;
  body: z.ZodType;
}

interface ActionRow<I> {
  /** The path below /v1/complaints/{id}/. */
  action: string;
  operationId: string;
  summary: string;
  description?: string;
  audit: string;
  update: UpdateDefinition<ActionAnswer, [Acting<I>], string>;
  /** What the API validates; its output must be what the update takes (compile-time check). */
  body: z.ZodType<NoInfer<I>>;
  roles: readonly RoleName[];
  note?: string;
}

function action<I>(row: ActionRow<I>): ComplaintAction {
  return {
    method: 'POST',
    path: `/v1/complaints/{id}/${row.action}`,
    operationId: row.operationId,
    tags: TAGS,
    summary: row.summary,
    description: [row.description, "Answers 409 when the action does not fit the complaint's current stage."]
      .filter(Boolean)
      .join(' '),
    ...roles(row.roles, 'complaint'),
    ...(row.note ? { note: row.note } : {}),
    params: TicketParams,
    body: row.body,
    responses: { 200: json('the complaint after the action', ComplaintViewSchema) },
    audit: row.audit,
    update: row.update as unknown as ComplaintAction['update'],
  };
}

/** Every human action on a complaint, in the order the docs list them. */
export const COMPLAINT_ACTIONS: readonly ComplaintAction[] = [
  action({
    action: 'triage',
    operationId: 'triageComplaint',
    summary: 'Triage: solve it myself, in the team, or transfer to a department of the active policy set',
    audit: 'TRIAGE',
    update: triageUpdate,
    body: S.TriageSchema,
    roles: WORKERS,
  }),
  action({
    action: 'transfer',
    operationId: 'transferComplaint',
    summary:
      'Transfer to one or several departments in parallel (协助查证, R2.3), at any stage before resolution',
    description:
      'Each department gets its own verification request, e-mail and clock; the stage stays as it is. ' +
      'Several departments waited for at once give the interface person a coordination task with its own clock. ' +
      'A department already waited for cannot be asked again until it answered; RECEIVED complaints are transferred by triage.',
    audit: 'TRANSFER',
    update: transferUpdate,
    body: S.TransferSchema,
    roles: WORKERS,
    note: 'a transfer after triage, to several departments in parallel (R2.3)',
  }),
  action({
    action: 'verification',
    operationId: 'recordVerification',
    summary: 'A department answers a transfer',
    description:
      'The body names the department that answers; it must have been asked and not have answered yet (409 otherwise).',
    audit: 'VERIFICATION',
    update: recordVerificationUpdate,
    body: S.VerificationSchema,
    roles: ['department', 'supervisor', 'interface'],
  }),
  action({
    action: 'coordination/close',
    operationId: 'closeCoordination',
    summary:
      'The interface person closes the coordination of several departments with a note (R2.3); unanswered departments may still answer',
    audit: 'COORDINATION_CLOSE',
    update: closeCoordinationUpdate,
    body: S.CloseCoordinationSchema,
    roles: LEADS,
    note: 'the coordination task of several departments (R2.3)',
  }),
  action({
    action: 'findings',
    operationId: 'recordFindings',
    summary: 'Record what was checked and found',
    audit: 'FINDINGS',
    update: recordFindingsUpdate,
    body: S.FindingsSchema,
    roles: WORKERS,
  }),
  action({
    action: 'notes',
    operationId: 'addNote',
    summary: "Add a note to the complaint's work record, with references (links) to files kept elsewhere",
    description:
      'At any stage before CLOSED. The note goes on the timeline (NOTE) with the person who wrote it; ' +
      'an attachment is a name and an http(s) link, never the file. TMF621 PATCH note/attachment is this action.',
    audit: 'NOTE',
    update: addNoteUpdate,
    body: NoteSchema,
    roles: WORKERS,
    note: 'a note on the work record, attachments by link (TMF621 note, attachment)',
  }),
  action({
    action: 'on-site-tests',
    operationId: 'proposeOnSiteTest',
    summary:
      'Offer on-site test slots (R3.3): the customer picks one by SMS, the engineer is e-mailed that slot',
    audit: 'ON_SITE_PROPOSED',
    update: proposeOnSiteTestUpdate,
    body: ProposeOnSiteTestSchema,
    roles: WORKERS,
    note: 'offers slots to the customer by SMS; the customer picks one (R3.3)',
  }),
  action({
    action: 'on-site-tests/result',
    operationId: 'recordOnSiteResult',
    summary:
      'Record the on-site test results (measurements, photo links, conclusion) from the chosen slot on',
    audit: 'ON_SITE_RESULT',
    update: recordOnSiteResultUpdate,
    body: OnSiteResultSchema,
    roles: WORKERS,
    note: 'from the start of the chosen slot on',
  }),
  action({
    action: 'signature-requests',
    operationId: 'requestSignature',
    summary:
      "Text the customer a one-time link to read the result and sign it (R5.5): the signature is kept as evidence of the customer's final opinion",
    audit: 'SIGNATURE_REQUEST',
    update: requestSignatureUpdate,
    body: RequestSignatureSchema,
    roles: WORKERS,
    note: 'texts the customer a one-time link to read the result and sign (R5.5)',
  }),
  action({
    action: 'resolve',
    operationId: 'resolveComplaint',
    summary: 'Resolve with root cause and actions',
    audit: 'RESOLVE',
    update: resolveUpdate,
    body: S.ResolveSchema,
    roles: WORKERS,
  }),
  action({
    action: 'replies',
    operationId: 'recordReply',
    summary: 'Record a reply to the customer',
    audit: 'REPLY',
    update: recordReplyUpdate,
    body: S.ReplySchema,
    roles: WORKERS,
  }),
  action({
    action: 'close',
    operationId: 'closeComplaint',
    summary: 'Close (needs a recorded reply)',
    audit: 'CLOSE',
    update: closeUpdate,
    body: S.CloseSchema,
    roles: WORKERS,
  }),
  action({
    action: 'care-callback',
    operationId: 'recordCareCallback',
    summary: 'Record the care callback nobody answered (R6.3): reached or not, and the answer',
    description:
      'Only for a care callback listed for a person (worklist care-callback): the calls and the SMS got no answer. ' +
      'NOT_SATISFIED reopens the complaint for another round; the record closes the worklist item.',
    audit: 'CARE_CALLBACK',
    update: recordCareCallbackUpdate,
    body: S.CareCallbackOutcomeSchema,
    roles: WORKERS,
    note: 'the care callback nobody answered, called by a person (R6.3)',
  }),
  action({
    action: 'assign',
    operationId: 'assignComplaint',
    summary: 'Reassign the handler (history kept)',
    audit: 'ASSIGN',
    update: assignUpdate,
    body: S.AssignSchema,
    roles: LEADS,
    note: 'reassign the handler (history kept)',
  }),
  action({
    action: 'escalations/acknowledge',
    operationId: 'acknowledgeEscalation',
    summary: 'Acknowledge an escalation at a level (by the role it reached); unacknowledged ones climb',
    description: 'The level must be a level of the escalation ladder of the active policy set.',
    audit: 'ACKNOWLEDGE',
    update: acknowledgeEscalationUpdate,
    body: S.AcknowledgeSchema,
    roles: [...LADDER_ROLES, 'admin'],
    note: 'the role the escalation reached: any rung of the ladder may call, the workflow checks the level is theirs (409 otherwise)',
  }),
  action({
    action: 'clocks/pause',
    operationId: 'pauseClock',
    summary: 'Pause an SLA clock with a reason',
    audit: 'PAUSE_CLOCK',
    update: pauseClockUpdate,
    body: S.PauseClockSchema,
    roles: WORKERS,
    note: 'pause an SLA clock with a reason',
  }),
  action({
    action: 'clocks/resume',
    operationId: 'resumeClock',
    summary: 'Resume a paused SLA clock',
    audit: 'RESUME_CLOCK',
    update: resumeClockUpdate,
    body: S.ResumeClockSchema,
    roles: WORKERS,
  }),
  action({
    action: 'clocks/extend',
    operationId: 'extendClock',
    summary: 'Extend a running deadline with a reason',
    audit: 'EXTEND_CLOCK',
    update: extendClockUpdate,
    body: S.ExtendClockSchema,
    roles: LEADS,
    note: 'move a deadline with a reason',
  }),
  action({
    action: 'policy',
    operationId: 'applyPolicy',
    summary: 'Apply the current SLA policy set (paused time kept)',
    audit: 'APPLY_POLICY',
    update: applyPolicyUpdate,
    body: S.ApplyPolicySchema,
    roles: ['supervisor'],
    note: 'apply the current policy set to a running complaint',
  }),
  action({
    action: 'major',
    operationId: 'markMajor',
    summary: 'Mark major: owned by the interface person (R5.3)',
    audit: 'MARK_MAJOR',
    update: markMajorUpdate,
    body: S.MarkMajorSchema,
    roles: LEADS,
    note: 'mark major: owned by the interface person (R5.3)',
  }),
  action({
    action: 'major-report',
    operationId: 'submitMajorReport',
    summary: 'The written report of a major complaint',
    audit: 'MAJOR_REPORT',
    update: submitMajorReportUpdate,
    body: S.MajorReportSchema,
    roles: ['interface'],
    note: 'the written report of a major complaint',
  }),
  action({
    action: 'contact',
    operationId: 'contactCustomer',
    summary: 'Reply through the contact workflow: phone first (recorded when dispute-prone), SMS confirmed',
    audit: 'CONTACT',
    update: contactCustomerUpdate,
    body: S.ContactCustomerSchema,
    roles: WORKERS,
    note: 'reply through the contact workflow: phone first, SMS confirmed',
  }),
  action({
    action: 'contact-preferences',
    operationId: 'setContactPreferences',
    summary:
      "Set or change the customer's contact window and agreed appointment (R4.8): every call and SMS to the customer keeps to them",
    description:
      'At any stage before CLOSED. A left-out field keeps what the complaint has, null clears it. ' +
      'Contacts under way compute their wait for the window again; the change goes on the timeline.',
    audit: 'CONTACT_PREFERENCES',
    update: setContactPreferencesUpdate,
    body: S.ContactPreferencesSchema,
    roles: WORKERS,
    note: "the customer's own contact window and agreed appointment (R4.8)",
  }),
  action({
    action: 'dispute-prone',
    operationId: 'markDisputeProne',
    summary: 'Mark dispute-prone (R5.5)',
    audit: 'DISPUTE_PRONE',
    update: markDisputeProneUpdate,
    body: S.MarkDisputeProneSchema,
    roles: WORKERS,
    note: 'the final opinion must then be kept as evidence (R5.5)',
  }),
  action({
    action: 'evidence/regather',
    operationId: 'regatherEvidence',
    summary: 'Gather the network evidence again for another window (R3.1, R3.2): a new pre-diagnosis',
    audit: 'REGATHER_EVIDENCE',
    update: regatherEvidenceUpdate,
    body: S.RegatherEvidenceSchema,
    roles: [...WORKERS, 'department'],
    note: 'gather the network evidence again for another window (R3.1, R3.2), at most 31 days',
  }),
];

export const fileComplaint = op({
  operationId: 'fileComplaint',
  method: 'POST',
  path: '/v1/complaints',
  tags: TAGS,
  summary: 'File a complaint (idempotent per channel and external ticket id)',
  description: '201 when created, 200 when the same ticket was filed before.',
  ...roles(['intake']),
  body: S.IntakeSchema,
  responses: {
    201: json('created', IntakeResultSchema),
    200: json('already filed', IntakeResultSchema),
  },
});

export const listComplaints = op({
  operationId: 'listComplaints',
  method: 'GET',
  path: '/v1/complaints',
  tags: TAGS,
  summary: 'List complaints, newest first',
  ...roles(READERS, 'list'),
  query: S.ListQuerySchema,
  responses: { 200: json('a page of complaints', ComplaintPageSchema) },
});

export const getComplaint = op({
  operationId: 'getComplaint',
  method: 'GET',
  path: '/v1/complaints/{id}',
  tags: TAGS,
  summary: 'One complaint with its clocks and timeline',
  ...roles(READERS, 'complaint'),
  params: TicketParams,
  responses: { 200: json('the complaint', ComplaintViewSchema) },
});

export const getSignatureImage = op({
  operationId: 'getSignatureImage',
  method: 'GET',
  path: '/v1/complaints/{id}/signatures/{sig}',
  tags: TAGS,
  summary: "The customer's signature image (PNG) with its SHA-256 in X-Content-SHA256 (R5.5)",
  ...roles(READERS, 'complaint'),
  note: "the customer's signature image (R5.5), with its SHA-256 in X-Content-SHA256",
  params: TicketParams.extend({ sig: z.string().describe('consentEvidence[].id of the signature') }),
  responses: { 200: media('the signature', 'image/png') },
});

export const getMajorReportPage = op({
  operationId: 'getMajorReportPage',
  method: 'GET',
  path: '/v1/complaints/{id}/major-report.html',
  tags: TAGS,
  summary: 'The written report of a major complaint as a printable zh-CN/English page (R5.3)',
  description:
    'The report with the key facts, the escalations and the resolution; self-contained HTML (no script, no external assets). 404 when the complaint has no report.',
  ...roles(READERS, 'complaint'),
  note: 'the written report of a major complaint as a printable page (R5.3), linked from its e-mail',
  params: TicketParams,
  responses: { 200: media('the page', 'text/html') },
});

export const getRecording = op({
  operationId: 'getRecording',
  method: 'GET',
  path: '/v1/complaints/{id}/recordings/{evidenceId}',
  tags: TAGS,
  summary: "A call recording kept as the customer's final opinion (R5.5)",
  description: 'The media bytes as stored (SHA-256 in X-Content-SHA256); 404 when not kept here.',
  ...roles(WORKERS_AND_ADMIN, 'complaint'),
  note: 'a call recording kept as evidence (R5.5): personal data, for the people who work the complaint',
  params: TicketParams.extend({
    evidenceId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,200}$/, 'not an evidence id')
      .max(200)
      .describe('consentEvidence[].id of the complaint'),
  }),
  responses: { 200: media('the recording', 'audio/*') },
});

export const escalateComplaint = op({
  operationId: 'escalateComplaint',
  method: 'POST',
  path: '/v1/complaints/{id}/escalations',
  tags: TAGS,
  summary: 'Escalate to a level of the escalation ladder (a signal: accepted, then applied)',
  description: 'The level must be a level of the escalation ladder of the active policy set.',
  ...roles(LEADS, 'complaint'),
  params: TicketParams,
  body: S.EscalationSchema,
  responses: { 202: json('accepted', EscalationAcceptedSchema) },
});
