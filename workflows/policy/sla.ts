// SLA policies as data, and the pure functions that choose and evaluate them (R4.1, R4.2).
import { isDuration, parseDuration } from './durations';

export type ClockName = 'firstReply' | 'handling';
export const FIRST_REPLY_LIMIT_MS = 48 * 3_600_000; // R4.2: never later than 48 h after intake

export interface ClockPolicy {
  /** Target from the clock's start, e.g. "48h". */
  target: string;
  /** Fractions of the target at which a pre-warning goes out, e.g. [0.75]. */
  warnAt: number[];
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
  clocks: Record<ClockName, ClockPolicy>;
}

export interface PolicySet {
  version: number;
  policies: SlaPolicy[];
}

export interface PolicyCriteria {
  channel: string;
  category: string;
  vipLevel: number;
  urgency: 'NORMAL' | 'URGENT';
}

/** The policy snapshot a complaint keeps for its whole life. Durations resolved to ms. */
export interface PolicySnapshot {
  id: string;
  version: number;
  setVersion: number;
  clocks: Record<ClockName, { targetMs: number; warnAt: number[] }>;
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
  const resolve = (c: ClockPolicy) => ({ targetMs: parseDuration(c.target), warnAt: [...c.warnAt] });
  const firstReply = resolve(best.clocks.firstReply);
  // R4.2 is a hard ceiling whatever the data says.
  firstReply.targetMs = Math.min(firstReply.targetMs, FIRST_REPLY_LIMIT_MS);
  return {
    id: best.id,
    version: best.version,
    setVersion: set.version,
    clocks: { firstReply, handling: resolve(best.clocks.handling) },
  };
}

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
    for (const name of ['firstReply', 'handling'] as const) {
      const clock = p.clocks?.[name];
      if (!clock) {
        problems.push(`${at}.clocks.${name}: required`);
        continue;
      }
      if (!isDuration(clock.target)) problems.push(`${at}.clocks.${name}.target: not a duration`);
      if (!clock.warnAt.every((f) => f > 0 && f < 1))
        problems.push(`${at}.clocks.${name}.warnAt: fractions between 0 and 1`);
    }
  });
  const fallback = set.policies.some((p) => Object.keys(p.match).length === 0);
  if (!fallback) problems.push('policies: one policy with an empty match is needed as the fallback');
  return problems;
}

export type ClockState = 'running' | 'met' | 'breached' | 'metLate';

export interface ClockView {
  name: ClockName;
  startedAt: string;
  dueAt: string;
  targetMs: number;
  state: ClockState;
  stoppedAt?: string;
  remainingMs: number;
  elapsedMs: number;
}

/** Where a clock stands at `now`; pure, used by the workflow query and the API. */
export function evaluateClock(
  name: ClockName,
  startedAt: number,
  targetMs: number,
  stoppedAt: number | undefined,
  now: number,
): ClockView {
  const dueAt = startedAt + targetMs;
  const end = stoppedAt ?? now;
  let state: ClockState;
  if (stoppedAt !== undefined) state = stoppedAt <= dueAt ? 'met' : 'metLate';
  else state = now > dueAt ? 'breached' : 'running';
  return {
    name,
    startedAt: new Date(startedAt).toISOString(),
    dueAt: new Date(dueAt).toISOString(),
    targetMs,
    state,
    stoppedAt: stoppedAt === undefined ? undefined : new Date(stoppedAt).toISOString(),
    remainingMs: dueAt - end,
    elapsedMs: end - startedAt,
  };
}

/** The instants at which pre-warnings fall, sorted, in ms since the epoch. */
export function warningInstants(startedAt: number, targetMs: number, warnAt: number[]): number[] {
  return [...new Set(warnAt)].sort((a, b) => a - b).map((f) => startedAt + Math.round(targetMs * f));
}
