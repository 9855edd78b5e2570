// Request schemas of the VIP profile routes (R7.1); they validate the requests and make the OpenAPI.
import { z } from 'zod';

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number such as +8613912345678');
const place = z
  .object({
    label: z.string().trim().min(1).max(100),
    address: z.string().trim().max(300).optional(),
    coordinates: z
      .object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) })
      .strict()
      .optional(),
    cellIds: z
      .array(z.string().regex(/^[0-9A-Za-z-]{3,40}$/))
      .max(50)
      .optional(),
  })
  .strict();

export const VipProfileSchema = z
  .object({
    number: e164,
    name: z.string().trim().max(100).optional(),
    imsi: z
      .string()
      .regex(/^\d{14,15}$/, '14–15 digits')
      .optional(),
    imei: z
      .string()
      .regex(/^\d{14,16}$/, '14–16 digits')
      .optional(),
    terminalModel: z.string().trim().max(100).optional(),
    vipLevel: z.number().int().min(1).max(5),
    office: place.optional(),
    residence: place.optional(),
    activityLocations: z.array(place).max(20).default([]),
    assistants: z
      .array(
        z
          .object({
            name: z.string().trim().min(1).max(100),
            phone: e164.optional(),
            email: z.email().optional(),
          })
          .strict()
          .refine((a) => a.phone || a.email, 'an assistant needs a phone or an e-mail address'),
      )
      .min(1, "at least one leader's assistant to keep informed (R7.2)")
      .max(10),
    active: z.boolean().default(true),
  })
  .strict();

export const VipIdParam = z.string().regex(/^vip-[0-9a-f-]{36}$/, 'a VIP profile id such as vip-…');
