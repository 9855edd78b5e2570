// Customer and staff texts. Customer texts are zh-CN first (the operator's customers), English on request.
import { AREA_SMS, renderAreaEmail } from './guarantee-templates';
import { renderHotDigestEmail } from './hot-digest-templates';
import type { RenderedEmail } from './rendered-email';
import type { EmailTemplate, SmsTemplate } from './types';

type Vars = Record<string, string>;

const SMS: Record<SmsTemplate, Record<'zh-CN' | 'en', (v: Vars) => string>> = {
  intakeAcknowledgement: {
    'zh-CN': (v) =>
      `【网络投诉】您好，您反映的网络问题已受理，工单号 ${v.ticketId}。我们将在 ${v.firstReplyWithin} 内与您联系并答复处理情况，如需上门测试会提前与您预约时间。感谢您的耐心。`,
    en: (v) =>
      `[Network complaint] Your complaint ${v.ticketId} has been received. We will contact you within ${v.firstReplyWithin}; any on-site test will be arranged with you in advance.`,
  },
  vipAssistantUpdate: {
    'zh-CN': (v) => `【VIP投诉】工单 ${v.ticketId}（VIP ${v.vipLevel}级）${v.step}：${v.detail}`,
    en: (v) => `[VIP complaint] ${v.ticketId} (VIP level ${v.vipLevel}) ${v.step}: ${v.detail}`,
  },
  ...AREA_SMS,
};

export function renderSms(template: SmsTemplate, language: 'zh-CN' | 'en', vars: Vars): string {
  return SMS[template][language](vars);
}

const CLOCK_NAMES: Record<string, string> = {
  firstReply: '首次回复 first reply',
  handling: '处理时限 handling',
};

export type { RenderedEmail };

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function email(subject: string, lines: [string, string][], links: Vars): RenderedEmail {
  const text = [
    ...lines.map(([k, v]) => `${k}: ${v}`),
    '',
    ...Object.entries(links).map(([k, v]) => `${k}: ${v}`),
  ].join('\n');
  const rows = lines
    .map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('');
  const anchors = Object.entries(links)
    .map(([k, v]) => `<a href="${escapeHtml(v)}">${escapeHtml(k)}</a>`)
    .join(' · ');
  const html = `<!doctype html><html lang="zh-CN"><body style="font-family:sans-serif"><h2>${escapeHtml(subject)}</h2><table cellpadding="4">${rows}</table><p>${anchors}</p></body></html>`;
  return { subject, text, html };
}

export function renderEmail(template: EmailTemplate, v: Vars, links: Vars): RenderedEmail {
  const clock = CLOCK_NAMES[v.clock ?? ''] ?? v.clock ?? '';
  const base: [string, string][] = [
    ['工单 Ticket', v.ticketId ?? ''],
    ['阶段 Stage', v.stage ?? ''],
    ['区域 Region', v.region ?? ''],
  ];
  switch (template) {
    case 'clockWarning':
      return email(
        `【即将超时 Due soon】${clock} · ${v.ticketId}`,
        [
          ...base,
          ['时限 Clock', clock],
          ['到期 Due at', v.dueAt ?? ''],
          ['剩余 Remaining', v.remaining ?? ''],
        ],
        links,
      );
    case 'clockBreached':
      return email(
        `【已超时 Breached】${clock} · ${v.ticketId}`,
        [
          ...base,
          ['时限 Clock', clock],
          ['到期 Due at', v.dueAt ?? ''],
          ['超时 Overdue by', (v.remaining ?? '').replace(/^-/, '')],
        ],
        links,
      );
    case 'verificationRequest':
      return email(
        `【转派查证 Verification request · ${v.department}】${v.ticketId}`,
        [
          ...base,
          ['部门 Department', v.department ?? ''],
          ['时限 Answer within', v.within ?? ''],
          ['说明 Note', v.note ?? ''],
        ],
        links,
      );
    case 'coordinationTask':
      return email(
        `【协调查证 Coordinate departments】${v.ticketId} · ${v.departments ?? ''}`,
        [...base, ['部门 Departments', v.departments ?? ''], ['时限 Coordinate within', v.within ?? '']],
        links,
      );
    case 'majorReport':
      return email(
        `【重大投诉书面报告 Major complaint report】${v.ticketId} · ${v.title ?? ''}`,
        [
          ...base,
          ['标题 Title', v.title ?? ''],
          ['影响 Impact', v.impact ?? ''],
          ['根因 Root cause', v.rootCause ?? ''],
          ['协调 Coordination', v.coordination ?? ''],
          ['措施 Actions', v.actions ?? ''],
          ['结果 Result', v.result ?? ''],
          ['报告人 Reported by', v.by ?? ''],
        ],
        links,
      );
    case 'escalation':
      return email(
        `【投诉升级 Escalation L${v.level}】${v.ticketId}`,
        [...base, ['级别 Level', v.level ?? ''], ['原因 Reason', v.reason ?? ''], ['升级人 By', v.by ?? '']],
        links,
      );
    case 'incidentStarted':
    case 'incidentResolved':
    case 'incidentClosed':
    case 'incidentReminder':
      return incidentEmail(template, v, links);
    case 'areaAlert':
    case 'areaRecovered':
    case 'areaTest':
    case 'areaTestOverdue':
      return renderAreaEmail(template, v, links, email);
    case 'onSiteTestBooked':
      return email(
        `【上门测试预约 On-site test booked】${v.ticketId} · ${v.slot ?? ''}`,
        [
          ['工单 Ticket', v.ticketId ?? ''],
          ['工程师 Engineer', v.engineer ?? ''],
          ['预约时间 Slot (the only time to visit)', v.slot ?? ''],
          ['地址 Address', v.address ?? ''],
          ['客户描述 Complaint', v.description ?? ''],
          ['预判 Pre-diagnosis', v.preDiagnosis ?? ''],
          ['说明 Note', v.note ?? ''],
        ],
        links,
      );
    case 'hotDigest':
      return renderHotDigestEmail(v, links);
    case 'vipAssistantUpdate':
      return email(
        `【VIP投诉进展 VIP complaint update】${v.ticketId} · ${v.step ?? ''}`,
        [
          ['工单 Ticket', v.ticketId ?? ''],
          ['VIP 级别 Level', v.vipLevel ?? ''],
          ['进展 Step', v.step ?? ''],
          ['说明 Detail', v.detail ?? ''],
          ['处理时限 Due by', v.dueAt ?? ''],
        ],
        links,
      );
  }
}

const INCIDENT_SUBJECTS: Record<string, string> = {
  incidentStarted: '【突发大面积投诉 Mass incident】',
  incidentResolved: '【突发事件已恢复 Mass incident resolved】',
  incidentClosed: '【突发事件已闭环 Mass incident closed】',
  incidentReminder: '【突发事件待处理 Mass incident waiting】',
};

function incidentEmail(template: string, v: Vars, links: Vars): RenderedEmail {
  const lines: [string, string][] = [
    ['事件 Incident', v.incidentId ?? ''],
    ['区域 Area', v.areaKey ?? ''],
    ['地市/区 Region', v.region ?? ''],
    ['投诉量 Complaints', v.count ?? ''],
    ['首个投诉 First complaint', v.firstAt ?? ''],
  ];
  const optional: [string, string | undefined][] = [
    ['初步证据 First evidence', v.evidence],
    ['处理说明 Summary', v.summary],
    ['客户答复 Customer message', v.customerMessage],
    ['根因 Root cause', v.rootCause],
    ['防范措施 Preventive measures', v.measures],
    ['提醒 Reminder', v.reminder],
  ];
  for (const [k, val] of optional) if (val) lines.push([k, val]);
  return email(
    `${INCIDENT_SUBJECTS[template] ?? ''}${v.areaKey ?? ''} · ${v.incidentId ?? ''}`,
    lines,
    links,
  );
}
