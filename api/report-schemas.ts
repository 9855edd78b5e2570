// Request schemas of the report routes (R9); the OpenAPI document is generated from them.
import { z } from 'zod';
import { CSV_TABLES } from '../activities/reports/csv';
import { periodProblem } from '../domain/reports/periods';
import { REPORT_ID_PATTERN, REPORT_KINDS } from '../workflows/report/contract';

export const ReportRequestSchema = z
  .object({
    kind: z.enum(REPORT_KINDS),
    period: z
      .string()
      .max(10)
      .optional()
      .describe('ISO week 2026-W48 (weekly) or month 2026-11 (monthly); absent = the last completed one'),
    deliver: z.boolean().optional().describe('e-mail it to the interface people (default true)'),
  })
  .strict()
  .superRefine((body, ctx) => {
    const problem = body.period === undefined ? undefined : periodProblem(body.kind, body.period);
    if (problem) ctx.addIssue({ code: 'custom', path: ['period'], message: problem });
  });

export const ReportIdParam = z
  .string()
  .regex(REPORT_ID_PATTERN, 'a report id such as weekly-2026-W48 or monthly-2026-11');

export const CsvTableParam = z.enum(CSV_TABLES);

export const ReportListQuery = z
  .object({
    kind: z.enum(REPORT_KINDS).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
