// The complaint workflow's activity proxies shared by its concerns: the read model and reference
// data (short retries), and notifications (long retries: a mail relay or SMS gateway may be down).
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { TmfEventActivities } from '../../activities/tmf-events-types';
import type { ComplaintActivities } from '../../activities/types';

export const data = proxyActivities<ComplaintActivities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

export const notify = proxyActivities<ComplaintActivities>({
  startToCloseTimeout: '60s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 20 },
});

/**
 * TMF621 events and work-order replies (issue 19): Temporal retries a failing delivery with
 * backoff across worker restarts; the activity ends it at TMF_EVENT_MAX_ATTEMPTS (at most 30).
 */
const TMF_DELIVERY = {
  // Each receiver gets 10 s, all of them in parallel: an attempt lost with its worker is retried soon.
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10m', maximumAttempts: 32 },
} as const;

/** Complaints started before issue 23's local delivery (workflows/complaint/tmf-events.ts). */
export const tmfEvents = proxyActivities<TmfEventActivities>(TMF_DELIVERY);

/**
 * Issue 23: the same delivery as a local activity, run by the worker inside the workflow task that
 * made the event: no activity task through the server and no second workflow task per event. Most
 * events find no receiver (one read of the hubs); a failing receiver is retried in the task for
 * 10 s, then after a workflow timer with the same backoff, so a retry still survives a restart.
 */
export const tmfEventsLocal = proxyLocalActivities<TmfEventActivities>({
  ...TMF_DELIVERY,
  localRetryThreshold: '10s',
});
