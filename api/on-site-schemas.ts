// Request schemas of the on-site test routes (R3.3); slot rules beyond the shape (allowed hours,
// notice, overlap) are checked by the workflow's validator, which knows the customer's hours.
import { z } from 'zod';

const instant = z.iso.datetime({
  offset: true,
  message: 'an ISO 8601 instant such as 2026-11-28T10:00:00+08:00',
});

export const ProposeOnSiteTestSchema = z
  .object({
    slots: z
      .array(z.object({ from: instant, to: instant }).strict())
      .min(1, 'offer at least one slot')
      .max(4, 'offer at most four slots'),
    engineer: z.object({ name: z.string().trim().min(1).max(100), email: z.email() }).strict(),
    address: z.string().trim().max(300).optional(),
    note: z.string().trim().max(1000).optional(),
  })
  .strict();

export const OnSiteResultSchema = z
  .object({
    measurements: z
      .array(
        z
          .object({
            name: z.string().trim().min(1).max(50),
            value: z.number().finite(),
            unit: z.string().max(20).optional(),
          })
          .strict(),
      )
      .max(50),
    photos: z.array(z.url({ protocol: /^https?$/ })).max(20),
    conclusion: z.string().trim().min(10, 'say what the test found (at least 10 characters)').max(2000),
  })
  .strict();

/** The result the customer reads and signs on the signature page (R5.5). */
export const RequestSignatureSchema = z
  .object({
    message: z
      .string()
      .trim()
      .min(10, 'tell the customer specifically what was checked and done (R4.6)')
      .max(1000),
  })
  .strict();
