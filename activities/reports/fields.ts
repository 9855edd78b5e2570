// Report fields of the read-model summary (R9), derived from the complaint view when it is
// projected, so that every report figure is a plain $match/$unwind/$group over `complaints`.
// Each breakdown a complaint counts in is a tag in `reportTags` (`all`, `day:…`, `ch:…`, `topic:…`,
// `clk:firstReply:met` …), and each figure counted under a breakdown is a tag of its own
// (`all#replied`, `topic:NO_SIGNAL|haidian#repeat`, `day:2026-11-23#frPending` …; repeated for
// counts such as escalation events). One $unwind and one $group with a single `$sum: 1` then give
// every figure of a period: FerretDB v1.24 computes only the first accumulator of a $group
// correctly (the others read an iterator the first one has used up) and has no $cond. Pure.
import type { ComplaintView } from '../../domain/complaint';

export const FIRST_REPLY_LIMIT_MS = 48 * 3_600_000;
const TEXT_KEY_MAX = 80;

/** The figures counted per breakdown (`<tag>#<metric>`); verifyMs is summed from verificationMs. */
export const METRICS = [
  'replied',
  'closed',
  'resolved',
  'frOnTime',
  'frLate',
  'frPending',
  'satisfied',
  'unsatisfied',
  'repeat',
  'escalated',
  'escalations',
  'reopened',
  'breached',
  'hot',
  'hotClosed',
  'major',
  'transferred',
  'verified',
  'mass',
  'careCalled',
  'careUnanswered',
  'careByPerson',
  'verifyMs',
] as const;
export type Metric = (typeof METRICS)[number];

/** Which figures are counted under which breakdowns (every other tag is counted only). */
export const TAG_METRICS: Record<'all' | 'topic' | 'dept' | 'day', readonly Metric[]> = {
  all: METRICS.filter((m) => m !== 'verifyMs'),
  topic: ['repeat', 'escalated', 'breached', 'resolved', 'closed'],
  dept: ['verified'],
  day: ['frPending'],
};

/** Separates a figure tag `<tag>#<metric>` into its parts; undefined for a plain tag. */
export function splitMetricTag(tag: string): { tag: string; metric: Metric } | undefined {
  const cut = tag.lastIndexOf('#');
  if (cut < 0) return undefined;
  const metric = tag.slice(cut + 1);
  return (METRICS as readonly string[]).includes(metric)
    ? { tag: tag.slice(0, cut), metric: metric as Metric }
    : undefined;
}

export interface ReportFields {
  /** The first reply that reached the customer (by phone, or an SMS the customer confirmed). */
  firstReplyAt: Date | null;
  /** First reply within 48 h of intake; null while not replied and the 48 h are not over. */
  firstReplyWithin48h: boolean | null;
  /** A reply reached the customer (R4.5: the target is 100 %). */
  replied: boolean;
  resolvedAt: Date | null;
  timeToResolveMs: number | null;
  /** The customer's answer in the last final reply that counts; null when not asked yet. */
  satisfied: boolean | null;
  escalations: number;
  escalationMaxLevel: number;
  /** Departments the complaint was transferred to for verification. */
  transfers: string[];
  transferredAt: Date | null;
  verifiedAt: Date | null;
  verificationMs: number | null;
  /** A repeat of an earlier complaint (R6.2; the links themselves are the summary's `repeatOf`). */
  repeat: boolean;
  massIncidentId: string | null;
  rootCause: string | null;
  measures: string | null;
  /** Every breakdown the complaint counts in, and the figures it counts for under some of them. */
  reportTags: string[];
}

// Absent values are written as null (not left out): a re-projection overwrites them with $set.

/** The repeat link (R6.2), read loosely: an older view may hold a ticket id alone. */
interface OptionalLinks {
  repeatOf?: { ticketId?: string }[] | string;
}

/** Free text as a stable, short group key (white space collapsed, cut at 80 characters). */
export function textKey(text: string | undefined): string | undefined {
  // '#' separates a figure from its tag: keep it out of free text.
  const t = text?.replace(/\s+/g, ' ').replace(/#/g, '＃').trim();
  return t ? t.slice(0, TEXT_KEY_MAX) : undefined;
}

const ms = (iso: string) => Date.parse(iso);
const bit = (b: boolean) => (b ? 1 : 0);

/** The figure tags of a breakdown: `<tag>#<metric>` once per count. */
function figureTags(
  tag: string,
  metrics: readonly Metric[],
  counts: Partial<Record<Metric, number>>,
): string[] {
  return metrics.flatMap((m) => Array.from({ length: counts[m] ?? 0 }, () => `${tag}#${m}`));
}

export function reportFields(view: ComplaintView, dayKey: string, now: number = Date.now()): ReportFields {
  const input = view.input;
  const receivedAt = ms(input.receivedAt);
  const counting = view.replies.filter((r) => r.counts);
  const firstReplyAt = counting.map((r) => ms(r.at)).sort((a, b) => a - b)[0];
  const firstReplyWithin48h =
    firstReplyAt !== undefined
      ? firstReplyAt - receivedAt <= FIRST_REPLY_LIMIT_MS
      : now - receivedAt > FIRST_REPLY_LIMIT_MS
        ? false
        : null;
  const lastFinal = counting.filter((r) => r.kind === 'FINAL').at(-1);
  const satisfied = lastFinal?.satisfied ?? null;

  const resolvedStage = view.stage === 'RESOLVED' || view.stage === 'REPLYING' || view.stage === 'CLOSED';
  const resolution = view.resolution && resolvedStage ? view.resolution : undefined;
  const resolvedAt = resolution ? ms(resolution.at) : undefined;
  const timeToResolveMs = resolvedAt === undefined ? undefined : Math.max(0, resolvedAt - receivedAt);

  const levels = [...new Set(view.escalations.map((e) => e.level))].sort((a, b) => a - b);
  const escalationMaxLevel = Math.max(view.escalationLevel, ...levels, 0);

  const transferred = view.triage?.decision === 'TRANSFER' ? view.triage.department : undefined;
  const transfers = [
    ...new Set([...(transferred ? [transferred] : []), ...view.verifications.map((v) => v.department)]),
  ];
  const transferredAt = transferred && view.triage ? ms(view.triage.at) : undefined;
  const verification = view.verifications.find((v) => v.department === transferred) ?? view.verifications[0];
  const verifiedAt = verification ? ms(verification.at) : undefined;
  const verificationMs =
    verifiedAt !== undefined && transferredAt !== undefined
      ? Math.max(0, verifiedAt - transferredAt)
      : undefined;

  const links = view as ComplaintView & OptionalLinks;
  const repeat = typeof links.repeatOf === 'string' || (links.repeatOf?.length ?? 0) > 0;
  // The mass incident the workflow linked it to (R8.4). Read from fields the view never had before
  // (issue 24): every complaint counted as not linked, and the reports' incident figures were 0.
  const massIncidentId = view.incident?.incidentId;

  const rootCause = resolution ? textKey(resolution.rootCause) : undefined;
  const measures = resolution ? textKey(resolution.actions) : undefined;
  const closed = view.stage === 'CLOSED';
  const topic = `${input.category}|${input.location.region}`;

  const counts: Partial<Record<Metric, number>> = {
    replied: bit(counting.length > 0),
    closed: bit(closed),
    resolved: bit(resolution !== undefined),
    frOnTime: bit(firstReplyWithin48h === true),
    frLate: bit(firstReplyWithin48h === false),
    frPending: bit(firstReplyWithin48h === null),
    satisfied: bit(satisfied === true),
    unsatisfied: bit(satisfied === false),
    repeat: bit(repeat),
    escalated: bit(view.escalations.length > 0 || view.escalationLevel > 0),
    escalations: view.escalations.length,
    reopened: bit(view.rounds > 1),
    breached: bit(view.slaBreached),
    hot: bit(view.hot),
    hotClosed: bit(view.hot && closed),
    major: bit(view.major !== undefined),
    transferred: bit(transferred !== undefined),
    verified: bit(verificationMs !== undefined),
    mass: bit(massIncidentId !== undefined),
    // The care callback (R6.1) made, unanswered by calls and SMS so handed to a person, and that
    // person's record (R6.3): handed over minus recorded is what still waits on the worklist.
    careCalled: bit(view.careCallback?.answer !== undefined),
    careUnanswered: bit(view.careCallback?.toPersonAt !== undefined),
    careByPerson: bit(view.careCallback?.byPerson !== undefined),
  };
  const reportTags = [
    'all',
    ...figureTags('all', TAG_METRICS.all, counts),
    `day:${dayKey}`,
    ...figureTags(`day:${dayKey}`, TAG_METRICS.day, counts),
    `ch:${input.channel}`,
    `cat:${input.category}`,
    `reg:${input.location.region}`,
    `vip:${input.customer.vipLevel}`,
    `topic:${topic}`,
    ...figureTags(`topic:${topic}`, TAG_METRICS.topic, counts),
    `rounds:${view.rounds}`,
    ...view.clocks.map((c) => `clk:${c.name}:${c.state}`),
    ...levels.map((l) => `esc:${l}`),
    ...transfers.flatMap((d) => [
      `dept:${d}`,
      ...(d === transferred ? figureTags(`dept:${d}`, TAG_METRICS.dept, counts) : []),
    ]),
    ...(rootCause ? [`cause:${topic}|${rootCause}`] : []),
    ...(measures ? [`measure:${topic}|${measures}`] : []),
    ...(massIncidentId ? [`mass:${massIncidentId}`] : []),
  ];

  const date = (t: number | undefined) => (t === undefined ? null : new Date(t));
  return {
    firstReplyAt: date(firstReplyAt),
    firstReplyWithin48h,
    replied: counting.length > 0,
    resolvedAt: date(resolvedAt),
    timeToResolveMs: timeToResolveMs ?? null,
    satisfied,
    escalations: view.escalations.length,
    escalationMaxLevel,
    transfers,
    transferredAt: date(transferredAt),
    verifiedAt: date(verifiedAt),
    verificationMs: verificationMs ?? null,
    repeat,
    massIncidentId: massIncidentId ?? null,
    rootCause: rootCause ?? null,
    measures: measures ?? null,
    reportTags,
  };
}

/** The mongoose schema paths of the report fields (added to the complaint summary schema). */
export const REPORT_FIELD_PATHS = {
  firstReplyAt: Date,
  firstReplyWithin48h: Boolean,
  replied: Boolean,
  resolvedAt: Date,
  timeToResolveMs: Number,
  satisfied: Boolean,
  escalations: Number,
  escalationMaxLevel: Number,
  transfers: [String],
  transferredAt: Date,
  verifiedAt: Date,
  verificationMs: Number,
  repeat: Boolean,
  massIncidentId: String,
  rootCause: String,
  measures: String,
  reportTags: [String],
} as const;
