// Configuration of the weekly and monthly reports (R9). Part of the one configuration schema in
// platform/config.ts; every variable is in .env.example.
import { z } from 'zod';
import { DEFAULT_TREND_PERIODS, type ReportConfig } from '../domain/reports/config';
import { hotRuleProblems, hotRulesWith, type HotRule } from '../domain/reports/hot';
import { DEFAULT_REPORT_TIMEZONE, isTimeZone } from '../domain/reports/periods';
import type { ReportKind } from '../domain/reports/report';

export const REPORT_ENV = {
  /** Weeks (ISO, Monday to Sunday), months, day keys and the Schedules' 09:00 are in this zone. */
  REPORT_TIMEZONE: z
    .string()
    .default(DEFAULT_REPORT_TIMEZONE)
    .refine(isTimeZone, 'an IANA time zone such as Asia/Shanghai'),
  /** Comma-separated addresses; empty = the `interface` addresses of ROLE_EMAILS, else SUPERVISOR_EMAILS. */
  REPORT_RECIPIENTS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.email())),
  /** JSON overriding the hot-topic thresholds, e.g. {"weekly":{"minCount":15}}. */
  REPORT_HOT_RULES: z
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
      const problems = hotRuleProblems(value);
      if (problems.length) {
        ctx.addIssue({ code: 'custom', message: problems.join('; ') });
        return z.NEVER;
      }
      return value as Partial<Record<ReportKind, Partial<HotRule>>>;
    }),
  /** rollups (default): per-day rollups refreshed where complaints changed; direct: read every period whole. */
  REPORT_SOURCE: z.enum(['rollups', 'direct']).default('rollups'),
};

export interface ReportEnv {
  REPORT_TIMEZONE: string;
  REPORT_RECIPIENTS: string[];
  REPORT_HOT_RULES: Partial<Record<ReportKind, Partial<HotRule>>>;
  REPORT_SOURCE: 'rollups' | 'direct';
  MAIL_FROM: string;
  PUBLIC_BASE_URL: string;
  SUPERVISOR_EMAILS: string[];
  ROLE_EMAILS: Record<string, string[]>;
}

export function reportConfigFrom(c: ReportEnv): ReportConfig {
  const iface = c.ROLE_EMAILS.interface ?? [];
  return {
    timeZone: c.REPORT_TIMEZONE,
    recipients: c.REPORT_RECIPIENTS.length ? c.REPORT_RECIPIENTS : iface.length ? iface : c.SUPERVISOR_EMAILS,
    mailFrom: c.MAIL_FROM,
    publicBaseUrl: c.PUBLIC_BASE_URL,
    hotRules: hotRulesWith(c.REPORT_HOT_RULES),
    source: c.REPORT_SOURCE,
    trendPeriods: DEFAULT_TREND_PERIODS,
  };
}
