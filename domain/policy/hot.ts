// Hot and difficult complaints (热点、难点, R4.7) tracked until solved, as policy data and pure
// functions: why a complaint is hot, how its open clocks tighten when it becomes hot (never
// lengthened), the limit within which a hot complaint must be solved before it escalates, what the
// hot list shows and what the daily digest to the interface person says. Safe for workflows.
import { isDuration, parseDuration } from './durations';
import { levelOf, nextLevel } from './escalation';
import { frozen } from './frozen';
import { isHhMm, isTimeZone } from './quiet-hours';

export interface HotPolicy {
  /**
   * When a complaint becomes hot, each open clock keeps this fraction of the time it has left
   * (0 < factor ≤ 1; 1 = no tightening by factor), e.g. 0.5 halves it.
   */
  tightenFactor: number;
  /**
   * And at most this much time left per clock kind (acceptance, firstReply, handling, verification,
   * or another clock's name before ':'), e.g. { handling: "24h" }. A clock with less left keeps it.
   */
  tightenLimits?: Record<string, string>;
  /** A hot complaint not RESOLVED within this time of becoming hot escalates, and again each period. */
  solveWithin: string;
  /** When the daily digest of the hot list goes to the interface person(s). */
  digest: { at: string; timeZone: string };
}

/**
 * The default tracks and escalates but does not tighten: any escalation makes a complaint hot, and a
 * clock breach already escalates, so tightening the other clocks by default would turn one late
 * triage into a cascade of breaches. An operator sets tightenFactor / tightenLimits in the policy
 * set (e.g. 0.5 with handling 24h), as HOT_TIGHTENING_EXAMPLE.
 */
export const DEFAULT_HOT_POLICY: HotPolicy = frozen({
  tightenFactor: 1,
  solveWithin: '72h',
  digest: { at: '08:30', timeZone: 'Asia/Shanghai' },
});

/** A tightening hot policy: half the time left, handling at most 24 h, a department's answer 8 h. */
export const HOT_TIGHTENING_EXAMPLE: HotPolicy = frozen({
  ...DEFAULT_HOT_POLICY,
  tightenFactor: 0.5,
  tightenLimits: { handling: '24h', verification: '8h' },
});

/** The hot policy of a complaint's snapshot, durations in ms. */
export interface ResolvedHotPolicy {
  tightenFactor: number;
  tightenLimitsMs: Record<string, number>;
  solveWithinMs: number;
}

export function resolveHotPolicy(p: HotPolicy = DEFAULT_HOT_POLICY): ResolvedHotPolicy {
  return {
    tightenFactor: p.tightenFactor,
    tightenLimitsMs: Object.fromEntries(
      Object.entries(p.tightenLimits ?? {}).map(([k, v]) => [k, parseDuration(v)]),
    ),
    solveWithinMs: parseDuration(p.solveWithin),
  };
}

/** Problems with a hot policy, as messages naming the field ([] = fine). */
export function checkHotPolicy(p: HotPolicy): string[] {
  const problems: string[] = [];
  if (typeof p.tightenFactor !== 'number' || !(p.tightenFactor > 0 && p.tightenFactor <= 1))
    problems.push('tightenFactor: a fraction above 0 and at most 1 (a hot clock is never lengthened)');
  for (const [k, v] of Object.entries(p.tightenLimits ?? {})) {
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,39}$/.test(k)) problems.push(`tightenLimits.${k}: not a clock kind`);
    if (typeof v !== 'string' || !isDuration(v) || parseDuration(v) <= 0)
      problems.push(`tightenLimits.${k}: "${String(v)}" is not a positive duration such as 24h`);
  }
  if (typeof p.solveWithin !== 'string' || !isDuration(p.solveWithin) || parseDuration(p.solveWithin) <= 0)
    problems.push(`solveWithin: "${String(p.solveWithin)}" is not a positive duration such as 72h`);
  if (!p.digest || !isHhMm(p.digest.at)) problems.push('digest.at: a local time HH:MM');
  if (!p.digest || !isTimeZone(p.digest.timeZone))
    problems.push(`digest.timeZone: unknown time zone "${String(p.digest?.timeZone)}"`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Why a complaint is hot

export const HOT_REASONS = frozen(['ROUNDS', 'ESCALATED', 'MAJOR', 'REPEAT'] as const);
export type HotReason = (typeof HOT_REASONS)[number];

export interface HotFacts {
  rounds: number;
  escalationLevel: number;
  major: boolean;
  repeat: boolean;
}

/** Why a complaint is hot (empty: it is not); the same rule as lifecycle.isHot. */
export function hotReasons(f: HotFacts): HotReason[] {
  const reasons: HotReason[] = [];
  if (f.rounds >= 2) reasons.push('ROUNDS');
  if (f.escalationLevel > 0) reasons.push('ESCALATED');
  if (f.major) reasons.push('MAJOR');
  if (f.repeat) reasons.push('REPEAT');
  return reasons;
}

export const HOT_REASON_TEXT: Record<HotReason, { en: string; zh: string }> = frozen({
  ROUNDS: { en: 'reopened (two or more rounds)', zh: '多轮处理' },
  ESCALATED: { en: 'escalated', zh: '已升级' },
  MAJOR: { en: 'major complaint', zh: '重大投诉' },
  REPEAT: { en: 'repeat complaint', zh: '重复投诉' },
});

export function hotFactsOfView(v: {
  rounds: number;
  escalationLevel: number;
  major?: unknown;
  repeatOf?: unknown[];
}): HotFacts {
  return {
    rounds: v.rounds,
    escalationLevel: v.escalationLevel,
    major: v.major !== undefined,
    repeat: (v.repeatOf?.length ?? 0) > 0,
  };
}

/** A hot complaint is solved once it is RESOLVED (or later: replying, closed). */
export const SOLVED_STAGES: readonly string[] = frozen(['RESOLVED', 'REPLYING', 'CLOSED']);

// ---------------------------------------------------------------------------------------------
// Tightening the open clocks

/** What tightening needs of a clock: its budget, extensions and working time consumed now. */
export interface ClockBudget {
  name: string;
  budgetMs: number;
  /** Time people added by extensions. */
  extendedMs: number;
  consumedMs: number;
}

export interface ClockTightening {
  clock: string;
  remainingBeforeMs: number;
  remainingAfterMs: number;
  /** The clock's new budget (extensions stay as they were). */
  budgetMs: number;
}

/** The clock kind a limit is keyed by: the name before ':' (verification:network → verification). */
export function clockKind(name: string): string {
  return name.split(':')[0]!;
}

/**
 * The clocks that tighten and their new budgets: each keeps `factor` of the time it has left, and
 * at most its kind's limit. A clock already out of time, or one the rule would not shorten, is left
 * alone: tightening never lengthens a clock, and never takes time already consumed.
 */
export function tightenClocks(clocks: ClockBudget[], p: ResolvedHotPolicy): ClockTightening[] {
  const out: ClockTightening[] = [];
  for (const c of clocks) {
    const remaining = c.budgetMs + c.extendedMs - c.consumedMs;
    if (remaining <= 0) continue;
    const limit = p.tightenLimitsMs[clockKind(c.name)] ?? Number.POSITIVE_INFINITY;
    const after = Math.round(Math.min(remaining * p.tightenFactor, limit));
    if (after >= remaining) continue;
    const budgetMs = Math.max(0, c.consumedMs + after - c.extendedMs);
    out.push({ clock: c.name, remainingBeforeMs: remaining, remainingAfterMs: after, budgetMs });
  }
  return out;
}

/**
 * The level a hot complaint left unsolved escalates to: one above the current, and at least the
 * interface person's rung, who tracks the hot list (R4.7).
 */
export function levelForHotUnsolved(ladder: { level: number; role: string }[], current: number): number {
  const next = nextLevel(ladder, current);
  const iface = ladder.find((l) => l.role === 'interface')?.level;
  return iface === undefined ? next : levelOf(ladder, Math.max(next, iface)).level;
}

// ---------------------------------------------------------------------------------------------
// The hot list and the digest

/** The hot tracking of a complaint, kept in its view (R4.7). */
export interface HotTrack {
  /** When the complaint became hot. */
  since: string;
  reasons: HotReason[];
  /** since + solveWithin: RESOLVED by then, or it escalates. */
  solveBy: string;
  solveWithinMs: number;
  tightened: { clock: string; remainingBeforeMs: number; remainingAfterMs: number }[];
  /** Escalations because it stayed unsolved. */
  escalations: number;
  solvedAt?: string;
}

export interface OverdueClock {
  name: string;
  dueAt?: string;
  overdueMs: number;
}

/** What the hot list reads of a projected clock (domain/policy/clocks.ts ClockView). */
export interface HotClockView {
  name: string;
  state: string;
  remainingMs: number;
  dueAt?: string;
  stoppedAt?: string;
}

/** The complaint's clocks past their deadline at `now` (as projected; a running clock's due time decides). */
export function overdueClocks(clocks: HotClockView[], now: number): OverdueClock[] {
  const out: OverdueClock[] = [];
  for (const c of clocks) {
    if (c.stoppedAt !== undefined) continue;
    const due = c.dueAt ? Date.parse(c.dueAt) : undefined;
    if (due !== undefined && due <= now) out.push({ name: c.name, dueAt: c.dueAt, overdueMs: now - due });
    else if (due === undefined && (c.state === 'breached' || c.remainingMs < 0))
      out.push({ name: c.name, overdueMs: -c.remainingMs });
  }
  return out;
}

export interface HotListItem {
  ticketId: string;
  stage: string;
  category: string;
  region: string;
  vipLevel: number;
  assignee?: string;
  escalationLevel: number;
  rounds: number;
  reasons: HotReason[];
  /** Absent for complaints that became hot before hot tracking (R4.7) was released. */
  hotSince?: string;
  solveBy?: string;
  /** Time left to solveBy (negative: past it). */
  solveLeftMs?: number;
  solveOverdue: boolean;
  solvedAt?: string;
  overdueClocks: OverdueClock[];
  /** Escalations because it stayed unsolved past solveWithin. */
  unsolvedEscalations: number;
}

/** What the hot list reads of a complaint's view (ComplaintView has every field). */
export interface HotView {
  ticketId: string;
  stage: string;
  input: { category: string; location: { region: string }; customer: { vipLevel: number } };
  assignee?: string;
  escalationLevel: number;
  rounds: number;
  major?: unknown;
  repeatOf?: unknown[];
  clocks: HotClockView[];
  hotTrack?: HotTrack;
  escalations: { level: number; reason: string; at: string }[];
}

/** One line of the hot list (GET /v1/hot-complaints) from a complaint's view. */
export function hotListItem(v: HotView, now: number): HotListItem {
  const track = v.hotTrack;
  const solved = SOLVED_STAGES.includes(v.stage);
  const solveLeftMs = track ? Date.parse(track.solveBy) - now : undefined;
  return {
    ticketId: v.ticketId,
    stage: v.stage,
    category: v.input.category,
    region: v.input.location.region,
    vipLevel: v.input.customer.vipLevel,
    ...(v.assignee ? { assignee: v.assignee } : {}),
    escalationLevel: v.escalationLevel,
    rounds: v.rounds,
    reasons: track?.reasons ?? hotReasons(hotFactsOfView(v)),
    ...(track ? { hotSince: track.since, solveBy: track.solveBy, solveLeftMs } : {}),
    solveOverdue: !solved && solveLeftMs !== undefined && solveLeftMs < 0,
    ...(track?.solvedAt ? { solvedAt: track.solvedAt } : {}),
    overdueClocks: overdueClocks(v.clocks, now),
    unsolvedEscalations: track?.escalations ?? 0,
  };
}

/** Open first by the nearest solve-by (past ones first), then those without one. */
export function sortHotList(items: HotListItem[]): HotListItem[] {
  const key = (i: HotListItem) => i.solveLeftMs ?? Number.POSITIVE_INFINITY;
  return [...items].sort((a, b) => key(a) - key(b) || a.ticketId.localeCompare(b.ticketId));
}

export interface HotDigest {
  at: string;
  windowStart: string;
  /** Open hot complaints (not closed). */
  open: HotListItem[];
  /** Became hot in the window. */
  newHot: HotListItem[];
  /** Solved (RESOLVED or later) in the window. */
  solved: HotListItem[];
  /** Escalated in the window, with those escalations. */
  escalated: { item: HotListItem; escalations: { level: number; reason: string; at: string }[] }[];
  /** Open and not solved, past solveBy or with a clock past its deadline. */
  overdue: HotListItem[];
}

/**
 * The daily digest (R4.7): what changed in the window before `now` (new hot, solved, escalated)
 * and what is overdue, from the views of the hot complaints (open ones and those closed lately).
 */
export function hotDigest(views: HotView[], now: number, windowMs: number): HotDigest {
  const start = now - windowMs;
  const inWindow = (iso: string | undefined) =>
    iso !== undefined && Date.parse(iso) > start && Date.parse(iso) <= now;
  const all = views.map((v) => ({ v, item: hotListItem(v, now) }));
  const open = sortHotList(all.filter(({ v }) => v.stage !== 'CLOSED').map(({ item }) => item));
  const solvedAt = (v: HotView) => v.hotTrack?.solvedAt;
  return {
    at: new Date(now).toISOString(),
    windowStart: new Date(start).toISOString(),
    open,
    newHot: all.filter(({ v }) => inWindow(v.hotTrack?.since)).map(({ item }) => item),
    solved: all.filter(({ v }) => inWindow(solvedAt(v))).map(({ item }) => item),
    escalated: all
      .map(({ v, item }) => ({
        item,
        escalations: v.escalations
          .filter((e) => inWindow(e.at))
          .map((e) => ({ level: e.level, reason: e.reason, at: e.at })),
      }))
      .filter((e) => e.escalations.length > 0),
    overdue: open.filter(
      (i) => !SOLVED_STAGES.includes(i.stage) && (i.solveOverdue || i.overdueClocks.length > 0),
    ),
  };
}
