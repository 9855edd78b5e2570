// Weekly and monthly reports on the real local stack (R9): summaries with known figures go straight
// into the summary collection, the reports are produced through the API (report workflow on the
// worker, FerretDB aggregations), read as JSON, HTML and CSV, and found in the mail sink.
import { Client, Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import { computeReport, planFor } from '../../activities/reports/activities';
import { foldDocs, rowsOf } from '../../activities/reports/aggregate';
import { CSV_TABLES } from '../../activities/reports/csv';
import { DEFAULT_HOT_RULES } from '../../domain/reports/hot';
import type { Report } from '../../activities/reports/model';
import { periodAt } from '../../domain/reports/periods';
import { createReportSource } from '../../activities/reports/source';
import { reportModels } from '../../activities/reports/store';
import { createModels } from '../../activities/models';
import { dataConverterFromEnv } from '../../platform/data-converter';
import { ensureReportSchedules, ROLLUP_SCHEDULE_ID } from '../../worker/report-schedules';
import { REPORT_SCHEDULE_IDS } from '../../workflows/report/contract';
import { intakeBody } from '../support/fixtures';
import { memorySource, summaries } from '../support/report-data';
import { ALL_SPECS, WEEKLY_NOW } from '../support/report-dataset';
import { eventually, KEYS, startTestStack, type TestStack } from '../support/stack';

interface MailWithAttachments {
  id: string;
  subject: string;
  to: string[];
  html: string | null;
  text: string;
  headers: Record<string, string>;
  attachments: { filename: string; contentType: string; size: number }[];
}

let stack: TestStack;
let connection: mongoose.Connection;
let temporal: Connection;
let client: Client;
let analyst: string;
let iface: string;
const docs = summaries(ALL_SPECS, WEEKLY_NOW);

beforeAll(async () => {
  // The weekly report's addressee (上级管理接口人) is configured; the monthly one's (优化中心接口人)
  // is the default, the interface addresses of ROLE_EMAILS (R9.4).
  stack = await startTestStack({ REPORT_WEEKLY_RECIPIENTS: 'management@operator.example' });
  connection = mongoose.createConnection(stack.urls.mongo);
  await connection.asPromise();
  await connection.db!.collection('complaints').insertMany(docs as never[]);
  temporal = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  client = new Client({ connection: temporal, dataConverter: dataConverterFromEnv(stack.env) });
  const token = await stack.http.request<{ access_token: string }>('POST', '/dev/token', {
    key: null,
    body: { user: 'analyst.sun' },
  });
  expect(token.status).toBe(200);
  analyst = token.body.access_token;
  const ifToken = await stack.http.request<{ access_token: string }>('POST', '/dev/token', {
    key: null,
    body: { user: 'interface.chen' },
  });
  expect(ifToken.status).toBe(200);
  iface = ifToken.body.access_token;
}, 240_000);

afterAll(async () => {
  await temporal?.close();
  await connection?.close();
  await stack?.dispose();
});

/** The report as the pure model computes it from the same summaries at the same instant. */
async function expected(kind: 'weekly' | 'monthly', period: string, generatedAt: string): Promise<Report> {
  const plan = planFor({ kind, period, at: generatedAt, requestedBy: 'analyst.sun' }, 'Asia/Shanghai');
  return computeReport(memorySource(docs), plan, {
    mode: 'rollups',
    hotRule: DEFAULT_HOT_RULES[kind],
    trendPeriods: kind === 'weekly' ? 8 : 6,
    now: Date.parse(generatedAt),
  });
}

describe('R9.3 report schedules', () => {
  it('R9.3 the weekly, monthly and rollup schedules exist after the worker started, in Asia/Shanghai', async () => {
    const weekly = await client.schedule.getHandle(REPORT_SCHEDULE_IDS.weekly).describe();
    expect(weekly.spec.timezone).toBe('Asia/Shanghai');
    expect(weekly.spec.calendars).toEqual([
      expect.objectContaining({
        dayOfWeek: [{ start: 'MONDAY', end: 'MONDAY', step: 1 }],
        hour: [{ start: 9, end: 9, step: 1 }],
      }),
    ]);
    expect(weekly.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'reportWorkflow',
      args: [{ kind: 'weekly' }],
    });
    const monthly = await client.schedule.getHandle(REPORT_SCHEDULE_IDS.monthly).describe();
    expect(monthly.spec.calendars).toEqual([
      expect.objectContaining({
        dayOfMonth: [{ start: 1, end: 1, step: 1 }],
        hour: [{ start: 9, end: 9, step: 1 }],
      }),
    ]);
    const rollups = await client.schedule.getHandle(ROLLUP_SCHEDULE_ID).describe();
    expect(rollups.action).toMatchObject({ workflowType: 'reportRollupsWorkflow' });
  });

  it('R9.3 creating the schedules again (another worker starting) changes nothing', async () => {
    const ids = await ensureReportSchedules(client, { taskQueue: 'complaints', timeZone: 'Asia/Shanghai' });
    expect(ids).toEqual([REPORT_SCHEDULE_IDS.weekly, REPORT_SCHEDULE_IDS.monthly, ROLLUP_SCHEDULE_ID]);
    const listed: string[] = [];
    for await (const s of client.schedule.list()) listed.push(s.scheduleId);
    // Schedule ids are unique: still one of each (other features may add schedules of their own).
    expect(listed.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
  });
});

describe('R9 aggregations on FerretDB', () => {
  it('R9 the $match/$unwind/$group pipeline gives the same figures on the database as in memory', async () => {
    const models = createModels(connection);
    const source = createReportSource({ models, reportModels: reportModels(connection) });
    const db = await source.direct({ weekKey: '2026-W48' });
    const mem = foldDocs(docs.filter((d) => d.weekKey === '2026-W48'));
    expect([...db.rows.entries()].sort()).toEqual([...mem.rows.entries()].sort());
    expect(db.resolveMs).toEqual(mem.resolveMs);
    expect(
      rowsOf(db, 'topic')
        .map((r) => [r.key, r.row.n])
        .sort(),
    ).toEqual([
      ['DROPPED_CALLS|chaoyang', 10],
      ['NO_SIGNAL|haidian', 3],
      ['SLOW_DATA|xicheng', 4],
      ['VOICE_QUALITY|haidian', 2],
    ]);
  });
});

describe('R9.1 R9.2 R9.3 reports through the API', () => {
  it('R9.1 POST /v1/reports produces the weekly report of 2026-W48 and answers with its result', async () => {
    const res = await stack.http.post<{ delivered: { to: string[]; attachments: string[] } }>(
      '/v1/reports',
      { kind: 'weekly', period: '2026-W48' },
      analyst,
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: 'weekly-2026-W48',
      status: 'COMPLETED',
      kind: 'weekly',
      period: '2026-W48',
      revision: 1,
      total: 19,
      hotTopics: 3,
      source: 'rollups',
      links: { html: '/v1/reports/weekly-2026-W48.html' },
    });
    expect(res.body.delivered.to).toEqual(['management@operator.example']);
    expect(res.body.delivered.attachments).toHaveLength(CSV_TABLES.length);
  });

  it('R9.1 GET /v1/reports/{id} is the report, figure for figure as computed from the same data', async () => {
    const res = await stack.http.get<Report & { revision: number }>('/v1/reports/weekly-2026-W48', analyst);
    expect(res.status).toBe(200);
    const {
      revision,
      links: _links,
      status,
      sentAt: _sentAt,
      sentTo,
      ...report
    } = res.body as Report & {
      revision: number;
      links: unknown;
      status: string;
      sentAt: string;
      sentTo: string[];
    };
    expect(revision).toBe(1);
    // Produced on demand and sent at once to the weekly report's addressees (R9.4).
    expect(status).toBe('SENT');
    expect(sentTo).toEqual(['management@operator.example']);
    expect(report).toEqual(await expected('weekly', '2026-W48', report.generatedAt));
    expect(report.figures.total).toBe(19);
    expect(report.hotTopics.map((t) => t.key)).toEqual([
      'DROPPED_CALLS|chaoyang',
      'SLOW_DATA|xicheng',
      'VOICE_QUALITY|haidian',
    ]);
    expect(report.previousHot.map((c) => [c.key, c.status])).toEqual([['NO_SIGNAL|haidian', 'controlled']]);
    expect(report.figures.timeToResolve).toEqual({
      resolved: 7,
      medianMs: 16 * 3_600_000,
      p90Ms: 32 * 3_600_000,
    });
  });

  it('R9.3 GET /v1/reports/{id}.html is a page with charts, GET /v1/reports/{id}/{table}.csv a table', async () => {
    const page = await fetch(`${stack.urls.api}/v1/reports/weekly-2026-W48.html`, {
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html.match(/<svg /g)).toHaveLength(5);
    expect(html).toContain('SLA compliance by clock');
    const csv = await fetch(`${stack.urls.api}/v1/reports/weekly-2026-W48/categories.csv`, {
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toContain('weekly-2026-W48-categories.csv');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 byte-order mark
    expect(bytes.toString('utf8')).toBe(
      '\uFEFFcategory,complaints,previous,change_pct\r\n' +
        'DROPPED_CALLS,10,0,\r\nSLOW_DATA,4,2,100\r\nNO_SIGNAL,3,12,-75\r\nVOICE_QUALITY,2,0,\r\n' +
        'CALL_SETUP_FAILURE,0,0,\r\nNO_DATA,0,0,\r\nOTHER,0,0,\r\nWEAK_SIGNAL,0,0,\r\n',
    );
    const missing = await stack.http.get('/v1/reports/weekly-2026-W48/nothing.csv', analyst);
    expect(missing.status).toBe(400);
    expect((await stack.http.get('/v1/reports/weekly-2030-W01', analyst)).status).toBe(404);
  });

  it('R9.3 R9.4 the weekly report is e-mailed to its addressee: HTML with charts and every CSV attached', async () => {
    const mail = await eventually(
      async () => {
        const res = await fetch(`${stack.urls.mailInbox}/api/messages?subject=2026-W48`);
        const list = (await res.json()) as MailWithAttachments[];
        return list.find((m) => m.headers['x-closedloop-report'] === 'weekly-2026-W48');
      },
      30_000,
      'the report e-mail',
    );
    expect(mail.to).toEqual(['management@operator.example']);
    expect(mail.subject).toBe('ClosedLoop 周报 weekly report 2026-W48');
    expect(mail.html).toContain('<svg');
    expect(mail.text).toContain('Hot topics: DROPPED_CALLS/chaoyang 10');
    expect(mail.attachments.map((a) => a.filename).sort()).toEqual(
      CSV_TABLES.map((t) => `weekly-2026-W48-${t}.csv`).sort(),
    );
    expect(mail.attachments.every((a) => a.contentType.startsWith('text/csv') && a.size > 0)).toBe(true);
  });

  it('R9.2 the monthly report of 2026-11 on demand, without e-mail, against October', async () => {
    const res = await stack.http.post<{ id: string; total: number; delivered?: unknown }>(
      '/v1/reports',
      { kind: 'monthly', period: '2026-11', deliver: false },
      KEYS.supervisor,
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: 'monthly-2026-11', total: 47 });
    expect(res.body.delivered).toBeUndefined();
    const json = await stack.http.get<Report>('/v1/reports/monthly-2026-11', KEYS.supervisor);
    expect(json.body.overview).toMatchObject({ total: 47, previous: 41, changePct: 14.6 });
    expect(json.body.previousHot.map((c) => [c.key, c.lastCount, c.count])).toEqual([
      ['NO_SIGNAL|haidian', 41, 20],
    ]);
    expect(json.body.trend.map((t) => t.count)).toEqual([0, 0, 0, 10, 41, 47]);
    const list = await stack.http.get<{ items: { id: string }[] }>('/v1/reports', analyst);
    expect(list.body.items.map((i) => i.id)).toEqual(['monthly-2026-11', 'weekly-2026-W48']);
  });

  it('R9 reports are for analysts, supervisors, interface people and admins; bad requests name the field', async () => {
    expect(
      (await stack.http.post('/v1/reports', { kind: 'weekly', period: '2026-W48' }, KEYS.handler)).status,
    ).toBe(403);
    expect((await stack.http.get('/v1/reports/weekly-2026-W48', KEYS.handler)).status).toBe(403);
    const bad = await stack.http.post<{ message: string }>(
      '/v1/reports',
      { kind: 'weekly', period: '2026-11' },
      analyst,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/period: a week is written 2026-W48/);
  });

  it('R9 a complaint filed now reaches the report of its week: the projection marks its day and the rollup is rebuilt', async () => {
    const period = periodAt('weekly', Date.now(), 'Asia/Shanghai');
    const before = await stack.http.post<{ total: number; revision: number }>(
      '/v1/reports',
      { kind: 'weekly', period, deliver: false },
      analyst,
    );
    expect(before.status).toBe(201);
    const filed = await stack.http.post<{ ticketId: string }>('/v1/complaints', intakeBody(), KEYS.intake);
    expect(filed.status).toBe(201);
    await eventually(
      async () =>
        (await connection.db!.collection('complaints').findOne({ _id: filed.body.ticketId as never }))
          ? true
          : undefined,
      30_000,
      'the projection of the new complaint',
    );
    const after = await stack.http.post<{ total: number; revision: number }>(
      '/v1/reports',
      { kind: 'weekly', period, deliver: false },
      analyst,
    );
    expect(after.body.total).toBe(before.body.total + 1);
    expect(after.body.revision).toBe(before.body.revision + 1);
  });
});

describe('R9.4 the interface person analyses a draft, and the next period tracks the measures', () => {
  const url = '/v1/reports/monthly-2026-10';
  const analysis = {
    summary: '10月海淀区无信号投诉集中，主要为新建小区室内覆盖不足。',
    topics: [
      {
        key: 'NO_SIGNAL|haidian',
        analysis: '海淀区无信号投诉 41 单，集中在三个新建住宅小区的室内',
        measures: ['新增室分系统覆盖三个小区', '11月内完成复测'],
      },
    ],
  };

  it('R9.4 a draft of the monthly report takes the analysis and measures, and goes to the 优化中心接口人 when approved', async () => {
    const draft = await stack.http.post<{ status: string; stage: string; send: string }>(
      '/v1/reports',
      { kind: 'monthly', period: '2026-10', draft: true },
      iface,
    );
    expect(draft.status).toBe(202);
    expect(draft.body).toMatchObject({
      id: 'monthly-2026-10',
      status: 'DRAFT',
      stage: 'DRAFT',
      send: 'scheduled',
    });
    expect((await stack.http.get<{ status: string }>(url, iface)).body.status).toBe('DRAFT');

    // Only hot topics of the report, only the interface person (or an admin).
    const notHot = await stack.http.request<{ message: string }>('PUT', `${url}/analysis`, {
      key: iface,
      body: { topics: [{ ...analysis.topics[0]!, key: 'NO_DATA|xicheng' }] },
    });
    expect(notHot.status).toBe(400);
    expect(notHot.body.message).toMatch(/NO_DATA\|xicheng is not a hot topic/);
    const noMeasure = await stack.http.request<{ message: string }>('PUT', `${url}/analysis`, {
      key: iface,
      body: { topics: [{ ...analysis.topics[0]!, measures: [] }] },
    });
    expect(noMeasure.status).toBe(400);
    expect(noMeasure.body.message).toMatch(/measures/);
    expect(
      (await stack.http.request('PUT', `${url}/analysis`, { key: analyst, body: analysis })).status,
    ).toBe(403);

    const written = await stack.http.request<{ stage: string; analysisBy: string }>(
      'PUT',
      `${url}/analysis`,
      {
        key: iface,
        body: analysis,
      },
    );
    expect(written.status).toBe(200);
    expect(written.body).toMatchObject({ stage: 'DRAFT', analysisBy: 'interface.chen' });

    const approved = await stack.http.post<{ approvedBy: string }>(`${url}/approve`, {}, iface);
    expect(approved.status).toBe(200);
    expect(approved.body.approvedBy).toBe('interface.chen');
    const mail = await eventually(
      async () => {
        const res = await fetch(`${stack.urls.mailInbox}/api/messages?subject=2026-10`);
        const list = (await res.json()) as MailWithAttachments[];
        return list.find((m) => m.headers['x-closedloop-report'] === 'monthly-2026-10');
      },
      60_000,
      'the approved monthly report e-mail',
    );
    expect(mail.to).toEqual(['interface@operator.example']);
    expect(mail.text).toContain('新增室分系统覆盖三个小区');
    expect(mail.html).toContain('海淀区无信号投诉 41 单');

    const sent = await eventually(async () => {
      const r = await stack.http.get<{ status: string; written?: { by: string }; approvedBy?: string }>(
        url,
        iface,
      );
      return r.body.status === 'SENT' ? r.body : undefined;
    });
    expect(sent).toMatchObject({ written: { by: 'interface.chen' }, approvedBy: 'interface.chen' });
    // Sent: no more analysis, no second approval.
    expect((await stack.http.post(`${url}/approve`, {}, iface)).status).toBe(409);
    expect((await stack.http.request('PUT', `${url}/analysis`, { key: iface, body: analysis })).status).toBe(
      409,
    );
  }, 180_000);

  it("R9.4 the next month's report tracks last month's written measures against this month's complaints", async () => {
    const res = await stack.http.post(
      '/v1/reports',
      { kind: 'monthly', period: '2026-11', deliver: false },
      analyst,
    );
    expect(res.status).toBe(201);
    const report = await stack.http.get<Report>('/v1/reports/monthly-2026-11', analyst);
    expect(report.body.measuresTracked).toEqual([
      expect.objectContaining({
        key: 'NO_SIGNAL|haidian',
        measures: ['新增室分系统覆盖三个小区', '11月内完成复测'],
        writtenBy: 'interface.chen',
        lastCount: 41,
        count: 20,
        status: report.body.previousHot.find((c) => c.key === 'NO_SIGNAL|haidian')!.status,
      }),
    ]);
    const page = await fetch(`${stack.urls.api}/v1/reports/monthly-2026-11.html`, {
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(await page.text()).toContain('新增室分系统覆盖三个小区');
  }, 120_000);
});
