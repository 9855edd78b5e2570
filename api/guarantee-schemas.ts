// Request schemas of the guarantee-area routes (R7.3); the OpenAPI document is generated from them.
// Shapes here; the rules that need the configuration (minimum interval) in areaProblems().
import { z } from 'zod';
import { AREA_ID_PATTERN, CELL_ID_PATTERN, GUARANTEE_KPIS } from '../domain/policy/guarantee';

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

export const GuaranteeAreaCreateSchema = z.object({ areaId: AreaIdParam, ...definitionFields }).strict();

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
