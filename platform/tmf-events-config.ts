// Configuration of the TMF621 events and the work-order reply (issue 19, T3, T4). Part of the one
// configuration schema in platform/config.ts; every variable is in .env.example.
import { z } from 'zod';
import { CHANNELS } from '../domain/complaint-input';

/**
 * How a dispatching channel takes the work-order reply (执行工单回复): through its TMF hub
 * subscription (the ResolvedEvent and the StatusChangeEvent to closed carry the reply), or posted
 * to its own endpoint with the channel's credential (WORK_ORDER_REPLY_CREDENTIALS) in `authHeader`.
 */
export const WorkOrderReplyTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('hub') }).strict(),
  z
    .object({
      kind: z.literal('http'),
      url: z.url({ protocol: /^https?$/ }),
      authHeader: z
        .string()
        .regex(/^[A-Za-z0-9-]{1,64}$/, 'an HTTP header name')
        .default('Authorization'),
    })
    .strict(),
]);
export type WorkOrderReplyTarget = z.infer<typeof WorkOrderReplyTargetSchema>;
export type WorkOrderReplyTargets = Partial<Record<(typeof CHANNELS)[number], WorkOrderReplyTarget>>;

const json = z
  .string()
  .default('{}')
  .transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON' });
      return z.NEVER;
    }
  });

export const TMF_EVENTS_ENV = {
  /**
   * Attempts of one TMF event (or HTTP work-order reply) delivery before its outbox row is DEAD;
   * Temporal retries them with exponential backoff (1 s doubling, at most 10 min apart).
   */
  TMF_EVENT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(12),
  /** Per channel: {"EMOS":{"kind":"http","url":"https://emos.example/reply"},"GREEN_NET":{"kind":"hub"}}. */
  WORK_ORDER_REPLY_TARGETS: json.pipe(z.partialRecord(z.enum(CHANNELS), WorkOrderReplyTargetSchema)),
  /** Secret, per channel: the value of its target's authHeader, e.g. {"EMOS":"Bearer …"}. */
  WORK_ORDER_REPLY_CREDENTIALS: json.pipe(z.partialRecord(z.enum(CHANNELS), z.string().min(1).max(4000))),
};

/** A credential for a channel that has no HTTP target says the configuration is mixed up. */
export function checkTmfEventsEnv(c: {
  WORK_ORDER_REPLY_TARGETS: WorkOrderReplyTargets;
  WORK_ORDER_REPLY_CREDENTIALS: Partial<Record<string, string>>;
}): { path: string; message: string }[] {
  return Object.keys(c.WORK_ORDER_REPLY_CREDENTIALS)
    .filter((channel) => c.WORK_ORDER_REPLY_TARGETS[channel as keyof WorkOrderReplyTargets]?.kind !== 'http')
    .map((channel) => ({
      path: 'WORK_ORDER_REPLY_CREDENTIALS',
      message: `${channel}: no http target in WORK_ORDER_REPLY_TARGETS uses it`,
    }));
}
