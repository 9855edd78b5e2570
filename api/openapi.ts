// The OpenAPI 3.1 document, generated from the same zod schemas that validate the requests.
import { z } from 'zod';
import * as S from './schemas';
import { OnSiteResultSchema, ProposeOnSiteTestSchema, RequestSignatureSchema } from './on-site-schemas';
import { networkDataOpenApi } from './routes/network-data-openapi';
import { reportOpenApi } from './openapi-reports';
import { guaranteeOpenApi } from './openapi-guarantee';
import { incidentOpenApi, vipOpenApi } from './openapi-incidents';
import { VipProfileSchema } from './routes/vips';
import { consoleOpenApi } from './openapi-console';
import { privacyOpenApi } from './openapi-privacy';

const json = (schema: z.ZodType) => ({
  content: {
    'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) },
  },
});
const errorResponse = {
  description: 'Error naming the problem',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          error: { type: 'string' },
          message: { type: 'string' },
          details: {
            type: 'array',
            items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
          },
        },
        required: ['error', 'message'],
      },
    },
  },
};
const standardErrors = {
  '400': errorResponse,
  '401': errorResponse,
  '403': errorResponse,
  '404': errorResponse,
  '409': errorResponse,
};
const ticket = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'ticket id: CHANNEL-externalId',
};

function action(summary: string, schema: z.ZodType, roles: string) {
  return {
    post: {
      summary,
      description: `Roles: ${roles}. Answers 409 when the action does not fit the complaint's current stage.`,
      parameters: [ticket],
      requestBody: { required: true, ...json(schema) },
      responses: { '200': { description: 'the complaint after the action' }, ...standardErrors },
    },
  };
}

export function buildOpenApi(serverUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'ClosedLoop API',
      version: '0.1.0',
      description:
        'Complaint handling for a mobile network operator (投诉分析处理). Each complaint is a durable Temporal workflow.',
    },
    servers: [{ url: serverUrl }],
    components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key' } } },
    security: [{ apiKey: [] }],
    paths: {
      '/v1/complaints': {
        post: {
          summary: 'File a complaint (idempotent per channel and external ticket id)',
          description: 'Roles: intake. 201 when created, 200 when the same ticket was filed before.',
          requestBody: { required: true, ...json(S.IntakeSchema) },
          responses: {
            '201': { description: 'created' },
            '200': { description: 'already filed' },
            ...standardErrors,
          },
        },
        get: {
          summary: 'List complaints',
          parameters: Object.keys(S.ListQuerySchema.shape).map((name) => ({
            name,
            in: 'query',
            required: false,
            schema: { type: 'string' },
          })),
          responses: { '200': { description: 'a page of complaints' }, ...standardErrors },
        },
      },
      '/v1/complaints/{id}': {
        get: {
          summary: 'One complaint with its clocks and timeline',
          parameters: [ticket],
          responses: { '200': { description: 'the complaint' }, ...standardErrors },
        },
      },
      '/v1/complaints/{id}/major-report.html': {
        get: {
          summary: 'The written report of a major complaint as a printable zh-CN/English page (R5.3)',
          description:
            'The report with the key facts, the escalations and the resolution; self-contained HTML (no script, no external assets). 404 when the complaint has no report.',
          parameters: [ticket],
          responses: {
            '200': { description: 'the page', content: { 'text/html': { schema: { type: 'string' } } } },
            ...standardErrors,
          },
        },
      },
      '/v1/complaints/{id}/evidence/regather': action(
        'Gather the network evidence again for another window (R3.1, R3.2): a new pre-diagnosis',
        S.RegatherEvidenceSchema,
        'handler, supervisor, interface, department',
      ),
      '/v1/complaints/{id}/triage': action(
        'Triage: solve it myself, in the team, or transfer',
        S.TriageSchema,
        'handler, supervisor',
      ),
      '/v1/complaints/{id}/verification': action(
        'A department answers a transfer',
        S.VerificationSchema,
        'handler, supervisor',
      ),
      '/v1/complaints/{id}/findings': action(
        'Record what was checked and found',
        S.FindingsSchema,
        'handler, supervisor',
      ),
      '/v1/complaints/{id}/on-site-tests': action(
        'Offer on-site test slots (R3.3): the customer picks one by SMS, the engineer is e-mailed that slot',
        ProposeOnSiteTestSchema,
        'handler, supervisor, interface',
      ),
      '/v1/complaints/{id}/on-site-tests/result': action(
        'Record the on-site test results (measurements, photo links, conclusion) from the chosen slot on',
        OnSiteResultSchema,
        'handler, supervisor, interface',
      ),
      '/v1/complaints/{id}/signature-requests': action(
        "Text the customer a one-time link to read the result and sign it (R5.5): the signature is kept as evidence of the customer's final opinion",
        RequestSignatureSchema,
        'handler, supervisor, interface',
      ),
      '/v1/complaints/{id}/signatures/{sig}': {
        get: {
          summary: "The customer's signature image (PNG) with its SHA-256 in X-Content-SHA256 (R5.5)",
          parameters: [ticket, { name: 'sig', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'image/png' }, ...standardErrors },
        },
      },
      '/v1/complaints/{id}/resolve': action(
        'Resolve with root cause and actions',
        S.ResolveSchema,
        'handler, supervisor',
      ),
      '/v1/complaints/{id}/replies': action(
        'Record a reply to the customer',
        S.ReplySchema,
        'handler, supervisor',
      ),
      '/v1/complaints/{id}/close': action(
        'Close (needs a recorded reply)',
        S.CloseSchema,
        'handler, supervisor',
      ),
      '/v1/complaints/{id}/escalations': {
        post: {
          summary: 'Escalate (signal)',
          description: 'Roles: supervisor, interface.',
          parameters: [ticket],
          requestBody: { required: true, ...json(S.EscalationSchema) },
          responses: { '202': { description: 'accepted' }, ...standardErrors },
        },
      },
      '/v1/complaints/{id}/assign': action(
        'Reassign the handler (history kept)',
        S.AssignSchema,
        'supervisor, interface',
      ),
      '/v1/complaints/{id}/escalations/acknowledge': action(
        'Acknowledge an escalation at a level (by the role it reached); unacknowledged ones climb',
        S.AcknowledgeSchema,
        'the role of the level',
      ),
      '/v1/complaints/{id}/clocks/pause': action(
        'Pause an SLA clock with a reason',
        S.PauseClockSchema,
        'handler, supervisor',
      ),
      '/v1/complaints/{id}/clocks/resume': action(
        'Resume a paused SLA clock',
        S.ResumeClockSchema,
        'handler, supervisor',
      ),
      '/v1/complaints/{id}/clocks/extend': action(
        'Extend a running deadline with a reason',
        S.ExtendClockSchema,
        'supervisor',
      ),
      '/v1/complaints/{id}/policy': action(
        'Apply the current SLA policy set (paused time kept)',
        S.ApplyPolicySchema,
        'supervisor',
      ),
      '/v1/complaints/{id}/major': action(
        'Mark major: owned by the interface person (R5.3)',
        S.MarkMajorSchema,
        'supervisor, interface',
      ),
      '/v1/complaints/{id}/major-report': action(
        'The written report of a major complaint',
        S.MajorReportSchema,
        'interface',
      ),
      '/v1/complaints/{id}/contact': action(
        'Reply through the contact workflow: phone first (recorded when dispute-prone), SMS confirmed',
        S.ContactCustomerSchema,
        'handler, supervisor',
      ),
      '/v1/complaints/{id}/dispute-prone': action(
        'Mark dispute-prone (R5.5)',
        S.MarkDisputeProneSchema,
        'handler, supervisor',
      ),
      '/v1/worklists/{name}': {
        get: {
          summary: 'A worklist ordered by the nearest deadline',
          parameters: [
            { name: 'name', in: 'path', required: true, schema: { type: 'string', enum: [...S.WORKLISTS] } },
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer' } },
            { name: 'withinHours', in: 'query', required: false, schema: { type: 'number' } },
          ],
          responses: { '200': { description: 'the worklist' }, ...standardErrors },
        },
      },
      '/v1/policies': {
        get: {
          summary: 'The active SLA policy set and its versions',
          responses: { '200': { description: 'policies' }, ...standardErrors },
        },
        post: {
          summary: 'Store a new version of the SLA policy set (admin); 422 names what is wrong',
          requestBody: { required: true, ...json(S.PolicySetSchema) },
          responses: { '201': { description: 'the new version' }, ...standardErrors },
        },
      },
      ...networkDataOpenApi(standardErrors),
      ...reportOpenApi(standardErrors),
      ...guaranteeOpenApi(standardErrors),
      ...incidentOpenApi(standardErrors),
      ...vipOpenApi(standardErrors, VipProfileSchema),
      ...consoleOpenApi(standardErrors),
      ...privacyOpenApi(standardErrors),
      '/webhooks/twilio/message-status': {
        post: {
          summary: 'Twilio message status callback (signed)',
          security: [],
          responses: { '204': { description: 'ok' }, '400': errorResponse, '403': errorResponse },
        },
      },
      '/healthz': {
        get: {
          summary: 'Ready when Temporal and MongoDB answer',
          security: [],
          responses: { '200': { description: 'ready' }, '503': { description: 'not ready' } },
        },
      },
    },
  };
}
