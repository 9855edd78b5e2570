// The product's worker processes (worker/main.ts) with the product env: the first at start, more
// through Stack.startWorker (e.g. after a crash test killed one); healthy when one prints "worker ready".
import { existsSync } from 'node:fs';
import path from 'node:path';
import { HOST, REPO_ROOT, readyOrStop, spawnChild } from '../common';
import { freePort, type ManagedProcess } from '../processes';
import type { PortSpec, Running, Service, ServiceContext } from '../service';

/** Bundling the workflows at a worker's start takes a while on a busy machine. */
const WORKER_READY_MS = 180_000;

/** D4/D5: the first worker's Prometheus endpoint and health listener; later workers get free ports. */
const METRICS_PORT: PortSpec = { fixed: 9464, label: 'worker metrics', auto: 'free' };
const HEALTH_PORT: PortSpec = { fixed: 9466, label: 'worker health', auto: 'free' };
/** `npm run build:workflows`: the workers use it while it matches the sources (worker/workflow-bundle.ts). */
const PREBUILT_BUNDLE = path.join(REPO_ROOT, 'dist', 'workflow-bundle.js');

export interface WorkerPool extends Running {
  /** The worker started with the stack. */
  first: ManagedProcess;
  /** Starts one more worker and waits until it is ready; `extraEnv` overrides the product env. */
  add(extraEnv?: Record<string, string>): Promise<ManagedProcess>;
}

export const worker: Service<WorkerPool> = {
  name: 'worker',
  // temporal-ui (when enabled) publishes the TEMPORAL_UI_URL of the links the worker writes.
  dependsOn: ['temporal', 'mongo', 'mail-sink', 'twilio-sim', 'dispatcher-sim', 'temporal-ui'],
  enabled: ({ startApp }) => startApp,
  ports: { workerMetrics: METRICS_PORT, workerHealth: HEALTH_PORT },
  start: startWorkers,
};

async function startWorkers(ctx: ServiceContext): Promise<WorkerPool> {
  const workers: ManagedProcess[] = [];
  const add = async (extraEnv: Record<string, string> = {}): Promise<ManagedProcess> => {
    const n = workers.length + 1;
    const [metricsPort, healthPort] =
      n === 1
        ? [ctx.port('workerMetrics'), ctx.port('workerHealth')]
        : await Promise.all([freePort(), freePort()]);
    const proc = spawnChild(ctx, n === 1 ? 'worker' : `worker-${n}`, 'worker/main.ts', {
      ...(existsSync(PREBUILT_BUNDLE) ? { WORKFLOW_BUNDLE_PATH: PREBUILT_BUNDLE } : {}),
      WORKER_METRICS_ADDRESS: `${HOST}:${metricsPort}`,
      WORKER_HEALTH_ADDRESS: `${HOST}:${healthPort}`,
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
  return {
    first,
    add,
    urls: {
      workerMetrics: `http://${HOST}:${ctx.port('workerMetrics')}/metrics`,
      workerHealth: `http://${HOST}:${ctx.port('workerHealth')}`,
    },
    stop: async () => void (await Promise.all(workers.map((w) => w.stop()))),
  };
}
