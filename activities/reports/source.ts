// Where the report figures come from (R9): directly from the summary collection (one
// $match/$unwind/$group pass per period, plus the times to resolve), or from per-day rollups.
//
// FerretDB v1 pushes only equality filters down to its backend and never uses an index for them,
// and it decodes every matched document in its own process: a pass over a month of a million
// summaries takes minutes. So the projection marks the day of every complaint it writes
// (report_rollup_changes), and a rollup refresh re-reads only the weeks with marked or missing
// days, in one streaming pass per week folded per day (./aggregate foldDoc: the same figures as the
// pipeline). Reports then merge a few dozen small rollup documents. No counter is incremented in
// place: FerretDB v1 updates are read-modify-write without locks, so concurrent $inc lose updates.
import type { Logger } from 'pino';
import { isDuplicateKey, type Models } from '../models';
import {
  aggFrom,
  EXAMPLE_SORT,
  EXAMPLES_PER_TOPIC,
  exampleOf,
  emptyAgg,
  foldDoc,
  parseAgg,
  serializeAgg,
  tagPipeline,
  valuesPipeline,
  type PeriodAgg,
} from './aggregate';
import { weekOfDay } from '../../domain/reports/periods';
import { reportModels, type ReportModels } from './store';

/** What a fold needs of a summary (everything else is left in the database). */
export const FOLD_PROJECTION = {
  _id: 1,
  dayKey: 1,
  category: 1,
  region: 1,
  receivedAt: 1,
  escalationMaxLevel: 1,
  rounds: 1,
  timeToResolveMs: 1,
  verificationMs: 1,
  transfers: 1,
  reportTags: 1,
} as const;

/** Marked days of a week above which the whole week is read in one pass instead of day by day. */
const DAYS_FOR_WEEK_PASS = 2;

export interface SourceDeps {
  models: Pick<Models, 'Complaint'>;
  reportModels: ReportModels;
  logger?: Logger;
  /** Called between batches of long reads (activity heartbeat). */
  progress?: (detail: Record<string, unknown>) => void;
}

export interface RefreshResult {
  /** Days whose rollup was rebuilt. */
  rebuilt: string[];
  /** Passes over the summaries (one per week or per day read). */
  passes: number;
}

export function createReportSource(deps: SourceDeps) {
  const { models } = deps;
  const store = deps.reportModels;
  const Complaint = models.Complaint;
  const progress = deps.progress ?? (() => undefined);

  /** One period straight from the summaries: the tag counts, and the times to resolve and verify. */
  async function direct(match: Record<string, unknown>): Promise<PeriodAgg> {
    const [groups, values] = await Promise.all([
      Complaint.aggregate<Record<string, unknown>>(tagPipeline(match) as never[]),
      Complaint.aggregate<Record<string, unknown>>(valuesPipeline(match) as never[]),
    ]);
    return aggFrom(groups, values);
  }

  /** Example tickets of some topics of a period, most escalated first (direct queries). */
  async function directExamples(
    match: Record<string, unknown>,
    topics: string[],
  ): Promise<Map<string, ReturnType<typeof exampleOf>[]>> {
    const out = new Map<string, ReturnType<typeof exampleOf>[]>();
    for (const topic of topics) {
      const cut = topic.indexOf('|');
      const docs = await Complaint.find({
        ...match,
        category: topic.slice(0, cut),
        region: topic.slice(cut + 1),
      })
        .select({ _id: 1, escalationMaxLevel: 1, rounds: 1, receivedAt: 1 })
        .sort(EXAMPLE_SORT)
        .limit(EXAMPLES_PER_TOPIC)
        .lean();
      out.set(
        topic,
        docs.map((d) => exampleOf(d as unknown as Record<string, unknown>)),
      );
    }
    return out;
  }

  /** Complaints of a period (direct count). */
  async function directCount(match: Record<string, unknown>): Promise<number> {
    const [res] = await Complaint.aggregate<{ n: number }>([{ $match: match }, { $count: 'n' }]);
    return res?.n ?? 0;
  }

  /** Records that the day's rollup is out of date (after the summary of `ticketId` was written). */
  const markChanged = (dayKey: string, ticketId: string, version: number) =>
    markDayChanged(Complaint.db, dayKey, ticketId, version);

  /** Folds the summaries matching `match` per day; every day in `days` gets an aggregation. */
  async function foldPerDay(match: Record<string, unknown>, days: string[]): Promise<Map<string, PeriodAgg>> {
    const perDay = new Map<string, PeriodAgg>(days.map((d) => [d, { ...emptyAgg(), examples: new Map() }]));
    let read = 0;
    const cursor = Complaint.find(match).select(FOLD_PROJECTION).lean().batchSize(2000).cursor();
    for await (const doc of cursor) {
      const d = perDay.get(String((doc as { dayKey?: unknown }).dayKey));
      if (d) foldDoc(d, doc as unknown as Record<string, unknown>);
      if (++read % 2000 === 0) progress({ read, match });
    }
    for (const agg of perDay.values()) agg.resolveMs.sort((a, b) => a - b);
    return perDay;
  }

  async function saveRollups(perDay: Map<string, PeriodAgg>, scannedAt: Date): Promise<void> {
    for (const [day, agg] of perDay) {
      const doc = {
        scannedAt,
        complaints: agg.rows.get('all')?.n ?? 0,
        payload: serializeAgg(agg),
      };
      try {
        // An older rebuild that finishes late never overwrites a newer one.
        await store.Rollup.updateOne(
          { _id: day, scannedAt: { $lt: scannedAt } },
          { $set: doc },
          { upsert: true },
        );
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
  }

  /**
   * Rebuilds the rollups of the given days that are missing or marked changed: weeks with more
   * than two such days in one pass over the week, others day by day. Marks read before the pass
   * are deleted after it; marks written meanwhile stay for the next refresh. `days` absent: every
   * marked day.
   */
  async function refresh(days?: string[]): Promise<RefreshResult> {
    const marks = await store.RollupChange.find(days ? { day: { $in: days } } : {})
      .select({ _id: 1, day: 1 })
      .lean();
    const marked = new Map<string, string[]>();
    for (const m of marks) marked.set(m.day, [...(marked.get(m.day) ?? []), m._id]);
    const built = new Set(
      days
        ? (
            await store.Rollup.find({ _id: { $in: days } })
              .select({ _id: 1 })
              .lean()
          ).map((r) => r._id)
        : [],
    );
    const stale = [...new Set([...marked.keys(), ...(days ?? []).filter((d) => !built.has(d))])].sort();
    const byWeek = new Map<string, string[]>();
    for (const d of stale) byWeek.set(weekOfDay(d), [...(byWeek.get(weekOfDay(d)) ?? []), d]);

    const rebuilt: string[] = [];
    let passes = 0;
    for (const [week, weekDays] of byWeek) {
      const scannedAt = new Date();
      const perDay =
        weekDays.length > DAYS_FOR_WEEK_PASS
          ? await foldPerDay({ weekKey: week }, weekDays)
          : await (async () => {
              const out = new Map<string, PeriodAgg>();
              for (const d of weekDays) {
                for (const [k, v] of await foldPerDay({ dayKey: d }, [d])) out.set(k, v);
                passes += 1;
              }
              return out;
            })();
      if (weekDays.length > DAYS_FOR_WEEK_PASS) passes += 1;
      await saveRollups(perDay, scannedAt);
      const consumed = weekDays.flatMap((d) => marked.get(d) ?? []);
      if (consumed.length) await store.RollupChange.deleteMany({ _id: { $in: consumed } });
      rebuilt.push(...weekDays);
      progress({ week, rebuilt: rebuilt.length, of: stale.length });
    }
    if (rebuilt.length) deps.logger?.info({ days: rebuilt.length, passes }, 'report rollups rebuilt');
    return { rebuilt, passes };
  }

  /** The stored rollups of these days (call refresh first); a day without one counts as empty. */
  async function rollups(days: string[]): Promise<Map<string, PeriodAgg>> {
    const docs = await store.Rollup.find({ _id: { $in: days } }).lean();
    const out = new Map<string, PeriodAgg>();
    for (const doc of docs) out.set(doc._id, parseAgg(doc.payload));
    for (const d of days) if (!out.has(d)) out.set(d, { ...emptyAgg(), examples: new Map() });
    return out;
  }

  return { direct, directExamples, directCount, markChanged, refresh, rollups };
}

export type ReportSource = ReturnType<typeof createReportSource>;

/** The projection's mark: the day's rollup is out of date once the summary of `ticketId` is written. */
export async function markDayChanged(
  connection: Models['Complaint']['db'],
  dayKey: string,
  ticketId: string,
  version: number,
): Promise<void> {
  try {
    await reportModels(connection).RollupChange.create({
      _id: `${dayKey}|${ticketId}|${version}`,
      day: dayKey,
      at: new Date(),
    });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
}
