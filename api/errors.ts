// Central error middleware: every failure becomes a problem document (RFC 9457,
// application/problem+json) that names the problem with a stable `error` code and a `message`.
// Clients never see a stack trace; unexpected errors are logged and answered 500.
import {
  isGrpcServiceError,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { PROBLEM_MEDIA } from './operations/define';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);

function fromZod(err: ZodError): HttpError {
  const issues = err.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
  const summary = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  return new HttpError(400, 'validation_failed', summary, issues);
}

/** Seconds a client should wait before retrying a 503 (sent as Retry-After). */
export const RETRY_AFTER_SECONDS = 5;

const MONGO_DOWN = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  // S10: no free connection within the wait (every one is waiting on a database that does not answer)
  'MongoWaitQueueTimeoutError',
]);

/** gRPC UNAVAILABLE (14) or DEADLINE_EXCEEDED (4): the Temporal server does not answer. */
function isTemporalDown(err: unknown): boolean {
  return temporalCode(err) === 14 || temporalCode(err) === 4;
}

function temporalCode(err: unknown): number | undefined {
  const grpc = err instanceof ServiceError ? err.cause : err;
  return isGrpcServiceError(grpc) ? grpc.code : undefined;
}

function isMongoDown(err: unknown): boolean {
  const e = err as { name?: string; message?: string } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.name && MONGO_DOWN.has(e.name)) return true;
  // S10: a read stopped by its maxTimeMS (MaxTimeMSExpired, code 50): the database is too slow now.
  if ((e as { code?: unknown }).code === 50) return true;
  // mongoose queues operations while disconnected and gives up after bufferTimeoutMS.
  return e.name === 'MongooseError' && /buffering timed out/.test(e.message ?? '');
}

/** A dependency is down (#9): 503 with a message that says which one, so the client retries later. */
function unavailable(err: unknown): HttpError | undefined {
  if (temporalCode(err) === 4 || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)
    // S10: the call's deadline passed (platform/temporal-connection.ts); a request the server got may still apply.
    return new HttpError(
      503,
      'unavailable',
      `the workflow service (Temporal) did not answer in time; an action may still take effect, so check before you retry in ${RETRY_AFTER_SECONDS} s`,
    );
  if (isTemporalDown(err))
    return new HttpError(
      503,
      'unavailable',
      `the workflow service (Temporal) does not answer; nothing was changed, retry in ${RETRY_AFTER_SECONDS} s`,
    );
  if (isMongoDown(err))
    return new HttpError(
      503,
      'unavailable',
      `the database (MongoDB) does not answer; reads and this action are not possible now, retry in ${RETRY_AFTER_SECONDS} s (new complaints are still accepted)`,
    );
  return undefined;
}

function isCompletedWorkflowError(err: unknown): boolean {
  return err instanceof Error && /workflow execution already completed/i.test(err.message);
}

export function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof ZodError) return fromZod(err);
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause as { message?: string; type?: string } | undefined;
    return new HttpError(409, 'action_refused', cause?.message ?? err.message);
  }
  if (err instanceof WorkflowNotFoundError) return notFound('complaint');
  if (err instanceof WorkflowExecutionAlreadyStartedError) return conflict('complaint already exists');
  if (isCompletedWorkflowError(err))
    return conflict('the complaint is closed; no further actions are accepted');
  const down = unavailable(err);
  if (down) return down;
  const e = err as { type?: string; status?: number; expose?: boolean; message?: string };
  // body-parser errors: malformed JSON, too large, unsupported charset.
  if (e?.type === 'entity.parse.failed')
    return new HttpError(400, 'invalid_json', 'the body is not valid JSON');
  if (e?.type === 'entity.too.large') return new HttpError(413, 'too_large', 'the body is too large');
  // The router's "Failed to decode param" (a path with broken %-encoding, found by fuzzing, S6).
  if (err instanceof URIError) return new HttpError(400, 'bad_url', 'the URL is not validly percent-encoded');
  if (e?.expose && e.status && e.status >= 400 && e.status < 500)
    return new HttpError(e.status, 'bad_request', e.message ?? 'bad request');
  return undefined;
}

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) {
      // An error after the answer went out (a step that ran on after responding): say so. Express's
      // own handler would destroy the socket, which breaks a keep-alive connection the client may
      // already be reusing for its next request; a finished answer keeps its connection.
      logger.warn({ err, method: req.method, path: req.path }, 'error after the answer was sent');
      if (!res.writableEnded) res.destroy();
      return;
    }
    const http = toHttpError(err);
    if (http) {
      if (http.status === 503) {
        logger.warn({ path: req.path, reason: http.message }, 'dependency unavailable');
        res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      } else if (http.status >= 500) logger.error({ err, path: req.path }, 'request failed');
      res
        .status(http.status)
        .type(PROBLEM_MEDIA)
        .json({ error: http.code, message: http.message, details: http.details, requestId: req.id });
      return;
    }
    logger.error({ err, method: req.method, path: req.path }, 'unexpected error');
    res
      .status(500)
      .type(PROBLEM_MEDIA)
      .json({ error: 'internal', message: 'internal error; it has been logged', requestId: req.id });
  };
}
