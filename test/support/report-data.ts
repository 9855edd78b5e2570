// Complaint views for the report tests (R9): each spec says what happened to one complaint, and
// reportView() turns it into the ComplaintView the workflow would project, so the report figures
// of a data set are known in advance.
import { reportFields } from '../../activities/reports/fields';
import { foldDocs, type PeriodAgg } from '../../activities/reports/aggregate';
import { EXAMPLE_SORT, exampleOf } from '../../activities/reports/aggregate';
import type { ReportSource } from '../../activities/reports/source';
import { toDocument } from '../../activities/projection';
import type { ClockView } from '../../domain/policy/clocks';
import type { Category, Channel, ComplaintView, Stage } from '../../workflows/complaint/contract';

const H = 3_600_000;

export interface ComplaintSpec {
  id: string;
  /** ISO instant of intake. */
  at: string;
  channel?: Channel;
  category?: Category;
  region?: string;
  vip?: number;
  /** A reply reached the customer this many hours after intake (FIRST by phone). */
  firstReplyH?: number;
  /** An SMS reply the customer did not confirm (does not count). */
  unconfirmedSmsH?: number;
  resolvedH?: number;
  rootCause?: string;
  actions?: string;
  /** Final reply by phone (after resolution) with the customer's answer. */
  satisfied?: boolean;
  closed?: boolean;
  escalations?: number[];
  transfer?: { department: string; verifiedH?: number };
  rounds?: number;
  repeat?: boolean;
  massIncidentId?: string;
  clocks?: [string, ClockView['state']][];
  breached?: boolean;
  hot?: boolean;
  /** When the summary was last written, hours after intake (default: the report's `now`). */
  projectedH?: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

function clockView(name: string, state: ClockView['state'], start: number): ClockView {
  return {
    name,
    state,
    calendar: '24x7',
    startedAt: iso(start),
    targetMs: 48 * H,
    extendedMs: 0,
    elapsedMs: 0,
    pausedMs: 0,
    remainingMs: 0,
    ...(state === 'running' ? { dueAt: iso(start + 48 * H) } : { stoppedAt: iso(start + H) }),
    pauses: [],
    extensions: [],
  };
}

export function reportView(s: ComplaintSpec): ComplaintView {
  const t0 = Date.parse(s.at);
  const replies: ComplaintView['replies'] = [];
  if (s.unconfirmedSmsH !== undefined)
    replies.push({
      kind: 'FIRST',
      method: 'SMS',
      summary: 'sms',
      customerConfirmed: false,
      by: 'h',
      at: iso(t0 + s.unconfirmedSmsH * H),
      counts: false,
    });
  if (s.firstReplyH !== undefined)
    replies.push({
      kind: 'FIRST',
      method: 'PHONE',
      summary: 'call',
      customerConfirmed: true,
      by: 'h',
      at: iso(t0 + s.firstReplyH * H),
      counts: true,
    });
  const resolvedAt = s.resolvedH === undefined ? undefined : t0 + s.resolvedH * H;
  if (resolvedAt !== undefined && s.satisfied !== undefined)
    replies.push({
      kind: 'FINAL',
      method: 'PHONE',
      summary: 'final',
      customerConfirmed: true,
      satisfied: s.satisfied,
      by: 'h',
      at: iso(resolvedAt + H),
      counts: true,
    });
  const transferAt = t0 + H / 2;
  const stage: Stage = s.closed
    ? 'CLOSED'
    : s.satisfied === false
      ? 'REOPENED'
      : resolvedAt !== undefined
        ? s.satisfied === undefined
          ? 'RESOLVED'
          : 'REPLYING'
        : s.transfer && s.transfer.verifiedH === undefined
          ? 'TRANSFERRED'
          : 'IN_PROGRESS';
  const escalations = (s.escalations ?? []).map((level, i) => ({
    level,
    reason: 'r',
    by: 'supervisor.wang',
    at: iso(t0 + (i + 1) * H),
    source: 'manual',
    role: 'interface',
    title: `L${level}`,
  }));
  const view = {
    ticketId: s.id,
    workflowId: `complaint-${s.id}`,
    stage,
    version: 3,
    input: {
      ticketId: s.id,
      channel: s.channel ?? 'EMOS',
      externalId: s.id,
      category: s.category ?? 'NO_SIGNAL',
      urgency: 'NORMAL',
      description: 'd',
      location: { region: s.region ?? 'haidian' },
      occurrence: { frequency: 'DAILY' },
      terminal: {},
      numbers: { callback: '+8613800000000' },
      customer: { vipLevel: s.vip ?? 0, language: 'zh-CN' },
      receivedAt: s.at,
      submittedBy: 'emos-gateway',
    },
    ...(s.transfer
      ? { triage: { decision: 'TRANSFER', department: s.transfer.department, by: 'h', at: iso(transferAt) } }
      : {}),
    verifications:
      s.transfer?.verifiedH !== undefined
        ? [
            {
              department: s.transfer.department,
              result: 'ok',
              by: 'd',
              at: iso(transferAt + s.transfer.verifiedH * H),
            },
          ]
        : [],
    findings: [],
    ...(resolvedAt !== undefined
      ? {
          resolution: {
            summary: 's',
            rootCause: s.rootCause ?? '',
            actions: s.actions ?? '',
            by: 'h',
            at: iso(resolvedAt),
          },
        }
      : {}),
    replies,
    escalations,
    escalationLevel: Math.max(0, ...(s.escalations ?? [])),
    team: s.region ?? 'haidian',
    assignments: [],
    rounds: s.rounds ?? 1,
    ...(s.repeat
      ? { repeatOf: [{ ticketId: 'EARLIER-1', stage: 'CLOSED', receivedAt: iso(t0 - 24 * H), by: 'number' }] }
      : {}),
    // As the complaint workflow links it (workflows/complaint/incident.ts onIncidentLinked).
    ...(s.massIncidentId
      ? {
          incident: {
            incidentId: s.massIncidentId,
            areaKey: `site:${s.massIncidentId}`,
            linkedAt: iso(t0 + 60_000),
            stage: 'OPEN' as const,
          },
        }
      : {}),
    hot: s.hot ?? false,
    policyHistory: [],
    clocks: (s.clocks ?? []).map(([name, state]) => clockView(name, state, t0)),
    slaBreached: s.breached ?? false,
    timeline: [],
    ...(s.closed && resolvedAt !== undefined ? { closedAt: iso(resolvedAt + 2 * H) } : {}),
  };
  return view as unknown as ComplaintView;
}

/** The summary documents the projection writes for these complaints (last projected at `now`). */
export function summaries(specs: ComplaintSpec[], now: number, timeZone?: string): Record<string, unknown>[] {
  return specs.map((s) => {
    const view = reportView(s);
    const doc = toDocument(view, timeZone) as unknown as Record<string, unknown>;
    const projectedAt = s.projectedH === undefined ? now : Date.parse(s.at) + s.projectedH * H;
    // The report fields as of the projection (toDocument uses the clock of the machine).
    return { ...doc, ...reportFields(view, String(doc.dayKey), projectedAt) };
  });
}

function matches(doc: Record<string, unknown>, match: Record<string, unknown>): boolean {
  return Object.entries(match).every(([k, v]) => doc[k] === v);
}

function byExampleSort(a: Record<string, unknown>, b: Record<string, unknown>): number {
  for (const [k, dir] of Object.entries(EXAMPLE_SORT)) {
    const x = a[k] instanceof Date ? (a[k] as Date).getTime() : (a[k] as number | string);
    const y = b[k] instanceof Date ? (b[k] as Date).getTime() : (b[k] as number | string);
    if (x < y) return -dir;
    if (x > y) return dir;
  }
  return 0;
}

/** A report source over documents in memory: direct = fold of the period, rollups = fold per day. */
export function memorySource(docs: Record<string, unknown>[]): ReportSource {
  const fold = (match: Record<string, unknown>): PeriodAgg => foldDocs(docs.filter((d) => matches(d, match)));
  return {
    direct: async (match) => ({ ...fold(match), examples: undefined }),
    directCount: async (match) => docs.filter((d) => matches(d, match)).length,
    directExamples: async (match, topics) =>
      new Map(
        topics.map((t) => {
          const [category, region] = t.split('|');
          const list = docs
            .filter((d) => matches(d, { ...match, category, region }))
            .sort(byExampleSort)
            .slice(0, 3)
            .map(exampleOf);
          return [t, list];
        }),
      ),
    markChanged: async () => undefined,
    refresh: async () => ({ rebuilt: [], passes: 0 }),
    rollups: async (days) => new Map(days.map((d) => [d, fold({ dayKey: d })])),
  };
}
