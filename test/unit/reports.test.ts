import { computeReport, planFor } from '../../activities/reports/activities';
import { foldDocs, mergeAggs, parseAgg, percentile, serializeAgg } from '../../activities/reports/aggregate';
import { CSV_TABLES, renderCsv } from '../../activities/reports/csv';
import { reportFields } from '../../activities/reports/fields';
import { DEFAULT_HOT_RULES, hotRuleProblems } from '../../domain/reports/hot';
import { renderReportHtml, renderReportText } from '../../activities/reports/html';
import type { Report } from '../../activities/reports/model';
import { loadConfig } from '../../platform/config';
import { reportConfigFrom } from '../../platform/report-config';
import { DEFAULT_REPORT_RELEASE } from '../../domain/reports/analysis';
import { memorySource, reportView, summaries } from '../support/report-data';
import { ALL_SPECS, MONTHLY_NOW, SMALL_MONTHLY_RULE, W48, WEEKLY_NOW, sh } from '../support/report-dataset';

const H = 3_600_000;
const SH = 'Asia/Shanghai';

async function weekly(mode: 'rollups' | 'direct' = 'rollups'): Promise<Report> {
  const docs = summaries(ALL_SPECS, WEEKLY_NOW);
  const plan = planFor({ kind: 'weekly', at: new Date(WEEKLY_NOW).toISOString(), requestedBy: 'test' }, SH);
  return computeReport(memorySource(docs), plan, {
    mode,
    hotRule: DEFAULT_HOT_RULES.weekly,
    trendPeriods: 8,
    now: WEEKLY_NOW,
  });
}

async function monthly(mode: 'rollups' | 'direct' = 'rollups'): Promise<Report> {
  const docs = summaries(ALL_SPECS, MONTHLY_NOW);
  const plan = planFor({ kind: 'monthly', at: new Date(MONTHLY_NOW).toISOString(), requestedBy: 'test' }, SH);
  return computeReport(memorySource(docs), plan, {
    mode,
    hotRule: SMALL_MONTHLY_RULE,
    trendPeriods: 6,
    now: MONTHLY_NOW,
  });
}

describe('R9 report fields written with every projection', () => {
  const fields = (id: string, now = WEEKLY_NOW) => {
    const spec = W48.find((s) => s.id === id)!;
    return reportFields(reportView(spec), 'd', now);
  };

  /** The figures a complaint counts for overall (its `all#…` tags). */
  const counted = (f: ReturnType<typeof fields>) =>
    f.reportTags.filter((t) => t.startsWith('all#')).map((t) => t.slice(4));

  it('R9.1 first reply: the first reply that reached the customer, within 48 h or not', () => {
    const b4 = fields('B4'); // an unconfirmed SMS after 1 h does not count; the call after 5 h does
    expect(b4.firstReplyAt?.toISOString()).toBe(
      new Date(Date.parse(sh('2026-11-25 08:00:00')) + 5 * H).toISOString(),
    );
    expect([b4.firstReplyWithin48h, b4.replied]).toEqual([true, true]);
    expect(counted(b4)).toEqual(expect.arrayContaining(['replied', 'frOnTime']));
    const b1 = fields('B1'); // replied after 50 h
    expect(b1.firstReplyWithin48h).toBe(false);
    expect(counted(b1)).toContain('frLate');
    const b3 = fields('B3'); // not replied, 23 h old
    expect([b3.firstReplyWithin48h, b3.replied, b3.firstReplyAt]).toEqual([null, false, null]);
    expect(counted(b3)).toEqual(['frPending', 'repeat']);
    expect(b3.reportTags).toContain('day:d#frPending');
    const b2 = fields('B2'); // not replied and more than 48 h old at the time of projection
    expect(b2.firstReplyWithin48h).toBe(false);
    expect(counted(b2)).toContain('frLate');
  });

  it('R9.2 resolution, time to resolve, satisfaction, closing; a reopened complaint is not resolved', () => {
    const a1 = fields('A1');
    expect(a1).toMatchObject({
      timeToResolveMs: 4 * H,
      satisfied: true,
      rootCause: '天馈故障',
      measures: '更换天馈线',
    });
    expect(counted(a1)).toEqual(['replied', 'closed', 'resolved', 'frOnTime', 'satisfied']);
    expect(a1.reportTags).toEqual(
      expect.arrayContaining([
        'topic:DROPPED_CALLS|chaoyang#resolved',
        'topic:DROPPED_CALLS|chaoyang#closed',
        'cause:DROPPED_CALLS|chaoyang|天馈故障',
        'measure:DROPPED_CALLS|chaoyang|更换天馈线',
      ]),
    );
    const a6 = fields('A6'); // unsatisfied: reopened for a second round
    expect(a6).toMatchObject({ resolvedAt: null, timeToResolveMs: null, satisfied: false, rootCause: null });
    expect(counted(a6)).toEqual(['replied', 'frOnTime', 'unsatisfied', 'reopened', 'breached', 'hot']);
    expect(a6.reportTags).toContain('rounds:2');
  });

  it('R9.1 escalations, transfers with verification time, repeats, mass incidents as fields and tags', () => {
    const c2 = fields('C2');
    expect(c2).toMatchObject({ escalations: 2, escalationMaxLevel: 2 });
    // one `all#escalations` per escalation event; `esc:<level>` once per level reached
    expect(counted(c2)).toEqual(['frLate', 'escalated', 'escalations', 'escalations', 'hot']);
    expect(c2.reportTags).toEqual(expect.arrayContaining(['esc:1', 'esc:2']));
    expect(fields('B1')).toMatchObject({ transfers: ['network'], verificationMs: 6 * H, repeat: true });
    expect(fields('B2')).toMatchObject({ transfers: ['network'], verifiedAt: null, verificationMs: null });
    expect(fields('D1')).toMatchObject({ massIncidentId: 'MI-7' });
    expect(fields('D1').reportTags).toEqual(expect.arrayContaining(['mass:MI-7', 'all#mass']));
    expect(fields('B1').reportTags).toEqual([
      'all',
      'all#replied',
      'all#frLate',
      'all#repeat',
      'all#breached',
      'all#transferred',
      'all#verified',
      'day:d',
      'ch:OTHER',
      'cat:SLOW_DATA',
      'reg:xicheng',
      'vip:0',
      'topic:SLOW_DATA|xicheng',
      'topic:SLOW_DATA|xicheng#repeat',
      'topic:SLOW_DATA|xicheng#breached',
      'rounds:1',
      'clk:firstReply:metLate',
      'clk:verification:network:met',
      'dept:network',
      'dept:network#verified',
    ]);
  });

  it('R9 the projection writes the fields beside the period keys (toDocument)', () => {
    const [doc] = summaries([W48.find((s) => s.id === 'C1')!], WEEKLY_NOW);
    expect(doc).toMatchObject({
      dayKey: '2026-11-29',
      weekKey: '2026-W48',
      monthKey: '2026-11',
      escalations: 1,
    });
    expect(doc!.reportTags).toContain('day:2026-11-29');
  });
});

describe('R9 aggregation: per-day rollups add up to the period', () => {
  it('R9 rollups of single days merged equal the aggregation of the whole period', () => {
    const docs = summaries(ALL_SPECS, WEEKLY_NOW);
    const week = docs.filter((d) => d.weekKey === '2026-W48');
    const days = [...new Set(week.map((d) => String(d.dayKey)))];
    const merged = mergeAggs(
      days.map((day) => parseAgg(serializeAgg(foldDocs(week.filter((d) => d.dayKey === day))))),
    );
    const whole = foldDocs(week);
    expect([...merged.rows.entries()].sort()).toEqual([...whole.rows.entries()].sort());
    expect(merged.resolveMs).toEqual(whole.resolveMs);
    expect(merged.examples).toEqual(whole.examples);
  });

  it('R9 percentiles are nearest-rank', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7], 50)).toBe(4);
    expect(percentile([1, 2, 3, 4, 5, 6, 7], 90)).toBe(7);
    expect(percentile([10, 20], 50)).toBe(10);
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe('R9.1 weekly report of 2026-W48 on a data set with known figures', () => {
  let r: Report;
  beforeAll(async () => {
    r = await weekly();
  });

  it('R9.1 the period, its bounds in Asia/Shanghai, the previous period', () => {
    expect([r.id, r.period, r.previousPeriod, r.from, r.to]).toEqual([
      'weekly-2026-W48',
      '2026-W48',
      '2026-W47',
      '2026-11-22T16:00:00.000Z',
      '2026-11-29T16:00:00.000Z',
    ]);
    expect(r.overview).toMatchObject({ total: 19, previous: 14, changePct: 35.7 });
  });

  it('R9.1 volume by day (with the boundary seconds), channel, category, region and VIP level, against last week', () => {
    const f = r.figures;
    expect(r.daily.map((d) => [d.day, d.count, d.previousDay, d.previous])).toEqual([
      ['2026-11-23', 3, '2026-11-16', 0],
      ['2026-11-24', 5, '2026-11-17', 2],
      ['2026-11-25', 1, '2026-11-18', 11],
      ['2026-11-26', 5, '2026-11-19', 0],
      ['2026-11-27', 3, '2026-11-20', 0],
      ['2026-11-28', 0, '2026-11-21', 0],
      ['2026-11-29', 2, '2026-11-22', 1],
    ]);
    expect(f.byChannel).toEqual([
      { key: 'EMOS', count: 8, previous: 14, changePct: -42.9 },
      { key: 'GREEN_NET', count: 4, previous: 0, changePct: null },
      { key: 'OTHER', count: 4, previous: 0, changePct: null },
      { key: 'OPT_CENTER_URGENT', count: 2, previous: 0, changePct: null },
      { key: 'LEADER_ASSIGNED', count: 1, previous: 0, changePct: null },
    ]);
    expect(f.byCategory.map((c) => [c.key, c.count, c.previous, c.changePct])).toEqual([
      ['DROPPED_CALLS', 10, 0, null],
      ['SLOW_DATA', 4, 2, 100],
      ['NO_SIGNAL', 3, 12, -75],
      ['VOICE_QUALITY', 2, 0, null],
      ['CALL_SETUP_FAILURE', 0, 0, null],
      ['NO_DATA', 0, 0, null],
      ['OTHER', 0, 0, null],
      ['WEAK_SIGNAL', 0, 0, null],
    ]);
    expect(f.byRegion.map((c) => [c.key, c.count, c.previous, c.changePct])).toEqual([
      ['chaoyang', 10, 0, null],
      ['haidian', 5, 12, -58.3],
      ['xicheng', 4, 2, 100],
    ]);
    expect(f.byVipLevel.map((c) => [c.key, c.count, c.previous])).toEqual([
      ['0', 14, 14],
      ['1', 2, 0],
      ['2', 1, 0],
      ['3', 2, 0],
    ]);
  });

  it('R9.1 first replies within 48 h (a missing reply older than 48 h is late) and the replied share', () => {
    expect(r.figures.firstReply).toEqual({ within48h: 14, late: 3, pending: 2, within48hPct: 82.4 });
    expect(r.figures.replied).toEqual({ replied: 15, total: 19, pct: 78.9, target: 100, notReplied: 4 });
    expect([r.figures.resolved, r.figures.closed, r.figures.slaBreached]).toEqual([7, 5, 3]);
  });

  it('R9.1 each clock met or breached, escalations by level, transfers by department with verification times', () => {
    const f = r.figures;
    expect(f.clocks).toEqual([
      { clock: 'firstReply', met: 11, metLate: 1, breached: 1, open: 1, metPct: 84.6 },
      { clock: 'handling', met: 5, metLate: 0, breached: 1, open: 4, metPct: 83.3 },
      { clock: 'verification:data', met: 1, metLate: 0, breached: 0, open: 0, metPct: 100 },
      { clock: 'verification:network', met: 1, metLate: 0, breached: 1, open: 0, metPct: 50 },
    ]);
    expect(f.escalations).toEqual({
      escalated: 2,
      events: 3,
      byLevel: [
        { level: 1, complaints: 2 },
        { level: 2, complaints: 1 },
      ],
    });
    expect(f.transfers).toEqual([
      { department: 'network', transferred: 2, verified: 1, avgVerifyMs: 6 * H, late: 1 },
      { department: 'data', transferred: 1, verified: 1, avgVerifyMs: 3 * H, late: 0 },
    ]);
  });

  it('R9.1 special-handling rounds, satisfaction, repeats, median and 90th-percentile time to resolve, mass incidents', () => {
    const f = r.figures;
    expect(f.specialHandling).toEqual({
      reopened: 1,
      byRounds: [
        { rounds: 1, complaints: 18 },
        { rounds: 2, complaints: 1 },
      ],
    });
    expect(f.satisfaction).toEqual({ satisfied: 5, unsatisfied: 1, unknown: 13, pct: 83.3 });
    expect(f.repeats).toEqual({ count: 3, pct: 15.8 });
    // resolved after 4, 8, 12, 16, 20, 28, 32 h (the reopened one is not resolved)
    expect(f.timeToResolve).toEqual({ resolved: 7, medianMs: 16 * H, p90Ms: 32 * H });
    expect(f.massIncidents).toEqual({
      incidents: 1,
      complaints: 2,
      list: [{ incident: 'MI-7', complaints: 2 }],
    });
    expect(f.hotComplaints).toEqual({ count: 3, closed: 0 });
  });

  it('R9.1 this week’s hot types and their causes, by the data definition printed in the report', () => {
    expect(r.hotRule).toMatchObject(DEFAULT_HOT_RULES.weekly);
    expect(r.hotRule.en).toMatch(/at least 10 complaints.*50 %.*3 repeat.*2 escalated/);
    expect(r.hotRule.zh).toContain('热点投诉');
    expect(
      r.hotTopics.map((t) => [t.key, t.count, t.previous, t.reasons, t.causes, t.measures, t.examples]),
    ).toEqual([
      [
        'DROPPED_CALLS|chaoyang',
        10,
        0,
        ['count 10 ≥ 10', 'new: 10 (none in the previous period)'],
        [
          { text: '天馈故障', count: 5 },
          { text: '弱覆盖', count: 2 },
        ],
        [
          { text: '更换天馈线', count: 5 },
          { text: '规划新站', count: 2 },
        ],
        ['A6', 'A1', 'A2'],
      ],
      ['SLOW_DATA|xicheng', 4, 2, ['repeats 3 ≥ 3'], [], [], ['B1', 'B2', 'B4']],
      ['VOICE_QUALITY|haidian', 2, 0, ['escalated 2 ≥ 2'], [], [], ['C2', 'C1']],
    ]);
    expect(r.hotTopics[0]!.analysis).toBe(
      '10 complaints about DROPPED_CALLS in chaoyang (none in the previous period); 1 past a time limit; ' +
        '7 resolved, 5 closed; main causes: 天馈故障 (5); 弱覆盖 (2); measures: 更换天馈线 (5); 规划新站 (2).',
    );
  });

  it('R9.1 how last week’s hot complaints were controlled this week', () => {
    expect(r.previousHot).toEqual([
      {
        key: 'NO_SIGNAL|haidian',
        category: 'NO_SIGNAL',
        region: 'haidian',
        lastCount: 12,
        count: 3,
        changePct: -75,
        lastReasons: ['count 12 ≥ 10', 'growth +200 % ≥ 50 %', 'escalated 2 ≥ 2'],
        hotNow: false,
        status: 'controlled',
        lastClosed: 8,
        lastResolved: 8,
        causes: [{ text: '小区退服', count: 8 }],
        measures: [{ text: '恢复基站供电', count: 8 }],
      },
    ]);
    expect(r.previousHotComplaints).toEqual({ count: 2, closed: 1, open: 1 });
  });

  it('R9.1 change against the previous period, and the trend of the last eight weeks', () => {
    const c = Object.fromEntries(
      r.comparison.map((x) => [x.id, [x.current, x.previous, x.delta, x.changePct]]),
    );
    expect(c.total).toEqual([19, 14, 5, 35.7]);
    expect(c.firstReplyWithin48h).toEqual([82.4, 85.7, -3.3, null]);
    expect(c.replied).toEqual([78.9, 85.7, -6.8, null]);
    expect(c.escalated).toEqual([2, 2, 0, 0]);
    expect(c.medianResolve).toEqual([16, 24, -8, null]);
    expect(r.trend).toEqual([
      { period: '2026-W41', count: 0 },
      { period: '2026-W42', count: 40 },
      { period: '2026-W43', count: 0 },
      { period: '2026-W44', count: 1 },
      { period: '2026-W45', count: 9 },
      { period: '2026-W46', count: 4 },
      { period: '2026-W47', count: 14 },
      { period: '2026-W48', count: 19 },
    ]);
  });

  it('R9.1 the report is the same from per-day rollups and from a direct aggregation of the period', async () => {
    const direct = await weekly('direct');
    expect({ ...direct, source: 'x' }).toEqual({ ...r, source: 'x' });
  });
});

describe('R9.2 monthly report of 2026-11 on the same data set', () => {
  let r: Report;
  beforeAll(async () => {
    r = await monthly();
  });

  it('R9.2 the month’s overall picture against October, with the month boundaries in Asia/Shanghai', () => {
    expect([r.id, r.from, r.to, r.previousPeriod]).toEqual([
      'monthly-2026-11',
      '2026-10-31T16:00:00.000Z',
      '2026-11-30T16:00:00.000Z',
      '2026-10',
    ]);
    // 9 + 4 + 14 + 19 + Monday 30 November 00:00 (week 49, still November) = 47; October 40 + 31st 23:59:59 = 41
    expect(r.overview).toMatchObject({ total: 47, previous: 41, changePct: 14.6 });
    expect(r.overview.highlights[0]).toBe('47 complaints in 2026-11 (+14.6 % against 2026-10: 41)');
    expect(r.daily).toHaveLength(30);
    expect(r.daily.find((d) => d.day === '2026-11-30')).toEqual({
      day: '2026-11-30',
      count: 1,
      previousDay: '2026-10-30',
      previous: 0,
    });
    expect(r.daily.find((d) => d.day === '2026-11-15')).toMatchObject({ count: 0, previous: 40 });
    expect(r.trend).toEqual([
      { period: '2026-06', count: 0 },
      { period: '2026-07', count: 0 },
      { period: '2026-08', count: 0 },
      { period: '2026-09', count: 10 },
      { period: '2026-10', count: 41 },
      { period: '2026-11', count: 47 },
    ]);
  });

  it('R9.2 tracking of last month’s hot complaints and their rectification', () => {
    expect(r.previousHot).toEqual([
      expect.objectContaining({
        key: 'NO_SIGNAL|haidian',
        lastCount: 41,
        count: 20,
        changePct: -51.2,
        lastReasons: ['count 41 ≥ 4', 'growth +310 % ≥ 50 %'],
        hotNow: true,
        status: 'improving',
        lastResolved: 30,
        lastClosed: 30,
        causes: [{ text: '小区退服', count: 30 }],
        measures: [{ text: '恢复基站供电', count: 30 }],
      }),
    ]);
  });

  it('R9.2 the top five hot complaints with analysis and measures', () => {
    expect(r.hotTopics.map((t) => [t.key, t.count])).toEqual([
      ['NO_SIGNAL|haidian', 20],
      ['DROPPED_CALLS|chaoyang', 10],
      ['SLOW_DATA|xicheng', 6],
      ['WEAK_SIGNAL|fengtai', 5],
      ['CALL_SETUP_FAILURE|dongcheng', 4],
      ['VOICE_QUALITY|haidian', 2],
    ]);
    expect(r.topFive.map((t) => t.key)).toEqual(r.hotTopics.slice(0, 5).map((t) => t.key));
    expect(r.topFive[0]).toMatchObject({
      reasons: ['count 20 ≥ 4', 'escalated 2 ≥ 2'],
      changePct: -51.2,
      causes: [{ text: '小区退服', count: 8 }],
      measures: [{ text: '恢复基站供电', count: 8 }],
      examples: ['P1', 'P12', 'R1'],
    });
    expect(r.topFive[2]!.reasons).toEqual([
      'count 6 ≥ 4',
      'new: 6 (none in the previous period)',
      'repeats 3 ≥ 3',
    ]);
    expect(r.topFive[0]!.analysis).toMatch(
      /^20 complaints about NO_SIGNAL in haidian \(-51\.2 %\); 2 escalated;/,
    );
  });

  it('R9.2 the month’s handling figures', () => {
    expect(r.figures.total).toBe(47);
    // Not replied: 18 are older than 48 h; B3 (47 h), C1 and X2 (33 h) are not yet due on 1 December 09:00.
    expect(r.figures.firstReply).toEqual({ within48h: 26, late: 18, pending: 3, within48hPct: 59.1 });
    // 4, 8, 12, 16, 20, 24 ×8 (last week's), 28, 32 h: rank 8 of 15 is 24 h, rank 14 is 28 h
    expect(r.figures.timeToResolve).toEqual({ resolved: 15, medianMs: 24 * H, p90Ms: 28 * H });
    expect(r.figures.escalations.escalated).toBe(4);
  });

  it('R9.2 the report is the same from per-day rollups and from a direct aggregation of the month', async () => {
    const direct = await monthly('direct');
    expect({ ...direct, source: 'x' }).toEqual({ ...r, source: 'x' });
  });
});

describe('R9.3 readable as pictures, tables and downloadable data', () => {
  let r: Report;
  beforeAll(async () => {
    r = await weekly();
  });

  it('R9.3 the HTML page has charts as inline SVG (volumes over time, top types, SLA compliance, by region) and no script', () => {
    const html = renderReportHtml(r, { csv: (t) => `/v1/reports/${r.id}/${t}.csv` });
    expect(html.match(/<svg /g)).toHaveLength(5);
    for (const title of [
      'Complaints per day',
      'Complaints in the last weeks',
      'Complaints by type',
      'Complaints by region',
      'SLA compliance by clock',
    ])
      expect(html).toContain(`<title>${title}</title>`);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(html).toContain('上周热点投诉本周管控情况');
    expect(html).toContain('本周热点投诉类型及原因');
    expect(html).toContain(r.hotRule.zh);
    expect(html).toContain('/v1/reports/weekly-2026-W48/hot-topics.csv');
  });

  it('R9.3 the monthly page has the top five with analysis', async () => {
    const html = renderReportHtml(await monthly());
    expect(html).toContain('Top five hot complaints: analysis and measures');
    expect(html).toContain('20 complaints about NO_SIGNAL in haidian');
  });

  it('R9.3 text is escaped in the page', () => {
    const evil = {
      ...r,
      hotTopics: [{ ...r.hotTopics[0]!, causes: [{ text: '<img src=x onerror=alert(1)>', count: 1 }] }],
    };
    expect(renderReportHtml(evil)).not.toContain('<img src=x');
  });

  it('R9.3 the CSV tables hold the figures (UTF-8 with BOM, CRLF, formula-looking text neutralised)', () => {
    expect(renderCsv(r, 'categories')).toBe(
      '\uFEFFcategory,complaints,previous,change_pct\r\n' +
        'DROPPED_CALLS,10,0,\r\nSLOW_DATA,4,2,100\r\nNO_SIGNAL,3,12,-75\r\nVOICE_QUALITY,2,0,\r\n' +
        'CALL_SETUP_FAILURE,0,0,\r\nNO_DATA,0,0,\r\nOTHER,0,0,\r\nWEAK_SIGNAL,0,0,\r\n',
    );
    expect(renderCsv(r, 'clocks').split('\r\n')[1]).toBe('firstReply,11,1,1,1,84.6');
    expect(renderCsv(r, 'summary').split('\r\n')[1]).toBe('complaints,count,19,14,5,35.7');
    expect(renderCsv(r, 'previous-hot').split('\r\n')[1]).toBe(
      'NO_SIGNAL,haidian,12,3,-75,controlled,false,8,8,小区退服 (8),恢复基站供电 (8)',
    );
    const evil = {
      ...r,
      hotTopics: [{ ...r.hotTopics[0]!, causes: [{ text: '=HYPERLINK("x")', count: 1 }] }],
    };
    expect(renderCsv(evil, 'hot-topics')).toContain('"\'=HYPERLINK(""x"") (1)"');
    for (const t of CSV_TABLES) expect(renderCsv(r, t).startsWith('\uFEFF')).toBe(true);
  });

  it('R9.3 the e-mail text names the hot topics and the replied share', () => {
    const text = renderReportText(r, 'http://api/v1/reports/weekly-2026-W48.html');
    expect(text).toContain(
      'Hot topics: DROPPED_CALLS/chaoyang 10, SLOW_DATA/xicheng 4, VOICE_QUALITY/haidian 2',
    );
    expect(text).toContain("Last period's hot topics: NO_SIGNAL/haidian controlled");
    expect(text).toContain('replied 78.9 %');
  });
});

describe('R9 hot thresholds are data', () => {
  it('R9 REPORT_HOT_RULES overrides are checked', () => {
    expect(hotRuleProblems({ weekly: { minCount: 5 } })).toEqual([]);
    expect(hotRuleProblems({ weekly: { minCont: 5 } })).toEqual(['weekly.minCont: unknown threshold']);
    expect(hotRuleProblems({ daily: {} })).toEqual(['daily: only weekly and monthly']);
    expect(hotRuleProblems({ monthly: { minCount: -1 } })).toEqual([
      'monthly.minCount: must be a number ≥ 0',
    ]);
  });
});

describe('R9 report configuration', () => {
  const env = {
    SUPERVISOR_EMAILS: 'sup@example.com',
    TWILIO_ACCOUNT_SID: 'AC' + '0'.repeat(32),
    TWILIO_AUTH_TOKEN: 'secret-token',
    TWILIO_FROM_NUMBER: '+8610086000',
    PAYLOAD_KEYS: JSON.stringify({ k1: Buffer.alloc(32, 7).toString('base64') }),
    PAYLOAD_KEY_ID: 'k1',
  };

  it('R9.4 defaults: Asia/Shanghai, rollups; weekly to the management addresses, monthly to the interface people (else the supervisors)', () => {
    const withRoles = reportConfigFrom(
      loadConfig({
        ...env,
        ROLE_EMAILS: JSON.stringify({ interface: ['if@example.com'], management: ['mgmt@example.com'] }),
      }),
    );
    expect(withRoles).toMatchObject({
      timeZone: 'Asia/Shanghai',
      source: 'rollups',
      recipients: { weekly: ['mgmt@example.com'], monthly: ['if@example.com'] },
      hotRules: DEFAULT_HOT_RULES,
      release: DEFAULT_REPORT_RELEASE,
    });
    expect(reportConfigFrom(loadConfig(env)).recipients).toEqual({
      weekly: ['sup@example.com'],
      monthly: ['sup@example.com'],
    });
    const custom = reportConfigFrom(
      loadConfig({
        ...env,
        REPORT_TIMEZONE: 'Europe/Berlin',
        REPORT_WEEKLY_RECIPIENTS: 'a@example.com, b@example.com',
        REPORT_MONTHLY_RECIPIENTS: 'c@example.com',
        REPORT_RELEASE: '{"monthly":{"send":"approval"}}',
        REPORT_HOT_RULES: '{"weekly":{"minCount":15}}',
      }),
    );
    expect(custom.timeZone).toBe('Europe/Berlin');
    expect(custom.recipients).toEqual({
      weekly: ['a@example.com', 'b@example.com'],
      monthly: ['c@example.com'],
    });
    expect(custom.release).toEqual({
      weekly: DEFAULT_REPORT_RELEASE.weekly,
      monthly: { send: 'approval', hold: '24h' },
    });
    expect(custom.hotRules.weekly).toEqual({ ...DEFAULT_HOT_RULES.weekly, minCount: 15 });
  });

  it('R9.4 one list for both reports (REPORT_RECIPIENTS) is refused at start, naming the variables that replace it', () => {
    expect(() => loadConfig({ ...env, REPORT_RECIPIENTS: 'a@example.com' })).toThrow(
      /REPORT_RECIPIENTS: replaced by REPORT_WEEKLY_RECIPIENTS and REPORT_MONTHLY_RECIPIENTS/,
    );
  });

  it('R9 a bad report setting stops the start with a message naming the variable', () => {
    expect(() =>
      loadConfig({
        ...env,
        REPORT_TIMEZONE: 'Mars/Olympus',
        REPORT_WEEKLY_RECIPIENTS: 'not-an-address',
        REPORT_RELEASE: '{"weekly":{"send":"never"},"monthly":{"hold":"soon"}}',
        REPORT_HOT_RULES: '{"weekly":{"minCont":1}}',
        REPORT_SOURCE: 'cache',
      }),
    ).toThrow(
      /REPORT_TIMEZONE[\s\S]*REPORT_WEEKLY_RECIPIENTS[\s\S]*REPORT_RELEASE: weekly.send: scheduled or approval; monthly.hold: a duration[\s\S]*REPORT_HOT_RULES: weekly.minCont[\s\S]*REPORT_SOURCE/,
    );
  });
});
