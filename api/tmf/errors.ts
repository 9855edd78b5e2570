// Errors under /tmf-api answer the TMF Error schema (TMF630, TMF621 v5.0.1 `Error`): `code` (the
// same stable code /v1 sends in `error`), `reason` (what is wrong, naming the field or the rule,
// word for word what /v1 says), `message` (the details per field), `status` (the HTTP status as a
// string). The mapping of failures to statuses is /v1's (../errors), so both doors refuse alike.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { HttpError, RETRY_AFTER_SECONDS, toHttpError } from '../errors';

export interface TmfError {
  '@type': 'Error';
  code: string;
  reason: string;
  message?: string;
  status: string;
}

function detailsText(details: unknown): string | undefined {
  if (!Array.isArray(details) || details.length === 0) return undefined;
  return details
    .map((d) => {
      if (typeof d === 'string') return d;
      const { field, message } = (d ?? {}) as { field?: unknown; message?: unknown };
      return field !== undefined ? `${String(field)}: ${String(message)}` : JSON.stringify(d);
    })
    .join('; ');
}

export function tmfErrorOf(http: HttpError): TmfError {
  const message = detailsText(http.details);
  return {
    '@type': 'Error',
    code: http.code,
    reason: http.message,
    ...(message ? { message } : {}),
    status: String(http.status),
  };
}

/** The error middleware of the TMF router: never a stack trace, unexpected errors logged and 500. */
export function tmfErrorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const http = toHttpError(err) ?? new HttpError(500, 'internal', 'internal error; it has been logged');
    if (http.status === 503) {
      logger.warn({ path: req.path, reason: http.message }, 'dependency unavailable');
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    } else if (http.status >= 500)
      logger.error({ err, method: req.method, path: req.path }, 'request failed');
    res.status(http.status).type('application/json').json(tmfErrorOf(http));
  };
}

/** 415 unless the body is one of `types` (a request without a body passes to the schema check). */
export function requireContentType(types: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    if (!hasBody && !type) return next();
    if (types.includes(type)) return next();
    next(
      new HttpError(
        415,
        'unsupported_media_type',
        `send the body as ${types.join(' or ')}${type ? `, not ${type}` : ''}`,
      ),
    );
  };
}

/** The route exists but not with this method (405 in the TMF shape, with Allow). */
export function methodNotAllowed(allow: readonly string[]): RequestHandler {
  return (req, res, next) => {
    res.setHeader('Allow', allow.join(', '));
    next(
      new HttpError(405, 'method_not_allowed', `${req.method} is not supported here: ${allow.join(', ')}`),
    );
  };
}
