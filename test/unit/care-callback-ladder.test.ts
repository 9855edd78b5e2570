// Pure policy of issue 20 items 1 and 4: the ladder's rung for a missing level and its roles (R5.7),
// and the care callback nobody answers — retried by policy, then an SMS, then a person (R6.3).
import {
  careCallbackContactPolicy,
  careCallbackPersonWithinMs,
  careCallbackNext,
  careCallbackNextByPerson,
  checkCareCallbackPolicy,
  checkRecordCareCallback,
  DEFAULT_CARE_CALLBACK_POLICY,
} from '../../domain/policy/care-callback';
import { DEFAULT_POLICY_SET } from '../../domain/policy/default-policies';
import {
  DEFAULT_LADDER,
  legacyLevelOf,
  levelOf,
  nextLevel,
  unknownLadderRoles,
} from '../../domain/policy/escalation';
import { selectPolicy, validatePolicySet } from '../../domain/policy/sla';

const rung = (level: number, role: string) => ({ level, role });
const GAPPED = [rung(1, 'supervisor'), rung(3, 'leader')];

describe('R5.7 every rung of the ladder can be reached and acted on', () => {
  it('R5.7 a level the ladder lacks climbs to the next rung, never back to level 1', () => {
    expect(legacyLevelOf(GAPPED, 2).level).toBe(1); // what it did before
    expect(levelOf(GAPPED, 2)).toEqual(rung(3, 'leader'));
    // The automatic climb from level 1 on a gapped ladder reaches the leader, not the team lead again.
    expect(levelOf(GAPPED, nextLevel(GAPPED, 1)).role).toBe('leader');
  });

  it('R5.7 past the top is the top; below the first rung is the first; the order of the data does not matter', () => {
    expect(levelOf(DEFAULT_LADDER, 9).role).toBe('leader');
    expect(levelOf(DEFAULT_LADDER, 0).role).toBe('supervisor');
    expect(levelOf([rung(3, 'leader'), rung(1, 'supervisor')], 2).role).toBe('leader');
    expect(levelOf(DEFAULT_LADDER, 2).role).toBe('interface');
  });

  it('R5.7 the default ladder ends at the branch leader', () => {
    expect(DEFAULT_LADDER.map((l) => l.role)).toEqual(['supervisor', 'interface', 'leader']);
  });

  it('R5.7 a ladder role nobody can sign in as is named, once', () => {
    const known = (role: string) => ['supervisor', 'interface', 'leader'].includes(role);
    expect(unknownLadderRoles(DEFAULT_LADDER, known)).toEqual([]);
    const ladder = [rung(1, 'supervisor'), rung(2, 'branchBoss'), rung(3, 'branchBoss')];
    expect(unknownLadderRoles(ladder, known)).toEqual(['branchBoss']);
  });
});

describe('R6.3 a care callback nobody answers is retried, asked by SMS, then listed for a person', () => {
  it('R6.3 the retries are policy data: calls spread over the day, then the SMS answer wait', () => {
    expect(DEFAULT_CARE_CALLBACK_POLICY).toEqual({
      callAttempts: 3,
      callSpacing: '4h',
      smsAnswerWait: '24h',
      personWithin: '3d',
    });
    expect(careCallbackPersonWithinMs(DEFAULT_CARE_CALLBACK_POLICY)).toBe(3 * 86_400_000);
    expect(careCallbackPersonWithinMs({ callAttempts: 1, callSpacing: '1h', smsAnswerWait: '1h' })).toBe(
      3 * 86_400_000,
    );
    expect(careCallbackContactPolicy({ callAttempts: 2, callSpacing: '3h', smsAnswerWait: '12h' })).toEqual({
      callAttempts: 2,
      callSpacing: '3h',
      smsConfirmWait: '12h',
    });
    // The snapshot of a complaint carries it (the set's own, or the default).
    const criteria = { channel: 'EMOS', category: 'NO_SIGNAL', vipLevel: 0, urgency: 'NORMAL' } as const;
    expect(selectPolicy(DEFAULT_POLICY_SET, criteria).careCallback).toEqual(DEFAULT_CARE_CALLBACK_POLICY);
    const own = { callAttempts: 5, callSpacing: '2h', smsAnswerWait: '48h' };
    expect(selectPolicy({ ...DEFAULT_POLICY_SET, careCallback: own }, criteria).careCallback).toEqual(own);
  });

  it('R6.3 a policy without a call, or with a spacing that is no duration, is refused naming the field', () => {
    expect(checkCareCallbackPolicy(DEFAULT_CARE_CALLBACK_POLICY)).toEqual([]);
    expect(
      checkCareCallbackPolicy({
        callAttempts: 0,
        callSpacing: 'soon',
        smsAnswerWait: '0h',
        personWithin: 'later',
      }),
    ).toEqual([
      'callAttempts: must be an integer from 1 to 10',
      'callSpacing: "soon" is not a positive duration such as 4h, 24h',
      'smsAnswerWait: "0h" is not a positive duration such as 4h, 24h',
      'personWithin: "later" is not a positive duration such as 4h, 24h',
    ]);
    const set = {
      ...DEFAULT_POLICY_SET,
      careCallback: { callAttempts: 11, callSpacing: '4h', smsAnswerWait: '1d' },
    };
    expect(validatePolicySet(set)).toContain('careCallback.callAttempts: must be an integer from 1 to 10');
  });

  it('R6.3 only an answer ends the callback: no answer and an unclear one go to a person', () => {
    expect(careCallbackNext({ reached: true, answer: 'SATISFIED' })).toBe('CONFIRMED');
    expect(careCallbackNext({ reached: true, answer: 'NOT_SATISFIED' })).toBe('REOPEN');
    expect(careCallbackNext({ reached: false, answer: 'NO_ANSWER' })).toBe('TO_PERSON');
    expect(careCallbackNext({ reached: true, answer: 'UNCLEAR' })).toBe('TO_PERSON');
  });

  it('R6.3 the person records once, on a listed callback, with an answer exactly when reached', () => {
    const listed = { toPersonAt: '2026-12-01T10:00:00Z' };
    const ok = { reached: true, answer: 'SATISFIED' as const, note: 'called from the office' };
    expect(checkRecordCareCallback(undefined, ok)).toBe('no care callback is waiting for a person');
    expect(checkRecordCareCallback({}, ok)).toBe('no care callback is waiting for a person');
    expect(checkRecordCareCallback(listed, ok)).toBeUndefined();
    expect(checkRecordCareCallback({ ...listed, byPerson: ok }, ok)).toBe(
      'the care callback was already recorded',
    );
    expect(checkRecordCareCallback(listed, { reached: true, note: 'x' })).toMatch(/^answer: required/);
    expect(checkRecordCareCallback(listed, { reached: false, answer: 'SATISFIED', note: 'x' })).toMatch(
      /^answer: only when/,
    );
    expect(careCallbackNextByPerson(ok)).toBe('CONFIRMED');
    expect(careCallbackNextByPerson({ reached: true, answer: 'NOT_SATISFIED', note: 'x' })).toBe('REOPEN');
    expect(careCallbackNextByPerson({ reached: false, note: 'three calls, no answer' })).toBe('ENDED');
  });
});
