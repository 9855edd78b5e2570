// The retention and privacy routes (issue 22, S8) in the OpenAPI document, from the same zod
// schemas that validate them.
import { z } from 'zod';
import { PrivacyRequestSchema, RetentionPolicySchema, SweepRequestSchema } from './privacy-schemas';

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
  schema: { type: 'string', pattern: '^PR-[A-Za-z0-9-]{6,64}$' },
  description: 'request id, e.g. PR-20261205-1a2b3c4d',
};
const limit = { name: 'limit', in: 'query', required: false, schema: { type: 'integer' } };
const roles = 'Roles: admin, privacy.';

export function privacyOpenApi(errors: Record<string, unknown>) {
  return {
    '/v1/admin/retention': {
      get: {
        summary: 'The retention policy of personal data, its versions and the namespace retention (S8.1)',
        description: roles,
        responses: { '200': { description: 'active policy, history, temporal' }, ...errors },
      },
      post: {
        summary: 'Store a new version of the retention policy; 422 names what is wrong',
        description:
          `${roles} Durations per kind of personal data after a complaint was closed, overrides per ` +
          "complaint type (the longest matching wins), and Temporal's retention of closed histories, " +
          'which is applied to the namespace at once.',
        requestBody: body(RetentionPolicySchema),
        responses: { '201': { description: 'the new version' }, ...errors },
      },
    },
    '/v1/admin/retention/sweeps': {
      post: {
        summary: 'Run the retention sweep now (triggers its Temporal Schedule)',
        description: `${roles} 202 at once; the outcome appears in GET /v1/admin/retention/sweeps.`,
        requestBody: body(SweepRequestSchema),
        responses: { '202': { description: 'triggered' }, ...errors },
      },
      get: {
        summary: 'Recent sweeps with what they removed (counts only)',
        description: roles,
        parameters: [limit],
        responses: { '200': { description: 'items' }, ...errors },
      },
    },
    '/v1/admin/privacy/requests': {
      post: {
        summary: "A person's request: export or erase what is kept about a phone number (S8.2)",
        description:
          `${roles} Starts a durable workflow: find (complaints, contacts, recordings, signatures, VIP ` +
          'profile, audit entries, workflows), then export one JSON document or erase — except what a legal ' +
          'hold keeps (an open or dispute-prone complaint). The number is kept only while the request runs.',
        requestBody: body(PrivacyRequestSchema),
        responses: { '202': { description: 'requestId, workflowId, links' }, ...errors },
      },
      get: {
        summary: 'Requests, newest first (numbers shown by their last two digits only)',
        description: roles,
        parameters: [limit],
        responses: { '200': { description: 'items' }, ...errors },
      },
    },
    '/v1/admin/privacy/requests/{id}': {
      get: {
        summary: 'One request: state, what was found, erased and held, and its audit trail',
        description: roles,
        parameters: [idParam],
        responses: { '200': { description: 'the request' }, ...errors },
      },
    },
    '/v1/admin/privacy/requests/{id}/export': {
      get: {
        summary: 'The JSON document of an export request (until it expires)',
        description: roles,
        parameters: [idParam],
        responses: { '200': { description: 'the document (attachment)' }, ...errors },
      },
    },
  };
}
