// Quiet hours (R4.4): the customer is called only inside the allowed hours of their own time zone,
// or inside the appointment agreed with them. Pure code: no Temporal imports, safe for workflows.
//
// Time-zone offsets come from Intl.DateTimeFormat (ICU in Node and in the workflow sandbox alike);
// no tz library. Asia/Shanghai has had a fixed +08:00 offset since 1991, and fixed offsets are what
// replay needs: see docs/decisions.md ("Quiet hours in the workflow").
import { WEEKDAYS, type Weekday } from '../complaint-input';
import { frozen } from './frozen';

export interface HoursWindow {
  /** Local wall-clock time 'HH:MM' (00:00–23:59) at which calls may start. */
  from: string;
  /** Local wall-clock time 'HH:MM' at which the window ends (exclusive). Before `from` = crosses midnight. */
  to: string;
  /** The local weekdays on which the window opens (a customer's own window, R4.8); absent = every day. */
  days?: readonly Weekday[];
}

export interface Appointment {
  /** ISO 8601 instants with an offset, e.g. 2026-11-28T10:00:00+08:00. */
  from: string;
  to: string;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const MINUTE = 60_000;
const DAY = 86_400_000;

/** Minutes after local midnight of 'HH:MM'; throws on anything else. */
export function parseHhMm(text: string): number {
  const m = HHMM.exec(text);
  if (!m) throw new Error(`invalid time of day "${text}" (use HH:MM, 00:00 to 23:59)`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function isHhMm(text: string): boolean {
  return HHMM.test(text);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError for an unknown zone: better at the start than at the first call.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when Intl knows the IANA time zone (e.g. Asia/Shanghai). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Offset of the zone from UTC at the instant, in minutes (Asia/Shanghai: +480). */
export function zoneOffsetMinutes(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  const wholeSeconds = Math.floor(instant / 1000) * 1000;
  return Math.round((asUtc - wholeSeconds) / MINUTE);
}

/** The UTC instant of a local wall-clock time (ms since the epoch as if the wall clock were UTC). */
function wallToInstant(wallMs: number, timeZone: string): number {
  // Two passes settle the offset across a DST change; a wall time that does not exist (spring
  // forward) lands just after the gap, which is what a caller waiting for the window wants.
  let guess = wallMs - zoneOffsetMinutes(wallMs, timeZone) * MINUTE;
  guess = wallMs - zoneOffsetMinutes(guess, timeZone) * MINUTE;
  return guess;
}

/** Minutes after local midnight at the instant, and the local midnight as a wall-clock ms value. */
function localClock(instant: number, timeZone: string): { minuteOfDay: number; midnightWall: number } {
  const wall = instant + zoneOffsetMinutes(instant, timeZone) * MINUTE;
  const midnightWall = Math.floor(wall / DAY) * DAY;
  return { minuteOfDay: Math.floor((wall - midnightWall) / MINUTE), midnightWall };
}

/** The local weekday of a wall-clock midnight (ms as if the wall clock were UTC). */
function weekdayOf(midnightWall: number): Weekday {
  return WEEKDAYS[(new Date(midnightWall).getUTCDay() + 6) % 7]!;
}

/** The window's length in minutes: from = to is the whole day; `to` before `from` crosses midnight. */
function windowMinutes(from: number, to: number): number {
  return from === to ? 24 * 60 : (to - from + 24 * 60) % (24 * 60);
}

/** True when the window with weekdays holds the instant: it opened today or yesterday on an allowed day. */
function isInsideDays(
  instant: number,
  timeZone: string,
  hours: HoursWindow,
  days: readonly Weekday[],
): boolean {
  const from = parseHhMm(hours.from);
  const length = windowMinutes(from, parseHhMm(hours.to));
  const { minuteOfDay, midnightWall } = localClock(instant, timeZone);
  return [0, -1].some((k) => {
    const start = k * 24 * 60 + from;
    return (
      minuteOfDay >= start && minuteOfDay < start + length && days.includes(weekdayOf(midnightWall + k * DAY))
    );
  });
}

/** True when the local time of day at the instant is inside the window (`from` inclusive, `to` exclusive). */
export function isInsideHours(instant: number, timeZone: string, hours: HoursWindow): boolean {
  if (hours.days) return isInsideDays(instant, timeZone, hours, hours.days);
  const from = parseHhMm(hours.from);
  const to = parseHhMm(hours.to);
  if (from === to) return true; // the whole day
  const { minuteOfDay } = localClock(instant, timeZone);
  return from < to ? minuteOfDay >= from && minuteOfDay < to : minuteOfDay >= from || minuteOfDay < to;
}

/** The earliest instant at or after `now` inside the allowed hours. */
export function nextInsideHours(now: number, timeZone: string, hours: HoursWindow): number {
  if (isInsideHours(now, timeZone, hours)) return now;
  const from = parseHhMm(hours.from);
  const { minuteOfDay, midnightWall } = localClock(now, timeZone);
  if (hours.days) {
    // The next opening on an allowed weekday (at most a week ahead; no days at all = never, refused
    // by checkContactWindow).
    for (let k = 0; k <= 7; k += 1) {
      const dayWall = midnightWall + k * DAY;
      if (!hours.days.includes(weekdayOf(dayWall))) continue;
      const at = wallToInstant(dayWall + from * MINUTE, timeZone);
      if (at > now) return at;
    }
    return now;
  }
  // Outside the window the next opening is today's `from` if still ahead, else tomorrow's.
  const dayWall = minuteOfDay < from ? midnightWall : midnightWall + DAY;
  return wallToInstant(dayWall + from * MINUTE, timeZone);
}

/**
 * The earliest instant at or after `now` at which the customer may be called (R4.4):
 * - inside the agreed appointment, when one was agreed and it has not passed (now, or its start);
 * - otherwise inside the allowed hours of the customer's time zone (windows may cross midnight,
 *   e.g. 22:00–02:00; from = to means the whole day).
 * An appointment that has passed falls back to the allowed hours.
 */
export function nextAllowedInstant(
  now: number,
  timeZone: string,
  allowedHours: HoursWindow,
  appointment?: Appointment,
): number {
  if (appointment) {
    const start = Date.parse(appointment.from);
    const end = Date.parse(appointment.to);
    if (Number.isNaN(start) || Number.isNaN(end) || end <= start) {
      throw new Error(`invalid appointment ${appointment.from} – ${appointment.to}`);
    }
    if (now < end) return Math.max(now, start);
  }
  return nextInsideHours(now, timeZone, allowedHours);
}

/** Problems with a window, time zone or appointment, as messages naming the field ([] = fine). */
export function checkContactWindow(
  timeZone: string,
  allowedHours: HoursWindow,
  appointment?: Appointment,
): string[] {
  const problems: string[] = [];
  if (!isTimeZone(timeZone)) problems.push(`timeZone: unknown time zone "${timeZone}"`);
  if (!isHhMm(allowedHours.from)) problems.push(`allowedHours.from: "${allowedHours.from}" is not HH:MM`);
  if (!isHhMm(allowedHours.to)) problems.push(`allowedHours.to: "${allowedHours.to}" is not HH:MM`);
  if (allowedHours.days !== undefined) {
    if (allowedHours.days.length === 0) problems.push('allowedHours.days: name at least one day');
    const unknown = allowedHours.days.filter((d) => !WEEKDAYS.includes(d));
    if (unknown.length)
      problems.push(`allowedHours.days: unknown ${unknown.join(', ')} (use ${WEEKDAYS.join(', ')})`);
  }
  if (appointment) {
    const start = Date.parse(appointment.from);
    const end = Date.parse(appointment.to);
    if (Number.isNaN(start)) problems.push(`appointment.from: "${appointment.from}" is not an ISO instant`);
    if (Number.isNaN(end)) problems.push(`appointment.to: "${appointment.to}" is not an ISO instant`);
    if (!Number.isNaN(start) && !Number.isNaN(end) && end <= start)
      problems.push('appointment: "to" must be after "from"');
  }
  return problems;
}

/** E-mail templates that go at once whatever the hour: a missed limit and an escalation (R5.6). */
export const URGENT_STAFF_TEMPLATES: readonly string[] = frozen(['clockBreached', 'escalation']);

/**
 * When a staff e-mail may go (issue 3: non-urgent notifications respect quiet hours, urgent ones do
 * not): undefined = now; otherwise the instant the quiet hours end. `quiet` is the quiet window
 * itself (e.g. 22:00–07:30, crossing midnight), in the staff's time zone.
 */
export function staffMailDeferredUntil(
  now: number,
  quiet: (HoursWindow & { timeZone: string }) | undefined,
  urgent: boolean,
): number | undefined {
  if (!quiet || urgent || quiet.from === quiet.to) return undefined;
  if (!isInsideHours(now, quiet.timeZone, quiet)) return undefined;
  // The first instant of the complementary window (quiet.to … quiet.from) is when the quiet ends.
  return nextInsideHours(now, quiet.timeZone, { from: quiet.to, to: quiet.from });
}
