// `npm run bench:reports`: loads N synthetic complaint summaries (default 1,000,000, written by the
// real projection code, toDocument) straight into the summary collection of a local stack, then
// times the weekly (2026-W48) and monthly (2026-11) reports two ways: a direct aggregation over the
// summaries, and the per-day rollups (cold build, warm, and after a day's worth of changes).
//   BENCH_N=200000 npm run bench:reports
//   BENCH_DATA_DIR=/tmp/bench-reports  keeps the stack's data there; a second run reuses the loaded data
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { computeReport, planFor } from '../../activities/reports/activities';
import { DEFAULT_HOT_RULES } from '../../domain/reports/hot';
import type { Report } from '../../activities/reports/model';
import { periodBounds, shiftPeriod } from '../../domain/reports/periods';
import { createReportSource, markDayChanged } from '../../activities/reports/source';
import { reportModels } from '../../activities/reports/store';
import { createModels } from '../../activities/models';
import { startStack } from '../../infra/stack/stack';
import { CATEGORIES, CHANNELS, type Category, type Channel } from '../../workflows/complaint/contract';
import type { ReportKind } from '../../workflows/report/contract';
import { summaries, type ComplaintSpec } from '../support/report-data';
import { machine } from './stats';

const TZ = 'Asia/Shanghai';
const H = 3_600_000;
const DAY = 24 * H;
/** The synthetic year ends with November 2026 (Monday 30 November is in week 49). */
const END = Date.parse('2026-11-30T16:00:00Z');
const START = END - 364 * DAY;
const WEEKLY_NOW = Date.parse('2026-11-30T01:00:00Z');
const MONTHLY_NOW = Date.parse('2026-12-01T01:00:00Z');
const REGIONS = [
  'haidian',
  'chaoyang',
  'dongcheng',
  'xicheng',
  'fengtai',
  'shijingshan',
  'tongzhou',
  'shunyi',
  'changping',
  'daxing',
  'fangshan',
  'mentougou',
  'huairou',
  'pinggu',
  'miyun',
  'yanqing',
];
const CAUSES = [
  '天馈故障',
  '弱覆盖',
  '小区退服',
  '外部干扰',
  '传输中断',
  '参数配置错误',
  '终端问题',
  '用户位置特殊',
];
const ACTIONS = [
  '更换天馈线',
  '规划新站',
  '恢复基站供电',
  '清除干扰源',
  '修复传输',
  '调整参数',
  '建议更换终端',
  '室分补点',
];
const DEPARTMENTS = ['network', 'data', 'billing', 'core', 'transmission'];

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(r: () => number, items: readonly T[], weights?: number[]): T {
  if (!weights) return items[Math.floor(r() * items.length)]!;
  const total = weights.reduce((s, w) => s + w, 0);
  let x = r() * total;
  for (let i = 0; i < items.length; i++) if ((x -= weights[i]!) < 0) return items[i]!;
  return items[items.length - 1]!;
}

/** One synthetic complaint: intake spread evenly over the year, outcomes drawn with fixed odds. */
export function syntheticSpec(i: number, n: number, r: () => number): ComplaintSpec {
  const at = START + Math.floor(((i + r()) / n) * (END - START));
  const age = END - at;
  const category = pick(r, CATEGORIES) as Category;
  const region = pick(
    r,
    REGIONS,
    REGIONS.map((_, k) => 16 - k),
  );
  const causeIndex = Math.floor(r() * 3) + (CATEGORIES.indexOf(category) % 5);
  const replyRoll = r();
  const firstReplyH = replyRoll < 0.95 ? r() * 47 : replyRoll < 0.99 ? 48 + r() * 48 : undefined;
  const resolved = r() < (age > 7 * DAY ? 0.92 : 0.5);
  const resolvedH = resolved ? 1 + Math.floor(r() * 200 * 60) / 60 : undefined;
  const finalRoll = r();
  const satisfied = resolved && finalRoll < 0.85 ? r() < 0.9 : undefined;
  const escalationRoll = r();
  const escalations = escalationRoll < 0.01 ? [1, 2] : escalationRoll < 0.04 ? [1] : undefined;
  const transfer =
    r() < 0.15
      ? { department: pick(r, DEPARTMENTS), ...(r() < 0.9 ? { verifiedH: 1 + Math.floor(r() * 48) } : {}) }
      : undefined;
  const rounds = satisfied === false ? 2 : 1;
  const repeat = r() < 0.05;
  const mass = r() < 0.005 ? `MI-${new Date(at).toISOString().slice(0, 7)}-${region}` : undefined;
  const firstReplyState =
    firstReplyH === undefined
      ? age > 48 * H
        ? 'breached'
        : 'running'
      : firstReplyH <= 48
        ? 'met'
        : 'metLate';
  const handlingState = resolved
    ? resolvedH! <= 120
      ? 'met'
      : 'metLate'
    : age > 120 * H
      ? 'breached'
      : 'running';
  return {
    id: `BENCH-${i}`,
    at: new Date(at).toISOString(),
    channel: pick(r, CHANNELS, [40, 30, 15, 10, 5]) as Channel,
    category,
    region,
    vip: pick(r, [0, 1, 2, 3], [80, 10, 6, 4]),
    ...(firstReplyH !== undefined ? { firstReplyH } : {}),
    ...(resolved
      ? {
          resolvedH,
          rootCause: CAUSES[causeIndex % CAUSES.length],
          actions: ACTIONS[causeIndex % ACTIONS.length],
        }
      : {}),
    ...(satisfied !== undefined ? { satisfied, closed: satisfied } : {}),
    ...(escalations ? { escalations } : {}),
    ...(transfer ? { transfer } : {}),
    rounds,
    repeat,
    ...(mass ? { massIncidentId: mass } : {}),
    clocks: [
      ['firstReply', firstReplyState],
      ['handling', handlingState],
      ...(transfer
        ? [
            [
              `verification:${transfer.department}`,
              transfer.verifiedH === undefined ? 'breached' : transfer.verifiedH <= 24 ? 'met' : 'metLate',
            ] as [string, 'met' | 'metLate' | 'breached'],
          ]
        : []),
    ],
    breached: firstReplyState === 'breached' || firstReplyState === 'metLate' || handlingState !== 'met',
    hot: rounds > 1 || escalations !== undefined || repeat,
  };
}

/** Where two reports differ (paths, first few), ignoring source and generatedAt. */
function firstDifference(a: unknown, b: unknown, at = '', out: string[] = []): string[] {
  if (out.length >= 5 || at === '.source' || at === '.generatedAt') return out;
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
      firstDifference(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${at}.${k}`,
        out,
      );
  } else if (a !== b) out.push(`${at}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`);
  return out;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = process.hrtime.bigint();
  const value = await fn();
  return { value, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');

let stopping: (() => Promise<void>) | undefined;

async function main(): Promise<void> {
  const n = Number(process.env.BENCH_N ?? 1_000_000);
  const keep = process.env.BENCH_DATA_DIR;
  const dataDir = keep ? path.resolve(keep) : mkdtempSync(path.join(tmpdir(), 'closedloop-bench-reports-'));
  console.log(`machine: ${machine()}; load average ${load()}`);
  const stack = await startStack({ dataDir, ports: 'auto', startApp: false, quiet: true });
  stopping = async () => {
    await stack.stop();
    process.exit(130);
  };
  const backend = stack.urls.postgres
    ? 'FerretDB 1.24 on PostgreSQL'
    : stack.urls.mongo.includes('27017')
      ? 'MongoDB'
      : 'FerretDB 1.24';
  console.log(`database: ${backend} (${stack.urls.mongo})`);
  const connection = mongoose.createConnection(stack.urls.mongo);
  await connection.asPromise();
  const models = createModels(connection);
  await models.Complaint.init();
  const store = reportModels(connection);
  await Promise.all([store.Rollup.init(), store.RollupChange.init(), store.Report.init()]);
  const lines: string[] = [];
  const row = (what: string, ms: number, note = '') => {
    lines.push(`| ${what} | ${secs(ms)} | ${note} |`);
    console.log(`${what}: ${secs(ms)} ${note}`);
  };
  try {
    const existing = await models.Complaint.estimatedDocumentCount();
    // Every run builds the rollups from nothing.
    await Promise.all([store.Rollup.deleteMany({}), store.RollupChange.deleteMany({})]);
    if (existing >= n) {
      console.log(`reusing ${existing} summaries in ${dataDir}`);
    } else {
      if (existing > 0) await models.Complaint.deleteMany({});
      const r = rng(20261130);
      const loadTime = await timed(async () => {
        const batch: Record<string, unknown>[] = [];
        for (let i = 0; i < n; i++) {
          const spec = syntheticSpec(i, n, r);
          // The projection's document, with the report fields as of the end of the synthetic year.
          batch.push(summaries([spec], END)[0]!);
          if (batch.length === 2000 || i === n - 1) {
            await models.Complaint.collection.insertMany(batch.splice(0), { ordered: false });
            if ((i + 1) % 100_000 === 0) console.log(`  loaded ${i + 1} …`);
          }
        }
      });
      row(
        `load ${n.toLocaleString('en')} summaries (insertMany, batches of 2000)`,
        loadTime.ms,
        `${Math.round(n / (loadTime.ms / 1000))} docs/s`,
      );
    }

    const source = createReportSource({ models, reportModels: store });
    const reports: Partial<Record<string, Report>> = {};
    const run = async (kind: ReportKind, mode: 'direct' | 'rollups', label: string) => {
      const now = kind === 'weekly' ? WEEKLY_NOW : MONTHLY_NOW;
      const plan = planFor({ kind, at: new Date(now).toISOString(), requestedBy: 'bench' }, TZ);
      const t = await timed(() =>
        computeReport(source, plan, {
          mode,
          hotRule: DEFAULT_HOT_RULES[kind],
          trendPeriods: kind === 'weekly' ? 8 : 6,
          now,
        }),
      );
      reports[`${kind}-${mode}`] = t.value;
      row(
        `${kind} ${plan.period}: ${label}`,
        t.ms,
        `${t.value.figures.total} complaints, ${t.value.hotTopics.length} hot topics`,
      );
      return t.value;
    };

    // Before: every period read from the summaries.
    await run('weekly', 'direct', 'direct aggregation ($match/$unwind/$group per period)');
    await run('monthly', 'direct', 'direct aggregation ($match/$unwind/$group per period)');

    // After: per-day rollups. Cold: every day the reports need is built once.
    const daysFor = (kind: ReportKind, period: string, trend: number) => {
      const periods = [-2, -1, ...Array.from({ length: trend }, (_, i) => i - trend + 1)].map((k) =>
        shiftPeriod(kind, period, k),
      );
      return [...new Set(periods.flatMap((p) => periodBounds(kind, p, TZ).days))];
    };
    const needed = [...new Set([...daysFor('weekly', '2026-W48', 8), ...daysFor('monthly', '2026-11', 6)])];
    const cold = await timed(() => source.refresh(needed));
    row(
      `rollups: cold build of ${needed.length} days`,
      cold.ms,
      `${cold.value.passes} passes over the summaries`,
    );
    await run('weekly', 'rollups', 'from rollups (warm)');
    await run('monthly', 'rollups', 'from rollups (warm)');

    // A day's worth of changes: re-project last week's complaints of one region (about 0.7 %), as
    // if they had been closed, and mark their days as the projection does. (One updateMany: on
    // FerretDB every update by _id alone is a scan of the whole collection.)
    const changedFilter = { weekKey: '2026-W48', region: 'yanqing' };
    const sample = await models.Complaint.find(changedFilter)
      .select({ _id: 1, dayKey: 1, version: 1 })
      .lean();
    await models.Complaint.updateMany(changedFilter, {
      $inc: { version: 1 },
      $set: { stage: 'CLOSED' },
      $push: { reportTags: 'all#closed' },
    });
    for (const doc of sample) await markDayChanged(connection, doc.dayKey, doc._id, doc.version + 1);
    const marked = new Set(sample.map((d) => d.dayKey)).size;
    const weeklyAfter = await timed(async () => {
      const plan = planFor(
        { kind: 'weekly', at: new Date(WEEKLY_NOW).toISOString(), requestedBy: 'bench' },
        TZ,
      );
      return computeReport(source, plan, {
        mode: 'rollups',
        hotRule: DEFAULT_HOT_RULES.weekly,
        trendPeriods: 8,
        now: WEEKLY_NOW,
      });
    });
    row(
      `weekly 2026-W48: from rollups after ${sample.length} complaints changed on ${marked} days`,
      weeklyAfter.ms,
      'includes rebuilding the changed days',
    );
    const direct = await run('weekly', 'direct', 'direct aggregation after the changes (check)');
    const same =
      JSON.stringify({ ...weeklyAfter.value, source: 'x', generatedAt: 'x' }) ===
      JSON.stringify({ ...direct, source: 'x', generatedAt: 'x' });
    const sameMonthly =
      JSON.stringify({ ...reports['monthly-rollups'], source: 'x', generatedAt: 'x' }) ===
      JSON.stringify({ ...reports['monthly-direct'], source: 'x', generatedAt: 'x' });
    console.log(
      `rollup reports equal to direct ones: weekly ${same ? 'yes' : 'NO'}, monthly ${sameMonthly ? 'yes' : 'NO'}`,
    );
    if (!same) console.log(`weekly differs at: ${firstDifference(weeklyAfter.value, direct).join('; ')}`);
    if (!sameMonthly)
      console.log(
        `monthly differs at: ${firstDifference(reports['monthly-rollups'], reports['monthly-direct']).join('; ')}`,
      );
    if (!same || !sameMonthly) process.exitCode = 1;

    console.log(
      `\n### Reports on ${n.toLocaleString('en')} complaints (${new Date().toISOString().slice(0, 10)})\n`,
    );
    console.log(`${machine()}; ${backend}; load average at the end ${load()}\n`);
    console.log('| step | time | notes |\n| --- | --- | --- |');
    console.log(lines.join('\n'));
  } finally {
    await connection.close();
    await stack.stop();
    if (!keep && existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  // Ctrl-C: stop the stack (its processes are also reaped at the next start in the same data dir).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopping?.());
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
