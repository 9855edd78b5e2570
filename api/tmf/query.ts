// TMF630 on the TroubleTicket list (T1): offset/limit paging, attribute filters (status, severity,
// ticketType, creationDate ranges, externalIdentifier) and `fields` selection, turned into a filter
// on the complaint summaries (the read model /v1 lists from). A parameter ClosedLoop does not take
// is refused by name rather than silently ignored, so a dispatcher never reads an unfiltered page
// as a filtered one.
import { CATEGORIES, CHANNELS, type Stage } from '../../workflows/complaint/contract';
import { HttpError } from '../errors';
import { channelNamed } from './create';
import { OPEN_WORK_STAGES, STAGE_STATUS, TMF_STATUSES, type TmfStatus } from './status';

export const TICKET_FIELDS = [
  'name',
  'description',
  'severity',
  'priority',
  'ticketType',
  'channel',
  'creationDate',
  'lastUpdate',
  'requestedResolutionDate',
  'expectedResolutionDate',
  'resolutionDate',
  'externalIdentifier',
  'status',
  'statusChangeDate',
  'statusChangeReason',
  'statusChangeHistory',
  'relatedParty',
  'relatedEntity',
  'note',
  'attachment',
  'troubleTicketRelationship',
  'troubleTicketSpecification',
  'troubleTicketCharacteristic',
] as const;

const RANGE_OPS = { gt: '$gt', gte: '$gte', lt: '$lt', lte: '$lte' } as const;
const FILTERS = [
  'status',
  'severity',
  'ticketType',
  'externalIdentifier.id',
  'externalIdentifier.owner',
  'channel.id',
  'channel.name',
  ...Object.keys(RANGE_OPS).map((op) => `creationDate.${op}`),
] as const;
const NOT_IMPLEMENTED = ['sort', 'before', 'after', 'filter'];
export const MAX_LIMIT = 200;
const SEVERITIES = ['Critical', 'Major', 'Minor'] as const;

export interface TicketQuery {
  offset: number;
  limit: number;
  fields?: string[];
  statuses?: TmfStatus[];
  /** the summary filter of every attribute but status */
  filter: Record<string, unknown>;
}

function bad(field: string, message: string): HttpError {
  return new HttpError(400, 'validation_failed', `${field}: ${message}`, [{ field, message }]);
}

function one(q: Record<string, unknown>, name: string): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw bad(name, 'give it once');
  return v;
}

function int(q: Record<string, unknown>, name: string, fallback: number, max: number): number {
  const v = one(q, name);
  if (v === undefined) return fallback;
  if (!/^\d{1,9}$/.test(v) || Number(v) > max) throw bad(name, `a whole number from 0 to ${max}`);
  return Number(v);
}

/** A comma-separated list whose every item is one of `allowed`. */
function listOf<T extends string>(
  q: Record<string, unknown>,
  name: string,
  allowed: readonly T[],
): T[] | undefined {
  const v = one(q, name);
  if (v === undefined) return undefined;
  const items = v.split(',').map((s) => s.trim());
  for (const item of items)
    if (!allowed.includes(item as T))
      throw bad(name, `'${item.slice(0, 40)}' is not one of ${allowed.join(', ')}`);
  return items as T[];
}

function severityFilter(s: (typeof SEVERITIES)[number]): Record<string, unknown> {
  if (s === 'Critical') return { major: true };
  return { major: { $ne: true }, urgency: s === 'Major' ? 'URGENT' : 'NORMAL' };
}

function dateFilter(q: Record<string, unknown>): Record<string, Date> | undefined {
  const range: Record<string, Date> = {};
  for (const [op, mongo] of Object.entries(RANGE_OPS)) {
    const v = one(q, `creationDate.${op}`);
    if (v === undefined) continue;
    const t = Date.parse(v);
    if (!/^\d{4}-\d\d-\d\d/.test(v) || Number.isNaN(t))
      throw bad(`creationDate.${op}`, 'an ISO 8601 date or date-time such as 2026-11-20T08:00:00Z');
    range[mongo] = new Date(t);
  }
  return Object.keys(range).length ? range : undefined;
}

function channelFilter(q: Record<string, unknown>): string | undefined {
  const names = ['externalIdentifier.owner', 'channel.id', 'channel.name'].map(
    (n) => [n, one(q, n)] as const,
  );
  let channel: string | undefined;
  for (const [name, v] of names) {
    if (v === undefined) continue;
    const c = channelNamed(v);
    if (!c) throw bad(name, `one of ${CHANNELS.join(', ')}`);
    if (channel && channel !== c) return '(none)';
    channel = c;
  }
  return channel;
}

/** The list parameters, or a 400 naming the first that is wrong or not supported. */
export function parseTicketQuery(q: Record<string, unknown>): TicketQuery {
  for (const name of Object.keys(q)) {
    if (NOT_IMPLEMENTED.includes(name))
      throw bad(name, 'not supported; filter with attributes (see docs/tmf621.md), newest first');
    if (!['offset', 'limit', 'fields', ...FILTERS].includes(name))
      throw bad(
        name.slice(0, 60),
        `not a parameter ClosedLoop takes: offset, limit, fields, ${FILTERS.join(', ')}`,
      );
  }
  const filter: Record<string, unknown> = {};
  const severities = listOf(q, 'severity', SEVERITIES);
  const types = listOf(q, 'ticketType', CATEGORIES);
  const ids = one(q, 'externalIdentifier.id');
  const created = dateFilter(q);
  const channel = channelFilter(q);
  const and: Record<string, unknown>[] = [];
  if (severities) and.push({ $or: severities.map(severityFilter) });
  if (types) filter.category = { $in: types };
  if (ids !== undefined) filter.externalId = { $in: ids.split(',').map((s) => s.trim()) };
  if (created) filter.receivedAt = created;
  if (channel) filter.channel = channel;
  if (and.length) filter.$and = and;
  return {
    offset: int(q, 'offset', 0, 100_000),
    limit: Math.max(1, int(q, 'limit', 50, MAX_LIMIT)),
    fields: listOf(q, 'fields', TICKET_FIELDS),
    statuses: listOf(q, 'status', TMF_STATUSES),
    filter,
  };
}

/** Complaints whose status is refined beyond their stage (see ./status: held, then pending). */
export interface Refinements {
  held: string[];
  paused: string[];
}

const stagesWith = (status: TmfStatus) =>
  (Object.keys(STAGE_STATUS) as Stage[]).filter((s) => STAGE_STATUS[s] === status);

/** The summary filter of one status, given the complaints a paused clock or mass incident holds. */
export function statusFilter(status: TmfStatus, r: Refinements): Record<string, unknown> {
  const open = { $in: [...OPEN_WORK_STAGES] };
  const refined = [...r.held, ...r.paused];
  switch (status) {
    case 'held':
      return { stage: open, _id: { $in: r.held } };
    case 'pending':
      return {
        $or: [{ stage: 'TRANSFERRED' }, { stage: open, _id: { $in: r.paused, $nin: r.held } }],
      };
    case 'acknowledged':
    case 'inProgress':
      return { stage: { $in: stagesWith(status) }, _id: { $nin: refined } };
    default:
      return stagesWith(status).length ? { stage: { $in: stagesWith(status) } } : { _id: { $in: [] } };
  }
}
