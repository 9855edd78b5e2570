import { DEFAULT_POLICY_SET } from '../../workflows/policy/default-policies';
import { formatDuration, parseDuration } from '../../workflows/policy/durations';
import {
  FIRST_REPLY_LIMIT_MS,
  selectPolicy,
  validatePolicySet,
  type PolicySet,
} from '../../workflows/policy/sla';

const H = 3_600_000;
const base = { channel: 'EMOS', category: 'NO_SIGNAL', vipLevel: 0, urgency: 'NORMAL' as const };

describe('durations', () => {
  it('parses the units policy data uses', () => {
    expect(parseDuration('48h')).toBe(48 * H);
    expect(parseDuration('30m')).toBe(30 * 60_000);
    expect(parseDuration('2d')).toBe(48 * H);
    expect(parseDuration('1.5h')).toBe(1.5 * H);
    expect(() => parseDuration('48 hours')).toThrow(/invalid duration/);
  });
  it('formats remaining time for people', () => {
    expect(formatDuration(47 * H + 59 * 60_000)).toBe('1d 23h 59m');
    expect(formatDuration(-2 * H)).toBe('-2h');
    expect(formatDuration(30_000)).toBe('30s');
  });
});

describe('R4.1 time limits are policy data chosen by channel, category, VIP level and urgency', () => {
  it('R4.1 an ordinary EMOS complaint gets the standard policy', () => {
    const p = selectPolicy(DEFAULT_POLICY_SET, base);
    expect(p.id).toBe('standard');
    expect(p.clocks.handling.targetMs).toBe(72 * H);
  });
  it('R4.1 urgency and channel pick tighter policies, the most specific match wins', () => {
    expect(selectPolicy(DEFAULT_POLICY_SET, { ...base, urgency: 'URGENT' }).id).toBe('urgent');
    expect(selectPolicy(DEFAULT_POLICY_SET, { ...base, channel: 'LEADER_ASSIGNED' }).id).toBe(
      'leader-assigned',
    );
    expect(selectPolicy(DEFAULT_POLICY_SET, { ...base, vipLevel: 2 }).id).toBe('vip');
  });
  it('R4.1 a policy set without a fallback or with a bad duration is rejected', () => {
    const bad: PolicySet = {
      version: 1,
      policies: [
        {
          id: 'x',
          version: 1,
          description: '',
          match: { channels: ['EMOS'] },
          clocks: {
            firstReply: { target: '2 days', warnAt: [0.5] },
            handling: { target: '1d', warnAt: [1.5] },
          },
        },
      ],
    };
    const problems = validatePolicySet(bad);
    expect(problems).toEqual(
      expect.arrayContaining([
        'policies[0].clocks.firstReply.target: not a duration',
        'policies[0].clocks.handling.warnAt: fractions between 0 and 1',
        'policies: one policy with an empty match is needed as the fallback',
      ]),
    );
    expect(validatePolicySet(DEFAULT_POLICY_SET)).toEqual([]);
  });
});

describe('R4.2 the first reply is due no later than 48 hours after intake', () => {
  it('R4.2 first reply is due 48 h after intake under the standard policy', () => {
    const p = selectPolicy(DEFAULT_POLICY_SET, base);
    expect(p.clocks.firstReply.targetMs).toBe(48 * H);
  });
  it('R4.2 a policy that asks for more than 48 h is capped at 48 h', () => {
    const loose: PolicySet = {
      version: 3,
      policies: [
        {
          id: 'loose',
          version: 1,
          description: '',
          match: {},
          clocks: { firstReply: { target: '5d', warnAt: [] }, handling: { target: '10d', warnAt: [] } },
        },
      ],
    };
    expect(selectPolicy(loose, base).clocks.firstReply.targetMs).toBe(FIRST_REPLY_LIMIT_MS);
  });
  it('R2.2 each department has its own verification limit from the policy', () => {
    const p = selectPolicy(DEFAULT_POLICY_SET, base);
    expect(p.verification.network!.targetMs).toBe(24 * H);
    expect(p.verification.billing).toMatchObject({ targetMs: 16 * H, calendar: 'business-cn' });
    expect(p.escalation.map((l) => l.role)).toEqual(['supervisor', 'interface', 'leader']);
  });
});
