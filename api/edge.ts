// The edge of the API (S4, S6): security headers, rate limits per credential, and the proxy
// setting that decides which client IP the audit trail and the limits see.
import { createHash } from 'node:crypto';
import type { Express, Request, RequestHandler } from 'express';
import rateLimit, { ipKeyGenerator } from 'express-rate-limit';
import helmet from 'helmet';
import { HttpError } from './errors';

/** Helmet's defaults (CSP, HSTS, nosniff, frame-ancestors none …); the docs page needs nothing more. */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      directives: { 'frame-ancestors': ["'none'"], 'form-action': ["'self'"] },
    },
    crossOriginEmbedderPolicy: false,
  });
}

/** The key a request is counted under: its credential (hashed) when it has one, else its IP. */
export function rateLimitKey(req: Request): string {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (match?.[1]) return `cred:${createHash('sha256').update(match[1]).digest('base64url').slice(0, 22)}`;
  return `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
}

/**
 * At most `perMinute` requests per credential (or per IP without one) in a sliding minute; beyond
 * that 429 with Retry-After and the RateLimit headers. Counters are in memory per API process.
 */
export function rateLimitPerKey(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: rateLimitKey,
    handler: (_req, _res, next, options) =>
      next(
        new HttpError(
          429,
          'rate_limited',
          `too many requests: at most ${String(options.limit)} a minute per key; retry after the Retry-After seconds`,
        ),
      ),
  });
}

/** TRUST_PROXY: '' = direct clients; a number of hops, or Express's names (loopback, …). */
export function applyTrustProxy(app: Express, value: string): void {
  if (!value) return;
  app.set('trust proxy', /^\d+$/.test(value) ? Number(value) : value);
}
