// Structured logs (pino) with personal data masked: phone numbers, IMSI and IMEI never in clear;
// bearer tokens, JWTs and secrets never at all (S3).
import pino, { type Logger } from 'pino';
import { currentRequestId } from './request-context';

// E.164 numbers (+ and 8+ digits) and bare runs of 11+ digits (mobile numbers, IMSI, IMEI).
const PHONE = /\+\d{8,15}|\d{11,}/g;
const ANY_DIGITS = /\+?\d{3,}/g;

/** Keeps the last 4 digits of a number-like string: +8613800138000 → ***********8000. */
export function maskDigits(text: string, pattern: RegExp = PHONE): string {
  return text.replace(pattern, (m) => {
    const digits = m.replace(/\D/g, '');
    return '*'.repeat(Math.max(digits.length - 4, 0)) + digits.slice(-4);
  });
}

// Credentials: `Bearer <anything>`, compact JWTs, and values of secret-named fields.
const BEARER = /\b(Bearer)\s+[^\s"',;]+/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const SECRET_KEYS =
  /^(authorization|cookie|set-cookie|x-twilio-signature|token|access_token|id_token|refresh_token|api_?key|apikey|password|pass|secret|client_secret|payload_keys|smtp_pass|twilio_auth_token)$/i;

/** Removes bearer credentials and JWTs from a text. */
export function maskTokens(text: string): string {
  return text.replace(BEARER, '$1 [redacted]').replace(JWT, '[redacted-jwt]');
}

/** Everything a log line must not show: credentials, then phone numbers, IMSI and IMEI. */
export function maskText(text: string, pattern: RegExp = PHONE): string {
  return maskDigits(maskTokens(text), pattern);
}

const SENSITIVE_KEYS = new Set([
  'to',
  'from',
  'callback',
  'calling',
  'called',
  'imsi',
  'imei',
  'phone',
  'number',
  'To',
  'From',
]);

// Ids the product or a trusted proxy generates, never personal data: kept as they are so that log
// lines can be joined on them (a UUID whose last group is 11+ digits would otherwise be masked —
// about one request in 130, found by a CI run).
const ID_KEYS = new Set(['requestId', 'traceId', 'spanId', 'runId']);

function maskValue(key: string, value: unknown): unknown {
  if (SECRET_KEYS.test(key) && value !== undefined && value !== null && value !== '') return '[redacted]';
  if (ID_KEYS.has(key) && typeof value === 'string') return maskTokens(value);
  if (typeof value === 'string') return maskText(value, SENSITIVE_KEYS.has(key) ? ANY_DIGITS : PHONE);
  if (Array.isArray(value)) return value.map((v) => maskValue(key, v));
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      type: value.name,
      message: maskText(value.message),
      ...(value.stack ? { stack: maskText(value.stack) } : {}),
      ...(code !== undefined ? { code } : {}),
    };
  }
  if (value && typeof value === 'object' && !(value instanceof Error)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(k, v)]));
  }
  return value;
}

export function createLogger(
  name: string,
  level = process.env.LOG_LEVEL ?? 'info',
  destination?: pino.DestinationStream,
): Logger {
  return pino(
    {
      name,
      level,
      formatters: { log: (obj) => maskValue('', obj) as Record<string, unknown> },
      // D6: a line written while handling an API request names the request (unless its logger is
      // already bound to it, as the request logger of api/edge.ts is).
      mixin: (_obj, _level, logger) => {
        const requestId = currentRequestId();
        return requestId && !logger.bindings().requestId ? { requestId } : {};
      },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((a) => (typeof a === 'string' ? maskText(a) : a));
          method.apply(this, masked as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
