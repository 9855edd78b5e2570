// The retention sweep (issue 22, S8.1), started by a Temporal Schedule (daily) or on demand: sets
// Temporal's retention of closed histories from the policy, then removes the personal data of
// closed complaints whose retention has ended, kind by kind (complaint fields, recordings,
// signatures, outbox texts, audit details), deletes their finished workflow executions, drops
// number hashes the repeat check no longer needs, and deletes inactive VIP profiles and exports
// past their retention. Deterministic: time is workflow time, all I/O is in activities.
import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { PrivacyActivities } from '../../activities/privacy/types';
import {
  privacyActivityOptions,
  type NamespaceRetentionResult,
  type SweepInput,
  type SweepResult,
  type SweepTotals,
} from './contract';

const data = proxyActivities<PrivacyActivities>(privacyActivityOptions(['InvalidRetentionPolicy']));

/** Candidates per page, complaints erased at once, pages per run before continue-as-new. */
const PAGE = 50;
const PARALLEL = 4;
const PAGES_PER_RUN = 20;

export function emptyTotals(): SweepTotals {
  return {
    complaints: 0,
    byKind: {},
    skipped: 0,
    workflowsDeleted: 0,
    hashesDropped: 0,
    vipProfilesDeleted: 0,
    exportsDeleted: 0,
  };
}

export async function retentionSweepWorkflow(input: SweepInput = {}): Promise<SweepResult> {
  const trigger = input.trigger ?? 'schedule';
  const startedAt = new Date(Date.now()).toISOString();
  const now = startedAt;
  const totals = input.totals ?? emptyTotals();
  const policy = await data.loadRetentionPolicy();
  // Once per sweep (not again after continue-as-new): Temporal's own retention from the same policy.
  const temporalRetention: NamespaceRetentionResult = input.cursor
    ? { namespace: '', changed: false }
    : await data.applyTemporalRetention({ policy });

  let cursor = input.cursor;
  for (let pages = 1; ; pages++) {
    const page = await data.findRetentionCandidates({ policy, now, after: cursor, limit: PAGE });
    for (let i = 0; i < page.candidates.length; i += PARALLEL) {
      const results = await Promise.all(
        page.candidates.slice(i, i + PARALLEL).map((c) =>
          data.eraseComplaintData({
            ticketId: c.ticketId,
            kinds: c.kinds,
            cause: { type: 'retention', ref: workflowInfo().workflowId, by: 'retention-sweep' },
          }),
        ),
      );
      for (const r of results) {
        if (r.skipped) {
          totals.skipped += 1;
          continue;
        }
        totals.complaints += 1;
        totals.workflowsDeleted += r.workflowsDeleted;
        for (const kind of r.kinds) totals.byKind[kind] = (totals.byKind[kind] ?? 0) + 1;
      }
    }
    if (!page.next) break;
    cursor = page.next;
    if (pages >= PAGES_PER_RUN || workflowInfo().continueAsNewSuggested)
      await continueAsNew<typeof retentionSweepWorkflow>({ trigger, cursor, totals });
  }

  totals.hashesDropped += await data.dropExpiredNumberHashes({ now });
  totals.vipProfilesDeleted += await data.expireVipProfiles({ policy, now });
  totals.exportsDeleted += await data.expireExports({ now });
  const result: SweepResult = {
    runId: workflowInfo().runId,
    totals,
    temporalRetention,
    policyVersion: policy.version,
  };
  await data.recordSweep({ workflowId: workflowInfo().workflowId, trigger, startedAt, result });
  return result;
}
