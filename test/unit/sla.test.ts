import { DEFAULT_POLICY_SET } from '../../domain/policy/default-policies';
import { formatDuration, parseDuration } from '../../domain/policy/durations';
import {
  FIRST_REPLY_LIMIT_MS,
  selectPolicy,
  validatePolicySet,
  type PolicySet,
  type SlaPolicy,
} from '../../domain/policy/sla';

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
  it("R4.1 the complaint's category picks its policy: a category policy applies to that category only", () => {
    // The built-in set has no category policy, so the set is extended as an admin would.
    const noSignal: SlaPolicy = {
      id: 'no-signal',
      version: 1,
      description: 'No service at all: a site visit is likely, handling gets longer',
      match: { categories: ['NO_SIGNAL', 'NO_DATA'] },
      clocks: {
        firstReply: { target: '24h', warnAt: [0.5] },
        handling: { target: '120h', warnAt: [0.5] },
      },
    };
    const set: PolicySet = { ...DEFAULT_POLICY_SET, policies: [...DEFAULT_POLICY_SET.policies, noSignal] };
    expect(validatePolicySet(set)).toEqual([]);
    const chosen = selectPolicy(set, { ...base, category: 'NO_SIGNAL' });
    expect(chosen.id).toBe('no-signal');
    expect(chosen.clocks.handling.targetMs).toBe(120 * H);
    expect(chosen.clocks.firstReply.targetMs).toBe(24 * H);
    expect(selectPolicy(set, { ...base, category: 'NO_DATA' }).id).toBe('no-signal');
    // Everything else about the complaint equal, another category keeps the standard policy.
    const other = selectPolicy(set, { ...base, category: 'DROPPED_CALLS' });
    expect(other.id).toBe('standard');
    expect(other.clocks.handling.targetMs).toBe(72 * H);
    // Urgency weighs more than category: an urgent no-signal complaint gets the urgent policy.
    expect(selectPolicy(set, { ...base, category: 'NO_SIGNAL', urgency: 'URGENT' }).id).toBe('urgent');
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
