// Request schemas of the mass-incident routes (R8); they validate the requests and make the OpenAPI.
import { z } from 'zod';
import { CHECKLIST_ITEMS } from '../domain/policy/mass-incident';
import { INCIDENT_ID_PATTERN } from '../workflows/incident/contract';

const text = (max: number, min = 1) => z.string().trim().min(min).max(max);
/** A query string without control characters (the database refuses NUL). */
const plain = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[^\u0000-\u001f]*$/, 'must not contain control characters');

export const IncidentIdParam = z
  .string()
  .regex(INCIDENT_ID_PATTERN, 'an incident id such as INC-site:460-00-12345-202611270830');

export const IncidentListQuery = z
  .object({
    stage: z.enum(['OPEN', 'RESOLVED', 'CLOSED', 'ACTIVE']).optional(),
    areaKey: plain(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export const CheckItemSchema = z
  .object({
    item: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, 'an item id of the incident’s plan')
      .describe(
        `an item of the incident's plan (the default plan: ${CHECKLIST_ITEMS.map((i) => i.id).join(', ')})`,
      ),
    done: z.boolean(),
    note: text(1000)
      .optional()
      .describe('what was checked and found: required to tick an item by hand (R8.6)'),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.done && (b.note ?? '').length < 2)
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'say what was checked and found (R8.6)' });
  });

export const TakeOwnershipSchema = z.object({ note: text(1000).optional() }).strict();

export const ResolveIncidentSchema = z
  .object({
    customerMessage: text(1000, 10).describe(
      'Sent to every linked customer (R8.4): what happened and what was done',
    ),
    summary: text(2000, 10),
  })
  .strict();

export const CloseIncidentSchema = z
  .object({
    rootCause: text(2000, 10).describe('Root-cause summary (R8.5)'),
    preventiveMeasures: z
      .array(text(1000))
      .min(1, 'at least one measure that prevents a repeat (R8.5)')
      .max(20),
    lessons: text(4000).optional(),
  })
  .strict();

export const KnowledgeQuery = z
  .object({
    siteId: plain(100).optional(),
    cellId: plain(100).optional(),
    region: plain(100).optional(),
    q: plain(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
