// The report routes (R9) in the OpenAPI document, from the same zod schemas that validate them.
import { z } from 'zod';
import { CSV_TABLES } from '../activities/reports/csv';
import { ReportListQuery, ReportRequestSchema } from './report-schemas';

const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^(weekly-\\d{4}-W\\d{2}|monthly-\\d{4}-\\d{2})$' },
  description: 'report id: weekly-2026-W48 or monthly-2026-11',
};
const roles = 'Roles: analyst, supervisor, interface, admin.';

export function reportOpenApi(errors: Record<string, unknown>) {
  return {
    '/v1/reports': {
      post: {
        summary: 'Produce a weekly or monthly report now (R9.1, R9.2)',
        description:
          `${roles} Runs the report workflow for the period (the last completed one when absent): aggregates, ` +
          'stores and, unless deliver is false, e-mails it to the interface people with the HTML and the CSV tables. ' +
          'A run of the same period already in progress is joined. 201 with the result, or 202 while it still runs after 60 s.',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: z.toJSONSchema(ReportRequestSchema, { io: 'input', unrepresentable: 'any' }),
            },
          },
        },
        responses: {
          '201': { description: 'produced: id, revision, figures in brief, delivery, links' },
          '202': { description: 'still running: id, workflowId, links' },
          ...errors,
        },
      },
      get: {
        summary: 'Stored reports, the most recently produced first',
        description: roles,
        parameters: Object.keys(ReportListQuery.shape).map((name) => ({
          name,
          in: 'query',
          required: false,
          schema: { type: 'string' },
        })),
        responses: {
          '200': { description: '{ items: [{ id, kind, period, revision, generatedAt, links }] }' },
          ...errors,
        },
      },
    },
    '/v1/reports/{id}': {
      get: {
        summary:
          'One report as JSON: overview, hot topics, last period’s hot topics, handling figures, comparison',
        description: roles,
        parameters: [idParam],
        responses: { '200': { description: 'the report' }, ...errors },
      },
    },
    '/v1/reports/{id}.html': {
      get: {
        summary: 'One report as an HTML page with charts (inline SVG) and tables',
        description: roles,
        parameters: [idParam],
        responses: { '200': { description: 'text/html', content: { 'text/html': {} } }, ...errors },
      },
    },
    '/v1/reports/{id}/{table}.csv': {
      get: {
        summary: 'One table of a report as CSV (UTF-8 with BOM)',
        description: roles,
        parameters: [
          idParam,
          { name: 'table', in: 'path', required: true, schema: { type: 'string', enum: [...CSV_TABLES] } },
        ],
        responses: { '200': { description: 'text/csv', content: { 'text/csv': {} } }, ...errors },
      },
    },
  };
}
