// Report periods in a time zone (R9): ISO weeks (Monday to Sunday) and calendar months, their
// bounds as instants, their days, the previous period, and the last completed period at an
// instant. Pure; any IANA zone through Intl (Asia/Shanghai by default).
import { isTimeZone, zoneOffsetMinutes } from '../policy/quiet-hours';
import { PERIOD_PATTERN, type ReportKind } from './report';

export const DEFAULT_REPORT_TIMEZONE = 'Asia/Shanghai';
const DAY_MS = 86_400_000;

/** True when Intl knows the zone (one implementation of zone arithmetic: policy/quiet-hours). */
export { isTimeZone };

/** The zone's offset from UTC at an instant, in ms (Asia/Shanghai: +8 h). */
export function zoneOffsetMs(at: number, timeZone: string): number {
  return zoneOffsetMinutes(at, timeZone) * 60_000;
}

export interface LocalDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

/** The calendar date at an instant in the zone. */
export function localDate(at: number, timeZone: string): LocalDate {
  const local = new Date(at + zoneOffsetMs(at, timeZone));
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}

/** The instant a local calendar day starts in the zone (midnight, or the first instant after a gap). */
export function startOfDay(d: LocalDate, timeZone: string): number {
  const wall = Date.UTC(d.year, d.month - 1, d.day);
  const guess = wall - zoneOffsetMs(wall, timeZone);
  return wall - zoneOffsetMs(guess, timeZone);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function dayKeyOf(d: LocalDate): string {
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;
}

function addDays(d: LocalDate, n: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** ISO 8601 week of a calendar date: the week's Thursday decides the year. */
export function isoWeek(d: LocalDate): { year: number; week: number } {
  const t = Date.UTC(d.year, d.month - 1, d.day);
  const weekday = (new Date(t).getUTCDay() + 6) % 7; // Monday = 0
  const thursday = new Date(t + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS));
  return { year, week };
}

/** Monday of ISO week 1 of a year. */
function isoWeekOneMonday(year: number): LocalDate {
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7;
  return addDays({ year, month: 1, day: 4 }, -weekday);
}

function weeksInIsoYear(year: number): number {
  return isoWeek({ year, month: 12, day: 28 }).week;
}

/** Day, ISO-week and month keys of an instant in the zone (what the read model stores). */
export function keysAt(at: number, timeZone: string): { dayKey: string; weekKey: string; monthKey: string } {
  const d = localDate(at, timeZone);
  const w = isoWeek(d);
  return {
    dayKey: dayKeyOf(d),
    weekKey: `${pad(w.year, 4)}-W${pad(w.week)}`,
    monthKey: `${pad(d.year, 4)}-${pad(d.month)}`,
  };
}

/** Why a period string is not valid for the kind, or undefined. */
export function periodProblem(kind: ReportKind, period: string): string | undefined {
  const m = PERIOD_PATTERN[kind].exec(period);
  if (!m) return kind === 'weekly' ? 'a week is written 2026-W48' : 'a month is written 2026-11';
  const year = Number(m[1]);
  const n = Number(m[2]);
  if (year < 2000 || year > 2999) return 'the year must be between 2000 and 2999';
  if (kind === 'weekly' && (n < 1 || n > weeksInIsoYear(year)))
    return `${year} has ISO weeks 1 to ${weeksInIsoYear(year)}`;
  if (kind === 'monthly' && (n < 1 || n > 12)) return 'the month must be 01 to 12';
  return undefined;
}

export interface PeriodBounds {
  /** First instant of the period. */
  from: number;
  /** First instant after the period. */
  to: number;
  /** Its calendar days, in order (dayKey). */
  days: string[];
}

function firstDay(kind: ReportKind, period: string): LocalDate {
  const problem = periodProblem(kind, period);
  if (problem) throw new RangeError(`${kind} period ${period}: ${problem}`);
  const m = PERIOD_PATTERN[kind].exec(period)!;
  const year = Number(m[1]);
  const n = Number(m[2]);
  return kind === 'weekly' ? addDays(isoWeekOneMonday(year), (n - 1) * 7) : { year, month: n, day: 1 };
}

function dayCount(kind: ReportKind, first: LocalDate): number {
  if (kind === 'weekly') return 7;
  return new Date(Date.UTC(first.year, first.month, 0)).getUTCDate();
}

export function periodBounds(kind: ReportKind, period: string, timeZone: string): PeriodBounds {
  const first = firstDay(kind, period);
  const n = dayCount(kind, first);
  const days = Array.from({ length: n }, (_, i) => dayKeyOf(addDays(first, i)));
  return { from: startOfDay(first, timeZone), to: startOfDay(addDays(first, n), timeZone), days };
}

/** The period `n` periods after (negative: before) the given one. */
export function shiftPeriod(kind: ReportKind, period: string, n: number): string {
  const first = firstDay(kind, period);
  if (kind === 'weekly') {
    const w = isoWeek(addDays(first, 7 * n));
    return `${pad(w.year, 4)}-W${pad(w.week)}`;
  }
  const index = first.year * 12 + (first.month - 1) + n;
  return `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1)}`;
}

/** The period that contains an instant. */
export function periodAt(kind: ReportKind, at: number, timeZone: string): string {
  const keys = keysAt(at, timeZone);
  return kind === 'weekly' ? keys.weekKey : keys.monthKey;
}

/** The last period that has ended at an instant (what a Monday or first-of-month run reports). */
export function lastCompletedPeriod(kind: ReportKind, at: number, timeZone: string): string {
  return shiftPeriod(kind, periodAt(kind, at, timeZone), -1);
}

/** The ISO week (`2026-W48`) a calendar day (`2026-11-23`) belongs to. */
export function weekOfDay(dayKey: string): string {
  const [y, m, d] = dayKey.split('-').map(Number) as [number, number, number];
  const w = isoWeek({ year: y, month: m, day: d });
  return `${pad(w.year, 4)}-W${pad(w.week)}`;
}

/** The instant the day after `dayKey` starts in the zone. */
export function endOfDay(dayKey: string, timeZone: string): number {
  const [y, m, d] = dayKey.split('-').map(Number) as [number, number, number];
  return startOfDay(addDays({ year: y, month: m, day: d }, 1), timeZone);
}
