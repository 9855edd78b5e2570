// Response schemas (zod) of what the API sends. They document /openapi.json and are checked
// against every answer of the integration suite (test/support/stack.ts), so they say what the API
// really sends. Objects are open (`looseObject`): a new field in a view is not an error, a missing
// or mistyped one is.
import { z } from 'zod';
import { HOT_REASONS } from '../../domain/policy/hot';
import { CATEGORIES, CHANNELS, STAGES, type ComplaintView } from '../../workflows/complaint/contract';

/** An ISO 8601 instant as JSON carries it. */
const instant = z.string().describe('ISO 8601 instant');
/** A date the read model may hold as null once it was unset. */
const maybeInstant = instant.nullable().optional();
const links = z.looseObject({ self: z.string() });
const by = { by: z.string(), at: instant };

export const ComplaintLinksSchema = z.looseObject({ self: z.string(), temporalUi: z.string() });

const ClockViewSchema = z.looseObject({
  name: z.string().describe('acceptance, firstReply, handling, verification:<department> …'),
  state: z.string(),
  calendar: z.string(),
  startedAt: instant,
  targetMs: z.number(),
  extendedMs: z.number(),
  elapsedMs: z.number(),
  pausedMs: z.number(),
  remainingMs: z.number(),
  dueAt: instant.optional(),
  stoppedAt: instant.optional(),
  pauses: z.array(z.looseObject({ from: instant, reason: z.string(), by: z.string() })),
  extensions: z.array(z.looseObject({ at: instant, ms: z.number(), reason: z.string(), by: z.string() })),
});

const ComplaintInputSchema = z.looseObject({
  ticketId: z.string(),
  channel: z.enum(CHANNELS),
  externalId: z.string(),
  category: z.enum(CATEGORIES),
  urgency: z.enum(['NORMAL', 'URGENT']),
  description: z.string(),
  location: z.looseObject({ region: z.string() }),
  occurrence: z.looseObject({ frequency: z.string() }),
  terminal: z.looseObject({}),
  numbers: z.looseObject({ callback: z.string() }),
  customer: z.looseObject({ vipLevel: z.number(), language: z.string() }),
  receivedAt: instant,
  submittedBy: z.string(),
});

const viewFields = {
  ticketId: z.string(),
  workflowId: z.string(),
  stage: z.enum(STAGES),
  version: z.number().int(),
  input: ComplaintInputSchema,
  policy: z.looseObject({ id: z.string(), version: z.number(), setVersion: z.number() }).optional(),
  triage: z.looseObject({ decision: z.enum(['SELF', 'TEAM', 'TRANSFER']), ...by }).optional(),
  verifications: z.array(z.looseObject({ department: z.string(), result: z.string(), ...by })),
  verificationRequests: z
    .array(
      z.looseObject({
        department: z.string(),
        transfer: z.number().int(),
        clock: z.string(),
        ...by,
        answeredAt: instant.optional(),
      }),
    )
    .optional()
    .describe('every department asked to verify, with its own clock and answer (R2.3)'),
  coordination: z
    .array(
      z.looseObject({
        departments: z.array(z.string()),
        owner: z.literal('interface'),
        clock: z.string(),
        openedAt: instant,
        outcome: z.enum(['ALL_ANSWERED', 'CLOSED']).optional(),
        doneAt: instant.optional(),
      }),
    )
    .optional()
    .describe("the interface person's coordination tasks when several departments verify (R2.3)"),
  findings: z.array(z.looseObject({ checked: z.string(), found: z.string(), ...by })),
  resolution: z
    .looseObject({ summary: z.string(), rootCause: z.string(), actions: z.string(), ...by })
    .optional(),
  replies: z.array(
    z.looseObject({ kind: z.string(), method: z.string(), summary: z.string(), counts: z.boolean(), ...by }),
  ),
  escalations: z.array(
    z.looseObject({
      level: z.number().int(),
      reason: z.string(),
      role: z.string(),
      title: z.string(),
      ...by,
    }),
  ),
  escalationLevel: z.number().int(),
  awaitingAckRole: z.string().optional(),
  assignee: z.string().optional(),
  team: z.string(),
  assignments: z.array(z.looseObject({ assignee: z.string(), ...by })),
  rounds: z.number().int(),
  major: z.looseObject({ reason: z.string(), owner: z.literal('interface'), ...by }).optional(),
  majorReport: z.looseObject({ title: z.string(), ...by }).optional(),
  contacts: z.array(
    z.looseObject({
      workflowId: z.string(),
      purpose: z.string(),
      round: z.number(),
      windowOpensAt: instant
        .optional()
        .describe("the contact waits for the customer's window or appointment until then (R4.8)"),
    }),
  ),
  contactPreferences: z
    .looseObject({
      contactWindow: z
        .looseObject({
          timeZone: z.string(),
          from: z.string(),
          to: z.string(),
          days: z.array(z.string()).optional(),
        })
        .optional(),
      appointment: z.looseObject({ from: z.string(), to: z.string(), timeZone: z.string() }).optional(),
      by: z.string(),
      at: instant,
    })
    .optional()
    .describe("the customer's own contact window and agreed appointment (R4.8)"),
  evidence: z.looseObject({ hypotheses: z.array(z.looseObject({})), gatheredAt: instant }).optional(),
  disputeProne: z.looseObject({ reason: z.string(), ...by }).optional(),
  consentEvidence: z.array(z.looseObject({ id: z.string(), sha256: z.string(), capturedAt: instant })),
  signatureRequests: z.array(z.looseObject({ requestId: z.string(), status: z.string() })).optional(),
  onSiteTests: z.array(z.looseObject({ round: z.number(), status: z.string() })).optional(),
  careCallback: z.looseObject({ dueAt: instant }).optional(),
  repeatOf: z.array(z.looseObject({ ticketId: z.string(), by: z.enum(['number', 'cell']) })).optional(),
  areaKey: z.string().optional(),
  incident: z.looseObject({ incidentId: z.string(), stage: z.enum(['OPEN', 'RESOLVED']) }).optional(),
  vip: z.looseObject({ profileId: z.string(), level: z.number() }).optional(),
  hot: z.boolean(),
  hotTrack: z
    .looseObject({
      since: instant,
      reasons: z.array(z.enum(HOT_REASONS)),
      solveBy: instant,
      escalations: z.number().int(),
      solvedAt: instant.optional(),
    })
    .optional(),
  policyHistory: z.array(z.looseObject({ id: z.string(), version: z.number(), reason: z.string(), ...by })),
  clocks: z.array(ClockViewSchema),
  slaBreached: z.boolean(),
  timeline: z.array(
    z.looseObject({
      at: instant,
      actor: z.string(),
      action: z.string(),
      detail: z.string().optional(),
      attachments: z
        .array(z.looseObject({ name: z.string(), url: z.string(), mimeType: z.string().optional() }))
        .optional()
        .describe("a note's attachment references (action NOTE): links, never the files"),
    }),
  ),
  closedAt: instant.optional(),
};

// The schema lists exactly the fields of the contract's ComplaintView: a field added to one and not
// the other fails to compile (the nested shapes stay open, the workflow owns them).
type ViewKeysMissing = Exclude<keyof ComplaintView, keyof typeof viewFields>;
type SchemaKeysUnknown = Exclude<keyof typeof viewFields, keyof ComplaintView>;
const sameViewKeys: [ViewKeysMissing | SchemaKeysUnknown] extends [never] ? true : never = true;
void sameViewKeys;

/** A complaint with its clocks and timeline (GET /v1/complaints/{id} and every action's answer). */
export const ComplaintViewSchema = z
  .looseObject({ ...viewFields, links: ComplaintLinksSchema })
  .meta({ id: 'ComplaintView' });

export const IntakeResultSchema = z
  .looseObject({
    created: z.boolean(),
    ticketId: z.string(),
    workflowId: z.string(),
    links: ComplaintLinksSchema,
  })
  .meta({ id: 'IntakeResult' });

/** The read model's summary of a complaint: list and worklist items. */
export const ComplaintSummarySchema = z
  .looseObject({
    ticketId: z.string(),
    stage: z.enum(STAGES),
    channel: z.enum(CHANNELS),
    category: z.string(),
    urgency: z.string().optional(),
    region: z.string(),
    vipLevel: z.number(),
    slaBreached: z.boolean(),
    escalationLevel: z.number(),
    awaitingAckRole: z.string().nullable().optional(),
    assignee: z.string().nullable().optional(),
    team: z.string().nullable().optional(),
    hot: z.boolean(),
    major: z.boolean().optional(),
    rounds: z.number().optional(),
    receivedAt: instant,
    nextDueAt: maybeInstant,
    closedAt: maybeInstant,
    links: ComplaintLinksSchema,
  })
  .meta({ id: 'ComplaintSummary' });

export const ComplaintPageSchema = z
  .looseObject({
    items: z.array(ComplaintSummarySchema),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .meta({ id: 'ComplaintPage' });

export const WorklistSchema = z
  .looseObject({ worklist: z.string(), items: z.array(ComplaintSummarySchema) })
  .meta({ id: 'Worklist' });

/** The open hot complaints (R4.7): why, since when, the overdue clocks, the time left to solve-by. */
export const HotListSchema = z
  .looseObject({
    at: instant,
    items: z.array(
      z.looseObject({
        ticketId: z.string(),
        stage: z.enum(STAGES),
        category: z.string(),
        region: z.string(),
        vipLevel: z.number(),
        assignee: z.string().optional(),
        escalationLevel: z.number().int(),
        rounds: z.number().int(),
        reasons: z.array(z.enum(HOT_REASONS)).describe('why it is hot'),
        hotSince: instant.optional().describe('absent when it became hot before hot tracking'),
        solveBy: instant.optional().describe('hotSince + the hot policy’s solveWithin'),
        solveLeftMs: z.number().optional().describe('time left to solveBy; negative once past it'),
        solveOverdue: z.boolean(),
        solvedAt: instant.optional(),
        overdueClocks: z.array(
          z.looseObject({ name: z.string(), dueAt: instant.optional(), overdueMs: z.number() }),
        ),
        unsolvedEscalations: z.number().int(),
        links: ComplaintLinksSchema,
      }),
    ),
  })
  .meta({ id: 'HotList' });

export const EscalationAcceptedSchema = z.looseObject({ accepted: z.literal(true), ticketId: z.string() });

export const MeSchema = z
  .looseObject({
    user: z.string(),
    roles: z.array(z.string()),
    team: z.string().optional(),
    via: z.enum(['apiKey', 'jwt']),
    permissions: z.array(z.string()).describe('`METHOD /path` of every route the roles allow'),
  })
  .meta({ id: 'Me' });

const policyVersion = z.looseObject({ version: z.number().int() });
/** The active policy set: the console reads its departments and escalation ladder from here. */
export const PoliciesSchema = z
  .looseObject({
    active: z.looseObject({
      policies: z.array(z.looseObject({})),
      departments: z.array(z.string()).optional(),
      escalation: z
        .array(z.looseObject({ level: z.number().int(), title: z.string(), role: z.string() }))
        .optional(),
    }),
    history: z.array(policyVersion),
  })
  .meta({ id: 'Policies' });
export const PolicySavedSchema = policyVersion;

export const AuditTrailSchema = z.looseObject({
  ticketId: z.string(),
  entries: z.array(z.looseObject({ at: instant, actor: z.string(), action: z.string(), hash: z.string() })),
});
export const AuditVerificationSchema = z.looseObject({
  ok: z.boolean(),
  entries: z.number().int(),
  problems: z.array(z.unknown()),
});

export const NetworkCountsSchema = z.looseObject({ counts: z.record(z.string(), z.number().int()) });
export const NetworkImportSchema = z.looseObject({
  kind: z.string(),
  format: z.string(),
  rows: z.number().int(),
  imported: z.number().int(),
  rejected: z.array(z.looseObject({})),
  rejectedTotal: z.number().int(),
});

const reportLinks = z.looseObject({ self: z.string(), html: z.string().optional() });
export const ReportProducedSchema = z.looseObject({
  id: z.string(),
  workflowId: z.string().optional(),
  status: z.enum(['RUNNING', 'COMPLETED', 'DRAFT']),
  links: reportLinks,
});
/** A report run's draft after the interface person's action (R9.4). */
export const ReportRunSchema = z.looseObject({
  id: z.string(),
  stage: z.enum(['PRODUCING', 'DRAFT', 'SENDING', 'DONE']),
  send: z.enum(['scheduled', 'approval']).optional(),
  sendAt: z.string().optional(),
  analysisBy: z.string().optional(),
  approvedBy: z.string().optional(),
});
export const ReportListSchema = z.looseObject({
  items: z.array(
    z.looseObject({ id: z.string(), kind: z.string(), revision: z.number().int(), links: reportLinks }),
  ),
});
export const ReportSchema = z.looseObject({ revision: z.number().int(), links: reportLinks });

const area = z.looseObject({ areaId: z.string() });
export const AreaCreatedSchema = z.looseObject({
  created: z.boolean(),
  areaId: z.string(),
  workflowId: z.string(),
  links,
});
export const AreaListSchema = z.looseObject({
  items: z.array(z.looseObject({ areaId: z.string(), status: z.string() })),
});
export const AreaSchema = area.meta({ id: 'GuaranteeArea' });
export const AreaTestsSchema = z.looseObject({
  items: z.array(z.looseObject({ taskId: z.string(), title: z.string(), status: z.string() })),
});

export const IncidentListSchema = z.looseObject({
  items: z.array(
    z.looseObject({
      incidentId: z.string(),
      areaKey: z.string(),
      stage: z.string(),
      complaintCount: z.number().int(),
      live: z.boolean(),
      links,
    }),
  ),
});
export const IncidentSchema = z
  .looseObject({ incidentId: z.string(), areaKey: z.string(), stage: z.string() })
  .meta({ id: 'Incident' });
export const KnowledgeSchema = z.looseObject({
  items: z.array(z.looseObject({ incidentId: z.string(), rootCause: z.string() })),
});

export const VipSchema = z
  .looseObject({ profileId: z.string(), number: z.string(), vipLevel: z.number().int() })
  .meta({ id: 'VipProfile' });
export const VipListSchema = z.looseObject({
  items: z.array(z.looseObject({ profileId: z.string(), number: z.string(), vipLevel: z.number().int() })),
});

export const RetentionSchema = z.looseObject({
  active: z.looseObject({ version: z.number().int() }),
  history: z.array(z.looseObject({})),
  temporal: z.looseObject({ namespace: z.string() }),
});
export const RetentionSavedSchema = z.looseObject({
  version: z.number().int(),
  policy: z.looseObject({}),
  temporal: z.looseObject({}),
});
export const SweepTriggeredSchema = z.looseObject({});
export const ItemsSchema = z.looseObject({ items: z.array(z.looseObject({})) });
export const PrivacyRequestStartedSchema = z.looseObject({
  requestId: z.string(),
  workflowId: z.string(),
  state: z.string(),
  links,
});
export const PrivacyRequestSchema = z.looseObject({ requestId: z.string(), state: z.string() });
export const PrivacyExportSchema = z.looseObject({});

export const SignatureRecordedSchema = z.looseObject({ recorded: z.literal(true), sha256: z.string() });
export const CodecPayloadsSchema = z.looseObject({
  payloads: z.array(
    z.looseObject({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() }),
  ),
});
export const JwksSchema = z.looseObject({ keys: z.array(z.looseObject({})) });
export const DevTokenSchema = z.looseObject({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number(),
  user: z.string(),
});
export const HealthSchema = z.looseObject({ ok: z.boolean() });
