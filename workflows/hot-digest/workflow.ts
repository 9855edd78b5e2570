// The daily digest of the hot list (R4.7): reads the open hot complaints and what changed in the
// last 24 hours (new hot, solved, escalated) and what is overdue from the read model, and e-mails
// it to the interface person(s) through the notifications activity (outbox: sent once per run).
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { HotDigestActivities } from '../../activities/hot-complaints';
import type { ComplaintActivities } from '../../activities/types';
import {
  HOT_DIGEST_ROLE,
  HOT_DIGEST_WINDOW_MS,
  type HotDigestRequest,
  type HotDigestResult,
} from './contract';

const read = proxyActivities<HotDigestActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
});

const notify = proxyActivities<Pick<ComplaintActivities, 'sendEmail'>>({
  startToCloseTimeout: '60s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 20 },
});

export async function hotDigestWorkflow(_req: HotDigestRequest = {}): Promise<HotDigestResult> {
  const info = workflowInfo();
  const at = info.startTime.toISOString();
  const digest = await read.composeHotDigest({ at, windowMs: HOT_DIGEST_WINDOW_MS });
  const emailKey = `hot-digest:${info.workflowId}`;
  const sent = await notify.sendEmail({
    idempotencyKey: emailKey,
    ticketId: `HOT-DIGEST-${digest.day}`,
    toRole: HOT_DIGEST_ROLE,
    template: 'hotDigest',
    vars: digest.vars,
    about: { workflowId: info.workflowId, apiPath: '/v1/hot-complaints' },
  });
  return {
    day: digest.day,
    counts: digest.counts,
    tickets: digest.tickets,
    emailKey,
    alreadySent: sent.alreadySent,
  };
}
