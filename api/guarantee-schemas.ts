// Request schemas of the guarantee-area routes (R7.3); the OpenAPI document is generated from them.
// Shapes here; the rules that need the configuration (minimum interval) in areaProblems().
import { z } from 'zod';
import {
  AREA_ID_PATTERN,
  CELL_ID_PATTERN,
  GUARANTEE_KPIS,
  TEST_CONCLUSIONS,
} from '../domain/policy/guarantee';

const Duration = z
  .string()
  .max(16)
  .regex(/^\d+(\.\d+)?(ms|s|m|h|d)$/, 'a duration such as 10s, 15m, 24h or 7d');

const E164 = z.string().regex(/^\+[1-9]\d{4,14}$/, 'an E.164 number such as +8613800138000');

export const AreaIdParam = z
  .string()
  .regex(AREA_ID_PATTERN, 'letters, digits, . _ - (at most 64), starting with a letter or digit');

const Threshold = z
  .object({
    kpi: z.enum(GUARANTEE_KPIS),
    bound: z.enum(['min', 'max']).describe('min: the KPI must be at least value; max: at most value'),
    value: z.number().min(-1000).max(100_000),
  })
  .strict();

const AlertPolicy = z
  .object({
    raiseAfter: z
      .number()
      .int()
      .min(1)
      .max(20)
      .optional()
      .describe('breaching checks in a row that raise (default 1)'),
    clearAfter: z
      .number()
      .int()
      .min(1)
      .max(50)
      .optional()
      .describe('clean checks in a row that recover (default 2)'),
    missingDataBreaches: z
      .boolean()
      .optional()
      .describe('a cell without a recent sample counts as breaching'),
  })
  .strict();

const Notify = z
  .object({
    roles: z.array(z.string().min(1).max(64)).max(10).optional().describe('roles e-mailed (ROLE_EMAILS)'),
    emails: z.array(z.email()).max(20).optional(),
    phones: z.array(E164).max(10).optional().describe('numbers that get the alert and recovery by SMS'),
    language: z.enum(['zh-CN', 'en']).optional().describe('language of the SMS (default zh-CN)'),
  })
  .strict();

const TestItem = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, 'letters, digits, - and _ (at most 32)'),
    title: z.string().trim().min(1).max(100),
    every: Duration.describe('interval between two tests, e.g. 7d'),
    firstAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('first test; default one interval from now'),
    dueWithin: Duration.optional().describe('the task is due this long after it is created (default 24h)'),
    role: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe('engineer role the task is e-mailed to (default optCenter)'),
    assignee: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,99}$/, 'a user id or a role such as department:network')
      .optional()
      .describe(
        'who does the test and records its result (R7.4): a user id or a role they sign in with; absent = the area managers',
      ),
  })
  .strict();

const definitionFields = {
  name: z.string().trim().min(1).max(100),
  place: z.string().trim().max(200).optional().describe('the VIP place in words'),
  region: z.string().trim().max(64).optional(),
  cells: z.array(z.string().regex(CELL_ID_PATTERN, 'a cell id such as 460-00-12345-1')).min(1).max(50),
  thresholds: z.array(Threshold).min(1).max(20).optional().describe('default: DEFAULT_THRESHOLDS'),
  watchInterval: Duration.optional().describe('how often the KPIs are checked (default 15m)'),
  lookback: Duration.optional().describe('the newest sample of a cell must be at most this old (default 3h)'),
  alertPolicy: AlertPolicy.optional(),
  notify: Notify.optional(),
  testPlan: z.array(TestItem).max(10).optional(),
};

/** The VIP profile whose places give the cells (R7.5): their cell ids, else the cells at their coordinates. */
const FromVip = z
  .object({
    profileId: z.string().regex(/^vip-[0-9a-f-]{36}$/, 'a VIP profile id such as vip-…'),
    places: z
      .array(z.string().trim().min(1).max(100))
      .max(22)
      .optional()
      .describe('office, residence, usual, or a place label; default every place of the profile'),
  })
  .strict();

export const GuaranteeAreaCreateSchema = z
  .object({
    areaId: AreaIdParam,
    ...definitionFields,
    cells: definitionFields.cells.optional().describe('the cells; may be left out with fromVip'),
    fromVip: FromVip.optional().describe(
      "make the area from a VIP profile's places (R7.5): their cells are added to `cells`",
    ),
  })
  .strict()
  .refine((o) => (o.cells?.length ?? 0) > 0 || o.fromVip, {
    message: 'give the cells, or fromVip to take them from a VIP profile',
    path: ['cells'],
  });

export const GuaranteeAreaChangeSchema = z
  .object({
    name: definitionFields.name.optional(),
    place: definitionFields.place,
    region: definitionFields.region,
    cells: definitionFields.cells.optional(),
    thresholds: definitionFields.thresholds,
    watchInterval: definitionFields.watchInterval,
    lookback: definitionFields.lookback,
    alertPolicy: definitionFields.alertPolicy,
    notify: definitionFields.notify,
    testPlan: definitionFields.testPlan,
  })
  .strict()
  .refine((o) => Object.keys(o).length > 0, 'nothing to change');

export const PauseAreaSchema = z.object({ reason: z.string().trim().min(1).max(500) }).strict();
export const ResumeAreaSchema = z.object({ note: z.string().trim().max(500).optional() }).strict();
export const EndAreaSchema = z.object({ reason: z.string().trim().min(1).max(500) }).strict();

export const AREA_STATUSES = ['OK', 'ALERT', 'PAUSED', 'ENDED'] as const;

export const GuaranteeAreaListQuery = z
  .object({
    status: z.enum(AREA_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(200),
  })
  .strict();

export const GuaranteeTestListQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(200).default(50) })
  .strict();

// ---------------------------------------------------------------------------------------------
// Test tasks (R7.4)

/** `<areaId>:<itemId>:<slot>` as the area's workflow makes it. */
export const TestTaskIdParam = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}:[A-Za-z0-9][A-Za-z0-9_-]{0,31}:\d{1,9}$/,
    'a test task id such as area-1:cqt:0',
  );

const Measurement = z
  .object({
    name: z.string().trim().min(1).max(64).describe('e.g. RSRP, SINR, call setup, download'),
    value: z.number().min(-100_000).max(1_000_000),
    unit: z.string().trim().max(16).optional(),
    cellId: z.string().regex(CELL_ID_PATTERN, 'a cell id such as 460-00-12345-1').optional(),
  })
  .strict();

export const TestResultSchema = z
  .object({
    measurements: z.array(Measurement).min(1).max(100),
    conclusion: z.enum(TEST_CONCLUSIONS).describe('PASS, or FAIL with notes saying what failed'),
    notes: z.string().trim().max(2000).optional(),
    photos: z
      .array(z.url({ protocol: /^https?$/ }).max(500))
      .max(20)
      .default([])
      .describe('links to the photos (site, test phone screen, …)'),
  })
  .strict()
  .refine((r) => r.conclusion === 'PASS' || !!r.notes, {
    message: 'say what failed when the conclusion is FAIL',
    path: ['notes'],
  });

export const TEST_TASK_STATES = ['open', 'overdue', 'done', 'all'] as const;

export const TestTaskListQuery = z
  .object({
    state: z
      .enum(TEST_TASK_STATES)
      .default('open')
      .describe(
        'open (includes overdue), overdue (open past the due time), done, all (also those cancelled when their area ended)',
      ),
    assignee: z
      .string()
      .max(100)
      .optional()
      .describe('a user id or role; managers only (others always see their own tasks)'),
    areaId: AreaIdParam.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

const testTask = z.looseObject({
  taskId: z.string(),
  areaId: z.string(),
  title: z.string(),
  status: z.enum(['OPEN', 'DONE', 'CANCELLED']),
  dueAt: z.string(),
  overdue: z.boolean(),
});
export const TestTaskListSchema = z.looseObject({ items: z.array(testTask) });
export const TestResultRecordedSchema = z
  .looseObject({
    taskId: z.string(),
    areaId: z.string(),
    status: z.literal('DONE'),
    doneAt: z.string(),
    doneBy: z.string(),
    late: z.boolean(),
    result: z.looseObject({ conclusion: z.enum(TEST_CONCLUSIONS) }),
  })
  .meta({ id: 'GuaranteeTestResult' });
