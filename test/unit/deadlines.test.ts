// S10 (issue 26): the API's health probe answers in time whatever its dependencies do, and every
// Temporal call gets a deadline.
import type { Client } from '@temporalio/client';
import type { Connection } from 'mongoose';
import { checkHealth } from '../../api/deadlines';
import { defaultDeadlineInterceptor } from '../../platform/temporal-connection';

type Interceptor = ReturnType<typeof defaultDeadlineInterceptor>;
type CallOptions = Parameters<Interceptor>[0];

const never = () => new Promise<never>(() => undefined);

function fakeDeps(temporal: () => Promise<unknown>, ping: (signal?: AbortSignal) => Promise<unknown>) {
  const client = {
    withDeadline: <R>(_deadline: number, fn: () => Promise<R>) => fn(),
    workflowService: { getSystemInfo: temporal },
  } as unknown as Client;
  const mongo = {
    db: { command: (_cmd: unknown, opts: { signal?: AbortSignal }) => ping(opts.signal) },
  } as unknown as Connection;
  return { client, mongo };
}

describe('S10 /healthz', () => {
  it('S10 names the dependency that does not answer, within its probe time, even if a call ignores its deadline', async () => {
    const started = Date.now();
    const health = await checkHealth(
      fakeDeps(() => Promise.resolve({}), never),
      200,
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(health).toEqual({
      ok: false,
      temporal: 'up',
      mongodb: 'down',
      message: 'the database (MongoDB) did not answer within 200 ms',
    });
    const both = await checkHealth(fakeDeps(never, never), 200);
    expect(both).toMatchObject({ ok: false, temporal: 'down', mongodb: 'down' });
    expect(both.message).toMatch(/Temporal.*database/);
  });

  it('S10 passes the database ping an abort signal and answers ok when both answer', async () => {
    let signal: AbortSignal | undefined;
    const health = await checkHealth(
      fakeDeps(
        () => Promise.resolve({}),
        (s) => {
          signal = s;
          return Promise.resolve({ ok: 1 });
        },
      ),
      200,
    );
    expect(health).toEqual({ ok: true, temporal: 'up', mongodb: 'up' });
    expect(signal).toBeInstanceOf(AbortSignal);
  });
});

describe('S10 Temporal calls have deadlines', () => {
  const call = (path: string, deadline?: number) => {
    let seen: CallOptions | undefined;
    const options = { method_definition: { path }, ...(deadline ? { deadline } : {}) } as CallOptions;
    defaultDeadlineInterceptor(10_000, 30_000)(options, (o) => {
      seen = o;
      return {} as ReturnType<Interceptor>;
    });
    return seen!;
  };

  it('S10 a call without a deadline gets 10 s, a long poll 30 s, and a deadline of its own is kept', () => {
    const now = Date.now();
    const start = call('/temporal.api.workflowservice.v1.WorkflowService/StartWorkflowExecution');
    expect(Number(start.deadline) - now).toBeGreaterThanOrEqual(10_000);
    expect(Number(start.deadline) - now).toBeLessThan(11_000);
    const poll = call('/temporal.api.workflowservice.v1.WorkflowService/PollWorkflowExecutionUpdate');
    expect(Number(poll.deadline) - now).toBeGreaterThanOrEqual(30_000);
    expect(Number(poll.deadline) - now).toBeLessThan(31_000);
    const own = call('/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo', now + 700);
    expect(own.deadline).toBe(now + 700);
  });
});
