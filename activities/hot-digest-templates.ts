// The daily digest of the hot list (R4.7) to the interface person(s): zh-CN and English, like the
// other staff e-mails; each section a list, one complaint a line.
import type { RenderedEmail } from './rendered-email';

type Vars = Record<string, string>;

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

export function renderHotDigestEmail(v: Vars, links: Vars): RenderedEmail {
  const subject = `【热点难点投诉日报 Hot complaints digest】${v.openCount ?? '0'} open · ${v.window ?? ''}`;
  const sections: [string, string][] = [
    ['时间窗 Window', v.window ?? ''],
    ['在跟踪 Open hot complaints', v.openCount ?? '0'],
    ['新增热点 New hot (24 h)', v.newHot ?? ''],
    ['已解决 Solved (24 h)', v.solved ?? ''],
    ['已升级 Escalated (24 h)', v.escalated ?? ''],
    ['超时 Overdue', v.overdue ?? ''],
    ['热点清单 Hot list', v.list ?? ''],
  ];
  const text = [
    ...sections.map(([k, val]) => (val.includes('\n') ? `${k}:\n${val}` : `${k}: ${val}`)),
    '',
    ...Object.entries(links).map(([k, val]) => `${k}: ${val}`),
  ].join('\n');
  const rows = sections
    .map(
      ([k, val]) =>
        `<tr><th align="left" valign="top">${escapeHtml(k)}</th><td style="white-space:pre-line">${escapeHtml(val)}</td></tr>`,
    )
    .join('');
  const anchors = Object.entries(links)
    .map(([k, val]) => `<a href="${escapeHtml(val)}">${escapeHtml(k)}</a>`)
    .join(' · ');
  const html = `<!doctype html><html lang="zh-CN"><body style="font-family:sans-serif"><h2>${escapeHtml(subject)}</h2><table cellpadding="4">${rows}</table><p>${anchors}</p></body></html>`;
  return { subject, text, html };
}
