// The product's API process (api/server.ts) with the product env; healthy when /healthz answers.
import { CHILD_READY_MS, HOST, readyOrStop, spawnChild, stopWith } from '../common';
import { type ManagedProcess, waitForHttp } from '../processes';
import { API_PORT } from '../product-env';
import type { Control, Running, Service, ServiceContext } from '../service';

export interface ApiRunning extends Running {
  process: ManagedProcess;
  /** Stack.restartApi: SIGTERM lets in-flight requests finish; start() waits for health. */
  control: Control;
}

export const api: Service<ApiRunning> = {
  name: 'api',
  // temporal-ui (when enabled) publishes CODEC_AUTH=on and its TEMPORAL_UI_URL for the API.
  dependsOn: ['temporal', 'mongo', 'mail-sink', 'twilio-sim', 'dispatcher-sim', 'oidc', 'temporal-ui'],
  enabled: ({ startApp }) => startApp,
  // D4: the API's Prometheus endpoint, on its own listener.
  ports: { api: API_PORT, apiMetrics: { fixed: 9465, label: 'API metrics', auto: 'free' } },
  start: startApi,
};

async function startApi(ctx: ServiceContext): Promise<ApiRunning> {
  const url = `http://${ctx.env.API_HOST}:${ctx.env.API_PORT}`;
  const metrics = `${HOST}:${ctx.port('apiMetrics')}`;
  const proc = spawnChild(ctx, 'api', 'api/server.ts', { API_METRICS_ADDRESS: metrics, ...ctx.env });
  const healthy = () => waitForHttp(`${url}/healthz`, CHILD_READY_MS, proc);
  await readyOrStop(() => proc.stop(), healthy);
  ctx.say(`api ready on ${url} (pid ${proc.pid})`);
  return {
    process: proc,
    urls: { apiMetrics: `http://${metrics}/metrics` },
    control: {
      stop: (signal) => stopWith(proc, signal),
      start: async () => {
        proc.start();
        ctx.children.trackRestart(proc);
        await healthy();
      },
    },
    stop: async () => void (await proc.stop()),
  };
}
