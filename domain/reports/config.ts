// The report settings the activities need (built from REPORT_* in platform/report-config.ts).
import type { ReportKind } from './report';
import { DEFAULT_REPORT_RELEASE, type ReportRelease } from './analysis';
import { DEFAULT_HOT_RULES, type HotRule } from './hot';
import { DEFAULT_REPORT_TIMEZONE } from './periods';

export interface ReportConfig {
  timeZone: string;
  /**
   * Who gets each report (R9.4): the weekly one the 上级管理接口人 (REPORT_WEEKLY_RECIPIENTS, default
   * the `management` addresses of ROLE_EMAILS), the monthly one the 优化中心接口人
   * (REPORT_MONTHLY_RECIPIENTS, default the `interface` addresses); else the supervisors.
   */
  recipients: Record<ReportKind, string[]>;
  /** How a scheduled report's draft is released (REPORT_RELEASE, R9.4). */
  release: Record<ReportKind, ReportRelease>;
  mailFrom: string;
  publicBaseUrl: string;
  hotRules: Record<ReportKind, HotRule>;
  /** rollups (default): per-day rollups refreshed where changed; direct: one pass per period. */
  source: 'rollups' | 'direct';
  /** How many periods the trend chart shows (weekly 8, monthly 6). */
  trendPeriods: Record<ReportKind, number>;
}

export const DEFAULT_TREND_PERIODS: Record<ReportKind, number> = { weekly: 8, monthly: 6 };

/** The report settings when the worker passes none: Asia/Shanghai, each kind to its addressees. */
export function defaultReportConfig(n: {
  mailFrom: string;
  publicBaseUrl: string;
  supervisorEmails: string[];
  roleEmails: Record<string, string[]>;
}): ReportConfig {
  const or = (list: string[] | undefined) => (list?.length ? list : n.supervisorEmails);
  return {
    timeZone: DEFAULT_REPORT_TIMEZONE,
    recipients: { weekly: or(n.roleEmails.management), monthly: or(n.roleEmails.interface) },
    release: DEFAULT_REPORT_RELEASE,
    mailFrom: n.mailFrom,
    publicBaseUrl: n.publicBaseUrl,
    hotRules: DEFAULT_HOT_RULES,
    source: 'rollups',
    trendPeriods: DEFAULT_TREND_PERIODS,
  };
}
