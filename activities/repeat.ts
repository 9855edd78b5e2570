// Repeat complaints (二次投诉, R6.2): a new complaint from the same number after an earlier one of
// theirs was closed, or about the same cell after a closed complaint whose cause was fixed there,
// within the policy window, is linked to it. The decision is domain/policy/repeat.ts; this file
// reads the candidates from the read model.
import type { QueryFilter } from 'mongoose';
import {
  NOT_FIXED_AT_THE_PLACE,
  classifyEarlier,
  type EarlierComplaint,
  type EarlierLink,
} from '../domain/policy/repeat';
import { numberHashes } from '../platform/lookup-hash';
import type { ComplaintDoc, Models } from './models';

/**
 * Numbers are matched by their keyed hash (HMAC, S7: platform/lookup-hash.ts), so the summary
 * collection holds no number in clear. Exported here too for the modules that import it from here.
 */
export { numberHash } from '../platform/lookup-hash';

export interface RepeatQuery {
  ticketId: string;
  callback: string;
  cellId?: string;
  /** ISO instant: the start of the window (repeatWindow before the new complaint). */
  since: string;
}

/** An earlier complaint the new one repeats (R6.2); the workflow keeps these as `repeatOf`. */
export type RepeatMatch = EarlierLink;

/** Each query returns at most this many; a criterion's matches are never cut off by another's. */
const LIMIT = 10;

type Candidate = Pick<
  ComplaintDoc,
  '_id' | 'stage' | 'receivedAt' | 'closedAt' | 'callbackHash' | 'cellId' | 'rootCause' | 'massIncidentId'
>;
const FIELDS = {
  _id: 1,
  stage: 1,
  receivedAt: 1,
  closedAt: 1,
  callbackHash: 1,
  cellId: 1,
  rootCause: 1,
  massIncidentId: 1,
} as const;

export interface RepeatSubquery {
  name: 'number-closed' | 'number-open' | 'cell-fixed' | 'cell-open';
  filter: QueryFilter<ComplaintDoc>;
  sort: Record<string, 1 | -1>;
}

/**
 * The read-model queries behind one repeat check, each an equality on one scalar field (callbackHash
 * or cellId, SCALAR_QUERY_FIELDS, which the patched FerretDB serves from their indexes) plus
 * conditions it evaluates on those few documents; never one `$or` (FerretDB v1 runs `$or` in Go over
 * every document of the collection: 650 ms at 1,500 complaints, issue 9). Per criterion: the
 * complaints closed within the window (the repeat candidates; by cell only those whose cause was
 * fixed there, so that a busy cell's other closures or a mass incident's cannot crowd them out) and
 * the ones received within the window and still open (related: they stop it being a repeat).
 * During a rotation of the lookup key the number's two queries are made per accepted key (current
 * first), each still one equality, so that complaints hashed with the previous key are found too.
 */
export function repeatSubqueries(q: RepeatQuery): RepeatSubquery[] {
  const since = new Date(q.since);
  const notSelf = { _id: { $ne: q.ticketId } };
  const closed = { closedAt: { $gte: since } };
  const open = { stage: { $ne: 'CLOSED' }, receivedAt: { $gte: since } };
  const byClosing = { closedAt: -1 } as const;
  const byReceipt = { receivedAt: -1 } as const;
  const subqueries: RepeatSubquery[] = numberHashes(q.callback).flatMap((hash): RepeatSubquery[] => [
    { name: 'number-closed', filter: { callbackHash: hash, ...closed, ...notSelf }, sort: byClosing },
    { name: 'number-open', filter: { callbackHash: hash, ...open, ...notSelf }, sort: byReceipt },
  ]);
  if (q.cellId)
    subqueries.push(
      {
        name: 'cell-fixed',
        filter: {
          cellId: q.cellId,
          ...closed,
          massIncidentId: null,
          rootCause: { $ne: null, $not: NOT_FIXED_AT_THE_PLACE },
          ...notSelf,
        },
        sort: byClosing,
      },
      { name: 'cell-open', filter: { cellId: q.cellId, ...open, ...notSelf }, sort: byReceipt },
    );
  return subqueries;
}

export function createRepeatActivities({ models }: { models: Models }) {
  /** The earlier complaints the new one repeats (R6.2), newest first; none when it only relates to open ones. */
  async function findEarlierComplaints(q: RepeatQuery): Promise<RepeatMatch[]> {
    const found = await Promise.all(
      repeatSubqueries(q).map(
        ({ filter, sort }) =>
          models.Complaint.find(filter, FIELDS).sort(sort).limit(LIMIT).lean() as unknown as Promise<
            Candidate[]
          >,
      ),
    );
    const hashes = new Set(numberHashes(q.callback));
    const candidates: EarlierComplaint[] = found.flat().map((d) => ({
      ticketId: d._id,
      stage: d.stage,
      receivedAt: d.receivedAt.toISOString(),
      closedAt: d.closedAt?.toISOString(),
      rootCause: d.rootCause,
      massIncidentId: d.massIncidentId,
      sameNumber: d.callbackHash !== undefined && hashes.has(d.callbackHash),
      sameCell: q.cellId !== undefined && d.cellId === q.cellId,
    }));
    return classifyEarlier(candidates, { ticketId: q.ticketId, since: q.since }).repeats;
  }
  return { findEarlierComplaints };
}
