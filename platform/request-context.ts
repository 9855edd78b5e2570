// The request a piece of API code runs for (issue 18, D6): the request id is set once per request
// (api/edge.ts `requestLog`) and every log line written while handling it carries it (the logger's
// mixin, platform/logger.ts), whichever module logs.
import { AsyncLocalStorage } from 'node:async_hooks';

const context = new AsyncLocalStorage<{ requestId: string }>();

/** Runs `fn` (and everything it starts) as part of the request `requestId`. */
export function runInRequest<T>(requestId: string, fn: () => T): T {
  return context.run({ requestId }, fn);
}

/** The id of the request being handled, if any. */
export function currentRequestId(): string | undefined {
  return context.getStore()?.requestId;
}
