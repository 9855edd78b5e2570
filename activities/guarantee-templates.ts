// Texts of the guarantee-area notifications (R7.3): the alert, the recovery and the periodic test
// task. E-mails carry Chinese and English side by side like the other staff e-mails; SMS come in
// zh-CN or en (the area's notify.language).
import type { RenderedEmail } from './rendered-email';

type Vars = Record<string, string>;
type EmailFn = (subject: string, lines: [string, string][], links: Vars) => RenderedEmail;

export const AREA_SMS: Record<
  'areaAlert' | 'areaRecovered' | 'areaTestOverdue',
  Record<'zh-CN' | 'en', (v: Vars) => string>
> = {
  areaAlert: {
    'zh-CN': (v) =>
      `【重点保障告警】${v.areaName}（${v.areaId}）第${v.seq}次告警：${v.summary}。请立即核查。`,
    en: (v) =>
      `[Guarantee area alert] ${v.areaName} (${v.areaId}) alert #${v.seq}: ${v.summary}. Please check now.`,
  },
  areaRecovered: {
    'zh-CN': (v) => `【重点保障恢复】${v.areaName}（${v.areaId}）第${v.seq}次告警已恢复，指标正常。`,
    en: (v) =>
      `[Guarantee area recovered] ${v.areaName} (${v.areaId}) alert #${v.seq} has recovered; KPIs are normal.`,
  },
  areaTestOverdue: {
    'zh-CN': (v) =>
      `【重点保障测试超期】${v.areaName}（${v.areaId}）测试任务 ${v.taskId}「${v.title}」已超过完成时限 ${v.dueAt}（负责人 ${v.assignee}），请督办。`,
    en: (v) =>
      `[Guarantee area test overdue] ${v.areaName} (${v.areaId}) test ${v.taskId} "${v.title}" was due ${v.dueAt} (assignee ${v.assignee}); please follow up.`,
  },
};

export function renderAreaEmail(
  template: 'areaAlert' | 'areaRecovered' | 'areaTest' | 'areaTestOverdue',
  v: Vars,
  links: Vars,
  email: EmailFn,
): RenderedEmail {
  const area: [string, string][] = [
    ['保障区域 Guarantee area', `${v.areaName ?? ''} (${v.areaId ?? ''})`],
    ['地点 Place', v.place ?? ''],
    ['小区 Cells', v.cells ?? ''],
  ];
  switch (template) {
    case 'areaAlert':
      return email(
        `【重点保障告警 Guarantee area alert #${v.seq}】${v.areaName ?? ''} · ${v.areaId ?? ''}`,
        [
          ...area,
          ['告警序号 Alert', v.seq ?? ''],
          ['发现时间 Detected at', v.at ?? ''],
          ['越限指标 Thresholds crossed', v.breaches ?? ''],
          ['无数据小区 Cells without data', v.missing || '-'],
          ['处理 Action', '请立即核查告警、割接和干扰 Check alarms, changes and interference now'],
        ],
        links,
      );
    case 'areaRecovered':
      return email(
        `【重点保障恢复 Guarantee area recovered #${v.seq}】${v.areaName ?? ''} · ${v.areaId ?? ''}`,
        [
          ...area,
          ['告警序号 Alert', v.seq ?? ''],
          ['告警时间 Raised at', v.raisedAt ?? ''],
          ['恢复时间 Recovered at', v.at ?? ''],
          ['持续 Lasted', v.lasted ?? ''],
          ['告警时越限 Crossed when raised', v.breaches ?? ''],
        ],
        links,
      );
    case 'areaTest':
      return email(
        `【重点保障定期测试 Guarantee area test】${v.title ?? ''} · ${v.areaName ?? ''}`,
        [
          ...area,
          ['任务 Task', v.taskId ?? ''],
          ['测试 Test', v.title ?? ''],
          ['计划时间 Scheduled at', v.scheduledAt ?? ''],
          ['完成时限 Due by', v.dueAt ?? ''],
          ['负责人 Assignee', v.assignee || '-'],
          [
            '结果 Result',
            '测试后在系统中录入测量值、结论和照片链接 Record measurements, conclusion and photo links',
          ],
        ],
        links,
      );
    case 'areaTestOverdue':
      return email(
        `【重点保障测试超期 Guarantee area test overdue】${v.title ?? ''} · ${v.areaName ?? ''}`,
        [
          ...area,
          ['任务 Task', v.taskId ?? ''],
          ['测试 Test', v.title ?? ''],
          ['负责人 Assignee', v.assignee ?? ''],
          ['完成时限 Due by', v.dueAt ?? ''],
          ['已超期 Overdue by', v.overdueBy ?? ''],
          ['处理 Action', '请督促负责人完成测试并录入结果 Follow up until the result is recorded'],
        ],
        links,
      );
  }
}
