// The customer's own contact window and agreed appointment (R4.8, "在客户方便时间、协商好具体时间"):
// taken at intake or later by a handler's action, honoured by every call and SMS to the customer
// (reply, care callback, on-site booking, notices). Pure code over plain data, bundled into the
// workflows: the checks behind the intake schema and the update validator, what the contact
// workflow is given, and when the next call or SMS may go.
import {
  WEEKDAYS,
  type AgreedAppointment,
  type ContactWindow,
  type Stage,
  type Weekday,
} from '../complaint-input';
import {
  isHhMm,
  isTimeZone,
  nextAllowedInstant,
  nextInsideHours,
  type Appointment,
  type HoursWindow,
} from './quiet-hours';

/** The time zone of a customer who gave none (the operator's customers are in China). */
export const DEFAULT_CUSTOMER_TIME_ZONE = 'Asia/Shanghai';

/** How far ahead an appointment may be agreed. */
export const MAX_APPOINTMENT_AHEAD_MS = 60 * 86_400_000;

/** The customer's preferences as the complaint keeps them. */
export interface ContactPreferences {
  contactWindow?: ContactWindow;
  appointment?: AgreedAppointment;
}

/**
 * What a handler's action sends (R4.8): a field left out keeps what the complaint has, `null`
 * clears it.
 */
export interface ContactPreferencesInput {
  contactWindow?: ContactWindow | null;
  appointment?: AgreedAppointment | null;
}

/** ISO 8601 instant with an explicit offset or Z (an appointment must not depend on a server's zone). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Problems with a contact window, as messages naming the field ([] = fine). */
export function contactWindowProblems(w: ContactWindow, field = 'contactWindow'): string[] {
  const problems: string[] = [];
  if (!isTimeZone(w.timeZone))
    problems.push(
      `${field}.timeZone: unknown time zone "${w.timeZone}" (an IANA zone such as Asia/Shanghai)`,
    );
  if (!isHhMm(w.from)) problems.push(`${field}.from: "${w.from}" is not HH:MM (00:00 to 23:59)`);
  if (!isHhMm(w.to)) problems.push(`${field}.to: "${w.to}" is not HH:MM (00:00 to 23:59)`);
  if (w.days !== undefined) {
    if (w.days.length === 0) problems.push(`${field}.days: name at least one day`);
    const unknown = w.days.filter((d) => !WEEKDAYS.includes(d));
    if (unknown.length)
      problems.push(`${field}.days: unknown ${unknown.join(', ')} (use ${WEEKDAYS.join(', ')})`);
    if (new Set(w.days).size !== w.days.length) problems.push(`${field}.days: a day is named twice`);
  }
  return problems;
}

/** Problems with an agreed appointment at `now` ([] = fine): it must lie ahead, `to` after `from`. */
export function appointmentProblems(a: AgreedAppointment, now: number, field = 'appointment'): string[] {
  const problems: string[] = [];
  if (!isTimeZone(a.timeZone))
    problems.push(
      `${field}.timeZone: unknown time zone "${a.timeZone}" (an IANA zone such as Asia/Shanghai)`,
    );
  const badFrom = !ISO_INSTANT.test(a.from) || Number.isNaN(Date.parse(a.from));
  const badTo = !ISO_INSTANT.test(a.to) || Number.isNaN(Date.parse(a.to));
  if (badFrom) problems.push(`${field}.from: "${a.from}" is not an ISO 8601 instant with an offset`);
  if (badTo) problems.push(`${field}.to: "${a.to}" is not an ISO 8601 instant with an offset`);
  if (badFrom || badTo) return problems;
  const from = Date.parse(a.from);
  const to = Date.parse(a.to);
  if (to <= from) problems.push(`${field}: "from" (${a.from}) must be before "to" (${a.to})`);
  else if (to <= now) problems.push(`${field}: it ended at ${a.to}, before now`);
  else if (from > now + MAX_APPOINTMENT_AHEAD_MS) problems.push(`${field}: more than 60 days ahead`);
  return problems;
}

/** The preferences the customer gave at intake, if any. */
export function preferencesAtIntake(input: {
  contactWindow?: ContactWindow;
  appointment?: AgreedAppointment;
}): ContactPreferences | undefined {
  if (!input.contactWindow && !input.appointment) return undefined;
  return {
    ...(input.contactWindow ? { contactWindow: input.contactWindow } : {}),
    ...(input.appointment ? { appointment: input.appointment } : {}),
  };
}

/** The preferences after an action: left-out fields kept, `null` clears. */
export function mergeContactPreferences(
  current: ContactPreferences | undefined,
  input: ContactPreferencesInput,
): ContactPreferences {
  const next: ContactPreferences = { ...current };
  if (input.contactWindow === null) delete next.contactWindow;
  else if (input.contactWindow) next.contactWindow = input.contactWindow;
  if (input.appointment === null) delete next.appointment;
  else if (input.appointment) next.appointment = input.appointment;
  return next;
}

/**
 * The handler sets or changes the customer's window or appointment (R4.8): at any stage before
 * CLOSED, with at least one field, each one valid.
 */
export function checkSetContactPreferences(
  stage: Stage,
  input: ContactPreferencesInput,
  now: number,
): string | undefined {
  if (stage === 'CLOSED') return 'the complaint is closed: its customer is no longer contacted about it';
  if (input.contactWindow === undefined && input.appointment === undefined)
    return 'give a contactWindow or an appointment (null clears one)';
  const problems = [
    ...(input.contactWindow ? contactWindowProblems(input.contactWindow) : []),
    ...(input.appointment ? appointmentProblems(input.appointment, now) : []),
  ];
  return problems.length ? problems.join('; ') : undefined;
}

/** What the contact workflow is given for the customer (its input's timeZone, allowedHours, appointment). */
export interface ContactTerms {
  timeZone: string;
  allowedHours?: HoursWindow;
  appointment?: Appointment;
}

/** The contact terms of a customer's preferences; none = the policy's hours in the default zone. */
export function contactTerms(prefs: ContactPreferences | undefined): ContactTerms {
  const w = prefs?.contactWindow;
  const a = prefs?.appointment;
  return {
    timeZone: w?.timeZone ?? a?.timeZone ?? DEFAULT_CUSTOMER_TIME_ZONE,
    ...(w ? { allowedHours: { from: w.from, to: w.to, ...(w.days ? { days: w.days } : {}) } } : {}),
    ...(a ? { appointment: { from: a.from, to: a.to } } : {}),
  };
}

/**
 * The earliest instant at or after `now` at which the customer may be called (`call`: inside the
 * agreed appointment while it lasts, else inside their window) or texted (`sms`: inside their
 * window; an appointment is for the call). The contact workflow waits the same way.
 */
export function nextCustomerContactAt(
  now: number,
  prefs: ContactPreferences | undefined,
  policyHours: HoursWindow,
  kind: 'call' | 'sms',
): number {
  const t = contactTerms(prefs);
  const hours = t.allowedHours ?? policyHours;
  return kind === 'call'
    ? nextAllowedInstant(now, t.timeZone, hours, t.appointment)
    : nextInsideHours(now, t.timeZone, hours);
}

const dayList = (days: readonly Weekday[]) => {
  const idx = days.map((d) => WEEKDAYS.indexOf(d)).sort((a, b) => a - b);
  const consecutive = idx.every((v, i) => i === 0 || v === idx[i - 1]! + 1);
  return consecutive && idx.length > 2
    ? `${WEEKDAYS[idx[0]!]}-${WEEKDAYS[idx.at(-1)!]}`
    : idx.map((i) => WEEKDAYS[i]).join(',');
};

/** A window as text, e.g. "MON-FRI 09:00-18:00 Asia/Shanghai" (what parseContactWindowText reads). */
export function contactWindowText(w: ContactWindow): string {
  return `${w.days ? `${dayList(w.days)} ` : ''}${w.from}-${w.to} ${w.timeZone}`;
}

/** An appointment as text, "FROM/TO zone" (what parseAppointmentText reads). */
export function appointmentText(a: AgreedAppointment): string {
  return `${a.from}/${a.to} ${a.timeZone}`;
}

/** The preferences in one line for the timeline, e.g. "window MON-FRI 09:00-18:00 Asia/Shanghai". */
export function describeContactPreferences(prefs: ContactPreferences): string {
  const parts: string[] = [];
  if (prefs.contactWindow) parts.push(`window ${contactWindowText(prefs.contactWindow)}`);
  if (prefs.appointment) parts.push(`appointment ${appointmentText(prefs.appointment)}`);
  return parts.length ? parts.join('; ') : 'none (the policy hours apply)';
}

/**
 * A window written as text (the TMF621 characteristic `contactWindow`):
 * "[DAYS ]HH:MM-HH:MM IANA-zone", DAYS a range "MON-FRI" or a list "SAT,SUN"; e.g.
 * "MON-FRI 09:00-18:00 Asia/Shanghai". Answers the window or a message saying what is wrong.
 */
export function parseContactWindowText(text: string): ContactWindow | string {
  const m =
    /^\s*(?:([A-Za-z]{3}(?:-[A-Za-z]{3}|(?:,[A-Za-z]{3})*))\s+)?(\d{2}:\d{2})-(\d{2}:\d{2})\s+(\S+)\s*$/.exec(
      text,
    );
  if (!m)
    return 'write the window as "[MON-FRI ]HH:MM-HH:MM Area/City", e.g. "MON-FRI 09:00-18:00 Asia/Shanghai"';
  const [, daysText, from, to, timeZone] = m;
  const window: ContactWindow = { timeZone: timeZone!, from: from!, to: to! };
  if (daysText) {
    const upper = daysText.toUpperCase();
    let days: string[];
    if (upper.includes('-')) {
      const [a, b] = upper.split('-') as [Weekday, Weekday];
      const i = WEEKDAYS.indexOf(a);
      const j = WEEKDAYS.indexOf(b);
      if (i < 0 || j < 0 || j < i) return `"${daysText}" is not a range of days such as MON-FRI`;
      days = WEEKDAYS.slice(i, j + 1);
    } else days = upper.split(',');
    window.days = days as Weekday[];
  }
  return window;
}

/**
 * An appointment written as text (the TMF621 characteristic `appointment`): an ISO 8601 interval
 * and the zone, "2026-12-08T10:00:00+08:00/2026-12-08T11:00:00+08:00 Asia/Shanghai".
 */
export function parseAppointmentText(text: string): AgreedAppointment | string {
  const m = /^\s*(\S+)\/(\S+)\s+(\S+)\s*$/.exec(text);
  if (!m)
    return 'write the appointment as "FROM/TO Area/City" with ISO 8601 instants, e.g. "2026-12-08T10:00:00+08:00/2026-12-08T11:00:00+08:00 Asia/Shanghai"';
  return { from: m[1]!, to: m[2]!, timeZone: m[3]! };
}
