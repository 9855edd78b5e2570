// The product's worker processes (worker/main.ts) with the product env: the first at start, more
// through Stack.startWorker (e.g. after a crash test killed one); healthy when one prints "worker ready".
import { readyOrStop, spawnChild } from '../common';
import type { ManagedProcess } from '../processes';
import type { Running, Service, ServiceContext } from '../service';

/** Bundling the workflows at a worker's start takes a while on a busy machine. */
const WORKER_READY_MS = 180_000;

export interface WorkerPool extends Running {
  /** The worker started with the stack. */
  first: ManagedProcess;
  /** Starts one more worker and waits until it is ready; `extraEnv` overrides the product env. */
  add(extraEnv?: Record<string, string>): Promise<ManagedProcess>;
}

export const worker: Service<WorkerPool> = {
  name: 'worker',
  dependsOn: ['temporal', 'mongo', 'mail-sink', 'twilio-sim'],
  enabled: ({ startApp }) => startApp,
  start: startWorkers,
};

async function startWorkers(ctx: ServiceContext): Promise<WorkerPool> {
  const workers: ManagedProcess[] = [];
  const add = async (extraEnv: Record<string, string> = {}): Promise<ManagedProcess> => {
    const n = workers.length + 1;
    const proc = spawnChild(ctx, n === 1 ? 'worker' : `worker-${n}`, 'worker/main.ts', {
      ...ctx.env,
      ...extraEnv,
    });
    await readyOrStop(
      () => proc.stop(),
      () => proc.waitForOutput(/worker ready/i, WORKER_READY_MS),
    );
    workers.push(proc);
    return proc;
  };
  const first = await add();
  ctx.say(`worker ready (pid ${first.pid})`);
  return { first, add, stop: async () => void (await Promise.all(workers.map((w) => w.stop()))) };
}
