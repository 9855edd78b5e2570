// The report as one HTML page with inline SVG charts and tables (R9.3), the same markup for the
// API's page and the e-mail body; and a plain-text version for the e-mail's text part. Pure.
import type { ClockFigures, ComparisonRow, ControlRow, CountRow, HotTopic, Report } from './model';
import { barChart, columnChart, esc, lineChart, stackedChart } from './svg';

const KIND_ZH = { weekly: '周报', monthly: '月报' } as const;
const STATUS_ZH: Record<ControlRow['status'], string> = {
  controlled: '已控制 controlled',
  improving: '好转 improving',
  'not controlled': '未控制 not controlled',
};

/** An instant as local date and time in the report's zone, e.g. 2026-11-23 00:00. */
function local(iso: string, timeZone: string): string {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const p = Object.fromEntries(f.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

const dash = (v: number | null | undefined, unit = '') =>
  v === null || v === undefined ? '—' : `${v}${unit}`;
const change = (v: number | null) => (v === null ? '—' : `${v > 0 ? '+' : ''}${v} %`);
const hoursOf = (ms: number | null) => (ms === null ? '—' : `${Math.round(ms / 360_000) / 10} h`);

function table(header: string[], rows: (string | number)[][], numericFrom = 1): string {
  const head = header.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.length
    ? rows
        .map(
          (r) =>
            `<tr>${r.map((c, i) => `<td${i >= numericFrom && typeof c === 'number' ? ' class="n"' : ''}>${esc(String(c))}</td>`).join('')}</tr>`,
        )
        .join('')
    : `<tr><td colspan="${header.length}" class="none">none</td></tr>`;
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function countTable(name: string, rows: CountRow[]): string {
  return table(
    [name, 'complaints', 'previous', 'change'],
    rows.map((r) => [r.key, r.count, r.previous, change(r.changePct)]),
  );
}

function comparisonTable(report: Report): string {
  const fmt = (c: ComparisonRow, v: number | null) =>
    v === null ? '—' : c.unit === 'pct' ? `${v} %` : c.unit === 'hours' ? `${v} h` : String(v);
  return table(
    ['figure', report.period, report.previousPeriod, 'change'],
    report.comparison.map((c) => [
      c.label,
      fmt(c, c.current),
      fmt(c, c.previous),
      c.delta === null
        ? '—'
        : c.unit === 'count'
          ? `${c.delta > 0 ? '+' : ''}${c.delta} (${change(c.changePct)})`
          : `${c.delta > 0 ? '+' : ''}${c.delta}${c.unit === 'pct' ? ' pp' : ' h'}`,
    ]),
  );
}

function topicTable(topics: HotTopic[], withAnalysis: boolean): string {
  return table(
    withAnalysis
      ? ['#', 'type / region', 'complaints', 'change', 'why hot', 'analysis and measures', 'examples']
      : ['#', 'type / region', 'complaints', 'change', 'repeats', 'escalated', 'why hot', 'causes'],
    topics.map((t, i) =>
      withAnalysis
        ? [
            i + 1,
            `${t.category} / ${t.region}`,
            t.count,
            change(t.changePct),
            t.reasons.join('; '),
            t.analysis,
            t.examples.join(' ') || '—',
          ]
        : [
            i + 1,
            `${t.category} / ${t.region}`,
            t.count,
            change(t.changePct),
            t.repeats,
            t.escalated,
            t.reasons.join('; '),
            t.causes.map((c) => `${c.text} (${c.count})`).join('; ') || 'not recorded yet',
          ],
    ),
    2,
  );
}

function controlTable(rows: ControlRow[], report: Report): string {
  return table(
    [
      'type / region',
      `${report.previousPeriod}`,
      `${report.period}`,
      'change',
      'status',
      'resolved / closed (of last)',
      'causes',
      'measures',
    ],
    rows.map((c) => [
      `${c.category} / ${c.region}`,
      c.lastCount,
      c.count,
      change(c.changePct),
      STATUS_ZH[c.status],
      `${c.lastResolved} / ${c.lastClosed} of ${c.lastCount}`,
      c.causes.map((x) => `${x.text} (${x.count})`).join('; ') || '—',
      c.measures.map((x) => `${x.text} (${x.count})`).join('; ') || '—',
    ]),
  );
}

/** The interface person's written analysis and measures (R9.4), or a note that none was written. */
function writtenSection(report: Report): string {
  const w = report.written;
  if (!w) return '<p class="small">No written analysis was added to this report.</p>';
  const rows = w.topics.map((t) => [t.key.replace('|', ' / '), t.analysis, t.measures.join('；')]);
  return `${w.summary ? `<p>${esc(w.summary)}</p>` : ''}${table(['hot topic', 'analysis', 'rectification measures'], rows, 9)}
<p class="small">Written by ${esc(w.by)}, ${esc(local(w.at, report.timeZone))}.</p>`;
}

/** Last period's written measures and how their topics did in this period (R9.4). */
function trackedSection(report: Report): string {
  const rows = (report.measuresTracked ?? []).map((m) => [
    `${m.category} / ${m.region}`,
    m.measures.join('；'),
    m.lastCount,
    m.count,
    change(m.changePct),
    m.status,
  ]);
  return table(['hot topic', 'measures written', 'then', 'now', 'change', 'status'], rows, 2);
}

function clockChart(clocks: ClockFigures[]): string {
  return stackedChart({
    title: 'SLA compliance by clock',
    rows: clocks.map((c) => ({ label: c.clock, parts: [c.met, c.metLate, c.breached, c.open] })),
    partNames: ['met', 'met late', 'breached', 'open'],
    colors: ['#3f9a5b', '#d9822b', '#c23b3b', '#b0b8c4'],
  });
}

function figuresSection(report: Report): string {
  const f = report.figures;
  const rounds = f.specialHandling.byRounds.map((r) => [r.rounds, r.complaints]);
  return `
<h2>处理指标 / Handling figures</h2>
<div class="charts">
${barChart({
  title: 'Complaints by type',
  rows: f.byCategory.slice(0, 10).map((r) => ({ label: r.key, values: [r.count, r.previous] })),
  seriesNames: [report.period, report.previousPeriod],
})}
${barChart({
  title: 'Complaints by region',
  rows: f.byRegion.slice(0, 12).map((r) => ({ label: r.key, values: [r.count, r.previous] })),
  seriesNames: [report.period, report.previousPeriod],
})}
${clockChart(f.clocks)}
</div>
<h3>Against ${esc(report.previousPeriod)} / 环比</h3>
${comparisonTable(report)}
<h3>Volume / 投诉量</h3>
<div class="grid">
<div><h4>by channel</h4>${countTable('channel', f.byChannel)}</div>
<div><h4>by type</h4>${countTable('category', f.byCategory)}</div>
<div><h4>by region</h4>${countTable('region', f.byRegion)}</div>
<div><h4>by VIP level</h4>${countTable('VIP level', f.byVipLevel)}</div>
</div>
<h3>Replies / 回复</h3>
${table(
  [
    'first replies within 48 h',
    'late',
    'pending (< 48 h old)',
    'within 48 h',
    'replied',
    'not replied',
    'replied share (target 100 %)',
  ],
  [
    [
      f.firstReply.within48h,
      f.firstReply.late,
      f.firstReply.pending,
      dash(f.firstReply.within48hPct, ' %'),
      f.replied.replied,
      f.replied.notReplied,
      dash(f.replied.pct, ' %'),
    ],
  ],
  0,
)}
<h3>Clocks / 时限</h3>
${table(
  ['clock', 'met', 'met late', 'breached', 'open', 'met share'],
  f.clocks.map((c) => [c.clock, c.met, c.metLate, c.breached, c.open, dash(c.metPct, ' %')]),
)}
<div class="grid">
<div><h4>Escalations / 升级</h4>${table(
    ['level', 'complaints'],
    [
      ...f.escalations.byLevel.map((l): (string | number)[] => [`L${l.level}`, l.complaints]),
      ['escalated complaints', f.escalations.escalated],
      ['escalation events', f.escalations.events],
    ],
  )}</div>
<div><h4>Transfers and verification / 转派核查</h4>${table(
    ['department', 'transferred', 'verified', 'mean verification time', 'late'],
    f.transfers.map((t) => [t.department, t.transferred, t.verified, hoursOf(t.avgVerifyMs), t.late]),
  )}</div>
<div><h4>Special handling / 特殊处理</h4>${table(['rounds', 'complaints'], rounds)}<p>reopened: ${f.specialHandling.reopened}</p></div>
<div><h4>Outcome / 结果</h4>${table(
    ['figure', 'value'],
    [
      ['resolved', f.resolved],
      ['closed', f.closed],
      ['past a time limit', f.slaBreached],
      [
        'satisfied / unsatisfied / not asked',
        `${f.satisfaction.satisfied} / ${f.satisfaction.unsatisfied} / ${f.satisfaction.unknown}`,
      ],
      ['satisfaction', dash(f.satisfaction.pct, ' %')],
      ['repeat complaints (二次投诉)', `${f.repeats.count} (${dash(f.repeats.pct, ' %')})`],
      ['median time to resolve', hoursOf(f.timeToResolve.medianMs)],
      ['90th percentile time to resolve', hoursOf(f.timeToResolve.p90Ms)],
      ['mass incidents (complaints linked)', `${f.massIncidents.incidents} (${f.massIncidents.complaints})`],
      ['hot complaints (closed)', `${f.hotComplaints.count} (${f.hotComplaints.closed})`],
      ['major complaints', f.major],
      [
        'care callbacks: unanswered, handed to a person / recorded / waiting (关怀回访未接通转人工)',
        `${f.careCallbacks.unanswered} / ${f.careCallbacks.recordedByPerson} / ${f.careCallbacks.awaitingPerson} of ${f.careCallbacks.called}`,
      ],
    ],
  )}</div>
</div>`;
}

export function renderReportHtml(report: Report, links: { csv?: (table: string) => string } = {}): string {
  const title = `ClosedLoop ${KIND_ZH[report.kind]} ${report.period} — ${report.kind === 'weekly' ? 'weekly' : 'monthly'} complaint report`;
  const trendLabel =
    report.kind === 'weekly' ? 'Complaints in the last weeks' : 'Complaints in the last months';
  const daily = lineChart({
    title: 'Complaints per day',
    labels: report.daily.map((d) => d.day.slice(5)),
    series: [
      { name: report.period, values: report.daily.map((d) => d.count) },
      { name: report.previousPeriod, values: report.daily.map((d) => d.previous) },
    ],
  });
  const trend = columnChart({
    title: trendLabel,
    labels: report.trend.map((t) => t.period),
    values: report.trend.map((t) => t.count),
    highlightLast: true,
  });
  const prevTitle =
    report.kind === 'weekly'
      ? '上周热点投诉本周管控情况 / How last week’s hot complaints were controlled this week'
      : '上月热点投诉跟踪及整改 / Tracking and rectification of last month’s hot complaints';
  const hotTitle =
    report.kind === 'weekly'
      ? '本周热点投诉类型及原因 / This week’s hot complaint types and causes'
      : '本月热点投诉 / This month’s hot complaints';
  const csvLinks = links.csv
    ? `<p class="small">CSV: ${[
        'summary',
        'daily',
        'categories',
        'regions',
        'clocks',
        'hot-topics',
        'previous-hot',
      ]
        .map((t) => `<a href="${esc(links.csv!(t))}">${t}</a>`)
        .join(' · ')}</p>`
    : '';
  const monthly =
    report.kind === 'monthly'
      ? `<h2>本月热点投诉前五 / Top five hot complaints: analysis and measures</h2>${topicTable(report.topFive, true)}`
      : '';
  return `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:Helvetica,Arial,"PingFang SC","Microsoft YaHei",sans-serif;color:#222;margin:24px;max-width:1100px}
h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;border-bottom:2px solid #2f6fb0;padding-bottom:3px;margin-top:28px}
h3{font-size:15px;margin-top:18px}h4{font-size:13px;margin:10px 0 4px}
table{border-collapse:collapse;margin:6px 0;font-size:12px}th,td{border:1px solid #d5d9de;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#eef2f6}td.n{text-align:right}td.none{color:#777}.small{font-size:12px;color:#555}
.charts svg{margin:6px 12px 6px 0;border:1px solid #e3e6ea}.grid{display:flex;flex-wrap:wrap;gap:18px}
.def{background:#f7f4ea;border-left:4px solid #d9822b;padding:6px 10px;font-size:12px}
</style></head><body>
<h1>${esc(title)}</h1>
<p class="small">${esc(report.period)}: ${esc(local(report.from, report.timeZone))} – ${esc(local(report.to, report.timeZone))} (${esc(report.timeZone)}) · compared with ${esc(report.previousPeriod)} · generated ${esc(local(report.generatedAt, report.timeZone))} · figures count the complaints received in the period, in their state when the report was made</p>
${csvLinks}
<h2>${report.kind === 'monthly' ? '本月投诉总体情况 / Overall picture' : '本周概况 / Summary'}</h2>
<ul>${report.overview.highlights.map((h) => `<li>${esc(h)}</li>`).join('')}</ul>
<div class="charts">${daily}${trend}</div>
<h2>${prevTitle}</h2>
${controlTable(report.previousHot, report)}
<p class="small">Hot complaints (R4.7) received in ${esc(report.previousPeriod)}: ${report.previousHotComplaints.count}, closed ${report.previousHotComplaints.closed}, still open ${report.previousHotComplaints.open}.</p>
<h2>上期整改措施跟踪 / Tracking of last period's rectification measures</h2>
${trackedSection(report)}
<h2>${hotTitle}</h2>
${topicTable(report.hotTopics, false)}
${monthly}
<h2>接口人分析与整改措施 / The interface person's analysis and measures</h2>
${writtenSection(report)}
<div class="def"><b>热点定义 / What “hot” means here</b><br>${esc(report.hotRule.zh)}<br>${esc(report.hotRule.en)}</div>
${figuresSection(report)}
<p class="small">ClosedLoop · ${esc(report.id)} · source: ${report.source === 'rollups' ? 'per-day rollups' : 'complaint summaries'}</p>
</body></html>
`;
}

/** The plain-text part of the e-mail. */
export function renderReportText(report: Report, url?: string): string {
  const f = report.figures;
  const lines = [
    `ClosedLoop ${KIND_ZH[report.kind]} ${report.period} (${report.timeZone})`,
    '',
    ...report.overview.highlights.map((h) => `- ${h}`),
    '',
    `Hot topics: ${report.hotTopics.length ? report.hotTopics.map((t) => `${t.category}/${t.region} ${t.count}`).join(', ') : 'none'}`,
    `Last period's hot topics: ${report.previousHot.length ? report.previousHot.map((c) => `${c.category}/${c.region} ${c.status}`).join(', ') : 'none'}`,
    `First replies within 48 h: ${dash(f.firstReply.within48hPct, ' %')}; replied ${dash(f.replied.pct, ' %')} (target 100 %)`,
    ...(report.written
      ? [
          '',
          `Analysis and measures (${report.written.by}):`,
          ...(report.written.summary ? [report.written.summary] : []),
          ...report.written.topics.map(
            (t) => `- ${t.key.replace('|', '/')}: ${t.analysis} Measures: ${t.measures.join('; ')}`,
          ),
        ]
      : []),
    ...(report.measuresTracked?.length
      ? [
          `Last period's measures: ${report.measuresTracked.map((m) => `${m.category}/${m.region} ${m.status} (${m.lastCount} → ${m.count})`).join(', ')}`,
        ]
      : []),
    '',
    'The HTML part has the charts; the CSV attachments hold the tables.',
  ];
  if (url) lines.push(`Online: ${url}`);
  return `${lines.join('\n')}\n`;
}
