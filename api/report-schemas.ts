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
    deliver: z.boolean().optional().describe('e-mail it to its addressees (default true)'),
    draft: z
      .boolean()
      .optional()
      .describe(
        'hold it as a draft for the interface person’s analysis, released as REPORT_RELEASE says, like the scheduled runs (R9.4); default false: sent at once',
      ),
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

const text = (min: number, max: number) => z.string().trim().min(min).max(max);

/** The interface person's analysis and rectification measures of the hot topics (R9.4). */
export const ReportAnalysisSchema = z
  .object({
    summary: text(1, 4000).optional().describe('an overall analysis of the period'),
    topics: z
      .array(
        z
          .object({
            key: text(3, 200).describe(
              'a hot topic of the report, category|region, e.g. DROPPED_CALLS|chaoyang',
            ),
            analysis: text(10, 4000),
            measures: z.array(text(1, 1000)).min(1, 'at least one rectification measure (R9.4)').max(20),
          })
          .strict(),
      )
      .max(50),
  })
  .strict();

export const ReportApprovalSchema = z.object({ note: text(1, 1000).optional() }).strict();

export const ReportListQuery = z
  .object({
    kind: z.enum(REPORT_KINDS).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
