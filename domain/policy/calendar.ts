// Calendars for SLA clocks: 24×7, or business hours with holidays, in a fixed UTC offset
// (Asia/Shanghai has no daylight saving). Pure and deterministic.

export interface BusinessCalendar {
  kind: 'business';
  /** Working days, 1 = Monday … 7 = Sunday. */
  days: number[];
  /** Working hours, local time 'HH:MM'. */
  from: string;
  to: string;
  /** Offset of local time from UTC in minutes (Asia/Shanghai: 480). */
  utcOffsetMinutes: number;
  /** Local dates 'YYYY-MM-DD' that are not working days. */
  holidays: string[];
  /** Local dates that are working days although their weekday is not (调休 make-up days). */
  workdays?: string[];
}

export type Calendar = { kind: '24x7' } | BusinessCalendar;

const DAY = 86_400_000;

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

function localDate(localMs: number): string {
  return new Date(localMs).toISOString().slice(0, 10);
}

function isWorkingDay(cal: BusinessCalendar, localDayStart: number): boolean {
  const date = localDate(localDayStart);
  if (cal.workdays?.includes(date)) return true;
  if (cal.holidays.includes(date)) return false;
  const weekday = ((new Date(localDayStart).getUTCDay() + 6) % 7) + 1;
  return cal.days.includes(weekday);
}

/** The working window [start, end) of the local day containing `localMs`, or undefined. */
function windowOf(cal: BusinessCalendar, localDayStart: number): [number, number] | undefined {
  if (!isWorkingDay(cal, localDayStart)) return undefined;
  return [localDayStart + minutes(cal.from) * 60_000, localDayStart + minutes(cal.to) * 60_000];
}

/** Working time between two instants (ms since epoch, a ≤ b). */
export function workingMs(cal: Calendar, a: number, b: number): number {
  if (b <= a) return 0;
  if (cal.kind === '24x7') return b - a;
  const off = cal.utcOffsetMinutes * 60_000;
  let total = 0;
  for (let day = Math.floor((a + off) / DAY) * DAY; day < b + off; day += DAY) {
    const w = windowOf(cal, day);
    if (!w) continue;
    const from = Math.max(w[0], a + off);
    const to = Math.min(w[1], b + off);
    if (to > from) total += to - from;
  }
  return total;
}

/** The instant at which `ms` of working time has passed after `start`. */
export function addWorkingMs(cal: Calendar, start: number, ms: number): number {
  if (cal.kind === '24x7') return start + ms;
  if (ms <= 0) return start;
  const off = cal.utcOffsetMinutes * 60_000;
  let left = ms;
  // Bounded walk: at most ten years of days.
  for (let day = Math.floor((start + off) / DAY) * DAY, i = 0; i < 3660; day += DAY, i++) {
    const w = windowOf(cal, day);
    if (!w) continue;
    const from = Math.max(w[0], start + off);
    if (w[1] <= from) continue;
    if (w[1] - from >= left) return from + left - off;
    left -= w[1] - from;
  }
  throw new Error('calendar has no working time in ten years');
}
