// The complaint workflow's activity proxies shared by its concerns: the read model and reference
// data (short retries), and notifications (long retries: a mail relay or SMS gateway may be down).
import { proxyActivities } from '@temporalio/workflow';
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
export const tmfEvents = proxyActivities<TmfEventActivities>({
  // Each receiver gets 10 s, all of them in parallel: an attempt lost with its worker is retried soon.
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10m', maximumAttempts: 32 },
});
