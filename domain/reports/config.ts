// The report settings the activities need (built from REPORT_* in platform/report-config.ts).
import type { ReportKind } from './report';
import { DEFAULT_HOT_RULES, type HotRule } from './hot';
import { DEFAULT_REPORT_TIMEZONE } from './periods';

export interface ReportConfig {
  timeZone: string;
  /** Who gets the reports (REPORT_RECIPIENTS; default the interface people of ROLE_EMAILS). */
  recipients: string[];
  mailFrom: string;
  publicBaseUrl: string;
  hotRules: Record<ReportKind, HotRule>;
  /** rollups (default): per-day rollups refreshed where changed; direct: one pass per period. */
  source: 'rollups' | 'direct';
  /** How many periods the trend chart shows (weekly 8, monthly 6). */
  trendPeriods: Record<ReportKind, number>;
}

export const DEFAULT_TREND_PERIODS: Record<ReportKind, number> = { weekly: 8, monthly: 6 };

/** The report settings when the worker passes none: Asia/Shanghai, to the interface people. */
export function defaultReportConfig(n: {
  mailFrom: string;
  publicBaseUrl: string;
  supervisorEmails: string[];
  roleEmails: Record<string, string[]>;
}): ReportConfig {
  return {
    timeZone: DEFAULT_REPORT_TIMEZONE,
    recipients: n.roleEmails.interface?.length ? n.roleEmails.interface : n.supervisorEmails,
    mailFrom: n.mailFrom,
    publicBaseUrl: n.publicBaseUrl,
    hotRules: DEFAULT_HOT_RULES,
    source: 'rollups',
    trendPeriods: DEFAULT_TREND_PERIODS,
  };
}
