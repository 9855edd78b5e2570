// The written report of a major complaint (R5.3) as one printable zh-CN/English HTML page: the
// report the interface person submitted, with the complaint's key facts, its escalations and its
// resolution. Pure: every value is escaped, the page has no script and loads nothing from elsewhere
// (inline CSS only). No personal data of the customer: no numbers, no address, no description.
import type { ComplaintView } from '../workflows/complaint/contract';

/** What the page shows of a complaint; the stored report is required. */
export type MajorReportFacts = Pick<
  ComplaintView,
  'ticketId' | 'stage' | 'input' | 'major' | 'escalations' | 'escalationLevel' | 'resolution' | 'rounds'
> & {
  closedAt?: string;
  majorReport: NonNullable<ComplaintView['majorReport']>;
};

export function hasMajorReport<
  T extends Pick<ComplaintView, 'ticketId'> & Partial<Pick<ComplaintView, 'majorReport'>>,
>(view: T): view is T & { majorReport: NonNullable<ComplaintView['majorReport']> } {
  return view.majorReport !== undefined;
}

export interface MajorReportHtmlOptions {
  /** The zone times are shown in (default Asia/Shanghai, the operator's). */
  timeZone?: string;
  /** When the page was made (default now). */
  generatedAt?: Date;
}

const CATEGORY: Record<string, string> = {
  NO_SIGNAL: '无信号 No signal',
  WEAK_SIGNAL: '信号弱 Weak signal',
  DROPPED_CALLS: '掉话 Dropped calls',
  CALL_SETUP_FAILURE: '呼叫失败 Call setup failure',
  VOICE_QUALITY: '话音质量 Voice quality',
  SLOW_DATA: '上网慢 Slow data',
  NO_DATA: '无法上网 No data',
  OTHER: '其他 Other',
};
const CHANNEL: Record<string, string> = {
  EMOS: 'EMOS',
  GREEN_NET: '绿网 Green network',
  OTHER: '其他渠道 Other channel',
  OPT_CENTER_URGENT: '优化中心紧急转派 Urgent (optimisation centre)',
  LEADER_ASSIGNED: '分公司领导下派 Assigned by a branch leader',
};
const STAGE: Record<string, string> = {
  RECEIVED: '已受理 Received',
  TRIAGED: '已判断 Triaged',
  TRANSFERRED: '已转派 Transferred',
  IN_PROGRESS: '处理中 In progress',
  RESOLVED: '已处理 Resolved',
  REPLYING: '回复中 Replying',
  CLOSED: '已闭环 Closed',
  REOPENED: '重新处理 Reopened',
};
const SOURCE: Record<string, string> = {
  manual: '人工升级 manual',
  clockBreached: '超时自动升级 clock breached',
  unacknowledged: '未确认逐级上升 not acknowledged',
  customerNotSatisfied: '客户不认可 customer not satisfied',
  customerUnreachable: '联系不上客户 customer unreachable',
  major: '定为重大投诉 marked major',
};

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

const label = (map: Record<string, string>, key: string | undefined) =>
  key === undefined ? '—' : (map[key] ?? key);

/** An instant as local date and time, e.g. 2026-11-23 08:00. */
function local(iso: string | undefined, timeZone: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** Text with its line breaks kept (escaped first). */
const para = (text: string | undefined) =>
  text ? escapeHtml(text).replace(/\r?\n/g, '<br>') : '<span class="none">—</span>';

function facts(rows: [string, string][]): string {
  return `<table class="facts">${rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${v}</td></tr>`).join('')}</table>`;
}

const STYLE = `
*{box-sizing:border-box}
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",system-ui,sans-serif;color:#1a1a1a;max-width:60rem;margin:2rem auto;padding:0 1.5rem;line-height:1.55}
header{border-bottom:3px solid #b3261e;margin-bottom:1.5rem}
h1{font-size:1.6rem;margin:0 0 .25rem}
h1 .en,h2 .en{font-weight:normal;color:#555;font-size:.8em;margin-left:.5em}
.title{font-size:1.2rem;font-weight:bold;margin:.25rem 0 .75rem}
h2{font-size:1.15rem;border-left:4px solid #b3261e;padding-left:.5rem;margin:1.75rem 0 .5rem}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}
table.facts th{width:11rem;background:#f6f6f6;font-weight:600}
table.list th{background:#f0f0f0}
.none{color:#888}
.meta{color:#555;font-size:.85rem}
footer{margin-top:2rem;border-top:1px solid #ccc;padding-top:.5rem;color:#666;font-size:.8rem}
@media print{body{margin:0;max-width:none;font-size:10.5pt}h2{break-after:avoid}tr,table.facts{break-inside:avoid}footer{position:static}}
@page{size:A4;margin:18mm 15mm}
`;

function escalationRows(view: MajorReportFacts, tz: string): string {
  if (view.escalations.length === 0) return '<p class="none">无升级 No escalation</p>';
  const head = [
    '时间 At',
    '级别 Level',
    '升级至 Reached',
    '来源 Source',
    '原因 Reason',
    '发起 By',
    '确认 Acknowledged',
  ]
    .map((h) => `<th scope="col">${escapeHtml(h)}</th>`)
    .join('');
  const rows = view.escalations
    .map((e) => {
      const ack = e.acknowledgedBy
        ? `${escapeHtml(e.acknowledgedBy)}<br><span class="meta">${escapeHtml(local(e.acknowledgedAt, tz))}</span>`
        : '<span class="none">未确认 not yet</span>';
      return `<tr><td>${escapeHtml(local(e.at, tz))}</td><td>L${escapeHtml(String(e.level))}</td><td>${escapeHtml(e.title)}<br><span class="meta">${escapeHtml(e.role)}</span></td><td>${escapeHtml(label(SOURCE, e.source))}</td><td>${para(e.reason)}</td><td>${escapeHtml(e.by)}</td><td>${ack}</td></tr>`;
    })
    .join('');
  return `<table class="list"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

function resolution(view: MajorReportFacts, tz: string): string {
  const r = view.resolution;
  if (!r) return '<p class="none">尚未办结 Not resolved yet</p>';
  return facts([
    ['处理概述 Summary', para(r.summary)],
    ['原因 Root cause', para(r.rootCause)],
    ['措施 Actions', para(r.actions)],
    ['处理人 Resolved by', `${escapeHtml(r.by)} · ${escapeHtml(local(r.at, tz))}`],
  ]);
}

/** The page (a complete HTML document). */
export function renderMajorReportHtml(view: MajorReportFacts, opts: MajorReportHtmlOptions = {}): string {
  const tz = opts.timeZone ?? 'Asia/Shanghai';
  const generatedAt = (opts.generatedAt ?? new Date()).toISOString();
  const rep = view.majorReport;
  const input = view.input;
  const major = view.major;
  const complaint = facts([
    ['工单 Ticket', escapeHtml(view.ticketId)],
    ['类别 Category', escapeHtml(label(CATEGORY, input.category))],
    ['区域 Region', escapeHtml(input.location.region)],
    ['渠道 Channel', escapeHtml(label(CHANNEL, input.channel))],
    ['紧急程度 Urgency', escapeHtml(input.urgency === 'URGENT' ? '紧急 urgent' : '一般 normal')],
    ['受理时间 Received', escapeHtml(local(input.receivedAt, tz))],
    ['当前环节 Stage', escapeHtml(label(STAGE, view.stage))],
    ...(view.closedAt ? [['闭环时间 Closed', escapeHtml(local(view.closedAt, tz))] as [string, string]] : []),
    ['处理轮次 Rounds', escapeHtml(String(view.rounds))],
    ['升级级别 Escalation level', escapeHtml(`L${view.escalationLevel}`)],
    [
      '定为重大 Marked major',
      major
        ? `${escapeHtml(major.by)} · ${escapeHtml(local(major.at, tz))}<br>${para(major.reason)}`
        : '<span class="none">—</span>',
    ],
    ['负责 Owner', '优化中心接口人 optimisation-centre interface person'],
  ]);
  const report = facts([
    ['影响 Impact', para(rep.impact)],
    ['原因 Root cause', para(rep.rootCause)],
    ['协调 Coordination', para(rep.coordination)],
    ['措施 Actions', para(rep.actions)],
    ['结果 Result', para(rep.result)],
    ['报告人 Reported by', `${escapeHtml(rep.by)} · ${escapeHtml(local(rep.at, tz))}`],
  ]);
  const title = `重大投诉书面报告 Major complaint report · ${view.ticketId}`;
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>重大投诉书面报告<span class="en" lang="en">Major complaint report</span></h1>
<p class="title">${escapeHtml(rep.title)}</p>
<p class="meta">工单 Ticket ${escapeHtml(view.ticketId)} · 报告 reported ${escapeHtml(local(rep.at, tz))} (${escapeHtml(tz)})</p>
</header>
<section id="report">
<h2>报告 <span class="en" lang="en">Report</span></h2>
${report}
</section>
<section id="complaint">
<h2>投诉概况 <span class="en" lang="en">Complaint</span></h2>
${complaint}
</section>
<section id="escalations">
<h2>升级记录 <span class="en" lang="en">Escalations</span></h2>
${escalationRows(view, tz)}
</section>
<section id="resolution">
<h2>处理结果 <span class="en" lang="en">Resolution</span></h2>
${resolution(view, tz)}
</section>
<footer>ClosedLoop · 生成时间 generated ${escapeHtml(local(generatedAt, tz))} (${escapeHtml(tz)}) · 时间均为 ${escapeHtml(tz)} 当地时间 times are local to ${escapeHtml(tz)}</footer>
</body>
</html>
`;
}
