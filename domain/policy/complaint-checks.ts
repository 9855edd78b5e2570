// The checks behind the complaint workflow's update validators that go beyond the stage rules of
// lifecycle.ts. Each returns the reason an action is refused, or undefined when it is allowed;
// the workflow turns a reason into a rejection (HTTP 409 at the API). Pure functions over plain
// data: no Temporal imports, nothing read from the workflow itself.
import { isPaused, type Clock } from './clocks';
import { isDuration } from './durations';
import { checkContact, checkOpen, checkReply, type LifecycleFacts } from './lifecycle';
import { checkOnSiteResult, checkSlots } from './on-site';
import type { HoursWindow } from './quiet-hours';

// The on-site types as the on-site rules take them (no import of the workflow's contract).
type OnSiteTest = NonNullable<Parameters<typeof checkOnSiteResult>[0]>;
type TimeSlot = Parameters<typeof checkSlots>[0][number];

/** A person acts in a role when they hold it, or are an administrator. */
export function mayActAs(roles: string[], role: string): boolean {
  return roles.includes(role) || roles.includes('admin');
}

/** The mass incident a complaint is linked to, as far as the checks need it. */
export interface IncidentLink {
  incidentId: string;
  stage: 'OPEN' | 'RESOLVED';
}

/** While a mass incident holds the complaint, the final reply comes from the incident (R8.4). */
export function heldByIncident(incident: IncidentLink | undefined, kind: string): string | undefined {
  return kind.startsWith('FINAL') && incident?.stage === 'OPEN'
    ? `linked to mass incident ${incident.incidentId}: the customer gets the final reply when the incident is resolved (R8.4)`
    : undefined;
}

/** Only one on-site appointment waits for the customer's SMS answer at a time (R3.3). */
export function onSiteWaiting(tests: OnSiteTest[] | undefined): boolean {
  return (tests ?? []).some((t) => t.status === 'WAITING_CUSTOMER');
}

export function checkRecordReply(
  f: LifecycleFacts,
  incident: IncidentLink | undefined,
  kind: 'FIRST' | 'FINAL',
): string | undefined {
  return heldByIncident(incident, kind) ?? checkReply(f, kind);
}

/** A reply through the contact workflow; not while an on-site appointment waits for the customer's SMS. */
export function checkContactCustomer(
  f: LifecycleFacts,
  incident: IncidentLink | undefined,
  tests: OnSiteTest[] | undefined,
  purpose: 'FIRST_REPLY' | 'FINAL_REPLY',
): string | undefined {
  return (
    heldByIncident(incident, purpose) ??
    (onSiteWaiting(tests) ? "an on-site appointment is waiting for the customer's answer" : undefined) ??
    checkContact(f, purpose)
  );
}

/** The signature link is a final reply (R5.5): one link waits at a time. */
export function checkRequestSignature(
  f: LifecycleFacts,
  incident: IncidentLink | undefined,
  requests: { status: string }[] | undefined,
): string | undefined {
  return (
    heldByIncident(incident, 'FINAL') ??
    checkContact(f, 'FINAL_REPLY') ??
    (requests?.some((r) => r.status === 'WAITING')
      ? 'a signature link is already waiting for the customer'
      : undefined)
  );
}

export function checkMarkDisputeProne(f: LifecycleFacts): string | undefined {
  return checkOpen(f, 'mark dispute-prone') ?? (f.disputeProne ? 'already marked dispute-prone' : undefined);
}

export function checkMarkMajor(f: LifecycleFacts): string | undefined {
  return checkOpen(f, 'mark major') ?? (f.major ? 'already marked major' : undefined);
}

/** The written report of a major complaint is the interface person's, who owns it (R5.3). */
export function checkMajorReport(f: LifecycleFacts, roles: string[]): string | undefined {
  return (
    checkOpen(f, 'report on') ??
    (f.major ? undefined : 'only a complaint marked major has a written report') ??
    (mayActAs(roles, 'interface')
      ? undefined
      : 'the interface person who owns the major complaint writes the report (R5.3)')
  );
}

/** The escalation a level's acknowledgement is for: the newest one at that level not acknowledged yet. */
export function openEscalationAt<E extends { level: number; acknowledgedAt?: string }>(
  escalations: E[],
  level: number,
): E | undefined {
  return [...escalations].reverse().find((e) => e.level === level && !e.acknowledgedAt);
}

/** An escalation is acknowledged by the role of its level (R5.2). */
export function checkAcknowledgeEscalation(
  escalations: { level: number; role: string; acknowledgedAt?: string }[],
  level: number,
  roles: string[],
): string | undefined {
  const esc = openEscalationAt(escalations, level);
  if (!esc) return `no unacknowledged escalation at level ${level}`;
  return mayActAs(roles, esc.role) ? undefined : `level ${level} is acknowledged by the role ${esc.role}`;
}

function unknownClock(clocks: Record<string, Clock>, name: string): string | undefined {
  return clocks[name] ? undefined : `no clock named ${name} (clocks: ${Object.keys(clocks).join(', ')})`;
}

function stoppedClock(clocks: Record<string, Clock>, name: string): string | undefined {
  return clocks[name]?.stoppedAt !== undefined ? `clock ${name} has stopped` : undefined;
}

export function checkPauseClock(
  f: LifecycleFacts,
  clocks: Record<string, Clock>,
  name: string,
): string | undefined {
  return (
    checkOpen(f, 'pause a clock of') ??
    unknownClock(clocks, name) ??
    stoppedClock(clocks, name) ??
    (isPaused(clocks[name]!) ? `clock ${name} is already paused` : undefined)
  );
}

export function checkResumeClock(clocks: Record<string, Clock>, name: string): string | undefined {
  return unknownClock(clocks, name) ?? (isPaused(clocks[name]!) ? undefined : `clock ${name} is not paused`);
}

export function checkExtendClock(
  f: LifecycleFacts,
  clocks: Record<string, Clock>,
  name: string,
  by: string,
): string | undefined {
  return (
    checkOpen(f, 'extend a clock of') ??
    (name === 'firstReply' ? 'the 48 h first reply cannot be extended (R4.2)' : undefined) ??
    (isDuration(by) ? undefined : `"${by}" is not a duration such as 4h`) ??
    unknownClock(clocks, name) ??
    stoppedClock(clocks, name)
  );
}

/**
 * Slots are offered when nothing else waits for the customer (R3.3); `allowedHours` is the
 * policy's, unknown in the first moments of a complaint (the slots are not checked then).
 */
export function checkProposeOnSiteTest(
  f: LifecycleFacts,
  tests: OnSiteTest[] | undefined,
  slots: TimeSlot[],
  now: number,
  allowedHours: HoursWindow | undefined,
  /** The customer's time zone (R4.8: their own window is checked in it). */
  timeZone = 'Asia/Shanghai',
): string | undefined {
  return (
    checkOpen(f, 'arrange an on-site test for') ??
    (onSiteWaiting(tests) ? 'an on-site appointment is already waiting for the customer' : undefined) ??
    (f.contactInFlight ? 'the customer is being contacted; offer the slots afterwards' : undefined) ??
    ((tests ?? []).some((t) => t.status === 'BOOKED')
      ? 'an on-site test is booked: record its results first'
      : undefined) ??
    (allowedHours ? checkSlots(slots, now, timeZone, allowedHours) : undefined)
  );
}

export function checkRecordOnSiteResult(
  f: LifecycleFacts,
  tests: OnSiteTest[] | undefined,
  now: number,
): string | undefined {
  return (
    checkOpen(f, 'record on-site results for') ??
    checkOnSiteResult(
      (tests ?? []).find((t) => t.status === 'BOOKED'),
      now,
    )
  );
}

/** The longest note on the work record, in characters (UTF-16 code units, as the API counts). */
export const NOTE_MAX_CHARS = 2000;
/** Attachment references one note may carry. */
export const NOTE_MAX_ATTACHMENTS = 5;
/** An http(s) link with a host: what a note's attachment reference points to (no file:, data: …). */
export const HTTP_LINK = /^https?:\/\/[^\s/?#@]+(?:[/?#]\S*)?$/i;

/** A note as the check needs it (the contract's NoteInput, without importing the workflow). */
export interface NoteFacts {
  text: unknown;
  attachments?: { name?: unknown; url?: unknown }[];
}

/**
 * What is wrong with a note, or undefined: 1 to 2000 characters of text, at most 5 attachment
 * references, each with a name and an http(s) link (references only: the file stays where it is).
 */
export function noteProblem(note: NoteFacts): string | undefined {
  const text = typeof note.text === 'string' ? note.text.trim() : '';
  if (!text) return 'a note needs its text';
  if (text.length > NOTE_MAX_CHARS) return `a note is at most ${NOTE_MAX_CHARS} characters`;
  const attachments = note.attachments ?? [];
  if (!Array.isArray(attachments)) return 'attachments: a list of references';
  if (attachments.length > NOTE_MAX_ATTACHMENTS)
    return `at most ${NOTE_MAX_ATTACHMENTS} attachment references per note`;
  for (const [i, a] of attachments.entries()) {
    // Read defensively: the validator also sees what did not come through the API's schema.
    const name: unknown = (a as { name?: unknown } | null)?.name;
    const url: unknown = (a as { url?: unknown } | null)?.url;
    if (typeof name !== 'string' || !name.trim()) return `attachment ${i + 1}: it needs a name`;
    if (typeof url !== 'string' || !HTTP_LINK.test(url))
      return `attachment ${i + 1} (${name.slice(0, 60)}): the url must be an http(s) link to the file`;
  }
  return undefined;
}

/**
 * A note on the work record (TMF621 note, issue 19), at any stage before CLOSED: a closed
 * complaint's record is final (retention anonymises it, and its workflow ends after the care
 * callback), so a later remark belongs to a reopened round or a new complaint.
 */
export function checkNote(f: LifecycleFacts, note: NoteFacts): string | undefined {
  return checkOpen(f, 'add a note to') ?? noteProblem(note);
}
