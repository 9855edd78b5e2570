// Sudden mass complaints (R8): which area a complaint counts for, when a burst is recognised, the
// contingency checklist and the rules for resolving and closing an incident. Data and pure functions.
import type { EvidenceOutcome, Hypothesis } from '../evidence';
import { parseDuration, isDuration } from './durations';
import { frozen } from './frozen';

export type AreaScope = 'site' | 'cell' | 'region';

/** "N complaints within T about the same area" for one scope (R8.1). */
export interface BurstRule {
  scope: AreaScope;
  count: number;
  /** A duration such as "30m". */
  window: string;
}

export interface MassIncidentPolicy {
  /** Off switch for the whole recognition (e.g. a test stack that files many look-alike complaints). */
  enabled: boolean;
  rules: BurstRule[];
  /** Roles told at once by e-mail and SMS when an incident starts (R8.2). */
  notifyRoles: string[];
  /** A resolved incident that nobody closes is reminded to its owner after this long. */
  closeReminderAfter: string;
}

export const DEFAULT_MASS_INCIDENT_POLICY: MassIncidentPolicy = frozen({
  enabled: true,
  rules: [
    { scope: 'cell', count: 5, window: '30m' },
    { scope: 'site', count: 5, window: '30m' },
    { scope: 'region', count: 30, window: '30m' },
  ],
  notifyRoles: ['department:network', 'interface', 'leader'],
  closeReminderAfter: '24h',
});

export function validateMassIncidentPolicy(p: MassIncidentPolicy): string[] {
  const problems: string[] = [];
  if (!Array.isArray(p.rules) || p.rules.length === 0) problems.push('rules: at least one rule');
  for (const [i, r] of (p.rules ?? []).entries()) {
    if (!['site', 'cell', 'region'].includes(r.scope))
      problems.push(`rules[${i}].scope: site, cell or region`);
    if (!Number.isInteger(r.count) || r.count < 2) problems.push(`rules[${i}].count: an integer ≥ 2`);
    if (!isDuration(r.window)) problems.push(`rules[${i}].window: a duration such as 30m`);
  }
  if (!Array.isArray(p.notifyRoles) || p.notifyRoles.length === 0)
    problems.push('notifyRoles: at least one role');
  if (!isDuration(p.closeReminderAfter)) problems.push('closeReminderAfter: a duration such as 24h');
  return problems;
}

/** Where a complaint is, as the burst rules see it. */
export interface ComplaintPlace {
  cellId?: string;
  siteId?: string;
  region: string;
}

/** The area a complaint counts for: the narrowest scope that has a rule and a value. */
export function areaOf(
  place: ComplaintPlace,
  rules: BurstRule[],
): { scope: AreaScope; key: string; rule: BurstRule } | undefined {
  const value: Record<AreaScope, string | undefined> = {
    cell: place.cellId,
    site: place.siteId,
    region: place.region,
  };
  // Site before cell: complaints about the three sectors of one site are one problem.
  for (const scope of ['site', 'cell', 'region'] as const) {
    const rule = rules.find((r) => r.scope === scope);
    const v = value[scope];
    if (rule && v) return { scope, key: `${scope}:${v}`, rule };
  }
  return undefined;
}

/** Temporal workflow ids may hold any printable text; keep them readable and bounded. */
function idPart(key: string): string {
  return key.replace(/[^A-Za-z0-9:._-]/g, '_').slice(0, 120);
}

export function areaWatchWorkflowId(areaKey: string): string {
  return `area-watch-${idPart(areaKey)}`;
}

/** One incident per area and burst: the id carries the minute of the complaint that opened the window. */
export function incidentId(areaKey: string, windowStart: number): string {
  const minute = new Date(Math.floor(windowStart / 60_000) * 60_000).toISOString().slice(0, 16);
  return `INC-${idPart(areaKey)}-${minute.replace(/[-:T]/g, '')}`;
}

export interface Arrival {
  ticketId: string;
  at: number;
}

/**
 * The complaints inside the rule's window ending at `now`, or undefined when fewer than `count`
 * (R8.1). Arrivals are de-duplicated by ticket id: a retried report counts once.
 */
export function burstIn(arrivals: Arrival[], rule: BurstRule, now: number): Arrival[] | undefined {
  const windowMs = parseDuration(rule.window);
  const seen = new Set<string>();
  const inside = arrivals.filter((a) => {
    if (a.at < now - windowMs || a.at > now || seen.has(a.ticketId)) return false;
    seen.add(a.ticketId);
    return true;
  });
  return inside.length >= rule.count ? inside.sort((a, b) => a.at - b.at) : undefined;
}

/** Drops arrivals that can no longer be part of a burst. */
export function pruneArrivals(arrivals: Arrival[], rule: BurstRule, now: number): Arrival[] {
  const windowMs = parseDuration(rule.window);
  return arrivals.filter((a) => a.at >= now - windowMs);
}

/** The contingency plan (预案, R8.3): what the owner works through; evidence ticks the first four. */
export const CHECKLIST_ITEMS = frozen([
  { id: 'changes', title: '核查升级与割接 Upgrades and cutovers in the area' },
  { id: 'alarms', title: '核查大面积告警 Large-scale alarms' },
  { id: 'interference', title: '核查突发干扰 Sudden interference' },
  { id: 'kpis', title: '核查小区指标 Cell KPIs' },
  { id: 'notified', title: '通知相关部门与领导 Departments and leaders told' },
  { id: 'fieldTeam', title: '派出现场/抢修 Field team dispatched' },
  { id: 'customerMessage', title: '统一客户答复口径 Customer message agreed' },
] as const);
export type ChecklistItemId = (typeof CHECKLIST_ITEMS)[number]['id'];

export interface ChecklistItem {
  id: string;
  title: string;
  done: boolean;
  by?: string;
  at?: string;
  note?: string;
}

export function newChecklist(): ChecklistItem[] {
  return CHECKLIST_ITEMS.map((i) => ({ id: i.id, title: i.title, done: false }));
}

export type IncidentStage = 'OPEN' | 'RESOLVED' | 'CLOSED';

export interface ResolveIncidentInput {
  /** What was wrong and what was done, in words a customer understands (it is sent to them). */
  customerMessage: string;
  summary: string;
}

export interface CloseIncidentInput {
  rootCause: string;
  /** Measures that prevent a repeat (R8.5). */
  preventiveMeasures: string[];
  lessons?: string;
}

const MIN_TEXT = 10;

export function checkResolveIncident(
  stage: IncidentStage,
  checklist: ChecklistItem[],
  input: ResolveIncidentInput,
): string | undefined {
  if (stage !== 'OPEN') return `the incident is ${stage}, not OPEN`;
  const open = checklist.filter((i) => !i.done && i.id !== 'customerMessage');
  if (open.length > 0)
    return `the contingency checklist is not worked through: ${open.map((i) => i.id).join(', ')}`;
  if (input.customerMessage.trim().length < MIN_TEXT)
    return `customerMessage: tell the customers what happened and what was done (at least ${MIN_TEXT} characters)`;
  if (input.summary.trim().length < MIN_TEXT) return `summary: at least ${MIN_TEXT} characters`;
  return undefined;
}

/** Closing requires a root-cause summary and at least one measure against a repeat (R8.5). */
export function checkCloseIncident(stage: IncidentStage, input: CloseIncidentInput): string | undefined {
  if (stage !== 'RESOLVED') return `only a RESOLVED incident can be closed (it is ${stage})`;
  if (input.rootCause.trim().length < MIN_TEXT)
    return `rootCause: a root-cause summary of at least ${MIN_TEXT} characters is required to close (R8.5)`;
  const measures = input.preventiveMeasures.map((m) => m.trim()).filter((m) => m.length > 0);
  if (measures.length === 0)
    return 'preventiveMeasures: at least one measure that prevents a repeat is required to close (R8.5)';
  return undefined;
}

/** A closed incident of the same area, as the knowledge base keeps it (R8.5). */
export interface KnownIssueRef {
  incidentId: string;
  rootCause: string;
  preventiveMeasures: string[];
  closedAt: string;
}

/**
 * The pre-diagnosis of a later complaint reads the knowledge base (R8.5): each earlier incident of
 * the area becomes a hypothesis with its root cause and measures, ranked after stronger evidence
 * (score 0.5) so that live alarms and changes still come first.
 */
export function withKnownIssues(outcome: EvidenceOutcome, issues: KnownIssueRef[]): EvidenceOutcome {
  if (issues.length === 0) return outcome;
  const known: Hypothesis[] = issues.slice(0, 3).map((k, i) => ({
    id: `known-${k.incidentId}`,
    cause: 'KNOWN_ISSUE',
    title: { 'zh-CN': '同区域历史突发事件', en: 'Earlier mass incident in this area' },
    score: 0.5 - i * 0.05,
    evidence: [
      `${k.incidentId}（${k.closedAt.slice(0, 10)} 闭环）根因：${k.rootCause}`,
      `防范措施：${k.preventiveMeasures.join('；')}`,
    ],
    suggestedAction: '核查上次事件的防范措施是否落实，是否同一原因复发',
    ruleId: 'knowledge-base',
  }));
  const hypotheses = [...outcome.hypotheses, ...known].sort((a, b) => b.score - a.score);
  return { ...outcome, hypotheses };
}
