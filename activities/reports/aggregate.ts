// The aggregation of a period (or a day) as data: one row per report tag with the complaint count
// and the figures counted under it, plus the sorted times to resolve (for exact percentiles) and
// the verification times per department. Rows of disjoint days add up to the rows of their period,
// so per-day rollups merge into weeks and months with the same figures as a direct aggregation.
// Pure: the pipelines are plain objects, run by ./source against MongoDB or FerretDB v1 ($match,
// $unwind, $group with one `$sum: 1`, $project only).
import { METRICS, splitMetricTag, type Metric } from './fields';

export interface TagRow {
  tag: string;
  /** Complaints with this tag. */
  n: number;
  m: Record<Metric, number>;
}

/** A complaint that shows what a topic is about: the most escalated, most reopened, earliest first. */
export interface Example {
  ticketId: string;
  level: number;
  rounds: number;
  at: number;
}

export interface PeriodAgg {
  rows: Map<string, TagRow>;
  /** Times to resolve (ms) of the resolved complaints, ascending. */
  resolveMs: number[];
  /** Up to EXAMPLES_PER_TOPIC examples per topic key (`category|region`), when collected. */
  examples?: Map<string, Example[]>;
}

export const EXAMPLES_PER_TOPIC = 3;

export function emptyAgg(): PeriodAgg {
  return { rows: new Map(), resolveMs: [] };
}

export function compareExamples(a: Example, b: Example): number {
  return (
    b.level - a.level ||
    b.rounds - a.rounds ||
    a.at - b.at ||
    (a.ticketId < b.ticketId ? -1 : a.ticketId > b.ticketId ? 1 : 0)
  );
}

/** The sort that lists a topic's examples in the same order (direct queries). */
export const EXAMPLE_SORT = { escalationMaxLevel: -1, rounds: -1, receivedAt: 1, _id: 1 } as const;

function addExamples(into: Map<string, Example[]>, topic: string, examples: Example[]): void {
  const list = [...(into.get(topic) ?? []), ...examples].sort(compareExamples).slice(0, EXAMPLES_PER_TOPIC);
  into.set(topic, list);
}

export function exampleOf(doc: Record<string, unknown>): Example {
  const at = doc.receivedAt instanceof Date ? doc.receivedAt.getTime() : Date.parse(String(doc.receivedAt));
  return {
    ticketId: String(doc._id),
    level: Number(doc.escalationMaxLevel ?? 0),
    rounds: Number(doc.rounds ?? 1),
    at,
  };
}

const zeroMetrics = (): Record<Metric, number> =>
  Object.fromEntries(METRICS.map((m) => [m, 0])) as Record<Metric, number>;

/**
 * The $match → $unwind → $group pipeline over the summaries that counts every tag. One accumulator
 * only: FerretDB v1.24 gives every accumulator after the first of a $group an exhausted iterator.
 */
export function tagPipeline(match: Record<string, unknown>): Record<string, unknown>[] {
  return [{ $match: match }, { $unwind: '$reportTags' }, { $group: { _id: '$reportTags', n: { $sum: 1 } } }];
}

/** The values that are not counts: time to resolve, and verification time of the transfer. */
export const VALUE_FIELDS = { _id: 0, timeToResolveMs: 1, verificationMs: 1, transfers: 1 } as const;

export function valuesPipeline(match: Record<string, unknown>): Record<string, unknown>[] {
  return [{ $match: match }, { $project: VALUE_FIELDS }];
}

function rowFor(rows: Map<string, TagRow>, tag: string): TagRow {
  let row = rows.get(tag);
  if (!row) rows.set(tag, (row = { tag, n: 0, m: zeroMetrics() }));
  return row;
}

/** Adds `count` of a tag: a plain tag counts complaints, `<tag>#<metric>` a figure of its row. */
export function addTag(rows: Map<string, TagRow>, tag: string, count: number): void {
  const figure = splitMetricTag(tag);
  if (figure) rowFor(rows, figure.tag).m[figure.metric] += count;
  else rowFor(rows, tag).n += count;
}

/** Adds the values of one summary (time to resolve, verification time). */
export function addValues(agg: PeriodAgg, doc: Record<string, unknown>): void {
  if (typeof doc.timeToResolveMs === 'number') agg.resolveMs.push(doc.timeToResolveMs);
  const dept = (doc.transfers as string[] | undefined)?.[0];
  if (typeof doc.verificationMs === 'number' && dept)
    rowFor(agg.rows, `dept:${dept}`).m.verifyMs += doc.verificationMs;
}

/** An aggregation from the output of tagPipeline and valuesPipeline. */
export function aggFrom(groups: Record<string, unknown>[], values: Record<string, unknown>[]): PeriodAgg {
  const agg = emptyAgg();
  for (const g of groups) addTag(agg.rows, String(g._id), Number(g.n ?? 0));
  for (const v of values) addValues(agg, v);
  agg.resolveMs.sort((a, b) => a - b);
  return agg;
}

/** What the pipelines compute, over documents in memory (the reference for tests and bulk rebuilds). */
export function foldDocs(docs: Iterable<Record<string, unknown>>): PeriodAgg {
  const agg: PeriodAgg = { ...emptyAgg(), examples: new Map() };
  for (const doc of docs) foldDoc(agg, doc);
  agg.resolveMs.sort((a, b) => a - b);
  return agg;
}

/** Adds one summary document to an aggregation (resolveMs is left unsorted: sort when done). */
export function foldDoc(agg: PeriodAgg, doc: Record<string, unknown>): void {
  for (const tag of (doc.reportTags as string[] | undefined) ?? []) addTag(agg.rows, tag, 1);
  addValues(agg, doc);
  if (agg.examples && typeof doc.category === 'string' && typeof doc.region === 'string')
    addExamples(agg.examples, `${doc.category}|${doc.region}`, [exampleOf(doc)]);
}

export function mergeAggs(aggs: PeriodAgg[]): PeriodAgg {
  const out = emptyAgg();
  if (aggs.length > 0 && aggs.every((a) => a.examples)) out.examples = new Map();
  for (const agg of aggs) {
    if (out.examples) for (const [topic, list] of agg.examples!) addExamples(out.examples, topic, list);
    for (const row of agg.rows.values()) {
      const into = out.rows.get(row.tag);
      if (!into) {
        out.rows.set(row.tag, { tag: row.tag, n: row.n, m: { ...row.m } });
        continue;
      }
      into.n += row.n;
      for (const k of METRICS) into.m[k] += row.m[k];
    }
    out.resolveMs.push(...agg.resolveMs);
  }
  out.resolveMs.sort((a, b) => a - b);
  return out;
}

/** Compact JSON for a stored rollup: [tag, n, ...metrics in METRICS order] per row. */
export function serializeAgg(agg: PeriodAgg): string {
  const rows = [...agg.rows.values()].map((r) => [r.tag, r.n, ...METRICS.map((k) => r.m[k])]);
  const examples = agg.examples ? [...agg.examples].map(([topic, list]) => [topic, list]) : undefined;
  return JSON.stringify({ metrics: METRICS, rows, resolveMs: agg.resolveMs, examples });
}

export function parseAgg(json: string): PeriodAgg {
  const data = JSON.parse(json) as {
    metrics: string[];
    rows: (string | number)[][];
    resolveMs: number[];
    examples?: [string, Example[]][];
  };
  const rows = new Map<string, TagRow>();
  for (const [tag, n, ...values] of data.rows) {
    const m = zeroMetrics();
    data.metrics.forEach((k, i) => {
      if ((METRICS as readonly string[]).includes(k)) m[k as Metric] = Number(values[i] ?? 0);
    });
    rows.set(String(tag), { tag: String(tag), n: Number(n), m });
  }
  return { rows, resolveMs: data.resolveMs, ...(data.examples ? { examples: new Map(data.examples) } : {}) };
}

/** Rows whose tag starts with `prefix:`, keyed by the rest of the tag. */
export function rowsOf(agg: PeriodAgg, prefix: string): { key: string; row: TagRow }[] {
  const p = `${prefix}:`;
  return [...agg.rows.values()]
    .filter((r) => r.tag.startsWith(p))
    .map((row) => ({ key: row.tag.slice(p.length), row }));
}

export function rowOf(agg: PeriodAgg, tag: string): TagRow {
  return agg.rows.get(tag) ?? { tag, n: 0, m: zeroMetrics() };
}

/** Nearest-rank percentile of ascending values: the value at rank ⌈p/100 · n⌉; undefined when empty. */
export function percentile(sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}
