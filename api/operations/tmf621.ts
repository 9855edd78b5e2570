// The TMF621 Trouble Ticket v5 operations (issue 19, T1): declared like every /v1 operation, so the
// access table, docs/security.md and /openapi.json list them too. The bodies are the TMF resources
// as ClosedLoop serves them (api/tmf/*); the published document is docs/reference/tmf621/.
// Errors under /tmf-api are the TMF `Error` (api/tmf/errors.ts).
import { z } from 'zod';
import { TroubleTicketCreateSchema } from '../tmf/create';
import {
  DeadLetterListSchema,
  HubCreateSchema,
  HubListSchema,
  HubSchema,
  OutboxRowSchema,
} from '../tmf/hub-schemas';
import { TroubleTicketPatchSchema } from '../tmf/patch';
import { TICKET_FIELDS } from '../tmf/query';
import { TMF_STATUSES } from '../tmf/status';
import { TMF_BASE } from '../tmf/ticket';
import { empty, json, op, roles } from './define';
import { READERS, WORKERS } from './roles';

const TAGS = ['tmf621'] as const;
export const MERGE_PATCH = 'application/merge-patch+json';

const TroubleTicketSchema = z
  .looseObject({
    '@type': z.literal('TroubleTicket'),
    id: z.string(),
    href: z.string(),
    status: z.enum(TMF_STATUSES).optional(),
  })
  .meta({ id: 'TmfTroubleTicket', description: 'TMF621 v5.0.1 TroubleTicket_RES (docs/tmf621.md)' });
const SpecificationSchema = z
  .looseObject({ '@type': z.literal('TroubleTicketSpecification'), id: z.string(), href: z.string() })
  .meta({ id: 'TmfTroubleTicketSpecification' });

/** The TMF Error (TMF630; TMF621 v5.0.1 `Error`) every /tmf-api error answers with (api/tmf/errors.ts). */
const TmfErrorSchema = z
  .looseObject({
    '@type': z.literal('Error'),
    code: z.string().describe('the stable code /v1 sends as `error`, e.g. validation_failed, action_refused'),
    reason: z.string().describe('what is wrong, naming the field or the rule (what /v1 says in `message`)'),
    message: z.string().optional().describe('the details per field'),
    status: z.string().describe('the HTTP status'),
  })
  .meta({ id: 'TmfError' });
/** The TMF Error for every error of these operations. */
const TMF_ERRORS = { errorBody: { schema: TmfErrorSchema, media: 'application/json' } };

const IdParams = z.object({ id: z.string().max(200).describe('the ticket id (CHANNEL-externalId)') });
const Fields = z
  .string()
  .max(2000)
  .optional()
  .describe(`comma-separated first-level fields (TMF630): ${TICKET_FIELDS.join(', ')}`);
const text = (description: string) => z.string().max(2000).optional().describe(description);

export const listTroubleTickets = op({
  operationId: 'listTroubleTicket',
  method: 'GET',
  path: `${TMF_BASE}/troubleTicket`,
  tags: TAGS,
  ...TMF_ERRORS,
  summary: 'TMF621: list trouble tickets, newest first (TMF630 paging, filters, fields)',
  description: 'X-Total-Count and X-Result-Count carry the total and the page size.',
  ...roles(READERS, 'list'),
  query: z.object({
    offset: z.string().max(20).optional().describe('index of the first ticket (default 0)'),
    limit: z.string().max(20).optional().describe('tickets per page, 1–200 (default 50)'),
    fields: Fields,
    status: text(`comma-separated: ${TMF_STATUSES.join(', ')}`),
    severity: text('comma-separated: Critical, Major, Minor'),
    ticketType: text('comma-separated complaint categories'),
    'creationDate.gt': text('created after (ISO 8601)'),
    'creationDate.gte': text('created at or after'),
    'creationDate.lt': text('created before'),
    'creationDate.lte': text('created at or before'),
    'externalIdentifier.id': text("comma-separated: the dispatching systems' ticket ids"),
    'externalIdentifier.owner': text('the dispatching system (channel)'),
    'channel.id': text('the channel'),
    'channel.name': text('the channel'),
  }),
  responses: { 200: json('a page of trouble tickets', z.array(TroubleTicketSchema)) },
});

export const createTroubleTicket = op({
  operationId: 'createTroubleTicket',
  method: 'POST',
  path: `${TMF_BASE}/troubleTicket`,
  tags: TAGS,
  ...TMF_ERRORS,
  summary: 'TMF621: file a complaint as a TroubleTicket (idempotent per externalIdentifier and owner)',
  description:
    '201 when created, 200 with the existing ticket when the same externalIdentifier was filed before (the same workflow as POST /v1/complaints).',
  ...roles(['intake']),
  query: z.object({ fields: Fields }),
  body: TroubleTicketCreateSchema,
  responses: {
    201: json('created', TroubleTicketSchema),
    200: json('filed before: the existing ticket', TroubleTicketSchema),
  },
  errors: [415],
});

export const retrieveTroubleTicket = op({
  operationId: 'retrieveTroubleTicket',
  method: 'GET',
  path: `${TMF_BASE}/troubleTicket/{id}`,
  tags: TAGS,
  ...TMF_ERRORS,
  summary: 'TMF621: one trouble ticket with its status history, notes and attachments by reference',
  ...roles(READERS, 'complaint'),
  params: IdParams,
  query: z.object({ fields: Fields }),
  responses: { 200: json('the ticket', TroubleTicketSchema) },
});

export const patchTroubleTicket = op({
  operationId: 'patchTroubleTicket',
  method: 'PATCH',
  path: `${TMF_BASE}/troubleTicket/{id}`,
  tags: TAGS,
  ...TMF_ERRORS,
  summary:
    'TMF621: change the status, record findings or add a note (with attachment references) as the workflow action it stands for',
  description:
    'application/merge-patch+json (or application/json). One action per PATCH; answers 409 with the reason when the procedure does not allow it, 400 naming the field.',
  ...roles(WORKERS, 'complaint'),
  params: IdParams,
  query: z.object({ fields: Fields }),
  body: TroubleTicketPatchSchema,
  otherBodies: { [MERGE_PATCH]: z.toJSONSchema(TroubleTicketPatchSchema, { io: 'input' }) },
  responses: { 200: json('the ticket after the action', TroubleTicketSchema) },
  errors: [415],
});

export const listTroubleTicketSpecifications = op({
  operationId: 'listTroubleTicketSpecification',
  method: 'GET',
  path: `${TMF_BASE}/troubleTicketSpecification`,
  tags: TAGS,
  ...TMF_ERRORS,
  summary: 'TMF621: the complaint categories as trouble ticket specifications (read-only)',
  ...roles(READERS),
  query: z.object({
    fields: Fields,
    offset: z.string().max(20).optional(),
    limit: z.string().max(20).optional(),
  }),
  responses: { 200: json('the specifications', z.array(SpecificationSchema)) },
});

export const retrieveTroubleTicketSpecification = op({
  operationId: 'retrieveTroubleTicketSpecification',
  method: 'GET',
  path: `${TMF_BASE}/troubleTicketSpecification/{id}`,
  tags: TAGS,
  ...TMF_ERRORS,
  summary: 'TMF621: one complaint category as a trouble ticket specification',
  ...roles(READERS),
  params: z.object({ id: z.string().max(200).describe('a complaint category') }),
  query: z.object({ fields: Fields }),
  responses: { 200: json('the specification', SpecificationSchema) },
});

// ---------------------------------------------------------------------------------------------
// Event subscriptions (T3): TMF621 /hub, and the admin views of hubs and dead letters

/** Who registers hubs: the dispatching systems (their API keys) and admins. */
const HUB_ROLES = ['intake', 'admin'] as const;
const HubIdParams = z.object({ id: z.string().max(100).describe('the hub id') });

export const createHub = op({
  operationId: 'createHub',
  method: 'POST',
  path: `${TMF_BASE}/hub`,
  tags: TAGS,
  ...TMF_ERRORS,
  summary: 'TMF621: subscribe a listener (callback) to trouble ticket events, filtered by a TMF630 query',
  description:
    'Every TroubleTicketCreateEvent, StatusChangeEvent, AttributeValueChangeEvent, ResolvedEvent and InformationRequiredEvent that matches the query is posted to the callback, durably (retried with backoff; eventId is the de-duplication key).',
  ...roles(HUB_ROLES),
  body: HubCreateSchema,
  responses: { 201: json('subscribed', HubSchema) },
  errors: [415],
});

export const retrieveHub = op({
  operationId: 'hubGet',
  method: 'GET',
  path: `${TMF_BASE}/hub/{id}`,
  tags: TAGS,
  ...TMF_ERRORS,
  summary: 'TMF621: one subscription (its owner or an admin)',
  ...roles(HUB_ROLES),
  params: HubIdParams,
  responses: { 200: json('the subscription', HubSchema) },
});

export const deleteHub = op({
  operationId: 'hubDelete',
  method: 'DELETE',
  path: `${TMF_BASE}/hub/{id}`,
  tags: TAGS,
  ...TMF_ERRORS,
  summary: 'TMF621: end a subscription (its owner or an admin); deliveries under way are dropped',
  ...roles(HUB_ROLES),
  params: HubIdParams,
  responses: { 204: empty('unsubscribed') },
});

export const listTmfHubs = op({
  operationId: 'listTmfHubs',
  method: 'GET',
  path: '/v1/admin/tmf/hubs',
  tags: TAGS,
  summary: 'Every TMF621 hub subscription, newest first (admin)',
  ...roles(['admin']),
  responses: { 200: json('the subscriptions', HubListSchema) },
});

export const listTmfDeadLetters = op({
  operationId: 'listTmfDeadLetters',
  method: 'GET',
  path: '/v1/admin/tmf/dead-letters',
  tags: TAGS,
  summary: 'TMF621 events and work-order replies not delivered after the last retry, newest first (admin)',
  ...roles(['admin']),
  query: z.object({
    ticketId: z.string().max(200).optional().describe('only this ticket'),
    limit: z.string().max(5).optional().describe('at most this many, 1–500 (default 100)'),
  }),
  responses: { 200: json('the dead letters', DeadLetterListSchema) },
});

export const redeliverTmfDeadLetter = op({
  operationId: 'redeliverTmfDeadLetter',
  method: 'POST',
  path: '/v1/admin/tmf/dead-letters/{id}/redeliver',
  tags: TAGS,
  summary:
    'Post a dead letter once more now (admin): DELIVERED when the receiver takes it, else still DEAD with the new error',
  ...roles(['admin']),
  params: z.object({ id: z.string().max(400).describe('the outbox row id') }),
  responses: { 200: json('the row after the attempt', OutboxRowSchema) },
});

export const TMF621_OPERATIONS = [
  listTroubleTickets,
  createTroubleTicket,
  retrieveTroubleTicket,
  patchTroubleTicket,
  listTroubleTicketSpecifications,
  retrieveTroubleTicketSpecification,
  createHub,
  retrieveHub,
  deleteHub,
  listTmfHubs,
  listTmfDeadLetters,
  redeliverTmfDeadLetter,
];
