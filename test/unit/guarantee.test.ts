// Guarantee areas (R7.3): the pure logic — KPI thresholds, alert hysteresis, periodic test due
// times, definition checks — and the notification texts and the minimum-interval setting.
import pino from 'pino';
import { createMemoryNetworkSources } from '../../activities/evidence/memory';
import type { KpiSample } from '../../domain/evidence';
import { createGuaranteeActivities } from '../../activities/guarantee';
import type { GuaranteeModels } from '../../activities/guarantee-models';
import type { Models } from '../../activities/models';
import { renderEmail, renderSms } from '../../activities/templates';
import { guaranteeWorkflowId } from '../../workflows/guarantee/contract';
import {
  DEFAULT_THRESHOLDS,
  INITIAL_TRACKER,
  alertNotificationKey,
  applyChange,
  areaProblems,
  describeBreach,
  dueTests,
  evaluateKpis,
  markTestsMade,
  nextAlertState,
  nextTestAt,
  reconcileTestProgress,
  skipMissedTests,
  startTestProgress,
  testTaskId,
  withDefaults,
  type AlertTracker,
  type KpiReading,
  type TestPlanItem,
} from '../../domain/policy/guarantee';
import { loadConfig } from '../../platform/config';

const H = 3_600_000;
const MIN = 60_000;
const AT = Date.parse('2026-11-26T10:20:00Z');
const A = '460-00-12345-1';
const B = '460-00-12345-2';
const C = '460-00-12345-3';

const good = (cellId: string, hour: string): KpiReading => ({
  cellId,
  hour,
  rrcSetupSuccessRate: 99.6,
  erabSetupSuccessRate: 99.4,
  dropRate: 0.4,
  prbUtilisationDl: 52,
  throughputDlMbps: 38,
  rsrpP10: -108,
  rsrpP50: -92,
  sinrP50: 14,
  ulInterferenceDbm: -116,
});

const area = withDefaults({ name: '市政府大楼', cells: [A, B], watchInterval: '15m' });

describe('R7.3 KPI thresholds of a guarantee area', () => {
  it('R7.3 a clean area has no breach; a max bound (drop rate) and a min bound (RRC success) are judged', () => {
    expect(
      evaluateKpis(area, [good(A, '2026-11-26T09:00:00Z'), good(B, '2026-11-26T09:00:00Z')], AT),
    ).toEqual({
      breaching: false,
      breaches: [],
      cellsWithData: 2,
      cellsWithoutData: [],
    });
    const bad = { ...good(A, '2026-11-26T09:00:00Z'), dropRate: 4.2, rrcSetupSuccessRate: 91.5 };
    const ev = evaluateKpis(area, [bad, good(B, '2026-11-26T09:00:00Z')], AT);
    expect(ev.breaching).toBe(true);
    expect(ev.breaches).toEqual([
      {
        cellId: A,
        kpi: 'rrcSetupSuccessRate',
        bound: 'min',
        limit: 98,
        value: 91.5,
        hour: '2026-11-26T09:00:00Z',
      },
      { cellId: A, kpi: 'dropRate', bound: 'max', limit: 1.5, value: 4.2, hour: '2026-11-26T09:00:00Z' },
    ]);
    expect(describeBreach(ev.breaches[1]!)).toBe(
      '460-00-12345-1 dropRate 4.2 % > 1.5 % (2026-11-26T09:00:00Z)',
    );
  });

  it('R7.3 exactly at the bound is not a breach; the newest sample of each cell counts, not older ones', () => {
    const atBound = { ...good(A, '2026-11-26T09:00:00Z'), dropRate: 1.5, prbUtilisationDl: 85 };
    expect(evaluateKpis(area, [atBound, good(B, '2026-11-26T09:00:00Z')], AT).breaching).toBe(false);
    // An old bad hour followed by a clean one: recovered. A clean hour followed by a bad one: breaching.
    const oldBad = { ...good(A, '2026-11-26T08:00:00Z'), dropRate: 5 };
    const samples = [oldBad, good(A, '2026-11-26T09:00:00Z'), good(B, '2026-11-26T09:00:00Z')];
    expect(evaluateKpis(area, samples, AT).breaching).toBe(false);
    const newBad = { ...good(A, '2026-11-26T10:00:00Z'), dropRate: 5 };
    expect(evaluateKpis(area, [...samples, newBad], AT).breaches.map((b) => b.hour)).toEqual([
      '2026-11-26T10:00:00Z',
    ]);
  });

  it('R7.3 samples outside the look-back or after the check do not count; a cell without data is listed', () => {
    const tooOld = { ...good(A, '2026-11-26T06:00:00Z'), dropRate: 9 }; // lookback 3h from 10:20
    const future = { ...good(B, '2026-11-26T11:00:00Z'), dropRate: 9 };
    const ev = evaluateKpis(area, [tooOld, future], AT);
    expect(ev).toMatchObject({ breaching: false, cellsWithData: 0, cellsWithoutData: [A, B] });
    const strict = { ...area, alertPolicy: { ...area.alertPolicy, missingDataBreaches: true } };
    expect(evaluateKpis(strict, [good(A, '2026-11-26T09:00:00Z')], AT)).toMatchObject({
      breaching: true,
      breaches: [],
      cellsWithoutData: [B],
    });
  });

  it('R7.3 a KPI missing from a sample is not judged, and thresholds are data', () => {
    const partial: KpiReading = { cellId: A, hour: '2026-11-26T09:00:00Z', dropRate: 0.2 };
    expect(evaluateKpis({ ...area, cells: [A] }, [partial], AT).breaching).toBe(false);
    const throughput = {
      ...area,
      cells: [A],
      thresholds: [{ kpi: 'throughputDlMbps' as const, bound: 'min' as const, value: 50 }],
    };
    expect(evaluateKpis(throughput, [good(A, '2026-11-26T09:00:00Z')], AT).breaches).toEqual([
      expect.objectContaining({ kpi: 'throughputDlMbps', value: 38, limit: 50 }),
    ]);
    expect(DEFAULT_THRESHOLDS.map((t) => `${t.kpi} ${t.bound} ${t.value}`)).toContain('dropRate max 1.5');
  });
});

describe('R7.3 alert with hysteresis: OK→ALERT and ALERT→OK', () => {
  const run = (checks: boolean[], policy = { raiseAfter: 1, clearAfter: 2 }) => {
    let t: AlertTracker = INITIAL_TRACKER;
    return checks.map((breaching) => {
      const next = nextAlertState(t, breaching, policy);
      t = next.tracker;
      return next.transition ?? t.status;
    });
  };

  it('R7.3 the first breaching check raises; recovery needs clearAfter clean checks in a row', () => {
    expect(run([false, true, true, false, true, false, false, false])).toEqual([
      'OK',
      'RAISED',
      'ALERT',
      'ALERT', // one clean check is not enough …
      'ALERT', // … and a breach starts the count again
      'ALERT',
      'RECOVERED',
      'OK',
    ]);
  });

  it('R7.3 raiseAfter 2 ignores a single bad check', () => {
    expect(run([true, false, true, true, true], { raiseAfter: 2, clearAfter: 1 })).toEqual([
      'OK',
      'OK',
      'OK',
      'RAISED',
      'ALERT',
    ]);
  });
});

describe('R7.3 periodic test plan', () => {
  const weekly: TestPlanItem = {
    id: 'cqt',
    title: 'CQT 拨测',
    every: '7d',
    dueWithin: '24h',
    role: 'optCenter',
  };
  const t0 = Date.parse('2026-11-02T01:00:00Z');

  it('R7.3 without firstAt the first test is one interval after the plan starts, then every interval', () => {
    const progress = { cqt: startTestProgress(weekly, t0) };
    expect(nextTestAt(progress)).toBe(t0 + 7 * 24 * H);
    expect(dueTests([weekly], progress, t0 + 7 * 24 * H - 1)).toEqual([]);
    const due = dueTests([weekly], progress, t0 + 7 * 24 * H);
    expect(due).toEqual([
      { itemId: 'cqt', slot: 0, at: '2026-11-09T01:00:00.000Z', dueAt: '2026-11-10T01:00:00.000Z' },
    ]);
    const made = markTestsMade(progress, due);
    expect(dueTests([weekly], made, t0 + 7 * 24 * H + 5 * MIN)).toEqual([]);
    expect(nextTestAt(made)).toBe(t0 + 14 * 24 * H);
  });

  it('R7.3 firstAt sets slot 0; slots missed (no worker) make one task, not a burst', () => {
    const item = { ...weekly, firstAt: '2026-11-03T01:00:00+08:00' };
    const progress = { cqt: startTestProgress(item, t0) };
    expect(new Date(nextTestAt(progress)!).toISOString()).toBe('2026-11-02T17:00:00.000Z');
    const threeWeeksLater = Date.parse('2026-11-24T18:00:00Z');
    expect(dueTests([item], progress, threeWeeksLater)).toEqual([
      { itemId: 'cqt', slot: 3, at: '2026-11-23T17:00:00.000Z', dueAt: '2026-11-24T17:00:00.000Z' },
    ]);
  });

  it('R7.3 a firstAt in the past starts with the next slot; tests missed while paused are skipped', () => {
    const item = { ...weekly, every: '1d', firstAt: '2026-11-01T00:00:00Z' };
    const progress = { cqt: startTestProgress(item, t0) };
    expect(dueTests([item], progress, t0)).toEqual([]);
    expect(new Date(nextTestAt(progress)!).toISOString()).toBe('2026-11-03T00:00:00.000Z');
    const resumed = skipMissedTests(progress, Date.parse('2026-11-05T12:00:00Z'));
    expect(dueTests([item], resumed, Date.parse('2026-11-05T12:00:00Z'))).toEqual([]);
    expect(new Date(nextTestAt(resumed)!).toISOString()).toBe('2026-11-06T00:00:00.000Z');
  });

  it('R7.3 a changed plan keeps unchanged items, restarts changed ones and drops removed ones', () => {
    const daily: TestPlanItem = { ...weekly, id: 'dt', every: '1d' };
    const progress = markTestsMade(reconcileTestProgress([weekly, daily], {}, t0), [
      { itemId: 'cqt', slot: 2 },
    ]);
    const later = t0 + 3 * 24 * H;
    const next = reconcileTestProgress([weekly, { ...daily, every: '2d' }], progress, later);
    expect(next.cqt).toBe(progress.cqt);
    expect(next.dt!.anchorMs).toBe(later + 2 * 24 * H);
    expect(Object.keys(reconcileTestProgress([daily], progress, later))).toEqual(['dt']);
  });

  it('R7.3 task ids and notification keys are deterministic (area + slot, area + alert sequence)', () => {
    expect(testTaskId('gov-center', 'cqt', 3)).toBe('gov-center:cqt:3');
    expect(alertNotificationKey('gov-center', 2, 'raised', 'mail', 'vipManager')).toBe(
      'guarantee-area:gov-center:alert:2:raised:mail:vipManager',
    );
    expect(guaranteeWorkflowId('gov-center')).toBe('guarantee-area-gov-center');
  });
});

describe('R7.3 a guarantee area definition is checked before it is used', () => {
  it('R7.3 defaults fill what is absent', () => {
    expect(area).toMatchObject({
      watchInterval: '15m',
      lookback: '3h',
      alertPolicy: { raiseAfter: 1, clearAfter: 2, missingDataBreaches: false },
      notify: { roles: ['vipManager', 'interface'], emails: [], phones: [], language: 'zh-CN' },
      testPlan: [],
    });
    expect(area.thresholds).toHaveLength(DEFAULT_THRESHOLDS.length);
    expect(areaProblems(area, 5 * MIN)).toEqual([]);
  });

  it('R7.3 the watch interval may not go below the configured minimum (never below 10 s)', () => {
    const fast = { ...area, watchInterval: '10s' };
    expect(areaProblems(fast, 5 * MIN)).toEqual(['watchInterval: at least 300s']);
    expect(areaProblems(fast, 10_000)).toEqual([]);
    expect(areaProblems({ ...area, watchInterval: '5s' }, 1_000)).toEqual(['watchInterval: at least 10s']);
    expect(areaProblems({ ...area, watchInterval: 'often' }, 10_000)[0]).toMatch(
      /^watchInterval: invalid duration/,
    );
  });

  it('R7.3 every problem names its field', () => {
    const bad = withDefaults({
      name: ' ',
      cells: [A, A, 'cell-1'],
      thresholds: [
        { kpi: 'dropRate', bound: 'max', value: 1 },
        { kpi: 'dropRate', bound: 'max', value: 2 },
      ],
      alertPolicy: { clearAfter: 0 },
      notify: { roles: [], emails: [] },
      testPlan: [
        { id: 'x', title: 't', every: '1s' },
        { id: 'x', title: 't', every: '1d', firstAt: 'tomorrow' },
      ],
    });
    expect(areaProblems(bad, 10_000)).toEqual([
      'name: must not be empty',
      'cells.1: 460-00-12345-1 is listed twice',
      'cells.2: not a cell id such as 460-00-12345-1',
      'thresholds.1: a second max bound for dropRate',
      'alertPolicy.clearAfter: an integer from 1 to 50',
      'notify: at least one role or e-mail address',
      'testPlan.0.every: at least 10s',
      'testPlan.1.id: x is used twice',
      'testPlan.1.firstAt: an ISO 8601 time',
    ]);
  });

  it('R7.3 a change replaces top-level fields and merges alert policy and recipients', () => {
    const changed = applyChange(area, {
      cells: [A, B, C],
      alertPolicy: { clearAfter: 3 },
      notify: { emails: ['duty@operator.example'] },
    });
    expect(changed.cells).toEqual([A, B, C]);
    expect(changed.alertPolicy).toEqual({ raiseAfter: 1, clearAfter: 3, missingDataBreaches: false });
    expect(changed.notify.roles).toEqual(['vipManager', 'interface']);
    expect(changed.notify.emails).toEqual(['duty@operator.example']);
    expect(changed.name).toBe(area.name);
  });

  it('R7.3 GUARANTEE_MIN_WATCH_INTERVAL is validated at start (a duration, at least 10 s)', () => {
    const env = {
      SUPERVISOR_EMAILS: 'sup@example.com',
      TWILIO_ACCOUNT_SID: 'AC' + '0'.repeat(32),
      TWILIO_AUTH_TOKEN: 'secret-token',
      TWILIO_FROM_NUMBER: '+8610086000',
      PAYLOAD_KEYS: JSON.stringify({ k1: Buffer.alloc(32, 7).toString('base64') }),
      PAYLOAD_KEY_ID: 'k1',
    };
    expect(loadConfig(env).GUARANTEE_MIN_WATCH_INTERVAL).toBe(5 * MIN);
    expect(loadConfig({ ...env, GUARANTEE_MIN_WATCH_INTERVAL: '10s' }).GUARANTEE_MIN_WATCH_INTERVAL).toBe(
      10_000,
    );
    expect(() => loadConfig({ ...env, GUARANTEE_MIN_WATCH_INTERVAL: '5s' })).toThrow(
      /GUARANTEE_MIN_WATCH_INTERVAL: at least 10s/,
    );
    expect(() => loadConfig({ ...env, GUARANTEE_MIN_WATCH_INTERVAL: 'soon' })).toThrow(
      /GUARANTEE_MIN_WATCH_INTERVAL: a duration/,
    );
  });
});

describe('R7.3 alert, recovery and test texts (zh-CN / en)', () => {
  const vars = {
    areaId: 'gov-center',
    areaName: '市政府大楼',
    place: '北京市西城区',
    cells: `${A}, ${B}`,
    seq: '2',
    at: '2026-11-26T10:20:00.000Z',
    raisedAt: '2026-11-26T09:50:00.000Z',
    lasted: '30m',
    breaches: '460-00-12345-1 dropRate 4.2 % > 1.5 % (2026-11-26T09:00:00Z)',
    missing: '',
    summary: '460-00-12345-1 dropRate 4.2 % > 1.5 %',
  };
  const links = { 'Temporal UI': 'http://ui/x', API: 'http://api/v1/guarantee-areas/gov-center' };

  it('R7.3 the alert e-mail names the area, the alert number and the thresholds crossed', () => {
    const mail = renderEmail('areaAlert', vars, links);
    expect(mail.subject).toBe('【重点保障告警 Guarantee area alert #2】市政府大楼 · gov-center');
    expect(mail.text).toContain('越限指标 Thresholds crossed: 460-00-12345-1 dropRate 4.2 % > 1.5 %');
    expect(mail.text).toContain('API: http://api/v1/guarantee-areas/gov-center');
    expect(mail.html).toContain('&gt; 1.5 %');
  });

  it('R7.3 the recovery and the test task e-mails, and the SMS in both languages', () => {
    expect(renderEmail('areaRecovered', vars, links).subject).toBe(
      '【重点保障恢复 Guarantee area recovered #2】市政府大楼 · gov-center',
    );
    expect(renderEmail('areaRecovered', vars, links).text).toContain('持续 Lasted: 30m');
    const test = renderEmail(
      'areaTest',
      { ...vars, title: 'CQT 拨测', taskId: 'gov-center:cqt:0', dueAt: 'D' },
      links,
    );
    expect(test.subject).toBe('【重点保障定期测试 Guarantee area test】CQT 拨测 · 市政府大楼');
    expect(test.text).toContain('任务 Task: gov-center:cqt:0');
    expect(renderSms('areaAlert', 'zh-CN', vars)).toMatch(
      /^【重点保障告警】市政府大楼（gov-center）第2次告警/,
    );
    expect(renderSms('areaRecovered', 'en', vars)).toMatch(
      /^\[Guarantee area recovered\] 市政府大楼 \(gov-center\) alert #2/,
    );
  });
});

describe('R7.3 the KPI activity reads the network data sources', () => {
  it('R7.3 it returns only the newest sample of each cell within the look-back, over a month of hourly rows', async () => {
    const start = Date.parse('2026-10-27T00:00:00Z');
    const kpis: KpiSample[] = [];
    for (let h = start; h <= Date.parse('2026-11-26T10:00:00Z'); h += H)
      for (const cellId of [A, B])
        kpis.push({ ...(good(cellId, new Date(h).toISOString()) as KpiSample), dropRate: (h / H) % 7 });
    kpis.push(good(C, '2026-11-26T01:00:00Z') as KpiSample); // older than the look-back
    const activities = createGuaranteeActivities({
      models: {} as Models,
      guaranteeModels: {} as GuaranteeModels,
      logger: pino({ level: 'silent' }),
      network: createMemoryNetworkSources({
        cells: [],
        kpis,
        alarms: [],
        changes: [],
        interference: [],
        chr: [],
      }),
    });
    const out = await activities.readAreaKpis({
      areaId: 'x',
      cells: [A, B, C],
      at: new Date(AT).toISOString(),
      lookbackMs: 3 * H,
    });
    expect(out.map((s) => [s.cellId, s.hour])).toEqual([
      [A, '2026-11-26T10:00:00.000Z'],
      [B, '2026-11-26T10:00:00.000Z'],
    ]);
  });
});
