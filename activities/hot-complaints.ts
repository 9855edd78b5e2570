// Hot and difficult complaints (热点、难点, R4.7) from the read model: the hot list the API serves
// (GET /v1/hot-complaints) and the daily digest the hot-digest workflow e-mails to the interface
// person(s). What a line says and what the digest counts are pure (domain/policy/hot.ts).
import { formatDuration } from '../domain/policy/durations';
import {
  DEFAULT_HOT_POLICY,
  HOT_REASON_TEXT,
  hotDigest,
  hotListItem,
  sortHotList,
  type HotDigest,
  type HotListItem,
  type HotView,
} from '../domain/policy/hot';
import type { PolicySet } from '../domain/policy/sla';
import type { Models } from './models';

/** At most this many hot complaints are read at once (the list is a worklist, not a report). */
const HOT_LIST_LIMIT = 500;

async function viewsOf(models: Models, ids: string[]): Promise<HotView[]> {
  if (ids.length === 0) return [];
  const docs = await models.ComplaintView.find({ _id: { $in: ids } }).lean();
  return docs.map((d) => d.view as unknown as HotView).filter((v) => v && typeof v.ticketId === 'string');
}

/** The open hot complaints (not closed), nearest solve-by first. */
export async function readHotList(models: Models, now: number): Promise<HotListItem[]> {
  const open = await models.Complaint.find({ hot: true, stage: { $ne: 'CLOSED' } }, { _id: 1 })
    .sort({ receivedAt: 1 })
    .limit(HOT_LIST_LIMIT)
    .lean();
  const views = await viewsOf(
    models,
    open.map((d) => d._id),
  );
  return sortHotList(views.map((v) => hotListItem(v, now)));
}

/** The digest over the open hot complaints and those closed within the window. */
export async function readHotDigest(models: Models, now: number, windowMs: number): Promise<HotDigest> {
  const since = new Date(now - windowMs);
  const [open, closed] = await Promise.all([
    models.Complaint.find({ hot: true, stage: { $ne: 'CLOSED' } }, { _id: 1 })
      .limit(HOT_LIST_LIMIT)
      .lean(),
    models.Complaint.find({ hot: true, stage: 'CLOSED', closedAt: { $gte: since } }, { _id: 1 })
      .limit(HOT_LIST_LIMIT)
      .lean(),
  ]);
  const views = await viewsOf(
    models,
    [...open, ...closed].map((d) => d._id),
  );
  return hotDigest(views, now, windowMs);
}

export interface ComposeHotDigestInput {
  /** The digest's instant (the workflow's start), ISO 8601. */
  at: string;
  /** How far back "what changed" looks; 24 h for the daily digest. */
  windowMs: number;
}

export interface HotDigestComposed {
  /** The digest's day in its time zone, YYYY-MM-DD. */
  day: string;
  timeZone: string;
  counts: { open: number; newHot: number; solved: number; escalated: number; overdue: number };
  /** Every ticket the digest names. */
  tickets: string[];
  /** The variables of the hotDigest e-mail (activities/hot-digest-templates.ts). */
  vars: Record<string, string>;
}

export interface HotDigestActivities {
  composeHotDigest(input: ComposeHotDigestInput): Promise<HotDigestComposed>;
}

function localTime(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(ms));
}

const reasonsText = (i: HotListItem) =>
  i.reasons.map((r) => `${HOT_REASON_TEXT[r].zh} ${HOT_REASON_TEXT[r].en}`).join(', ');

/** The digest as the e-mail's variables: one line per complaint, zh-CN and English. */
export function digestVars(d: HotDigest, timeZone: string): Record<string, string> {
  const t = (iso: string | undefined) => (iso ? localTime(Date.parse(iso), timeZone) : '—');
  const none = '无 none';
  const lines = (rows: string[]) => (rows.length ? rows.join('\n') : none);
  const left = (i: HotListItem) =>
    i.solveLeftMs === undefined
      ? ''
      : i.solveLeftMs < 0
        ? ` · 解决时限已过 solve-by passed ${formatDuration(-i.solveLeftMs)}`
        : ` · 剩余 left ${formatDuration(i.solveLeftMs)}`;
  const clocks = (i: HotListItem) =>
    i.overdueClocks.map((c) => `${c.name} 超时 overdue ${formatDuration(c.overdueMs)}`).join('; ');
  return {
    window: `${t(d.windowStart)} – ${t(d.at)} (${timeZone})`,
    openCount: String(d.open.length),
    newHot: lines(d.newHot.map((i) => `${i.ticketId} (${reasonsText(i)}) · ${t(i.hotSince)}`)),
    solved: lines(d.solved.map((i) => `${i.ticketId} · ${i.stage} · ${t(i.solvedAt)}`)),
    escalated: lines(
      d.escalated.flatMap(({ item, escalations }) =>
        escalations.map((e) => `${item.ticketId} L${e.level} · ${t(e.at)}: ${e.reason}`),
      ),
    ),
    overdue: lines(
      d.overdue.map((i) => `${i.ticketId} · ${i.stage}${left(i)}${clocks(i) ? ` · ${clocks(i)}` : ''}`),
    ),
    list: lines(
      d.open.map(
        (i) =>
          `${i.ticketId} · ${i.stage} · ${i.region} · ${reasonsText(i)} · 起 since ${t(i.hotSince)} · 解决时限 solve by ${t(i.solveBy)}${left(i)}`,
      ),
    ),
  };
}

export function createHotDigestActivities(deps: {
  models: Models;
  policies: { active(): Promise<PolicySet> };
}): HotDigestActivities {
  return {
    async composeHotDigest({ at, windowMs }) {
      const now = Date.parse(at);
      const timeZone =
        (await deps.policies.active()).hot?.digest.timeZone ?? DEFAULT_HOT_POLICY.digest.timeZone;
      const d = await readHotDigest(deps.models, now, windowMs);
      const tickets = [
        ...new Set([
          ...d.open.map((i) => i.ticketId),
          ...d.solved.map((i) => i.ticketId),
          ...d.escalated.map((e) => e.item.ticketId),
        ]),
      ];
      return {
        day: localTime(now, timeZone).slice(0, 10),
        timeZone,
        counts: {
          open: d.open.length,
          newHot: d.newHot.length,
          solved: d.solved.length,
          escalated: d.escalated.length,
          overdue: d.overdue.length,
        },
        tickets,
        vars: digestVars(d, timeZone),
      };
    },
  };
}
