// The worker's Prometheus endpoint (D4): the Temporal SDK's own runtime metrics (workflow and
// activity task latencies, slots, sticky cache, polls, request failures), served by the SDK's core
// at WORKER_METRICS_ADDRESS under /metrics. Durations in seconds with the unit in the name
// (temporal_workflow_task_execution_latency_seconds …), as Prometheus names them and as
// infra/deploy/grafana-dashboard.json reads them.
import type { TelemetryOptions } from '@temporalio/worker';
import type { Config } from '../platform/config';

export function workerTelemetry(
  config: Pick<Config, 'WORKER_METRICS_ADDRESS' | 'TEMPORAL_TASK_QUEUE'>,
): TelemetryOptions | undefined {
  if (!config.WORKER_METRICS_ADDRESS) return undefined;
  return {
    metrics: {
      prometheus: {
        bindAddress: config.WORKER_METRICS_ADDRESS,
        useSecondsForDurations: true,
        unitSuffix: true,
        countersTotalSuffix: true,
      },
      globalTags: { app: 'closedloop' },
    },
  };
}
