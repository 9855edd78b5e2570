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

const LIMIT = 10;

export function createRepeatActivities({ models }: { models: Models }) {
  /**
   * One query per criterion, not one `$or`: FerretDB v1 pushes only top-level equality filters down
   * to its backend and runs `$or` in Go over every document of the collection, so the `$or` form
   * read and decoded all complaints on every intake (650 ms at 1,500 complaints, growing with
   * the collection; issue 9). Each equality query reads only the complaints from that number or
   * about that cell; on MongoDB each uses its index (callbackHash/cellId + receivedAt).
   */
  async function findEarlierComplaints(q: RepeatQuery): Promise<RepeatMatch[]> {
    const since = new Date(q.since);
    const hash = numberHash(q.callback);
    const recent = (criterion: Record<string, unknown>) =>
      models.Complaint.find(
        { ...criterion, receivedAt: { $gte: since }, _id: { $ne: q.ticketId } },
        { _id: 1, stage: 1, receivedAt: 1, callbackHash: 1 },
      )
        .sort({ receivedAt: -1 })
        .limit(LIMIT)
        .lean();
    const [byNumber, byCell] = await Promise.all([
      recent({ callbackHash: hash }),
      q.cellId ? recent({ cellId: q.cellId }) : Promise.resolve([]),
    ]);
    const seen = new Set<string>();
    return [...byNumber, ...byCell]
      .filter((d) => !seen.has(d._id) && seen.add(d._id))
      .sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime() || (a._id < b._id ? -1 : 1))
      .slice(0, LIMIT)
      .map((d) => ({
        ticketId: d._id,
        stage: d.stage,
        receivedAt: d.receivedAt.toISOString(),
        by: d.callbackHash === hash ? 'number' : 'cell',
      }));
  }
  return { findEarlierComplaints };
}
