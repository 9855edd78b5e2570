// The TMF621 hub (event subscription, T3) and the admin views of the event outbox: request and
// answer schemas, shared by the operation declarations (api/operations/tmf621.ts) and the routes
// (api/tmf/hub.ts).
import { z } from 'zod';
import { MAX_HUB_QUERY } from '../../domain/tmf/hub-query';

/**
 * Hub_FVO: the callback the events are posted to and the TMF630 query that selects them. `@type`
 * is required, as the document's Extensible requires it (the T5 fuzz sends hubs without it).
 */
export const HubCreateSchema = z
  .strictObject({
    '@type': z.literal('Hub', { error: "must be 'Hub'" }),
    '@baseType': z.string().max(100).optional(),
    '@schemaLocation': z.string().max(2000).optional(),
    callback: z
      .url({ protocol: /^https?$/, error: 'an http(s) URL events are posted to' })
      .max(2000)
      .describe('the listener events are posted to (one POST per event, JSON)'),
    query: z
      .string()
      .max(MAX_HUB_QUERY)
      .optional()
      .describe(
        'TMF630 filter: eventType, status, severity, priority, ticketType, channel.id, externalIdentifier.id/owner, id; a comma means "any of", e.g. eventType=TroubleTicketResolvedEvent&channel.id=EMOS',
      ),
  })
  .describe('TMF621 v5.0.1 Hub_FVO');
export type HubCreate = z.infer<typeof HubCreateSchema>;

export const HubSchema = z
  .looseObject({
    '@type': z.literal('Hub'),
    id: z.string(),
    href: z.string(),
    callback: z.string(),
    query: z.string().optional(),
  })
  .meta({ id: 'TmfHub', description: 'TMF621 v5.0.1 Hub' });

export const HubListSchema = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        callback: z.string(),
        query: z.string().optional(),
        owner: z.string(),
        createdAt: z.string(),
      }),
    ),
  })
  .meta({ id: 'TmfHubList' });

export const OutboxRowSchema = z
  .object({
    id: z.string().describe('<eventId>:<hubId> for an event, the reply key for a work-order reply'),
    kind: z.enum(['event', 'reply']),
    ticketId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    hubId: z.string().optional(),
    url: z.string(),
    state: z.enum(['PENDING', 'DELIVERED', 'DEAD', 'DROPPED']),
    attempts: z.number().int(),
    lastError: z.string().optional(),
    lastAttemptAt: z.string().optional(),
    deliveredAt: z.string().optional(),
    deadAt: z.string().optional(),
    createdAt: z.string(),
  })
  .meta({ id: 'TmfOutboxRow' });

export const DeadLetterListSchema = z
  .object({ items: z.array(OutboxRowSchema), total: z.number().int() })
  .meta({ id: 'TmfDeadLetterList' });
