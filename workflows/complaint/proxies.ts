// The complaint workflow's activity proxies shared by its concerns: the read model and reference
// data (short retries), and notifications (long retries: a mail relay or SMS gateway may be down).
import { proxyActivities } from '@temporalio/workflow';
import type { ComplaintActivities } from '../../activities/types';

export const data = proxyActivities<ComplaintActivities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

export const notify = proxyActivities<ComplaintActivities>({
  startToCloseTimeout: '60s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 20 },
});
