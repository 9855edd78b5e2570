// Repeat complaints (二次投诉, R6.2): a new complaint from the same number, or about the same
// serving cell, within the policy window after an earlier one is linked to it.
import { createHash } from 'node:crypto';
import type { Models } from './models';

/** Numbers are matched by a keyed-free SHA-256, so the summary collection holds no number in clear. */
export function numberHash(e164: string): string {
  return createHash('sha256').update(`closedloop:msisdn:${e164}`).digest('hex').slice(0, 32);
}

export interface RepeatQuery {
  ticketId: string;
  callback: string;
  cellId?: string;
  /** ISO instant: only complaints received after it count. */
  since: string;
}

export interface RepeatMatch {
  ticketId: string;
  stage: string;
  receivedAt: string;
  by: 'number' | 'cell';
}

export function createRepeatActivities({ models }: { models: Models }) {
  async function findEarlierComplaints(q: RepeatQuery): Promise<RepeatMatch[]> {
    const since = new Date(q.since);
    const or: Record<string, unknown>[] = [{ callbackHash: numberHash(q.callback) }];
    if (q.cellId) or.push({ cellId: q.cellId });
    const docs = await models.Complaint.find(
      { $or: or, receivedAt: { $gte: since }, _id: { $ne: q.ticketId } },
      { _id: 1, stage: 1, receivedAt: 1, callbackHash: 1 },
    )
      .sort({ receivedAt: -1 })
      .limit(10)
      .lean();
    const hash = numberHash(q.callback);
    return docs.map((d) => ({
      ticketId: d._id,
      stage: d.stage,
      receivedAt: d.receivedAt.toISOString(),
      by: d.callbackHash === hash ? 'number' : 'cell',
    }));
  }
  return { findEarlierComplaints };
}
