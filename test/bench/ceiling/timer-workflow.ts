// The ceiling of the timers benchmark (issue 9): a workflow that only sleeps until an instant and
// returns the workflow time at which it woke up. Bundled only by the bench's own worker.
import { sleep } from '@temporalio/workflow';

export async function sleepUntilWorkflow(due: number): Promise<number> {
  await sleep(Math.max(1, due - Date.now()));
  return Date.now();
}
