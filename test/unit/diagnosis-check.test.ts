// The handler's finding beside the pre-diagnosis (R3.5, issue 25): rank and confirmation, and the
// summary `npm run eval:diagnosis -- --outcomes <uri>` prints over real complaints.
import type { Hypothesis, HypothesisCause } from '../../domain/evidence';
import { checkDiagnosis, formatChecks, summariseChecks } from '../../domain/policy/diagnosis-check';

const h = (cause: HypothesisCause): Hypothesis => ({
  id: cause,
  cause,
  title: { 'zh-CN': cause, en: cause },
  score: 0.5,
  evidence: [],
  suggestedAction: '',
  ruleId: 'test',
});
const ranked = [h('FAULT_ALARM'), h('RECENT_CHANGE'), h('CAPACITY'), h('WEAK_COVERAGE')];

describe('R3.5 handlers confirm or correct the pre-diagnosis', () => {
  it('R3.5 the rank of the cause found among the hypotheses; top-1 confirmed only at rank 1', () => {
    expect(checkDiagnosis(ranked, 'FAULT_ALARM')).toEqual({
      top: 'FAULT_ALARM',
      found: 'FAULT_ALARM',
      rank: 1,
      confirmed: true,
    });
    expect(checkDiagnosis(ranked, 'WEAK_COVERAGE')).toMatchObject({ rank: 4, confirmed: false });
    expect(checkDiagnosis(ranked, 'NO_RADIO_CAUSE')).toMatchObject({ rank: null, confirmed: false });
    expect(checkDiagnosis(undefined, 'CAPACITY')).toEqual({
      top: 'NONE',
      found: 'CAPACITY',
      rank: null,
      confirmed: false,
    });
  });

  it('R3.5 the summary counts top-1, top-3 and causes not listed, per cause found', () => {
    const checks = [
      checkDiagnosis(ranked, 'FAULT_ALARM'),
      checkDiagnosis(ranked, 'CAPACITY'),
      checkDiagnosis(ranked, 'WEAK_COVERAGE'),
      checkDiagnosis(ranked, 'NO_RADIO_CAUSE'),
    ];
    const s = summariseChecks(checks);
    expect(s).toMatchObject({ named: 4, confirmed: 1, inTop3: 2, notListed: 1 });
    expect(s.byFound.CAPACITY).toEqual({ named: 1, confirmed: 0 });
    expect(formatChecks(s).split('\n').at(-1)).toBe('handlers: top-1 confirmed 25.0 % top-3 50.0 % of 4');
  });
});
