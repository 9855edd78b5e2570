// Structured logs (pino) with personal data masked: phone numbers, IMSI and IMEI never in clear.
import pino, { type Logger } from 'pino';

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

function maskValue(key: string, value: unknown): unknown {
  if (typeof value === 'string') return maskDigits(value, SENSITIVE_KEYS.has(key) ? ANY_DIGITS : PHONE);
  if (Array.isArray(value)) return value.map((v) => maskValue(key, v));
  if (value && typeof value === 'object' && !(value instanceof Error)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(k, v)]));
  }
  return value;
}

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    formatters: { log: (obj) => maskValue('', obj) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        const masked = args.map((a) => (typeof a === 'string' ? maskDigits(a) : a));
        method.apply(this, masked as Parameters<typeof method>);
      },
    },
  });
}
