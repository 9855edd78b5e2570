// The report's tables as CSV downloads (R9.3): RFC 4180, CRLF, UTF-8 with a byte-order mark so that
// spreadsheet programs read the Chinese text. Text cells that a spreadsheet would run as a formula
// are prefixed with an apostrophe. Pure.
import type { CountRow, Report } from './model';

export const CSV_TABLES = [
  'summary',
  'daily',
  'trend',
  'channels',
  'categories',
  'regions',
  'vip-levels',
  'first-replies',
  'clocks',
  'escalations',
  'transfers',
  'rounds',
  'hot-topics',
  'previous-hot',
  'mass-incidents',
] as const;
export type CsvTable = (typeof CSV_TABLES)[number];

export function isCsvTable(name: string): name is CsvTable {
  return (CSV_TABLES as readonly string[]).includes(name);
}

type Cell = string | number | boolean | null | undefined;

function cell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'string') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: string[], rows: Cell[][]): string {
  return `\uFEFF${[header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

const counts = (rows: CountRow[], name: string): [string[], Cell[][]] => [
  [name, 'complaints', 'previous', 'change_pct'],
  rows.map((r) => [r.key, r.count, r.previous, r.changePct]),
];

const joinTexts = (t: { text: string; count: number }[]) => t.map((x) => `${x.text} (${x.count})`).join('; ');

function table(report: Report, name: CsvTable): [string[], Cell[][]] {
  const f = report.figures;
  switch (name) {
    case 'summary':
      return [
        ['figure', 'unit', report.period, report.previousPeriod, 'delta', 'change_pct'],
        report.comparison.map((c) => [c.label, c.unit, c.current, c.previous, c.delta, c.changePct]),
      ];
    case 'daily':
      return [
        ['day', 'complaints', 'previous_day', 'previous_complaints'],
        report.daily.map((d) => [d.day, d.count, d.previousDay, d.previous]),
      ];
    case 'trend':
      return [['period', 'complaints'], report.trend.map((t) => [t.period, t.count])];
    case 'channels':
      return counts(f.byChannel, 'channel');
    case 'categories':
      return counts(f.byCategory, 'category');
    case 'regions':
      return counts(f.byRegion, 'region');
    case 'vip-levels':
      return counts(f.byVipLevel, 'vip_level');
    case 'first-replies':
      return [
        [
          'within_48h',
          'late',
          'pending',
          'within_48h_pct',
          'replied',
          'not_replied',
          'replied_pct',
          'target_pct',
        ],
        [
          [
            f.firstReply.within48h,
            f.firstReply.late,
            f.firstReply.pending,
            f.firstReply.within48hPct,
            f.replied.replied,
            f.replied.notReplied,
            f.replied.pct,
            f.replied.target,
          ],
        ],
      ];
    case 'clocks':
      return [
        ['clock', 'met', 'met_late', 'breached', 'open', 'met_pct'],
        f.clocks.map((c) => [c.clock, c.met, c.metLate, c.breached, c.open, c.metPct]),
      ];
    case 'escalations':
      return [
        ['level', 'complaints'],
        [
          ...f.escalations.byLevel.map((l): Cell[] => [l.level, l.complaints]),
          ['all (escalated)', f.escalations.escalated],
          ['events', f.escalations.events],
        ],
      ];
    case 'transfers':
      return [
        ['department', 'transferred', 'verified', 'avg_verify_hours', 'late'],
        f.transfers.map((t) => [
          t.department,
          t.transferred,
          t.verified,
          t.avgVerifyMs === null ? null : Math.round(t.avgVerifyMs / 360_000) / 10,
          t.late,
        ]),
      ];
    case 'rounds':
      return [['rounds', 'complaints'], f.specialHandling.byRounds.map((r) => [r.rounds, r.complaints])];
    case 'hot-topics':
      return [
        [
          'rank',
          'category',
          'region',
          'complaints',
          'previous',
          'change_pct',
          'repeats',
          'escalated',
          'breached',
          'resolved',
          'closed',
          'why_hot',
          'causes',
          'measures',
          'analysis',
          'examples',
        ],
        report.hotTopics.map((t, i) => [
          i + 1,
          t.category,
          t.region,
          t.count,
          t.previous,
          t.changePct,
          t.repeats,
          t.escalated,
          t.breached,
          t.resolved,
          t.closed,
          t.reasons.join('; '),
          joinTexts(t.causes),
          joinTexts(t.measures),
          t.analysis,
          t.examples.join(' '),
        ]),
      ];
    case 'previous-hot':
      return [
        [
          'category',
          'region',
          'last_complaints',
          'complaints',
          'change_pct',
          'status',
          'hot_now',
          'last_resolved',
          'last_closed',
          'causes',
          'measures',
        ],
        report.previousHot.map((c) => [
          c.category,
          c.region,
          c.lastCount,
          c.count,
          c.changePct,
          c.status,
          c.hotNow,
          c.lastResolved,
          c.lastClosed,
          joinTexts(c.causes),
          joinTexts(c.measures),
        ]),
      ];
    case 'mass-incidents':
      return [['incident', 'complaints'], f.massIncidents.list.map((m) => [m.incident, m.complaints])];
  }
}

export function renderCsv(report: Report, name: CsvTable): string {
  const [header, rows] = table(report, name);
  return toCsv(header, rows);
}

export function csvFileName(report: Report, name: CsvTable): string {
  return `${report.id}-${name}.csv`;
}
