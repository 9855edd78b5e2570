// Customer and staff texts. Customer texts are zh-CN first (the operator's customers), English on request.
import type { EmailTemplate, SmsTemplate } from './types';

type Vars = Record<string, string>;

const SMS: Record<SmsTemplate, Record<'zh-CN' | 'en', (v: Vars) => string>> = {
  intakeAcknowledgement: {
    'zh-CN': (v) =>
      `【网络投诉】您好，您反映的网络问题已受理，工单号 ${v.ticketId}。我们将在 ${v.firstReplyWithin} 内与您联系并答复处理情况，如需上门测试会提前与您预约时间。感谢您的耐心。`,
    en: (v) =>
      `[Network complaint] Your complaint ${v.ticketId} has been received. We will contact you within ${v.firstReplyWithin}; any on-site test will be arranged with you in advance.`,
  },
};

export function renderSms(template: SmsTemplate, language: 'zh-CN' | 'en', vars: Vars): string {
  return SMS[template][language](vars);
}

const CLOCK_NAMES: Record<string, string> = {
  firstReply: '首次回复 first reply',
  handling: '处理时限 handling',
};

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

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
  }
}
