// Configuration of the weekly and monthly reports (R9). Part of the one configuration schema in
// platform/config.ts; every variable is in .env.example.
import { z } from 'zod';
import { DEFAULT_TREND_PERIODS, type ReportConfig } from '../domain/reports/config';
import { releaseProblems, releaseWith, type ReportRelease } from '../domain/reports/analysis';
import { hotRuleProblems, hotRulesWith, type HotRule } from '../domain/reports/hot';
import { DEFAULT_REPORT_TIMEZONE, isTimeZone } from '../domain/reports/periods';
import type { ReportKind } from '../domain/reports/report';

const emailList = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.email()));

/** A JSON setting checked by `problems` (an empty list: valid), the problems in the start error. */
function jsonOf<T>(problems: (value: unknown) => string[]) {
  return z
    .string()
    .default('{}')
    .transform((s, ctx) => {
      let value: unknown;
      try {
        value = JSON.parse(s);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
      const found = problems(value);
      if (found.length) {
        ctx.addIssue({ code: 'custom', message: found.join('; ') });
        return z.NEVER;
      }
      return value as T;
    });
}

export const REPORT_ENV = {
  /** Weeks (ISO, Monday to Sunday), months, day keys and the Schedules' 09:00 are in this zone. */
  REPORT_TIMEZONE: z
    .string()
    .default(DEFAULT_REPORT_TIMEZONE)
    .refine(isTimeZone, 'an IANA time zone such as Asia/Shanghai'),
  /** Before R9.4 one list got both reports: refused, so that no deployment sends both to one list unawares. */
  REPORT_RECIPIENTS: z
    .string()
    .default('')
    .refine(
      (s) => s.trim() === '',
      'replaced by REPORT_WEEKLY_RECIPIENTS and REPORT_MONTHLY_RECIPIENTS: each report has its own addressees (R9.4)',
    ),
  /** The weekly report's addressees (上级管理接口人); empty = `management` of ROLE_EMAILS, else SUPERVISOR_EMAILS. */
  REPORT_WEEKLY_RECIPIENTS: emailList,
  /** The monthly report's addressees (优化中心接口人); empty = `interface` of ROLE_EMAILS, else SUPERVISOR_EMAILS. */
  REPORT_MONTHLY_RECIPIENTS: emailList,
  /** JSON overriding how a scheduled report's draft is released, e.g. {"monthly":{"send":"approval"}}. */
  REPORT_RELEASE: jsonOf<Partial<Record<ReportKind, Partial<ReportRelease>>>>(releaseProblems),
  /** JSON overriding the hot-topic thresholds, e.g. {"weekly":{"minCount":15}}. */
  REPORT_HOT_RULES: jsonOf<Partial<Record<ReportKind, Partial<HotRule>>>>(hotRuleProblems),
  /** rollups (default): per-day rollups refreshed where complaints changed; direct: read every period whole. */
  REPORT_SOURCE: z.enum(['rollups', 'direct']).default('rollups'),
};

export interface ReportEnv {
  REPORT_TIMEZONE: string;
  REPORT_WEEKLY_RECIPIENTS: string[];
  REPORT_MONTHLY_RECIPIENTS: string[];
  REPORT_RELEASE: Partial<Record<ReportKind, Partial<ReportRelease>>>;
  REPORT_HOT_RULES: Partial<Record<ReportKind, Partial<HotRule>>>;
  REPORT_SOURCE: 'rollups' | 'direct';
  MAIL_FROM: string;
  PUBLIC_BASE_URL: string;
  SUPERVISOR_EMAILS: string[];
  ROLE_EMAILS: Record<string, string[]>;
}

export function reportConfigFrom(c: ReportEnv): ReportConfig {
  const first = (...lists: (string[] | undefined)[]) => lists.find((l) => l && l.length > 0) ?? [];
  return {
    timeZone: c.REPORT_TIMEZONE,
    recipients: {
      weekly: first(c.REPORT_WEEKLY_RECIPIENTS, c.ROLE_EMAILS.management, c.SUPERVISOR_EMAILS),
      monthly: first(c.REPORT_MONTHLY_RECIPIENTS, c.ROLE_EMAILS.interface, c.SUPERVISOR_EMAILS),
    },
    release: releaseWith(c.REPORT_RELEASE),
    mailFrom: c.MAIL_FROM,
    publicBaseUrl: c.PUBLIC_BASE_URL,
    hotRules: hotRulesWith(c.REPORT_HOT_RULES),
    source: c.REPORT_SOURCE,
    trendPeriods: DEFAULT_TREND_PERIODS,
  };
}
