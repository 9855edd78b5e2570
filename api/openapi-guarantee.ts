// The guarantee-area routes (R7.3) in the OpenAPI document, from the same zod schemas that validate them.
import { z } from 'zod';
import {
  EndAreaSchema,
  GuaranteeAreaChangeSchema,
  GuaranteeAreaCreateSchema,
  GuaranteeAreaListQuery,
  GuaranteeTestListQuery,
  PauseAreaSchema,
  ResumeAreaSchema,
} from './guarantee-schemas';

const body = (schema: z.ZodType) => ({
  required: true,
  content: {
    'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) },
  },
});
const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' },
  description: 'area id',
};
const queryParams = (schema: z.ZodObject) =>
  Object.keys(schema.shape).map((name) => ({
    name,
    in: 'query',
    required: false,
    schema: { type: 'string' },
  }));
const changers = 'Roles: vipManager, supervisor, interface, admin.';
const readers = 'Roles: vipManager, supervisor, interface, admin, analyst, department.';

export function guaranteeOpenApi(errors: Record<string, unknown>) {
  const action = (summary: string, schema: z.ZodType) => ({
    post: {
      summary,
      description: `${changers} 409 when the area's state does not allow it (already paused, not paused, ended).`,
      parameters: [idParam],
      requestBody: body(schema),
      responses: { '200': { description: 'the area after the action' }, ...errors },
    },
  });
  return {
    '/v1/guarantee-areas': {
      post: {
        summary: 'Create a guarantee area (重点保障区域) and start watching it (R7.3)',
        description:
          `${changers} Starts one long-running workflow per area (guarantee-area-<areaId>): it checks the cells' ` +
          'KPIs every watchInterval, e-mails (and texts) the responsible people when a threshold is crossed and ' +
          'when it recovers, and creates the periodic test tasks. Idempotent by areaId: 201 when created, 200 ' +
          'with the existing area otherwise (an ended area keeps its id). Absent fields take the defaults.',
        requestBody: body(GuaranteeAreaCreateSchema),
        responses: {
          '201': { description: 'created: areaId, workflowId, definition, links' },
          '200': { description: 'the area existed already: created false, the area' },
          ...errors,
        },
      },
      get: {
        summary: 'Guarantee areas from the read model',
        description: readers,
        parameters: queryParams(GuaranteeAreaListQuery),
        responses: {
          '200': {
            description:
              '{ items: [{ areaId, name, status, cells, lastCheckAt, nextCheckAt, openAlerts, nextTestDueAt, … }] }',
          },
          ...errors,
        },
      },
    },
    '/v1/guarantee-areas/{id}': {
      get: {
        summary: 'One guarantee area: status, last check, open alerts, alert history, next test due',
        description: `${readers} The workflow's live state; an ended area from the read model.`,
        parameters: [idParam],
        responses: { '200': { description: 'the area' }, ...errors },
      },
      patch: {
        summary: 'Change cells, thresholds, intervals, alert policy, who is told, or the test plan',
        description: `${changers} Takes effect at once (the next check runs now). 409 when the area has ended.`,
        parameters: [idParam],
        requestBody: body(GuaranteeAreaChangeSchema),
        responses: { '200': { description: 'the area after the change' }, ...errors },
      },
    },
    '/v1/guarantee-areas/{id}/pause': action('Pause watching and tests (with a reason)', PauseAreaSchema),
    '/v1/guarantee-areas/{id}/resume': action(
      'Resume watching (checks at once; tests missed while paused are skipped)',
      ResumeAreaSchema,
    ),
    '/v1/guarantee-areas/{id}/end': action('End the area: its workflow completes', EndAreaSchema),
    '/v1/guarantee-areas/{id}/tests': {
      get: {
        summary: 'The periodic test tasks of an area, newest first',
        description: readers,
        parameters: [idParam, ...queryParams(GuaranteeTestListQuery)],
        responses: {
          '200': { description: '{ items: [{ taskId, title, role, scheduledAt, dueAt, status }] }' },
          ...errors,
        },
      },
    },
  };
}
