// Temporal client connections whose every call has a deadline (S10, issue 26): a Temporal server
// that accepts connections but never answers must not hang an API request or an activity. Used by
// the API and by the worker's client for activities that signal or start workflows.
import {
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type ConnectionOptions,
} from '@temporalio/client';

type GrpcInterceptor = NonNullable<ConnectionOptions['interceptors']>[number];

/** A Temporal call that has no deadline of its own gets this one. */
export const TEMPORAL_CALL_MS = 10_000;
/**
 * Long polls: the server holds these for up to 20 s (its long-poll interval) and answers before
 * the caller's deadline with what it has, and the SDK asks again (an update's result, a workflow's).
 */
export const TEMPORAL_LONG_POLL_MS = 30_000;
const LONG_POLLS = /\/(GetWorkflowExecutionHistory|UpdateWorkflowExecution|PollWorkflowExecutionUpdate)$/;

/**
 * Gives every call without a deadline one (`client.withDeadline` still sets its own), ahead of the
 * SDK's retry interceptor, which otherwise retries an UNAVAILABLE server ten times with backoff:
 * the deadline is absolute, so it bounds the retries too.
 */
export function defaultDeadlineInterceptor(
  callMs = TEMPORAL_CALL_MS,
  longPollMs = TEMPORAL_LONG_POLL_MS,
): GrpcInterceptor {
  return (options, nextCall) => {
    const ms = LONG_POLLS.test(options.method_definition.path) ? longPollMs : callMs;
    const call = nextCall(
      options.deadline === undefined ? { ...options, deadline: Date.now() + ms } : options,
    );
    // grpc-js only uses the interface of what an interceptor returns; its type asks for the class,
    // which would mean importing @grpc/grpc-js (not a dependency of ours) for a pass-through wrapper.
    return call as ReturnType<GrpcInterceptor>;
  };
}

/** A connection on which every call has a deadline; UNAVAILABLE is retried within it. */
export function connectTemporal(address: string): Promise<Connection> {
  return Connection.connect({
    address,
    interceptors: [defaultDeadlineInterceptor(), makeGrpcRetryInterceptor(defaultGrpcRetryOptions())],
  });
}
