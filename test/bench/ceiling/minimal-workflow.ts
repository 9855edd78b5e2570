// The ceiling of the lifecycle benchmark (issue 9): a workflow with no business logic that does the
// same number of updates and activities as a complaint does on its way to CLOSED. Bundled only by
// the bench's own worker (test/bench/lifecycle.ts), on its own task queue; never by the product.
import { condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

export const minimalStepUpdate = defineUpdate<number, [number]>('step');

export interface MinimalInput {
  /** Activities run at start, before any update (a complaint's intake work). */
  startActivities: number;
  /** Updates it accepts; each one queues `activitiesPerUpdate` activities, run by the main loop. */
  updates: number;
  activitiesPerUpdate: number;
  /** Payload size of each activity's argument, in characters (a complaint's view is several kB). */
  payloadChars: number;
}

const { noop } = proxyActivities<{ noop(payload: string): Promise<number> }>({
  startToCloseTimeout: '15s',
});

export async function minimalWorkflow(input: MinimalInput): Promise<number> {
  const payload = 'x'.repeat(input.payloadChars);
  let received = 0;
  let queued = 0;
  let done = 0;
  // Like the complaint: the update changes state and answers at once; the main loop does the I/O.
  setHandler(minimalStepUpdate, (n: number) => {
    received += 1;
    queued += input.activitiesPerUpdate;
    return n;
  });
  for (let i = 0; i < input.startActivities; i++) done += await noop(payload);
  while (received < input.updates || queued > 0) {
    await condition(() => queued > 0);
    queued -= 1;
    done += await noop(payload);
  }
  return done;
}
