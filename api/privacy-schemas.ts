// Request schemas of the retention and privacy routes (issue 22, S8): validation at the edge, and
// the same schemas describe the operations in /openapi.json.
import { z } from 'zod';
import { isDuration } from '../domain/policy/durations';
import { CATEGORIES, CHANNELS } from '../workflows/complaint/contract';
import { PRIVACY_REQUEST_ID_PATTERN, PRIVACY_REQUEST_KINDS } from '../workflows/privacy/contract';

const duration = z.string().trim().refine(isDuration, 'a duration such as 365d, 12h or 30m');

const complaintDurations = {
  complaintPersonal: duration,
  recordings: duration,
  signatures: duration,
  outboxBodies: duration,
  auditDetails: duration,
};

export const RetentionPolicySchema = z
  .object({
    /** The version this edit was based on (409 when another was saved meanwhile). */
    version: z.number().int().min(0).optional(),
    complaint: z.object(complaintDurations).strict(),
    overrides: z
      .array(
        z
          .object({
            reason: z.string().trim().min(3).max(300),
            match: z
              .object({
                disputeProne: z.boolean().optional(),
                major: z.boolean().optional(),
                categories: z.array(z.enum(CATEGORIES)).min(1).optional(),
                channels: z.array(z.enum(CHANNELS)).min(1).optional(),
              })
              .strict(),
            keep: z.object(complaintDurations).partial().strict(),
          })
          .strict(),
      )
      .max(20)
      .default([]),
    other: z.object({ vipProfiles: duration, exports: duration, temporalHistories: duration }).strict(),
  })
  .strict();

/** Running the sweep out of its schedule is a person's decision: why, for the audit trail (S5). */
export const SweepRequestSchema = z
  .object({ reason: z.string().trim().min(1, 'say why the sweep runs now').max(500) })
  .strict();

export const PrivacyRequestSchema = z
  .object({
    kind: z.enum(PRIVACY_REQUEST_KINDS),
    number: z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number such as +8613912345678'),
    /** Why (the person's request, how it was verified); recorded with the request. */
    reason: z.string().trim().min(3).max(500),
  })
  .strict();

export const PrivacyRequestIdParam = z
  .string()
  .regex(PRIVACY_REQUEST_ID_PATTERN, 'a request id such as PR-20261205-1a2b3c4d');

export const ListLimitQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(200).default(50) })
  .strict();
