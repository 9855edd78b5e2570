// SLA clocks as data: each clock is a list of running segments with a working-time budget.
// Pausing closes a segment, resuming opens one, an extension adds to the budget, a policy change
// replaces the budget — consumed time and paused time are kept (R4.1, R4.2, R2.2, R5.6).
import { addWorkingMs, workingMs, type Calendar } from './calendar';

export type ClockState = 'running' | 'paused' | 'met' | 'metLate' | 'breached';

export interface Clock {
  name: string;
  calendar: string;
  budgetMs: number;
  warnAt: number[];
  segments: { from: number; to?: number }[];
  pauses: { from: number; to?: number; reason: string; by: string }[];
  extensions: { at: number; ms: number; reason: string; by: string }[];
  stoppedAt?: number;
  warningsSent: number;
  breachHandled: boolean;
  /** Bumped on every change that moves the deadline; timers waiting on the old one wake up. */
  rev: number;
}

export interface ClockView {
  name: string;
  state: ClockState;
  calendar: string;
  startedAt: string;
  targetMs: number;
  extendedMs: number;
  elapsedMs: number;
  pausedMs: number;
  remainingMs: number;
  dueAt?: string;
  stoppedAt?: string;
  pauses: { from: string; to?: string; reason: string; by: string }[];
  extensions: { at: string; ms: number; reason: string; by: string }[];
}

export function startClock(
  name: string,
  at: number,
  budgetMs: number,
  warnAt: number[],
  calendar = '24x7',
): Clock {
  return {
    name,
    calendar,
    budgetMs,
    warnAt: [...new Set(warnAt)].sort((a, b) => a - b),
    segments: [{ from: at }],
    pauses: [],
    extensions: [],
    warningsSent: 0,
    breachHandled: false,
    rev: 0,
  };
}

export const isRunning = (c: Clock) => c.stoppedAt === undefined && c.segments.at(-1)?.to === undefined;
export const isPaused = (c: Clock) => c.stoppedAt === undefined && c.segments.at(-1)?.to !== undefined;

export function totalBudget(c: Clock): number {
  return c.budgetMs + c.extensions.reduce((s, e) => s + e.ms, 0);
}

export function consumed(c: Clock, cal: Calendar, now: number): number {
  const end = c.stoppedAt ?? now;
  return c.segments.reduce((s, seg) => s + workingMs(cal, seg.from, Math.min(seg.to ?? end, end)), 0);
}

/** When the budget runs out if the clock keeps running; undefined while paused or stopped. */
export function dueAt(c: Clock, cal: Calendar): number | undefined {
  if (!isRunning(c)) return undefined;
  const current = c.segments.at(-1)!;
  const before = c.segments.slice(0, -1).reduce((s, seg) => s + workingMs(cal, seg.from, seg.to!), 0);
  return addWorkingMs(cal, current.from, totalBudget(c) - before);
}

/** The instant at which `fraction` of the budget is consumed, if the clock keeps running. */
function instantAt(c: Clock, cal: Calendar, fraction: number): number | undefined {
  if (!isRunning(c)) return undefined;
  const current = c.segments.at(-1)!;
  const before = c.segments.slice(0, -1).reduce((s, seg) => s + workingMs(cal, seg.from, seg.to!), 0);
  return addWorkingMs(cal, current.from, Math.max(totalBudget(c) * fraction - before, 0));
}

export function pauseClock(c: Clock, at: number, reason: string, by: string): string | undefined {
  if (c.stoppedAt !== undefined) return `clock ${c.name} has stopped`;
  if (isPaused(c)) return `clock ${c.name} is already paused`;
  c.segments.at(-1)!.to = at;
  c.pauses.push({ from: at, reason, by });
  c.rev += 1;
  return undefined;
}

export function resumeClock(c: Clock, at: number): string | undefined {
  if (!isPaused(c)) return `clock ${c.name} is not paused`;
  c.segments.push({ from: at });
  const pause = c.pauses.at(-1);
  if (pause) pause.to = at;
  c.rev += 1;
  return undefined;
}

export function extendClock(
  c: Clock,
  at: number,
  ms: number,
  reason: string,
  by: string,
): string | undefined {
  if (c.stoppedAt !== undefined) return `clock ${c.name} has stopped`;
  if (ms <= 0) return 'an extension must be positive';
  c.extensions.push({ at, ms, reason, by });
  // A moved deadline deserves a fresh warning and breach.
  c.breachHandled = false;
  c.rev += 1;
  return undefined;
}

/** A new policy replaces the budget; consumed and paused time stay as they were. */
export function retargetClock(c: Clock, budgetMs: number, warnAt: number[], calendar: string): void {
  c.budgetMs = budgetMs;
  c.warnAt = [...new Set(warnAt)].sort((a, b) => a - b);
  c.calendar = calendar;
  c.rev += 1;
}

export function stopClock(c: Clock, at: number): void {
  if (c.stoppedAt !== undefined) return;
  const last = c.segments.at(-1);
  if (last && last.to === undefined) last.to = at;
  const pause = c.pauses.at(-1);
  if (pause && pause.to === undefined) pause.to = at;
  c.stoppedAt = at;
  c.rev += 1;
}

export type ClockEvent = { kind: 'warn'; index: number; at: number } | { kind: 'breach'; at: number };

/** The next warning or breach still to fire, if the clock keeps running. */
export function nextClockEvent(c: Clock, cal: Calendar, now: number): ClockEvent | undefined {
  if (!isRunning(c)) return undefined;
  const budget = totalBudget(c);
  const used = consumed(c, cal, now);
  for (let i = c.warningsSent; i < c.warnAt.length; i++) {
    const f = c.warnAt[i]!;
    if (used < budget * f) return { kind: 'warn', index: i, at: instantAt(c, cal, f)! };
  }
  if (!c.breachHandled) return { kind: 'breach', at: dueAt(c, cal)! };
  return undefined;
}

export function clockState(c: Clock, cal: Calendar, now: number): ClockState {
  const used = consumed(c, cal, now);
  if (c.stoppedAt !== undefined) return used <= totalBudget(c) ? 'met' : 'metLate';
  if (used > totalBudget(c)) return 'breached';
  return isPaused(c) ? 'paused' : 'running';
}

export function viewClock(c: Clock, cal: Calendar, now: number): ClockView {
  const iso = (ms: number) => new Date(ms).toISOString();
  const end = c.stoppedAt ?? now;
  const pausedMs = c.pauses.reduce((s, p) => s + ((p.to ?? end) - p.from), 0);
  const used = consumed(c, cal, now);
  const due = dueAt(c, cal);
  return {
    name: c.name,
    state: clockState(c, cal, now),
    calendar: c.calendar,
    startedAt: iso(c.segments[0]!.from),
    targetMs: c.budgetMs,
    extendedMs: totalBudget(c) - c.budgetMs,
    elapsedMs: used,
    pausedMs,
    remainingMs: totalBudget(c) - used,
    dueAt: due === undefined ? undefined : iso(due),
    stoppedAt: c.stoppedAt === undefined ? undefined : iso(c.stoppedAt),
    pauses: c.pauses.map((p) => ({
      ...p,
      from: iso(p.from),
      to: p.to === undefined ? undefined : iso(p.to),
    })),
    extensions: c.extensions.map((e) => ({ ...e, at: iso(e.at) })),
  };
}
