// R5.3 the written report of a major complaint as a printable page (api/major-report-html) and
// the link to it in the e-mail to the optimisation centre (activities/notifications emailLinks).
import { hasMajorReport, renderMajorReportHtml, type MajorReportFacts } from '../../api/major-report-html';
import { emailLinks } from '../../activities/notifications';
import { renderEmail } from '../../activities/templates';
import { complaintInput } from '../support/fixtures';

const facts = (over: Partial<MajorReportFacts> = {}): MajorReportFacts => ({
  ticketId: 'EMOS-MAJ-1',
  stage: 'RESOLVED',
  input: complaintInput({
    ticketId: 'EMOS-MAJ-1',
    category: 'DROPPED_CALLS',
    receivedAt: '2026-11-20T01:00:00.000Z',
    numbers: { callback: '+8613912345678' },
    location: { region: 'haidian', address: '北京市海淀区中关村大街1号', cellId: '460-00-12345-1' },
  }),
  rounds: 1,
  escalationLevel: 2,
  major: {
    reason: '多名客户投诉，媒体关注',
    by: 'supervisor.wang',
    at: '2026-11-20T02:00:00.000Z',
    owner: 'interface',
  },
  escalations: [
    {
      level: 2,
      reason: 'major complaint: 多名客户投诉',
      by: 'supervisor.wang',
      at: '2026-11-20T02:00:00.000Z',
      source: 'major',
      role: 'interface',
      title: '优化中心接口人',
      acknowledgedBy: 'interface.chen',
      acknowledgedAt: '2026-11-20T02:30:00.000Z',
    },
    {
      level: 3,
      reason: '<img src=x onerror=alert(1)>',
      by: 'system',
      at: '2026-11-20T06:00:00.000Z',
      source: 'unacknowledged',
      role: 'department:network',
      title: '网络部',
    },
  ],
  resolution: {
    summary: '光缆熔接后基站恢复，复测无掉话',
    rootCause: '传输光缆被挖断',
    actions: '光缆熔接，增加路由保护',
    by: 'handler.li',
    at: '2026-11-20T08:00:00.000Z',
  },
  majorReport: {
    title: '海淀区基站退服导致大面积掉话 <b>&</b>',
    impact: '约 300 名用户受影响 2 小时\n涉及 3 个小区',
    rootCause: '传输光缆被挖断',
    coordination: '协调传输、网络部抢修',
    actions: '光缆熔接，增加路由保护',
    result: '业务恢复，客户满意',
    by: 'interface.chen',
    at: '2026-11-20T09:00:00.000Z',
  },
  ...over,
});

describe('R5.3 the major-complaint report page', () => {
  const html = renderMajorReportHtml(facts(), { generatedAt: new Date('2026-11-21T00:00:00Z') });

  it('R5.3 shows the report, the key facts, every escalation and the resolution, in zh-CN and English', () => {
    expect(html).toMatch(/^<!doctype html>\n<html lang="zh-CN">/);
    for (const text of [
      '重大投诉书面报告',
      'Major complaint report',
      'EMOS-MAJ-1',
      '掉话 Dropped calls',
      'haidian',
      '约 300 名用户受影响 2 小时<br>涉及 3 个小区',
      '协调传输、网络部抢修',
      '业务恢复，客户满意',
      'interface.chen · 2026-11-20 17:00',
      '优化中心接口人',
      '定为重大投诉 marked major',
      '未确认逐级上升 not acknowledged',
      '未确认 not yet',
      '光缆熔接后基站恢复，复测无掉话',
      '受理时间 Received</th><td>2026-11-20 09:00',
      'generated 2026-11-21 08:00 (Asia/Shanghai)',
    ])
      expect(html).toContain(text);
    // The escalations in order, one row each.
    expect(html.indexOf('<td>L2</td>')).toBeLessThan(html.indexOf('<td>L3</td>'));
  });

  it('R5.3 S4 escapes every value and loads nothing: no script, no external asset, no personal data', () => {
    expect(html).toContain('海淀区基站退服导致大面积掉话 &lt;b&gt;&amp;&lt;/b&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/<img|<script|<link|@import|url\(|src=["']?http|href=/i);
    expect(html).not.toContain('+8613912345678');
    expect(html).not.toContain('中关村大街');
    expect(html).toMatch(/@media print/);
  });

  it('R5.3 says when the complaint is not resolved yet or has no escalation; no report is no page', () => {
    const open = renderMajorReportHtml(
      facts({ resolution: undefined, escalations: [], stage: 'IN_PROGRESS' }),
    );
    expect(open).toContain('尚未办结 Not resolved yet');
    expect(open).toContain('无升级 No escalation');
    expect(open).toContain('处理中 In progress');
    const { majorReport: _drop, ...noReport } = facts();
    expect(hasMajorReport(noReport)).toBe(false);
    expect(hasMajorReport(facts())).toBe(true);
  });
});

describe('R5.3 the e-mail to the optimisation centre links the page', () => {
  const config = {
    publicBaseUrl: 'https://closedloop.example',
    temporalUiUrl: 'http://ui',
    namespace: 'default',
  };

  it('R5.3 the majorReport e-mail carries the link to the printable report, other e-mails do not', () => {
    const links = emailLinks(config, { ticketId: 'EMOS-MAJ-1', template: 'majorReport' });
    expect(links).toEqual({
      'Temporal UI': 'http://ui/namespaces/default/workflows/complaint-EMOS-MAJ-1',
      API: 'https://closedloop.example/v1/complaints/EMOS-MAJ-1',
      '书面报告 Report (HTML)': 'https://closedloop.example/v1/complaints/EMOS-MAJ-1/major-report.html',
    });
    const mail = renderEmail('majorReport', { ticketId: 'EMOS-MAJ-1', title: '基站退服' }, links);
    expect(mail.text).toContain(
      '书面报告 Report (HTML): https://closedloop.example/v1/complaints/EMOS-MAJ-1/major-report.html',
    );
    expect(mail.html).toContain(
      'href="https://closedloop.example/v1/complaints/EMOS-MAJ-1/major-report.html"',
    );
    expect(Object.keys(emailLinks(config, { ticketId: 'EMOS-MAJ-1', template: 'escalation' }))).toEqual([
      'Temporal UI',
      'API',
    ]);
    expect(emailLinks(config, { ticketId: 'INC-site-1', template: 'incidentStarted' }).API).toBe(
      'https://closedloop.example/v1/incidents/INC-site-1',
    );
  });
});
