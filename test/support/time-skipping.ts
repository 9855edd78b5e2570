// A Temporal time-skipping test server from the provisioned binary, with the product's
// search attributes registered (the test server has no --search-attribute flag).
import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ensureTestServer } from '../../infra/stack/provision';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { workflowBundleOptions } from '../../worker/workflow-bundle';

const ActivityState = temporal.api.enums.v1.PendingActivityState;

const INDEXED_VALUE_TYPE: Record<string, number> = {
  TEXT: 1,
  KEYWORD: 2,
  INT: 3,
  DOUBLE: 4,
  BOOL: 5,
  DATETIME: 6,
  KEYWORD_LIST: 7,
};

export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = await ensureTestServer();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, INDEXED_VALUE_TYPE[k.type] ?? 2]),
    ),
  });
  return env;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The workflow bundle, built once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ ...workflowBundleOptions(), logger: quietLogger });
  return bundle;
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };

/**
 * A time-skipping server with one worker of the product's workflows on `taskQueue` and the given
 * activities, started before the file's tests and stopped after them. `env()` is the environment.
 */
export function useTimeSkippingWorker(taskQueue: string, activities: object): () => TestWorkflowEnvironment {
  let env: TestWorkflowEnvironment | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities,
    });
    running = worker.run();
  }, 120_000);
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
  });
  return () => {
    if (!env) throw new Error('the time-skipping environment is not started (use it inside a test)');
    return env;
  };
}

/**
 * Terminates a run once neither it nor its children has a workflow task or an activity in flight
 * (waiting at most `maxWaitMs`). The time-skipping test server keeps time skipping locked for a
 * task or an activity of a run terminated while it was in flight (sdk-java#1138, #3088): every
 * later `env.sleep` of the same server then takes real time and the test times out. Seen in CI
 * and locally, on roughly half the runs of test/workflow/procedure.test.ts.
 */
export async function terminateWhenSettled<T>(
  client: Client,
  handle: WorkflowHandle,
  terminate: () => Promise<T>,
  maxWaitMs = 3_000,
): Promise<T> {
  const deadline = Date.now() + maxWaitMs;
  // Two quiet looks in a row: a completed activity is followed by a workflow task at once.
  for (let quiet = 0; quiet < 2 && Date.now() < deadline;) {
    quiet = (await inFlight(client, handle)) ? 0 : quiet + 1;
    await new Promise((r) => setTimeout(r, 20));
  }
  return terminate();
}

async function inFlight(client: Client, handle: WorkflowHandle, depth = 0): Promise<boolean> {
  const d = await handle.describe().catch(() => undefined);
  if (!d || d.status.name !== 'RUNNING') return false;
  if (d.raw.pendingWorkflowTask) return true;
  // An activity waiting out a retry backoff (scheduled again after a failed attempt) holds nothing;
  // one scheduled for the first time is about to run, and a running one holds the lock.
  const busy = (d.raw.pendingActivities ?? []).some((a) =>
    a.state === ActivityState.PENDING_ACTIVITY_STATE_SCHEDULED
      ? (a.attempt ?? 1) <= 1
      : a.state === ActivityState.PENDING_ACTIVITY_STATE_STARTED ||
        a.state === ActivityState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED,
  );
  if (busy) return true;
  if (depth > 2) return false;
  for (const child of d.raw.pendingChildren ?? []) {
    if (child.workflowId && (await inFlight(client, client.workflow.getHandle(child.workflowId), depth + 1)))
      return true;
  }
  return false;
}
