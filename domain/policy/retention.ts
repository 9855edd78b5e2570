// Retention of personal data (PIPL: kept as long as needed, no longer; issue 22, S8) as policy
// data: how long each kind of personal data is kept after its complaint was closed, longer for
// complaint types the operator may have to defend (a dispute), and when a legal hold stops an
// erasure on request. Pure code: no Temporal imports, safe for workflows, activities, API and tests.
import { isDuration, parseDuration } from './durations';
import { frozen } from './frozen';

/** The kinds of personal data kept per complaint, each with its own retention. */
export const COMPLAINT_DATA_KINDS = [
  /** numbers, IMSI/IMEI, names, addresses, coordinates and free text of the complaint (read model) */
  'complaintPersonal',
  /** recordings of reply calls (evidence, the media bytes and the provider's copy) */
  'recordings',
  /** the customer's signature images and the signing links */
  'signatures',
  /** numbers and texts of SMS, e-mails and calls in the outboxes */
  'outboxBodies',
  /** the detail texts and IP addresses of the complaint's audit entries (their hashes stay) */
  'auditDetails',
] as const;
export type ComplaintDataKind = (typeof COMPLAINT_DATA_KINDS)[number];

/** Retention of personal data that does not belong to one complaint. */
export const OTHER_DATA_KINDS = [
  /** a VIP profile, counted from when it was last changed while inactive */
  'vipProfiles',
  /** the JSON export of a person's data made on request */
  'exports',
  /** Temporal's own retention of closed workflow histories (namespace setting) */
  'temporalHistories',
] as const;
export type OtherDataKind = (typeof OTHER_DATA_KINDS)[number];

export type RetentionDurations = Record<ComplaintDataKind, string>;

/** Complaints an override applies to: every given criterion must match. */
export interface RetentionMatch {
  /** marked dispute-prone (the operator may have to defend its handling) */
  disputeProne?: boolean;
  categories?: string[];
  channels?: string[];
  /** marked major (R5.3) */
  major?: boolean;
}

export interface RetentionOverride {
  /** Why it is longer, e.g. "disputes: complaint to the regulator possible for 3 years". */
  reason: string;
  match: RetentionMatch;
  /** Durations that differ from the defaults for these complaints. */
  keep: Partial<RetentionDurations>;
}

export interface RetentionPolicy {
  version: number;
  /** After the complaint was closed, per kind of data (e.g. "365d"). */
  complaint: RetentionDurations;
  /** Longer (or shorter) retention per complaint type; where several match, the longest wins. */
  overrides: RetentionOverride[];
  other: Record<OtherDataKind, string>;
}

/** Frozen: workflows share module state (#9); a policy is copied before it is changed. */
export const DEFAULT_RETENTION_POLICY: RetentionPolicy = frozen({
  version: 1,
  complaint: {
    complaintPersonal: '365d',
    recordings: '180d',
    signatures: '180d',
    outboxBodies: '90d',
    auditDetails: '365d',
  },
  overrides: [
    {
      reason: 'dispute-prone complaints: the evidence of the final opinion may be needed before a regulator',
      match: { disputeProne: true },
      keep: {
        complaintPersonal: '1095d',
        recordings: '1095d',
        signatures: '1095d',
        outboxBodies: '365d',
        auditDetails: '1095d',
      },
    },
  ],
  other: { vipProfiles: '30d', exports: '7d', temporalHistories: '30d' },
});

/** The server's lowest accepted retention of closed histories (the dev server 1.32 refuses < 1 h). */
export const MIN_TEMPORAL_RETENTION_MS = 3_600_000;

/** What retention needs to know of a closed complaint. */
export interface RetentionSubject {
  category: string;
  channel: string;
  disputeProne: boolean;
  major: boolean;
}

function matches(m: RetentionMatch, c: RetentionSubject): boolean {
  if (m.disputeProne !== undefined && m.disputeProne !== c.disputeProne) return false;
  if (m.major !== undefined && m.major !== c.major) return false;
  if (m.categories && !m.categories.includes(c.category)) return false;
  if (m.channels && !m.channels.includes(c.channel)) return false;
  return true;
}

/** Retention in ms per kind for one complaint: the defaults, or the longest of the matching overrides. */
export function retentionFor(
  policy: RetentionPolicy,
  c: RetentionSubject,
): Record<ComplaintDataKind, number> {
  const out = {} as Record<ComplaintDataKind, number>;
  const applying = policy.overrides.filter((o) => matches(o.match, c));
  for (const kind of COMPLAINT_DATA_KINDS) {
    const overridden = applying.map((o) => o.keep[kind]).filter((d): d is string => d !== undefined);
    out[kind] = overridden.length
      ? Math.max(...overridden.map(parseDuration))
      : parseDuration(policy.complaint[kind]);
  }
  return out;
}

/** The kinds whose retention has ended for a complaint closed at `closedAtMs`, minus those done. */
export function dueKinds(
  policy: RetentionPolicy,
  c: RetentionSubject & { closedAtMs: number; done: readonly string[] },
  nowMs: number,
): ComplaintDataKind[] {
  const keep = retentionFor(policy, c);
  return COMPLAINT_DATA_KINDS.filter((k) => !c.done.includes(k) && c.closedAtMs + keep[k] <= nowMs);
}

/** The shortest retention of any kind under any override: nothing closed later than this is due. */
export function shortestRetentionMs(policy: RetentionPolicy): number {
  const all = [
    ...Object.values(policy.complaint),
    ...policy.overrides.flatMap((o) => Object.values(o.keep).filter((d): d is string => d !== undefined)),
  ];
  return Math.min(...all.map(parseDuration));
}

/**
 * The repeat check (R6.2) needs the callback number's hash of a closed complaint while a new
 * complaint could still repeat it: until closedAt + repeatWindow. After that the hash goes too.
 */
export function keepNumberHashUntil(closedAtMs: number, repeatWindowMs: number): number {
  return closedAtMs + repeatWindowMs;
}

/** Temporal's retention of closed histories from the policy, in ms, never below the server's minimum. */
export function temporalRetentionMs(policy: RetentionPolicy): number {
  return Math.max(MIN_TEMPORAL_RETENTION_MS, parseDuration(policy.other.temporalHistories));
}

/** Why a complaint's personal data must stay although its person asked for erasure; undefined: none. */
export function legalHold(c: {
  stage: string;
  disputeProne: boolean;
  workflowRunning?: boolean;
}): string | undefined {
  if (c.disputeProne) return 'dispute-prone: kept as evidence for the dispute';
  if (c.stage !== 'CLOSED') return `open (stage ${c.stage}): needed to handle the complaint`;
  if (c.workflowRunning) return 'closed, but its workflow still runs (care callback pending)';
  return undefined;
}

/** Problems of a policy (empty = valid). */
export function validateRetentionPolicy(p: RetentionPolicy): string[] {
  const problems: string[] = [];
  const check = (where: string, d: string | undefined) => {
    if (d === undefined) return;
    if (!isDuration(d)) problems.push(`${where}: "${d}" is not a duration (e.g. 90d, 12h)`);
    else if (parseDuration(d) <= 0) problems.push(`${where}: must be longer than 0`);
  };
  for (const kind of COMPLAINT_DATA_KINDS) check(`complaint.${kind}`, p.complaint[kind]);
  for (const kind of OTHER_DATA_KINDS) check(`other.${kind}`, p.other[kind]);
  p.overrides.forEach((o, i) => {
    for (const [kind, d] of Object.entries(o.keep)) check(`overrides[${i}].keep.${kind}`, d);
    if (Object.keys(o.match).length === 0) problems.push(`overrides[${i}].match: names no criterion`);
  });
  if (problems.length === 0 && parseDuration(p.other.temporalHistories) < MIN_TEMPORAL_RETENTION_MS)
    problems.push('other.temporalHistories: Temporal keeps closed histories at least 1h');
  return problems;
}
