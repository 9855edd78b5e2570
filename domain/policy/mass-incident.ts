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
  /**
   * The contingency plan (预案, R8.3, R8.6): what is worked through, who does each item and what
   * ticks it. Absent in policy sets stored before the plan was data: the default plan applies.
   */
  plan?: PlanItem[];
}

/** The area evidence whose findings tick a plan item (R8.3): a source that found something. */
export const PLAN_FINDINGS = ['changes', 'alarms', 'interference', 'kpis'] as const;
export type PlanFinding = (typeof PLAN_FINDINGS)[number];
/** Events of the incident itself that tick an item: the leaders told (R8.2), the customers answered. */
export const PLAN_EVENTS = ['notified', 'resolved'] as const;
export type PlanEvent = (typeof PLAN_EVENTS)[number];

/** One item of the contingency plan. Besides its `tickedBy`, only a person with a note ticks it. */
export interface PlanItem {
  /** Stable id the checklist route names, e.g. `changes`. */
  id: string;
  title: string;
  /** Who does it (a role of the vocabulary, e.g. department:network): shown on the checklist. */
  role: string;
  /** A finding of this evidence, or this event, ticks it; absent = only a person does. */
  tickedBy?: PlanFinding | PlanEvent;
  /** Must be done before the incident can be resolved. */
  beforeResolve: boolean;
}

/** The plan as the operator's text lists it (突发性大面积投诉处理: 预案, 升级/割接, 告警, 干扰). */
export const DEFAULT_CONTINGENCY_PLAN: PlanItem[] = frozen([
  {
    id: 'changes',
    title: '核查升级与割接 Upgrades and cutovers in the area',
    role: 'department:network',
    tickedBy: 'changes',
    beforeResolve: true,
  },
  {
    id: 'alarms',
    title: '核查大面积告警 Large-scale alarms',
    role: 'department:network',
    tickedBy: 'alarms',
    beforeResolve: true,
  },
  {
    id: 'interference',
    title: '核查突发干扰 Sudden interference',
    role: 'interface',
    tickedBy: 'interference',
    beforeResolve: true,
  },
  { id: 'kpis', title: '核查小区指标 Cell KPIs', role: 'interface', tickedBy: 'kpis', beforeResolve: true },
  {
    id: 'notified',
    title: '通知相关部门与领导 Departments and leaders told',
    role: 'interface',
    tickedBy: 'notified',
    beforeResolve: true,
  },
  {
    id: 'fieldTeam',
    title: '派出现场/抢修 Field team dispatched',
    role: 'department:network',
    beforeResolve: true,
  },
  {
    id: 'customerMessage',
    title: '统一客户答复口径 Customer message agreed',
    role: 'interface',
    tickedBy: 'resolved',
    beforeResolve: false,
  },
]);

export const DEFAULT_MASS_INCIDENT_POLICY: MassIncidentPolicy = frozen({
  enabled: true,
  rules: [
    { scope: 'cell', count: 5, window: '30m' },
    { scope: 'site', count: 5, window: '30m' },
    { scope: 'region', count: 30, window: '30m' },
  ],
  notifyRoles: ['department:network', 'interface', 'leader'],
  closeReminderAfter: '24h',
  plan: DEFAULT_CONTINGENCY_PLAN,
});

const PLAN_ITEM_ID = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;

function planProblems(plan: PlanItem[]): string[] {
  if (!Array.isArray(plan) || plan.length === 0) return ['plan: at least one item'];
  const problems: string[] = [];
  const seen = new Set<string>();
  const triggers = new Set<string>([...PLAN_FINDINGS, ...PLAN_EVENTS]);
  for (const [i, item] of plan.entries()) {
    if (!PLAN_ITEM_ID.test(item.id ?? '')) problems.push(`plan[${i}].id: letters, digits, - or _ (≤ 40)`);
    else if (seen.has(item.id)) problems.push(`plan[${i}].id: "${item.id}" is listed twice`);
    seen.add(item.id);
    if (!item.title?.trim()) problems.push(`plan[${i}].title: required`);
    if (!item.role?.trim()) problems.push(`plan[${i}].role: who does it`);
    if (item.tickedBy !== undefined && !triggers.has(item.tickedBy))
      problems.push(`plan[${i}].tickedBy: one of ${[...triggers].join(', ')}`);
    // The customers are answered when the incident is resolved: that item cannot be needed before it.
    if (item.tickedBy === 'resolved' && item.beforeResolve)
      problems.push(`plan[${i}].beforeResolve: an item ticked by the resolution cannot be needed before it`);
  }
  return problems;
}

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
  if (p.plan !== undefined) problems.push(...planProblems(p.plan));
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

/** The items of the first release's fixed plan (checklists of incidents started before the plan was data). */
export const CHECKLIST_ITEMS = frozen(DEFAULT_CONTINGENCY_PLAN.map(({ id, title }) => ({ id, title })));

export interface ChecklistItem {
  id: string;
  title: string;
  done: boolean;
  by?: string;
  at?: string;
  note?: string;
  /** Who does it (plan data; absent on checklists of the first release). */
  role?: string;
  tickedBy?: PlanItem['tickedBy'];
  beforeResolve?: boolean;
  /** What ticked it: a finding of the area evidence, an event of the incident, or a person with a note. */
  how?: 'finding' | 'event' | 'person';
}

/** The checklist of a new incident from its policy's plan (the default plan when it has none). */
export function newChecklist(plan: readonly PlanItem[] = DEFAULT_CONTINGENCY_PLAN): ChecklistItem[] {
  return plan.map((i) => ({
    id: i.id,
    title: i.title,
    done: false,
    role: i.role,
    ...(i.tickedBy ? { tickedBy: i.tickedBy } : {}),
    beforeResolve: i.beforeResolve,
  }));
}

/** The first release's checklist: ids and titles only, the customer message not needed to resolve. */
export function legacyChecklist(): ChecklistItem[] {
  return CHECKLIST_ITEMS.map((i) => ({ id: i.id, title: i.title, done: false }));
}

function neededToResolve(i: ChecklistItem): boolean {
  return i.beforeResolve ?? i.id !== 'customerMessage';
}

/** A summary of what one evidence source found in the area (the workflow's AreaFindings entry). */
export interface FoundSummary {
  count: number;
  top: string[];
}

/**
 * The items a source's summary ticks (R8.6): only when it found something. A source that answered
 * with nothing, or did not answer, leaves its item to a person, who ticks it with a note.
 */
export function itemsTickedByFinding(
  checklist: ChecklistItem[],
  source: PlanFinding,
  found: FoundSummary | undefined,
): ChecklistItem[] {
  if (!found || found.count === 0) return [];
  return checklist.filter((i) => !i.done && i.tickedBy === source);
}

/** A person's tick (R8.6): a known item, and a note saying what was checked and found. */
export function checkPlanItem(
  checklist: ChecklistItem[],
  input: { item: string; done: boolean; note?: string },
): string | undefined {
  if (!checklist.some((c) => c.id === input.item))
    return `no checklist item ${input.item} (items: ${checklist.map((c) => c.id).join(', ')})`;
  if (input.done && (input.note ?? '').trim().length < 2)
    return `note: say what was checked and found when ticking ${input.item} (R8.6)`;
  return undefined;
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
  const open = checklist.filter((i) => !i.done && neededToResolve(i));
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
