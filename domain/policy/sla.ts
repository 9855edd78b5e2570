// SLA policies as data, and the pure functions that choose and evaluate them (R4.1, R4.2).
import type { Calendar } from './calendar';
import {
  checkCareCallbackPolicy,
  DEFAULT_CARE_CALLBACK_POLICY,
  type CareCallbackPolicy,
} from './care-callback';
import { DEFAULT_CONTACT_POLICY, type ContactPolicy } from './contact-policy';
import { isDuration, parseDuration } from './durations';
import { DEFAULT_LADDER, type EscalationLevel } from './escalation';
import { checkHotPolicy, resolveHotPolicy, type HotPolicy, type ResolvedHotPolicy } from './hot';
import { validateMassIncidentPolicy, type MassIncidentPolicy } from './mass-incident';
import { isHhMm, isTimeZone, type HoursWindow } from './quiet-hours';
import { frozen } from './frozen';

/** The clocks every complaint runs from intake; department verification clocks start on a transfer. */
export type ClockName = 'acceptance' | 'firstReply' | 'handling';
export const INTAKE_CLOCKS: ClockName[] = frozen(['acceptance', 'firstReply', 'handling']);
/**
 * Every kind of clock a complaint runs, in the order reports list them: those from intake, one per
 * department a transfer verifies (`verification:<department>`) and one per escalation to
 * acknowledge (`escalationAck:<level>`).
 */
export const CLOCK_KINDS = frozen([
  ...INTAKE_CLOCKS,
  'verification',
  'coordination',
  'escalationAck',
] as const);
export const FIRST_REPLY_LIMIT_MS = 48 * 3_600_000; // R4.2: never later than 48 h after intake

export interface ClockPolicy {
  /** Target from the clock's start, e.g. "48h" (working time when the calendar is a business one). */
  target: string;
  /** Fractions of the target at which a pre-warning goes out, e.g. [0.75]. */
  warnAt: number[];
  /** A calendar of the policy set; default '24x7'. */
  calendar?: string;
}

export interface SlaPolicy {
  id: string;
  version: number;
  description: string;
  /** Match criteria; an absent criterion matches anything. The most specific match wins. */
  match: {
    channels?: string[];
    categories?: string[];
    minVipLevel?: number;
    urgency?: 'NORMAL' | 'URGENT';
  };
  clocks: Omit<Record<ClockName, ClockPolicy>, 'acceptance'> & {
    /** Time to accept (triage) the complaint; default 2 h. */
    acceptance?: ClockPolicy;
    /** A transferred complaint's verification by the department (R2.2). */
    verification?: ClockPolicy;
    /** The interface person's coordination of several departments verifying in parallel (R2.3). */
    coordination?: ClockPolicy;
  };
  /** Per-department verification limits, overriding clocks.verification. */
  verificationByDepartment?: Record<string, ClockPolicy>;
}

export interface PolicySet {
  version: number;
  policies: SlaPolicy[];
  calendars?: Record<string, Calendar>;
  escalation?: EscalationLevel[];
  /** Departments a complaint can be transferred to. */
  departments?: string[];
  /** A new complaint within this window after an earlier one was closed is a repeat (R6.2, policy/repeat.ts). */
  repeatWindow?: string;
  /** How the customer is called and texted (R4.3, R4.4). */
  contact?: ContactPolicy;
  /** How long after closing the care callback is made (R6.1), e.g. "7d". */
  careCallbackAfter?: string;
  /** A care callback nobody answers: calls again, then an SMS, then a person (R6.3). */
  careCallback?: CareCallbackPolicy;
  /** When many complaints in one area make a mass incident, and who is told (R8.1, R8.2). */
  massIncident?: MassIncidentPolicy;
  /**
   * Quiet hours for staff e-mails that are not urgent (pre-warnings, transfer requests, reports,
   * bookings), in the staff's local time; urgent ones (breaches, escalations, urgent and VIP
   * complaints) go at once. Absent: every e-mail goes at once.
   */
  staffQuietHours?: StaffQuietHours;
  /**
   * Hot and difficult complaints (R4.7, policy/hot.ts): how their open clocks tighten, within what
   * they must be solved before escalating, when the daily digest goes out. Absent: the default.
   */
  hot?: HotPolicy;
}

export interface StaffQuietHours extends HoursWindow {
  /** IANA time zone of the staff, e.g. Asia/Shanghai. */
  timeZone: string;
}

export interface PolicyCriteria {
  channel: string;
  category: string;
  vipLevel: number;
  urgency: 'NORMAL' | 'URGENT';
}

export interface ResolvedClockPolicy {
  targetMs: number;
  warnAt: number[];
  calendar: string;
}

/** The policy snapshot a complaint keeps unless a supervisor applies a new one. Durations in ms. */
export interface PolicySnapshot {
  id: string;
  version: number;
  setVersion: number;
  clocks: Record<ClockName, ResolvedClockPolicy>;
  verification: Record<string, ResolvedClockPolicy>;
  /** The coordination task's clock (R2.3); absent in snapshots taken before it: DEFAULT_COORDINATION. */
  coordination?: ResolvedClockPolicy;
  calendars: Record<string, Calendar>;
  escalation: { level: number; title: string; role: string; ackWithinMs: number }[];
  repeatWindowMs: number;
  contact: ContactPolicy;
  careCallbackAfterMs: number;
  /** Absent in snapshots taken before R6.3: the default applies. */
  careCallback?: CareCallbackPolicy;
  staffQuietHours?: StaffQuietHours;
  /** Absent in snapshots taken before R4.7's hot tracking: the default applies. */
  hot?: ResolvedHotPolicy;
}

function matches(policy: SlaPolicy, c: PolicyCriteria): boolean {
  const m = policy.match;
  if (m.channels && !m.channels.includes(c.channel)) return false;
  if (m.categories && !m.categories.includes(c.category)) return false;
  if (m.minVipLevel !== undefined && c.vipLevel < m.minVipLevel) return false;
  if (m.urgency && m.urgency !== c.urgency) return false;
  return true;
}

function specificity(policy: SlaPolicy): number {
  const m = policy.match;
  return (
    (m.channels ? 1 : 0) +
    (m.categories ? 1 : 0) +
    (m.minVipLevel !== undefined ? 2 + m.minVipLevel / 100 : 0) +
    (m.urgency ? 2 : 0)
  );
}

/** Choose the most specific matching policy; ties go to the earlier one in the set. */
export function selectPolicy(set: PolicySet, criteria: PolicyCriteria): PolicySnapshot {
  let best: SlaPolicy | undefined;
  for (const p of set.policies) {
    if (matches(p, criteria) && (!best || specificity(p) > specificity(best))) best = p;
  }
  if (!best) throw new Error(`no SLA policy matches ${JSON.stringify(criteria)}`);
  const resolve = (c: ClockPolicy): ResolvedClockPolicy => ({
    targetMs: parseDuration(c.target),
    warnAt: [...c.warnAt],
    calendar: c.calendar ?? '24x7',
  });
  const firstReply = resolve(best.clocks.firstReply);
  // R4.2 is a hard ceiling whatever the data says: 48 hours of wall-clock time.
  firstReply.targetMs = Math.min(firstReply.targetMs, FIRST_REPLY_LIMIT_MS);
  firstReply.calendar = '24x7';
  const departments = set.departments ?? DEFAULT_DEPARTMENTS;
  const fallbackVerification = best.clocks.verification ?? { target: '24h', warnAt: [0.5] };
  return {
    id: best.id,
    version: best.version,
    setVersion: set.version,
    clocks: {
      acceptance: resolve(best.clocks.acceptance ?? { target: '2h', warnAt: [0.5] }),
      firstReply,
      handling: resolve(best.clocks.handling),
    },
    verification: Object.fromEntries(
      departments.map((d) => [d, resolve(best.verificationByDepartment?.[d] ?? fallbackVerification)]),
    ),
    coordination: resolve(best.clocks.coordination ?? DEFAULT_COORDINATION),
    calendars: { '24x7': { kind: '24x7' }, ...(set.calendars ?? {}) },
    repeatWindowMs: parseDuration(set.repeatWindow ?? '30d'),
    contact: set.contact ?? DEFAULT_CONTACT_POLICY,
    careCallbackAfterMs: parseDuration(set.careCallbackAfter ?? '7d'),
    careCallback: set.careCallback ?? DEFAULT_CARE_CALLBACK_POLICY,
    hot: resolveHotPolicy(set.hot),
    ...(set.staffQuietHours ? { staffQuietHours: set.staffQuietHours } : {}),
    escalation: (set.escalation ?? DEFAULT_LADDER).map((l) => ({
      level: l.level,
      title: l.title,
      role: l.role,
      ackWithinMs: parseDuration(l.ackWithin),
    })),
  };
}

/** A policy without a coordination clock (R2.3) gives the interface person this long. */
export const DEFAULT_COORDINATION: ClockPolicy = frozen({ target: '32h', warnAt: [0.5] });

export const DEFAULT_DEPARTMENTS = frozen(['data', 'network', 'billing', 'core', 'transmission']);

/** Checks a policy set; returns the problems found (empty = valid). */
export function validatePolicySet(set: PolicySet): string[] {
  const problems: string[] = [];
  if (!Array.isArray(set.policies) || set.policies.length === 0) return ['policies: at least one policy'];
  const ids = new Set<string>();
  set.policies.forEach((p, i) => {
    const at = `policies[${i}]`;
    if (!p.id) problems.push(`${at}.id: required`);
    if (ids.has(p.id)) problems.push(`${at}.id: duplicate "${p.id}"`);
    ids.add(p.id);
    for (const name of ['acceptance', 'firstReply', 'handling', 'verification', 'coordination'] as const) {
      const clock = p.clocks?.[name];
      if (!clock) {
        if (name === 'firstReply' || name === 'handling') problems.push(`${at}.clocks.${name}: required`);
        continue;
      }
      if (clock.calendar && clock.calendar !== '24x7' && !set.calendars?.[clock.calendar])
        problems.push(`${at}.clocks.${name}.calendar: unknown calendar "${clock.calendar}"`);
      if (!isDuration(clock.target)) problems.push(`${at}.clocks.${name}.target: not a duration`);
      if (!clock.warnAt.every((f) => f > 0 && f < 1))
        problems.push(`${at}.clocks.${name}.warnAt: fractions between 0 and 1`);
    }
  });
  const fallback = set.policies.some((p) => Object.keys(p.match).length === 0);
  if (!fallback) problems.push('policies: one policy with an empty match is needed as the fallback');
  const q = set.staffQuietHours;
  if (q && (!isHhMm(q.from) || !isHhMm(q.to))) problems.push('staffQuietHours: from and to as HH:MM');
  if (q && !isTimeZone(q.timeZone))
    problems.push(`staffQuietHours.timeZone: unknown time zone "${q.timeZone}"`);
  if (set.careCallback)
    problems.push(...checkCareCallbackPolicy(set.careCallback).map((p) => `careCallback.${p}`));
  if (set.hot) problems.push(...checkHotPolicy(set.hot).map((p) => `hot.${p}`));
  if (set.massIncident)
    problems.push(...validateMassIncidentPolicy(set.massIncident).map((p) => `massIncident.${p}`));
  return problems;
}
