// Fail fast, never hang (S10, issue 26): a read that has not answered within its deadline gets a
// 503 with Retry-After instead of keeping its caller waiting. Each database call already has its own
// deadline (platform/config → the driver's socket and wait-queue time-outs), but a read makes several
// calls in turn, and under a starved CPU their sum passed five seconds in the soak (complaint read
// p95 2.6 s, max > 5 s at a load average of 20 on two cores). Only reads: they are safe to answer
// early and for the caller to repeat; an action may still be applied by the workflow after an early
// answer, so actions keep the deadlines of their Temporal calls, which answer 503 saying so.
import type { RequestHandler, Response } from 'express';
import { PROBLEM_MEDIA } from './operations/define';

/** Below the five seconds after which the soak counts a probe as a freeze. */
export const READ_DEADLINE_MS = 4_500;

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

/**
 * For the read model's routes (complaints, worklists, incidents, the caller's own record): the
 * reads people and dashboards poll. Media fetched from elsewhere (`except`, e.g. call recordings
 * streamed from Twilio) keeps its own time-outs.
 */
export function readDeadline(ms = READ_DEADLINE_MS, except?: RegExp): RequestHandler {
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || except?.test(req.path)) return next();
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      res
        .status(503)
        .set('Retry-After', '1')
        .type(PROBLEM_MEDIA)
        .send(
          JSON.stringify({
            error: 'deadline_exceeded',
            message: `${req.method} ${req.path} did not answer within ${ms} ms (a dependency is slow or the server is overloaded); try again`,
          }),
        );
      silence(res);
    }, ms);
    res.on('close', () => clearTimeout(timer));
    next();
  };
}
