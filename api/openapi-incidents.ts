// The mass-incident routes (R8) in the OpenAPI document, from the zod schemas that validate them.
import { z } from 'zod';
import * as S from './incident-schemas';

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
  schema: { type: 'string' },
  description: 'incident id, e.g. INC-site:460-00-12345-202611270830',
};
const queryParams = (schema: z.ZodObject) =>
  Object.keys(schema.shape).map((name) => ({
    name,
    in: 'query',
    required: false,
    schema: { type: 'string' },
  }));
const actors = 'Roles: supervisor, interface, department, admin.';

function action(summary: string, description: string, schema: z.ZodType, errors: Record<string, unknown>) {
  return {
    post: {
      summary,
      description: `${actors} ${description}`,
      parameters: [idParam],
      requestBody: body(schema),
      responses: { '200': { description: 'the incident after the action' }, ...errors },
    },
  };
}

export function incidentOpenApi(errors: Record<string, unknown>) {
  return {
    '/v1/incidents': {
      get: {
        summary: 'Mass incidents, newest first (R8); stage=ACTIVE for those not closed',
        parameters: queryParams(S.IncidentListQuery),
        responses: {
          '200': {
            description:
              '{ items: [{ incidentId, areaKey, stage, complaintCount, live, startedAt, notifiedAt }] } — stage and complaintCount of an open incident as its workflow has them now (live: true), else from the read model',
          },
          ...errors,
        },
      },
    },
    '/v1/incidents/{id}': {
      get: {
        summary: 'One incident: area, linked complaints, checklist, area evidence, timeline',
        parameters: [idParam],
        responses: { '200': { description: 'the incident view' }, ...errors },
      },
    },
    '/v1/incidents/{id}/owner': action(
      'Take ownership of the incident',
      'The caller becomes its owner.',
      S.TakeOwnershipSchema,
      errors,
    ),
    '/v1/incidents/{id}/checklist': action(
      'Tick or untick an item of the contingency plan (R8.3)',
      'Evidence ticks changes, alarms, interference and KPIs by itself; the owner ticks the rest.',
      S.CheckItemSchema,
      errors,
    ),
    '/v1/incidents/{id}/resolve': action(
      'Resolve the incident: every linked customer gets the reply (R8.4)',
      '409 while the checklist is not worked through.',
      S.ResolveIncidentSchema,
      errors,
    ),
    '/v1/incidents/{id}/close': action(
      'Close with the root cause and preventive measures (R8.5)',
      'They go into the knowledge base that later pre-diagnoses read. 409 unless RESOLVED.',
      S.CloseIncidentSchema,
      errors,
    ),
    '/v1/knowledge': {
      get: {
        summary: 'Knowledge base of closed incidents: root causes and preventive measures (R8.5)',
        parameters: queryParams(S.KnowledgeQuery),
        responses: {
          '200': { description: '{ items: [{ incidentId, areaKey, rootCause, preventiveMeasures }] }' },
          ...errors,
        },
      },
    },
  };
}

/** VIP profiles (R7.1): personal data kept by the VIP managers. */
export function vipOpenApi(errors: Record<string, unknown>, schema: z.ZodType) {
  const roles = 'Roles: vipManager, admin.';
  const id = {
    name: 'id',
    in: 'path',
    required: true,
    schema: { type: 'string' },
    description: 'vip-<uuid>',
  };
  return {
    '/v1/vips': {
      post: {
        summary: 'Create a VIP profile (R7.1); intake recognises the VIP by the callback number (R7.2)',
        description: `${roles} 409 when the number has a profile already.`,
        requestBody: body(schema),
        responses: { '201': { description: 'the profile' }, ...errors },
      },
      get: {
        summary: 'VIP profiles with masked numbers',
        description: roles,
        responses: {
          '200': { description: '{ items: [{ profileId, number (masked), vipLevel }] }' },
          ...errors,
        },
      },
    },
    '/v1/vips/{id}': {
      get: {
        summary: 'One VIP profile',
        description: roles,
        parameters: [id],
        responses: { '200': { description: 'the profile' }, ...errors },
      },
      put: {
        summary: 'Replace a VIP profile',
        description: roles,
        parameters: [id],
        requestBody: body(schema),
        responses: { '200': { description: 'the profile' }, ...errors },
      },
      delete: {
        summary: 'Delete a VIP profile',
        description: roles,
        parameters: [id],
        responses: { '204': { description: 'deleted' }, ...errors },
      },
    },
  };
}
