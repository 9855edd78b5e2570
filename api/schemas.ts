// Request schemas (zod). The same schemas validate requests and generate the OpenAPI document.
import { z } from 'zod';
import {
  CATEGORIES,
  CHANNELS,
  EXTERNAL_ID_PATTERN,
  STAGES,
  type AcknowledgeInput,
  type ApplyPolicyInput,
  type AssignInput,
  type CareCallbackOutcomeInput,
  type CloseCoordinationInput,
  type CloseInput,
  type ContactCustomerInput,
  type EscalationInput,
  type ExtendClockInput,
  type FindingsInput,
  type MajorReportInput,
  type MarkDisputeProneInput,
  type MarkMajorInput,
  type PauseClockInput,
  type RegatherEvidenceInput,
  type ReplyInput,
  type ResolveInput,
  type ResumeClockInput,
  type TransferInput,
  type TriageInput,
  type VerificationInput,
} from '../workflows/complaint/contract';
import { PLAN_EVENTS, PLAN_FINDINGS } from '../domain/policy/mass-incident';
import { WEEKDAYS, type AgreedAppointment, type ContactWindow } from '../domain/complaint-input';
import { MAX_APPOINTMENT_AHEAD_MS, type ContactPreferencesInput } from '../domain/policy/contact-window';
import { isTimeZone } from '../domain/policy/quiet-hours';
import { vagueParts, type WorkOrderPart } from '../domain/policy/work-order';
import { HYPOTHESIS_CAUSES } from '../domain/evidence';
import type { ContactPolicy } from '../domain/policy/contact-policy';
import { INTAKE_CLOCKS, type PolicySet } from '../domain/policy/sla';

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +8613800138000');
const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

const timeZone = z
  .string()
  .max(64)
  .refine(isTimeZone, { message: 'unknown time zone: use an IANA zone such as Asia/Shanghai' })
  .describe('IANA time zone of the customer, e.g. Asia/Shanghai');
const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time HH:MM, 00:00 to 23:59');

/** The days and hours the customer can be reached, in their time zone (R4.8). */
export const ContactWindowSchema = z
  .object({
    timeZone,
    from: localTime.describe('local time the window opens (inclusive)'),
    to: localTime.describe(
      'local time the window ends (exclusive); before `from` crosses midnight, equal = whole day',
    ),
    days: z
      .array(z.enum(WEEKDAYS, { message: `a day: ${WEEKDAYS.join(', ')}` }))
      .min(1, 'name at least one day')
      .max(7)
      .refine((d) => new Set(d).size === d.length, { message: 'a day is named twice' })
      .optional()
      .describe('local weekdays on which the window opens; every day when absent'),
  })
  .strict()
  .describe(
    "the customer's contact window (R4.8): calls and SMS go only inside it, e.g. MON-FRI 18:00-21:00 Asia/Shanghai",
  ) satisfies z.ZodType<ContactWindow>;

/** A time agreed with the customer for the call (R4.8): ISO instants with an offset, and their zone. */
export const AppointmentSchema = z
  .object({
    from: z.iso.datetime({
      offset: true,
      message: 'an ISO 8601 instant with an offset, e.g. 2026-12-08T10:00:00+08:00',
    }),
    to: z.iso.datetime({
      offset: true,
      message: 'an ISO 8601 instant with an offset, e.g. 2026-12-08T11:00:00+08:00',
    }),
    timeZone,
  })
  .strict()
  .superRefine((a, ctx) => {
    const from = Date.parse(a.from);
    const to = Date.parse(a.to);
    if (Number.isNaN(from) || Number.isNaN(to)) return;
    const now = Date.now();
    if (to <= from)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `must be after "from" (${a.from})` });
    else if (to <= now)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'the appointment has already ended' });
    else if (from > now + MAX_APPOINTMENT_AHEAD_MS)
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'at most 60 days ahead' });
  })
  .describe(
    'a time agreed with the customer (R4.8): the call goes inside it while it lasts; SMS keep to the contact window',
  ) satisfies z.ZodType<AgreedAppointment>;

/** The handler sets or changes the window or appointment (R4.8): a left-out field is kept, null clears it. */
export const ContactPreferencesSchema = z
  .object({
    contactWindow: ContactWindowSchema.nullable().optional(),
    appointment: AppointmentSchema.nullable().optional(),
  })
  .strict()
  .refine((p) => p.contactWindow !== undefined || p.appointment !== undefined, {
    message: 'give a contactWindow or an appointment (null clears one)',
  }) satisfies z.ZodType<ContactPreferencesInput>;

export const IntakeSchema = z
  .object({
    channel: z.enum(CHANNELS),
    externalId: z
      .string()
      .regex(
        EXTERNAL_ID_PATTERN,
        'letters, digits and . _ : - only, 1 to 64 characters, starting with a letter or digit',
      ),
    category: z.enum(CATEGORIES),
    urgency: z.enum(['NORMAL', 'URGENT']).optional(),
    description: text(4000),
    location: z
      .object({
        region: z
          .string()
          .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a region code: lower-case letters, digits, - and _'),
        address: text(500).optional(),
        coordinates: z
          .object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) })
          .strict()
          .optional(),
        cellId: z
          .string()
          .regex(/^[0-9A-Za-z-]{3,40}$/, 'a cell id such as 460-00-12345-1')
          .optional(),
      })
      .strict()
      .refine((l) => l.address || l.coordinates || l.cellId, {
        message: 'give the address, the coordinates or the serving cell (R1.2)',
      }),
    occurrence: z
      .object({
        since: z.iso.datetime({ offset: true }).optional(),
        frequency: z.enum(['ALWAYS', 'DAILY', 'INTERMITTENT', 'ONCE']),
        timeOfDay: text(100).optional(),
      })
      .strict(),
    terminal: z
      .object({
        model: text(100).optional(),
        imei: z
          .string()
          .regex(/^\d{15}$/, 'an IMEI has 15 digits')
          .optional(),
      })
      .strict()
      .default({}),
    numbers: z.object({ callback: e164, calling: e164.optional(), called: e164.optional() }).strict(),
    customer: z
      .object({
        name: text(100).optional(),
        vipLevel: z.number().int().min(0).max(5).default(0),
        language: z.enum(['zh-CN', 'en']).default('zh-CN'),
      })
      .strict()
      .default({ vipLevel: 0, language: 'zh-CN' }),
    extra: text(4000).optional(),
    contactWindow: ContactWindowSchema.optional(),
    appointment: AppointmentSchema.optional(),
  })
  .strict();
export type IntakeBody = z.infer<typeof IntakeSchema>;

export const TicketIdParam = z
  .string()
  .regex(/^[A-Z_]+-[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'not a ticket id (CHANNEL-externalId)');

/**
 * A department's name. Which departments exist is policy data (the active set's `departments`):
 * the service checks the name against it, the schema only its form.
 */
export const DepartmentName = z
  .string()
  .regex(/^[a-z_]{1,40}$/, 'a department of the active policy set, such as network')
  .describe('a department of the active policy set (GET /v1/policies: active.departments)');

/** Several departments verifying in parallel (R2.3). */
const DepartmentNames = z
  .array(DepartmentName)
  .min(1, 'at least one department')
  .max(10)
  .describe('departments of the active policy set that verify in parallel (R2.3)');

export const TriageSchema = z
  .object({
    decision: z.enum(['SELF', 'TEAM', 'TRANSFER']),
    department: DepartmentName.optional(),
    departments: DepartmentNames.optional(),
    assignee: text(100).optional(),
    note: text(2000).optional(),
  })
  .strict()
  .refine((t) => t.decision !== 'TRANSFER' || t.department || t.departments?.length, {
    message: 'a transfer names the department',
    path: ['department'],
  }) satisfies z.ZodType<TriageInput>;

/** A transfer after triage (R2.3): `departments`, or the single `department` of the older form. */
export const TransferSchema = z
  .object({
    departments: DepartmentNames.optional(),
    department: DepartmentName.optional(),
    note: text(2000).optional(),
  })
  .strict()
  .refine((t) => t.department || t.departments?.length, {
    message: 'a transfer names at least one department',
    path: ['departments'],
  }) satisfies z.ZodType<TransferInput>;

export const VerificationSchema = z
  .object({
    department: DepartmentName.describe(
      'the department that answers: one that was asked and has not answered',
    ),
    result: text(4000),
  })
  .strict() satisfies z.ZodType<VerificationInput>;

export const CloseCoordinationSchema = z
  .object({ note: text(2000) })
  .strict() satisfies z.ZodType<CloseCoordinationInput>;

/**
 * R4.6: each named part of the work-order reply must say something (domain/policy/work-order);
 * the 400 names the part and says what is missing. A part that already failed is not judged again.
 */
const specific =
  (parts: readonly WorkOrderPart[]) =>
  (reply: Partial<Record<WorkOrderPart, string>>, ctx: z.RefinementCtx) => {
    const failed = new Set(ctx.issues.map((i) => i.path?.[0]));
    for (const v of vagueParts(reply, parts))
      if (!failed.has(v.part)) ctx.addIssue({ code: 'custom', path: [v.part], message: v.message });
  };

export const FindingsSchema = z
  .object({ checked: text(4000), found: text(4000), onSite: z.boolean().optional() })
  .strict()
  .superRefine(specific(['checked', 'found'])) satisfies z.ZodType<FindingsInput>;

export const ResolveSchema = z
  .object({
    summary: z
      .string()
      .trim()
      .min(10, 'a specific, detailed summary of at least 10 characters (R4.6)')
      .max(4000),
    rootCause: text(1000),
    actions: text(4000),
    cause: z
      .enum(HYPOTHESIS_CAUSES)
      .optional()
      .describe(
        'The cause found, as the pre-diagnosis names causes; the complaint keeps where it ranked among the hypotheses (R3.5)',
      ),
  })
  .strict()
  .superRefine(specific(['summary', 'rootCause', 'actions'])) satisfies z.ZodType<ResolveInput>;

export const ReplySchema = z
  .object({
    kind: z.enum(['FIRST', 'FINAL']),
    method: z.enum(['PHONE', 'SMS']),
    summary: text(4000),
    customerConfirmed: z.boolean(),
    satisfied: z.boolean().optional(),
  })
  .strict() satisfies z.ZodType<ReplyInput>;

export const CloseSchema = z.object({ note: text(2000).optional() }).strict() satisfies z.ZodType<CloseInput>;

/** A level of the escalation ladder: the ladder is policy data, so the service checks the level. */
const ladderLevel = z
  .number()
  .int()
  .min(1)
  .max(99)
  .describe(
    'a level of the escalation ladder of the active policy set (GET /v1/policies: active.escalation)',
  );

export const EscalationSchema = z
  .object({ level: ladderLevel, reason: text(2000) })
  .strict() satisfies z.ZodType<EscalationInput>;

export const ListQuerySchema = z
  .object({
    stage: z.enum(STAGES).optional(),
    channel: z.enum(CHANNELS).optional(),
    region: z.string().max(40).optional(),
    breached: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
  })
  .strict();

export const TwilioMessageStatusSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-f]{32}$/),
  MessageStatus: z.string().min(1).max(30),
  ErrorCode: z.string().optional(),
});

const clockName = z
  .string()
  .regex(
    new RegExp(
      `^(${INTAKE_CLOCKS.join('|')}|verification:[a-z_]{1,40}(:\\d{1,2})?|coordination(:\\d{1,2})?|escalationAck:\\d{1,2})$`,
    ),
    `a clock: ${INTAKE_CLOCKS.join(', ')}, verification:<department>, coordination or escalationAck:<level>`,
  );

export const AssignSchema = z
  .object({
    assignee: z.string().regex(/^[a-z][a-z0-9._-]{1,39}$/, 'a user name'),
    team: text(40).optional(),
    reason: text(500).optional(),
  })
  .strict() satisfies z.ZodType<AssignInput>;
export const AcknowledgeSchema = z
  .object({ level: ladderLevel, note: text(1000).optional() })
  .strict() satisfies z.ZodType<AcknowledgeInput>;
/** What a person found on the care callback nobody answered (R6.3). */
export const CareCallbackOutcomeSchema = z
  .object({
    reached: z.boolean().describe('the person reached the customer'),
    answer: z
      .enum(['SATISFIED', 'NOT_SATISFIED'])
      .optional()
      .describe('when reached: the problem stayed fixed, or it is back (reopens the complaint)'),
    note: text(1000),
  })
  .strict()
  .refine((b) => b.reached === (b.answer !== undefined), {
    path: ['answer'],
    message: 'required when reached is true, and only then',
  }) satisfies z.ZodType<CareCallbackOutcomeInput>;
export const PauseClockSchema = z
  .object({ clock: clockName, reason: text(500) })
  .strict() satisfies z.ZodType<PauseClockInput>;
export const ResumeClockSchema = z
  .object({ clock: clockName })
  .strict() satisfies z.ZodType<ResumeClockInput>;
export const ExtendClockSchema = z
  .object({
    clock: clockName,
    by: z.string().regex(/^\d+(\.\d+)?(m|h|d)$/, 'a duration such as 30m, 4h or 2d'),
    reason: text(500),
  })
  .strict() satisfies z.ZodType<ExtendClockInput>;
export const ApplyPolicySchema = z
  .object({ reason: text(500) })
  .strict() satisfies z.ZodType<ApplyPolicyInput>;
export const MarkMajorSchema = z.object({ reason: text(2000) }).strict() satisfies z.ZodType<MarkMajorInput>;
export const MajorReportSchema = z
  .object({
    title: text(200),
    impact: text(4000),
    rootCause: text(4000),
    coordination: text(4000),
    actions: text(4000),
    result: text(4000),
  })
  .strict() satisfies z.ZodType<MajorReportInput>;

export const WORKLISTS = [
  'mine',
  'team',
  'due-soon',
  'breached',
  'escalated-to-me',
  'hot',
  /** care callbacks nobody answered, waiting for a person (R6.3) */
  'care-callback',
  /** several departments verifying in parallel: the interface person's coordination tasks (R2.3) */
  'coordination',
] as const;
export const WorklistParam = z.enum(WORKLISTS);
export const WorklistQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    /** due-soon: how far ahead, in hours */
    withinHours: z.coerce.number().min(1).max(720).default(8),
  })
  .strict();

const duration = z.string().regex(/^\d+(\.\d+)?(ms|s|m|h|d)$/, 'a duration such as 30m, 4h or 2d');
const clockPolicy = z
  .object({
    target: duration,
    warnAt: z.array(z.number().gt(0).lt(1)).max(5),
    calendar: z.string().min(1).optional(),
  })
  .strict();
const hhmm = z.string().regex(/^\d\d:\d\d$/, 'a local time HH:MM');
/** How the customer is called and texted (R4.3, R4.4); domain/policy/contact-policy. */
const ContactPolicySchema = z
  .object({
    callAttempts: z.number().int().min(0).max(10),
    callSpacing: duration,
    smsConfirmWait: duration,
    clarifyOnce: z.boolean(),
    allowedHours: z.object({ from: hhmm, to: hhmm }).strict(),
    callTimeout: duration,
    recordingWait: duration,
  })
  .strict() satisfies z.ZodType<ContactPolicy>;

/**
 * A policy set as `GET /v1/policies` returns it (`active`): whatever it returns, this accepts, so
 * an admin can read, edit and save it back (issue 24). `version` is the version the edit was
 * based on: when given and no longer the active one, the save is refused (409) instead of silently
 * overwriting someone else's change.
 */
export const PolicySetSchema = z
  .object({
    version: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('The version this edit was based on; 409 when another version was saved meanwhile'),
    repeatWindow: duration
      .optional()
      .describe('A complaint within this window after an earlier one is a repeat (R6.2); default 30d'),
    careCallbackAfter: duration
      .optional()
      .describe('How long after closing the care callback is made (R6.1); default 7d'),
    careCallback: z
      .object({
        callAttempts: z.number().int().min(1).max(10),
        callSpacing: duration,
        smsAnswerWait: duration,
        personWithin: duration.optional(),
      })
      .strict()
      .optional()
      .describe(
        'A care callback nobody answers (R6.3): calls inside the allowed hours, then an SMS asking for the answer, then a person, escalated on the ladder when not recorded within personWithin; default 3 calls 4h apart, 24h for the SMS, 3d for the person',
      ),
    contact: ContactPolicySchema.optional().describe('How the customer is called and texted (R4.3, R4.4)'),
    calendars: z
      .record(
        z.string().min(1),
        z.union([
          z.object({ kind: z.literal('24x7') }).strict(),
          z
            .object({
              kind: z.literal('business'),
              days: z.array(z.number().int().min(1).max(7)).min(1),
              from: z.string().regex(/^\d\d:\d\d$/),
              to: z.string().regex(/^\d\d:\d\d$/),
              utcOffsetMinutes: z.number().int().min(-720).max(840),
              holidays: z.array(z.string().regex(/^\d{4}-\d\d-\d\d$/)),
              workdays: z.array(z.string().regex(/^\d{4}-\d\d-\d\d$/)).optional(),
            })
            .strict(),
        ]),
      )
      .optional(),
    departments: z
      .array(z.string().regex(/^[a-z_]+$/))
      .min(1)
      .optional(),
    escalation: z
      .array(
        z
          .object({
            level: z.number().int().min(1),
            title: text(200),
            role: z.string().min(1),
            ackWithin: duration,
          })
          .strict(),
      )
      .min(1)
      .optional(),
    policies: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z0-9-]+$/),
            version: z.number().int().min(1),
            description: z.string().max(500),
            match: z
              .object({
                channels: z.array(z.enum(CHANNELS)).optional(),
                categories: z.array(z.enum(CATEGORIES)).optional(),
                minVipLevel: z.number().int().min(0).max(5).optional(),
                urgency: z.enum(['NORMAL', 'URGENT']).optional(),
              })
              .strict(),
            clocks: z
              .object({
                acceptance: clockPolicy.optional(),
                firstReply: clockPolicy,
                handling: clockPolicy,
                verification: clockPolicy.optional(),
                coordination: clockPolicy.optional(),
              })
              .strict(),
            verificationByDepartment: z.record(z.string(), clockPolicy).optional(),
          })
          .strict(),
      )
      .min(1),
    massIncident: z
      .object({
        enabled: z.boolean(),
        rules: z
          .array(
            z
              .object({
                scope: z.enum(['site', 'cell', 'region']),
                count: z.number().int().min(2).max(10_000),
                window: duration,
              })
              .strict(),
          )
          .min(1),
        notifyRoles: z.array(z.string().min(1).max(100)).min(1),
        closeReminderAfter: duration,
        plan: z
          .array(
            z
              .object({
                id: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/),
                title: z.string().trim().min(1).max(200),
                role: z.string().trim().min(1).max(100).describe('who does it, e.g. department:network'),
                tickedBy: z
                  .enum([...PLAN_FINDINGS, ...PLAN_EVENTS])
                  .optional()
                  .describe('a finding of this area evidence, or this incident event, ticks it'),
                beforeResolve: z.boolean(),
              })
              .strict(),
          )
          .min(1)
          .max(30)
          .optional()
          .describe(
            'The contingency plan (预案, R8.3, R8.6); an item is ticked by its finding or event, or by a person with a note. Absent: the default plan',
          ),
      })
      .strict()
      .optional()
      .describe(
        'Mass-incident recognition (R8.1): N complaints within a window about one cell, site or region',
      ),
    hot: z
      .object({
        tightenFactor: z.number().gt(0).max(1),
        tightenLimits: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/), duration).optional(),
        solveWithin: duration,
        digest: z.object({ at: hhmm, timeZone: z.string().min(1).max(64) }).strict(),
      })
      .strict()
      .optional()
      .describe(
        'Hot and difficult complaints (R4.7): when one becomes hot its open clocks keep tightenFactor of the time left, at most tightenLimits per clock kind (never lengthened); not RESOLVED within solveWithin it escalates; the hot list is e-mailed to the interface person daily at digest.at (digest.timeZone). Default: no tightening (1), 72h, 08:30 Asia/Shanghai',
      ),
    staffQuietHours: z
      .object({
        from: z.string().regex(/^\d\d:\d\d$/),
        to: z.string().regex(/^\d\d:\d\d$/),
        timeZone: z.string().min(1).max(64),
      })
      .strict()
      .optional()
      .describe('Quiet hours for non-urgent staff e-mails; urgent ones go at once'),
  })
  .strict();

// Every field of a policy set has a place in the schema: a field added to PolicySet and not here
// fails to compile, instead of answering 400 "Unrecognized key" to an admin's read-edit-save.
type UnlistedPolicyFields = Exclude<keyof PolicySet, keyof z.infer<typeof PolicySetSchema>>;
const everyPolicyFieldListed: [UnlistedPolicyFields] extends [never] ? true : UnlistedPolicyFields = true;
void everyPolicyFieldListed;

export const ContactCustomerSchema = z
  .object({
    purpose: z.enum(['FIRST_REPLY', 'FINAL_REPLY']),
    channel: z.enum(['PHONE_FIRST', 'SMS_ONLY']).default('PHONE_FIRST'),
    message: z
      .string()
      .trim()
      .min(10, 'tell the customer specifically what was checked and done (R4.6)')
      .max(1000),
  })
  .strict() satisfies z.ZodType<ContactCustomerInput>;
export const MarkDisputeProneSchema = z
  .object({ reason: text(2000) })
  .strict() satisfies z.ZodType<MarkDisputeProneInput>;

const instant = z.iso.datetime({
  offset: true,
  message: 'an ISO 8601 instant with its offset, such as 2026-11-20T08:00:00+08:00 or 2026-11-20T00:00:00Z',
});
/** The longest window the evidence can be gathered again for (R3.1): a month of hourly KPIs. */
export const MAX_EVIDENCE_WINDOW_DAYS = 31;
/** R3.1/R3.2: gather the network evidence again for another window; sent as UTC instants. */
export const RegatherEvidenceSchema = z
  .object({ from: instant, to: instant })
  .strict()
  .superRefine((w, ctx) => {
    if (ctx.issues.length > 0) return; // a bad instant is named already
    const ms = Date.parse(w.to) - Date.parse(w.from);
    if (!(ms > 0)) ctx.addIssue({ code: 'custom', path: ['to'], message: `must be after from (${w.from})` });
    else if (ms > MAX_EVIDENCE_WINDOW_DAYS * 86_400_000)
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `the window is at most ${MAX_EVIDENCE_WINDOW_DAYS} days; from → to is ${(ms / 86_400_000).toFixed(1)} days`,
      });
  })
  .transform((w) => ({
    from: new Date(w.from).toISOString(),
    to: new Date(w.to).toISOString(),
  })) satisfies z.ZodType<RegatherEvidenceInput>;
