// Pure policy of hot and difficult complaints (热点、难点, R4.7): why a complaint is hot, how its open
// clocks tighten (never lengthened), the level an unsolved one escalates to, the hot list's line and
// the daily digest's sections.
import { DEFAULT_POLICY_SET } from '../../domain/policy/default-policies';
import { DEFAULT_LADDER } from '../../domain/policy/escalation';
import {
  checkHotPolicy,
  DEFAULT_HOT_POLICY,
  HOT_TIGHTENING_EXAMPLE,
  hotDigest,
  hotListItem,
  hotReasons,
  levelForHotUnsolved,
  overdueClocks,
  resolveHotPolicy,
  sortHotList,
  tightenClocks,
  type HotView,
} from '../../domain/policy/hot';
import { isHot } from '../../domain/policy/lifecycle';
import { selectPolicy, validatePolicySet } from '../../domain/policy/sla';

const H = 3_600_000;
const T0 = Date.parse('2026-12-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('R4.7 why a complaint is hot', () => {
  it('R4.7 names each reason, and is hot exactly when lifecycle.isHot says so', () => {
    expect(hotReasons({ rounds: 1, escalationLevel: 0, major: false, repeat: false })).toEqual([]);
    expect(hotReasons({ rounds: 2, escalationLevel: 1, major: true, repeat: true })).toEqual([
      'ROUNDS',
      'ESCALATED',
      'MAJOR',
      'REPEAT',
    ]);
    for (const rounds of [1, 2])
      for (const level of [0, 2])
        for (const major of [false, true])
          for (const repeat of [false, true])
            expect(hotReasons({ rounds, escalationLevel: level, major, repeat }).length > 0).toBe(
              isHot(rounds, level, major, repeat),
            );
  });
});

describe('R4.7 the open clocks of a hot complaint tighten by policy', () => {
  const policy = resolveHotPolicy({
    ...DEFAULT_HOT_POLICY,
    tightenFactor: 0.5,
    tightenLimits: { handling: '24h' },
  });

  it('R4.7 each keeps the factor of its time left, at most its kind’s limit, consumed time untouched', () => {
    const out = tightenClocks(
      [
        { name: 'handling', budgetMs: 72 * H, extendedMs: 0, consumedMs: 10 * H }, // 62 h left → 24 h (limit)
        { name: 'firstReply', budgetMs: 48 * H, extendedMs: 0, consumedMs: 8 * H }, // 40 h left → 20 h
        { name: 'verification:network', budgetMs: 24 * H, extendedMs: 6 * H, consumedMs: 10 * H }, // 20 h → 10 h
      ],
      policy,
    );
    expect(out).toEqual([
      { clock: 'handling', remainingBeforeMs: 62 * H, remainingAfterMs: 24 * H, budgetMs: 34 * H },
      { clock: 'firstReply', remainingBeforeMs: 40 * H, remainingAfterMs: 20 * H, budgetMs: 28 * H },
      // The 6 h a person added stay: the budget shrinks so that consumed + left = budget + extension.
      {
        clock: 'verification:network',
        remainingBeforeMs: 20 * H,
        remainingAfterMs: 10 * H,
        budgetMs: 14 * H,
      },
    ]);
  });

  it('R4.7 never lengthens a clock: breached clocks, a factor of 1 and a larger limit leave it alone', () => {
    const none = resolveHotPolicy({
      ...DEFAULT_HOT_POLICY,
      tightenFactor: 1,
      tightenLimits: { handling: '100h' },
    });
    const clocks = [
      { name: 'handling', budgetMs: 72 * H, extendedMs: 0, consumedMs: 10 * H },
      { name: 'acceptance', budgetMs: 4 * H, extendedMs: 0, consumedMs: 5 * H }, // already breached
    ];
    expect(tightenClocks(clocks, none)).toEqual([]);
    const tight = tightenClocks(clocks, policy);
    expect(tight.map((t) => t.clock)).toEqual(['handling']);
    for (const t of tight) expect(t.remainingAfterMs).toBeLessThan(t.remainingBeforeMs);
  });

  it('R4.7 a policy that would lengthen clocks or has no solve limit is refused', () => {
    expect(checkHotPolicy(DEFAULT_HOT_POLICY)).toEqual([]);
    expect(checkHotPolicy(HOT_TIGHTENING_EXAMPLE)).toEqual([]);
    expect(
      checkHotPolicy({
        tightenFactor: 1.5,
        tightenLimits: { handling: 'soon' },
        solveWithin: '0h',
        digest: { at: '8:30', timeZone: 'Mars/Olympus' },
      }),
    ).toEqual([
      expect.stringContaining('tightenFactor'),
      expect.stringContaining('tightenLimits.handling'),
      expect.stringContaining('solveWithin'),
      expect.stringContaining('digest.at'),
      expect.stringContaining('digest.timeZone'),
    ]);
    expect(
      validatePolicySet({ ...DEFAULT_POLICY_SET, hot: { ...DEFAULT_HOT_POLICY, tightenFactor: 0 } }),
    ).toEqual([expect.stringMatching(/^hot\.tightenFactor/)]);
  });

  it('R4.7 every complaint’s policy snapshot carries the hot policy (the default when the set has none)', () => {
    const criteria = { channel: 'HOTLINE', category: 'NO_SIGNAL', vipLevel: 0, urgency: 'NORMAL' as const };
    // The built-in set tracks and escalates but does not tighten (a factor of 1, no limits).
    expect(selectPolicy(DEFAULT_POLICY_SET, criteria).hot).toEqual({
      tightenFactor: 1,
      tightenLimitsMs: {},
      solveWithinMs: 72 * H,
    });
    expect(selectPolicy({ ...DEFAULT_POLICY_SET, hot: HOT_TIGHTENING_EXAMPLE }, criteria).hot).toEqual({
      tightenFactor: 0.5,
      tightenLimitsMs: { handling: 24 * H, verification: 8 * H },
      solveWithinMs: 72 * H,
    });
    const { hot: _none, ...withoutHot } = DEFAULT_POLICY_SET;
    const custom = { ...withoutHot, hot: { ...DEFAULT_HOT_POLICY, solveWithin: '2d' } };
    expect(selectPolicy(custom, criteria).hot?.solveWithinMs).toBe(48 * H);
    expect(selectPolicy(withoutHot, criteria).hot?.solveWithinMs).toBe(72 * H);
  });
});

describe('R4.7 an unsolved hot complaint escalates to at least the interface person', () => {
  it('R4.7 one above the current level, never below the interface rung', () => {
    expect(levelForHotUnsolved(DEFAULT_LADDER, 0)).toBe(2);
    expect(levelForHotUnsolved(DEFAULT_LADDER, 1)).toBe(2);
    expect(levelForHotUnsolved(DEFAULT_LADDER, 2)).toBe(3);
    expect(levelForHotUnsolved(DEFAULT_LADDER, 3)).toBe(3);
    const noInterface = [
      { level: 1, role: 'supervisor' },
      { level: 2, role: 'leader' },
    ];
    expect(levelForHotUnsolved(noInterface, 0)).toBe(1);
  });
});

function view(over: Partial<HotView> & { ticketId: string }): HotView {
  return {
    stage: 'IN_PROGRESS',
    input: { category: 'NO_SIGNAL', location: { region: 'haidian' }, customer: { vipLevel: 0 } },
    escalationLevel: 1,
    rounds: 1,
    clocks: [],
    escalations: [],
    ...over,
  };
}

const track = (since: number, over: Partial<NonNullable<HotView['hotTrack']>> = {}) => ({
  since: iso(since),
  reasons: ['ESCALATED' as const],
  solveBy: iso(since + 72 * H),
  solveWithinMs: 72 * H,
  tightened: [],
  escalations: 0,
  ...over,
});

describe('R4.7 the hot list and the overdue clocks', () => {
  const now = T0 + 100 * H;

  it('R4.7 a clock is overdue once its due time passed, or when paused out of time; stopped ones never', () => {
    const clock = (name: string, over: object) => ({ name, state: 'running', remainingMs: 1, ...over });
    expect(
      overdueClocks(
        [
          clock('handling', { dueAt: iso(now - 2 * H), remainingMs: 3 * H }), // projected before it ran out
          clock('firstReply', { dueAt: iso(now + H) }),
          clock('acceptance', { state: 'paused', remainingMs: -H }),
          clock('verification:data', { dueAt: iso(now - H), stoppedAt: iso(now - 3 * H) }),
        ],
        now,
      ),
    ).toEqual([
      { name: 'handling', dueAt: iso(now - 2 * H), overdueMs: 2 * H },
      { name: 'acceptance', overdueMs: H },
    ]);
  });

  it('R4.7 a line says why, since when, the time left to solve-by, and sorts the most urgent first', () => {
    const late = hotListItem(view({ ticketId: 'A', hotTrack: track(now - 80 * H) }), now);
    expect(late).toMatchObject({
      ticketId: 'A',
      reasons: ['ESCALATED'],
      hotSince: iso(now - 80 * H),
      solveBy: iso(now - 8 * H),
      solveLeftMs: -8 * H,
      solveOverdue: true,
    });
    const fresh = hotListItem(view({ ticketId: 'B', hotTrack: track(now - H) }), now);
    expect(fresh).toMatchObject({ solveLeftMs: 71 * H, solveOverdue: false });
    // Hot before tracking existed: the reasons from the view, no solve-by.
    const legacy = hotListItem(view({ ticketId: 'C', rounds: 2, escalationLevel: 0 }), now);
    expect(legacy).toMatchObject({ reasons: ['ROUNDS'], solveOverdue: false });
    expect(legacy.solveBy).toBeUndefined();
    expect(sortHotList([legacy, fresh, late]).map((i) => i.ticketId)).toEqual(['A', 'B', 'C']);
    // A resolved one past solve-by is not overdue.
    const resolved = hotListItem(
      view({ ticketId: 'D', stage: 'RESOLVED', hotTrack: track(now - 80 * H) }),
      now,
    );
    expect(resolved.solveOverdue).toBe(false);
  });
});

describe('R4.7 the daily digest: what changed in 24 h and what is overdue', () => {
  it('R4.7 new hot, solved, escalated in the window, overdue among the open ones; older changes left out', () => {
    const now = T0 + 200 * H;
    const views: HotView[] = [
      view({ ticketId: 'NEW', hotTrack: track(now - 2 * H) }),
      view({
        ticketId: 'OLD-OVERDUE',
        hotTrack: track(now - 100 * H, { escalations: 1 }),
        escalations: [
          { level: 1, reason: 'handling breached', at: iso(now - 99 * H) },
          { level: 2, reason: 'hot complaint unsolved', at: iso(now - 28 * H) + '' },
          { level: 3, reason: 'L2 not acknowledged in time', at: iso(now - 5 * H) },
        ],
      }),
      view({
        ticketId: 'SOLVED',
        stage: 'CLOSED',
        hotTrack: track(now - 30 * H, { solvedAt: iso(now - 3 * H) }),
      }),
      view({
        ticketId: 'CLOCK-LATE',
        hotTrack: track(now - 30 * H),
        clocks: [{ name: 'handling', state: 'running', remainingMs: 0, dueAt: iso(now - H) }],
      }),
    ];
    const d = hotDigest(views, now, 24 * H);
    expect(d.open.map((i) => i.ticketId)).toEqual(['OLD-OVERDUE', 'CLOCK-LATE', 'NEW']);
    expect(d.newHot.map((i) => i.ticketId)).toEqual(['NEW']);
    expect(d.solved.map((i) => i.ticketId)).toEqual(['SOLVED']);
    expect(d.escalated).toEqual([
      {
        item: expect.objectContaining({ ticketId: 'OLD-OVERDUE' }),
        escalations: [{ level: 3, reason: 'L2 not acknowledged in time', at: iso(now - 5 * H) }],
      },
    ]);
    expect(d.overdue.map((i) => i.ticketId)).toEqual(['OLD-OVERDUE', 'CLOCK-LATE']);
    expect(d.windowStart).toBe(iso(now - 24 * H));
  });
});
