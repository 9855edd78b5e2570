// Scripted virtual customers: how the phone at a given number behaves.
import { z } from 'zod';

const digitsString = z.string().regex(/^[0-9*#]*$/, 'digits may contain only 0-9, * and #');
/** One answer for every prompt, or one answer per prompt in order (then nothing). */
const answers = <T extends z.ZodType>(item: T) => z.union([item, z.array(item)]).nullable();

export const CustomerScriptSchema = z
  .object({
    /** What happens when the customer is called. */
    call: z.enum(['answer', 'busy', 'no-answer', 'failed']).default('answer'),
    /** DTMF for each <Gather input="dtmf">. */
    digits: answers(digitsString).default(null),
    /** Spoken answer for each <Gather input="speech">. */
    speech: answers(z.string().min(1)).default(null),
    speechConfidence: z.number().min(0).max(1).default(0.92),
    /** Seconds spoken into each <Record>; 0 = silence (no recording, Twilio goes on with the next verb). */
    recordSeconds: z.number().int().min(0).max(3600).default(0),
    /** How the customer ends a <Record>: a key (#), silence (timeout), or hanging up. */
    recordFinish: z.enum(['key', 'timeout', 'hangup']).default('key'),
    /**
     * After an outbound SMS to this customer is delivered, the customer replies with this; at most
     * `maxReplies` times per script (guards against endless auto-reply ping-pong).
     */
    smsReply: z
      .object({
        body: z.string().min(1).max(1600),
        afterMs: z.number().int().min(0).max(600_000).default(200),
        maxReplies: z.number().int().min(1).max(1000).default(1),
      })
      .strict()
      .nullable()
      .default(null),
    /** Outcome of SMS sent to this customer. */
    smsDelivery: z.enum(['delivered', 'undelivered', 'failed']).default('delivered'),
    /** Override of the ErrorCode reported for undelivered/failed SMS. */
    smsErrorCode: z.number().int().positive().nullable().default(null),
    /** The number does not exist: SMS end undelivered (30005), calls fail. */
    invalid: z.boolean().default(false),
  })
  .strict();

export type CustomerScript = z.infer<typeof CustomerScriptSchema>;
export type CustomerScriptInput = z.input<typeof CustomerScriptSchema>;

export const DEFAULT_CUSTOMER: CustomerScript = CustomerScriptSchema.parse({});

/**
 * The customer's answer to the prompt with the given index (0 = first <Gather> of the call):
 * a string answers every prompt, an array answers prompts in order and then nothing.
 */
export function scriptedAnswer(source: string | string[] | null, index: number): string | null {
  if (source === null) return null;
  const value = typeof source === 'string' ? source : (source[index] ?? null);
  return value === '' ? null : value;
}
