// Day, ISO-week and month keys computed when a complaint is written, so that reports group by
// plain fields (FerretDB v1 has no $dateToString). Keys are in the operator's time zone.

import { zoneOffsetMs } from '../domain/reports/periods';

const TZ_OFFSET_MS: Record<string, number> = { 'Asia/Shanghai': 8 * 3_600_000, UTC: 0 };

export function periodKeys(
  at: Date,
  timeZone = 'Asia/Shanghai',
): { dayKey: string; weekKey: string; monthKey: string } {
  // Other zones (REPORT_TIMEZONE) through Intl, with their offset at that instant.
  const local = new Date(at.getTime() + (TZ_OFFSET_MS[timeZone] ?? zoneOffsetMs(at.getTime(), timeZone)));
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth() + 1;
  const d = local.getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  // ISO week: the Thursday of this week decides the year.
  const day = (local.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = new Date(Date.UTC(y, m - 1, d - day + 3));
  const isoYear = thursday.getUTCFullYear();
  const week1 = new Date(Date.UTC(isoYear, 0, 4));
  const daysSince = (thursday.getTime() - week1.getTime()) / 86_400_000;
  const week = 1 + Math.round((daysSince - 3 + ((week1.getUTCDay() + 6) % 7)) / 7);
  return {
    dayKey: `${y}-${pad(m)}-${pad(d)}`,
    weekKey: `${isoYear}-W${pad(week)}`,
    monthKey: `${y}-${pad(m)}`,
  };
}
