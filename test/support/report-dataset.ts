// A report data set whose figures are known in advance (R9): complaints around ISO week 2026-W48 and
// November 2026 in Asia/Shanghai, including the boundary seconds of both. The expected figures are
// written out in test/unit/reports.test.ts and checked again on a real stack in
// test/integration/reports.test.ts.
import type { ComplaintSpec } from './report-data';

/** Local time in Asia/Shanghai → ISO instant. */
export const sh = (local: string) => new Date(`${local.replace(' ', 'T')}+08:00`).toISOString();

/** When the weekly report of 2026-W48 is made (Monday 30 November 09:00 +08). */
export const WEEKLY_NOW = Date.parse(sh('2026-11-30 09:00:00'));
/** When the monthly report of 2026-11 is made (Tuesday 1 December 09:00 +08). */
export const MONTHLY_NOW = Date.parse(sh('2026-12-01 09:00:00'));

const many = (n: number, make: (i: number) => ComplaintSpec) => Array.from({ length: n }, (_, i) => make(i));

/** This week (2026-W48): 19 complaints in four topics. */
export const W48: ComplaintSpec[] = [
  // DROPPED_CALLS / chaoyang: 10, new this week → hot (count ≥ 10, and new).
  ...many(10, (i) => ({
    id: `A${i + 1}`,
    at: sh(i < 5 ? `2026-11-24 1${i}:00:00` : `2026-11-26 1${i - 5}:00:00`),
    channel: i < 6 ? 'EMOS' : 'GREEN_NET',
    category: 'DROPPED_CALLS',
    region: 'chaoyang',
    vip: i < 8 ? 0 : 1,
    firstReplyH: 2,
    ...(i < 8 ? { resolvedH: 4 * (i + 1) } : {}),
    ...(i < 6
      ? { rootCause: '天馈故障', actions: '更换天馈线' }
      : i < 8
        ? { rootCause: '弱覆盖', actions: '规划新站' }
        : {}),
    ...(i < 5
      ? { satisfied: true, closed: true }
      : i === 5
        ? { satisfied: false, rounds: 2, breached: true, hot: true }
        : {}),
    clocks: [
      ['firstReply', 'met'],
      ['handling', i < 5 ? 'met' : i === 5 ? 'breached' : 'running'],
    ],
  })),
  // SLOW_DATA / xicheng: 4, three repeats → hot (repeats ≥ 3).
  {
    id: 'B1',
    at: sh('2026-11-23 09:00:00'),
    channel: 'OTHER',
    category: 'SLOW_DATA',
    region: 'xicheng',
    repeat: true,
    firstReplyH: 50,
    transfer: { department: 'network', verifiedH: 6 },
    clocks: [
      ['firstReply', 'metLate'],
      ['verification:network', 'met'],
    ],
    breached: true,
  },
  {
    id: 'B2',
    at: sh('2026-11-23 10:00:00'),
    // Last projected an hour after intake: its missing first reply becomes late in the report itself.
    projectedH: 1,
    channel: 'OTHER',
    category: 'SLOW_DATA',
    region: 'xicheng',
    repeat: true,
    transfer: { department: 'network' },
    clocks: [
      ['firstReply', 'breached'],
      ['verification:network', 'breached'],
    ],
    breached: true,
  },
  {
    id: 'B3',
    at: sh('2026-11-29 10:00:00'),
    channel: 'OTHER',
    category: 'SLOW_DATA',
    region: 'xicheng',
    repeat: true,
    clocks: [['firstReply', 'running']],
  },
  {
    id: 'B4',
    at: sh('2026-11-25 08:00:00'),
    channel: 'OTHER',
    category: 'SLOW_DATA',
    region: 'xicheng',
    unconfirmedSmsH: 1,
    firstReplyH: 5,
    transfer: { department: 'data', verifiedH: 3 },
    clocks: [
      ['firstReply', 'met'],
      ['verification:data', 'met'],
    ],
  },
  // VOICE_QUALITY / haidian: 2 escalated → hot (escalated ≥ 2); the first and last second of the week.
  {
    id: 'C1',
    at: sh('2026-11-29 23:59:59'),
    channel: 'OPT_CENTER_URGENT',
    category: 'VOICE_QUALITY',
    region: 'haidian',
    vip: 3,
    escalations: [1],
    hot: true,
  },
  {
    id: 'C2',
    at: sh('2026-11-23 00:00:00'),
    channel: 'OPT_CENTER_URGENT',
    category: 'VOICE_QUALITY',
    region: 'haidian',
    vip: 3,
    escalations: [1, 2],
    hot: true,
  },
  // NO_SIGNAL / haidian: 3 (12 last week, when it was hot) → controlled; two linked to a mass incident.
  ...many(3, (i) => ({
    id: `D${i + 1}`,
    at: sh(`2026-11-27 1${i}:00:00`),
    channel: i === 0 ? ('LEADER_ASSIGNED' as const) : ('EMOS' as const),
    category: 'NO_SIGNAL' as const,
    region: 'haidian',
    vip: i === 2 ? 2 : 0,
    firstReplyH: 1,
    ...(i < 2 ? { massIncidentId: 'MI-7' } : {}),
  })),
];

/** Last week (2026-W47): NO_SIGNAL / haidian 12 (hot: count ≥ 10), SLOW_DATA / xicheng 2. */
export const W47: ComplaintSpec[] = [
  ...many(12, (i) => ({
    id: `P${i + 1}`,
    // The last one is the last second of Sunday 22 November: still last week.
    at: i === 11 ? sh('2026-11-22 23:59:59') : sh(`2026-11-18 ${String(8 + i).padStart(2, '0')}:00:00`),
    category: 'NO_SIGNAL' as const,
    region: 'haidian',
    firstReplyH: 3,
    ...(i < 8
      ? { resolvedH: 24, rootCause: '小区退服', actions: '恢复基站供电', satisfied: true, closed: true }
      : {}),
    ...(i === 0 || i === 11 ? { hot: true, escalations: [1] } : {}),
  })),
  ...many(2, (i) => ({
    id: `Q${i + 1}`,
    at: sh('2026-11-17 12:00:00'),
    category: 'SLOW_DATA' as const,
    region: 'xicheng',
  })),
];

/** The week before (2026-W46): NO_SIGNAL / haidian 4. */
export const W46: ComplaintSpec[] = many(4, (i) => ({
  id: `R${i + 1}`,
  at: sh(`2026-11-10 1${i}:00:00`),
  category: 'NO_SIGNAL',
  region: 'haidian',
}));

/** Early November (2026-W45): WEAK_SIGNAL / fengtai 5, CALL_SETUP_FAILURE / dongcheng 4. */
export const W45: ComplaintSpec[] = [
  ...many(5, (i) => ({
    id: `S${i + 1}`,
    at: sh('2026-11-02 10:00:00'),
    category: 'WEAK_SIGNAL' as const,
    region: 'fengtai',
  })),
  ...many(4, (i) => ({
    id: `T${i + 1}`,
    at: sh('2026-11-03 10:00:00'),
    category: 'CALL_SETUP_FAILURE' as const,
    region: 'dongcheng',
  })),
];

/** Monday 30 November 00:00 +08: week 2026-W49, but still November. */
export const W49_IN_NOVEMBER: ComplaintSpec[] = [
  { id: 'X2', at: sh('2026-11-30 00:00:00'), category: 'NO_SIGNAL', region: 'haidian' },
];

/** October: NO_SIGNAL / haidian 40 on the 15th (2026-W42) and one at the last second of the month (W44). */
export const OCTOBER: ComplaintSpec[] = [
  ...many(40, (i) => ({
    id: `O${i + 1}`,
    at: sh('2026-10-15 12:00:00'),
    category: 'NO_SIGNAL' as const,
    region: 'haidian',
    ...(i < 30
      ? { resolvedH: 10, rootCause: '小区退服', actions: '恢复基站供电', satisfied: true, closed: true }
      : {}),
  })),
  { id: 'X3', at: sh('2026-10-31 23:59:59'), category: 'NO_SIGNAL', region: 'haidian' },
];

/** September: NO_SIGNAL / haidian 10 (2026-W38). */
export const SEPTEMBER: ComplaintSpec[] = many(10, (i) => ({
  id: `N${i + 1}`,
  at: sh('2026-09-15 12:00:00'),
  category: 'NO_SIGNAL',
  region: 'haidian',
}));

export const ALL_SPECS: ComplaintSpec[] = [
  ...W48,
  ...W47,
  ...W46,
  ...W45,
  ...W49_IN_NOVEMBER,
  ...OCTOBER,
  ...SEPTEMBER,
];

/** Monthly thresholds low enough for this small data set (the definition is data). */
export const SMALL_MONTHLY_RULE = {
  minCount: 4,
  minGrowthPct: 50,
  growthMinCount: 4,
  minRepeats: 3,
  minEscalated: 2,
};
