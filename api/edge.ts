// The edge of the API (S4, S6): security headers, rate limits per credential, and the proxy
// setting that decides which client IP the audit trail and the limits see.
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express, Request, RequestHandler } from 'express';
import rateLimit, { ipKeyGenerator, type Store } from 'express-rate-limit';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { runInRequest } from '../platform/request-context';
import { parseTrustProxy } from '../platform/trust-proxy';
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
 * At most `perMinute` requests per credential (or per IP without one) in a minute; beyond that 429
 * with Retry-After and the RateLimit headers. Counted in `store` (the API passes the database store,
 * api/rate-limit-store.ts, which every replica shares, D6); without one, in this process's memory.
 */
export function rateLimitPerKey(perMinute: number, store?: Store): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    ...(store ? { store } : {}),
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

/**
 * TRUST_PROXY (D6): '' = clients connect directly (Express's default: X-Forwarded-For ignored); else
 * the listed proxies' addresses/CIDRs (validated at start, platform/trust-proxy.ts), whose
 * X-Forwarded-For Express reads from the right, stopping at the first address it does not trust.
 */
export function applyTrustProxy(app: Express, value: string): void {
  const parsed = parseTrustProxy(value);
  if ('problem' in parsed) throw new Error(`TRUST_PROXY: ${parsed.problem}`);
  app.set('trust proxy', parsed.proxies.length ? parsed.proxies : false);
}

/** What an incoming X-Request-Id may look like to be kept (no spaces or quotes in log lines). */
const REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * The request id (D6): the X-Request-Id of a trusted proxy (TRUST_PROXY) when it has a sane form,
 * else a new UUID; sent back in the X-Request-Id response header.
 */
export function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const trust = (req as Request).app?.get('trust proxy fn') as
    ((addr: string, i: number) => boolean) | undefined;
  const fromProxy =
    typeof incoming === 'string' &&
    REQUEST_ID.test(incoming) &&
    trust?.(req.socket.remoteAddress ?? '', 0) === true;
  const id = fromProxy ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/**
 * The request log (pino-http, D6): gives every request its id (`req.id`, the X-Request-Id header),
 * runs the request in its context so that every line logged while handling it names it (the
 * logger's mixin), and logs one `request` line when it finishes (method, path, status, ms, user).
 */
export function requestLog(logger: Logger): RequestHandler {
  const http = pinoHttp({
    logger,
    genReqId: requestIdOf,
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    customLogLevel: () => 'info',
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request',
    customSuccessObject: (req, res, val: { responseTime?: number }) => requestFields(req, res, val),
    customErrorObject: (req, res, _err, val: { responseTime?: number }) => requestFields(req, res, val),
  });
  return (req, res, next) => http(req, res, () => runInRequest(String(req.id), next));
}

function requestFields(req: IncomingMessage, res: ServerResponse, val: { responseTime?: number }) {
  const r = req as Request;
  return {
    method: r.method,
    path: r.path,
    status: res.statusCode,
    ms: val.responseTime,
    user: r.actor?.user,
  };
}
