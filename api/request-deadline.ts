// Fail fast, never hang (S10, issue 26): a read that has not answered within its deadline gets a
// 503 with Retry-After instead of keeping its caller waiting. Each database call already has its own
// deadline (platform/config → the driver's socket and wait-queue time-outs), but a read makes several
// calls in turn: under a starved CPU their sum passed five seconds in the soak (complaint read p95
// 2.6 s, max > 5 s at a load average of 20 on two cores), and against a database that accepts
// connections but never answers, a read fails only after its two 4 s attempts. Only reads: they are
// safe to answer early and for the caller to repeat; an action may still be applied by the workflow
// after an early answer, so actions keep the deadlines of their Temporal calls, which say so.
import type { RequestHandler, Response } from 'express';
import type { Health } from './deadlines';
import { PROBLEM_MEDIA } from './operations/define';

/**
 * Below the five seconds after which the soak counts a probe as a freeze, with room for the
 * dependency probe that names the cause (DIAGNOSE_MS).
 */
export const READ_DEADLINE_MS = 4_200;
/** How long the late answer waits to learn which dependency does not answer. */
export const DIAGNOSE_MS = 500;

/** After the early answer, whatever the route sends later goes nowhere. */
function silence(res: Response): void {
  const ignore = function (this: Response) {
    return this;
  };
  Object.assign(res, {
    status: ignore,
    set: ignore,
    header: ignore,
    type: ignore,
    location: ignore,
    links: ignore,
    json: ignore,
    send: ignore,
  });
}

export interface ReadDeadlineOptions {
  ms?: number;
  /** Paths not cut short: media fetched from elsewhere (call recordings streamed from Twilio). */
  except?: RegExp;
  /** Names the dependency that does not answer (the /healthz probe), within DIAGNOSE_MS. */
  diagnose?: (ms: number) => Promise<Health>;
}

/**
 * For the read model's routes (complaints, worklists, incidents, the caller's own record): the
 * reads people and dashboards poll. A late read is answered 503 `unavailable` naming the
 * dependency that does not answer, or `deadline_exceeded` when every dependency answers (overload).
 */
export function readDeadline({
  ms = READ_DEADLINE_MS,
  except,
  diagnose,
}: ReadDeadlineOptions = {}): RequestHandler {
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || except?.test(req.path)) return next();
    const answerLate = async () => {
      const health = diagnose ? await diagnose(DIAGNOSE_MS).catch(() => undefined) : undefined;
      if (res.headersSent) return;
      const down = health && !health.ok;
      res
        .status(503)
        .set('Retry-After', '1')
        .type(PROBLEM_MEDIA)
        .send(
          JSON.stringify(
            down
              ? {
                  error: 'unavailable',
                  message: `${req.method} ${req.baseUrl}${req.path} did not answer within ${ms} ms: ${health.message ?? 'a dependency does not answer'}; try again`,
                }
              : {
                  error: 'deadline_exceeded',
                  message: `${req.method} ${req.baseUrl}${req.path} did not answer within ${ms} ms (the server is overloaded); try again`,
                },
          ),
        );
      silence(res);
    };
    const timer = setTimeout(() => void answerLate(), ms);
    res.on('close', () => clearTimeout(timer));
    next();
  };
}
