import * as rules from '../../domain/policy/lifecycle';
import type { LifecycleFacts } from '../../domain/policy/lifecycle';

const f = (over: Partial<LifecycleFacts>): LifecycleFacts => ({
  stage: 'RECEIVED',
  findings: 0,
  hasResolution: false,
  countingFinalReplies: 0,
  major: false,
  hasMajorReport: false,
  disputeProne: false,
  consentEvidence: 0,
  contactInFlight: false,
  ...over,
});

describe('R2.1 triage decides: myself, the team, or a transfer to a support department', () => {
  it('R2.1 triage is allowed once, on a received complaint', () => {
    expect(rules.checkTriage(f({}), 'SELF')).toBeUndefined();
    expect(rules.checkTriage(f({ stage: 'IN_PROGRESS' }), 'SELF')).toMatch(
      /cannot triage a complaint in stage IN_PROGRESS/,
    );
  });
  it('R2.1 a transfer must name the department and moves the complaint to TRANSFERRED', () => {
    expect(rules.checkTriage(f({}), 'TRANSFER')).toMatch(/names the department/);
    expect(rules.stageAfterTriage('TRANSFER')).toBe('TRANSFERRED');
    expect(rules.stageAfterTriage('TEAM')).toBe('IN_PROGRESS');
  });
  it('R2.2 only the department it was transferred to answers the verification', () => {
    const asked = {
      stage: 'TRANSFERRED' as const,
      awaitingDepartments: ['network'],
      askedDepartments: ['network'],
    };
    expect(rules.checkVerification(f(asked), 'billing')).toMatch(
      /billing was not asked to verify this complaint \(asked: network\)/,
    );
    expect(rules.checkVerification(f(asked), 'network')).toBeUndefined();
  });
});

describe('R2.3 协助查证: transfers at any stage before resolution, to several departments in parallel', () => {
  it('R2.3 a transfer names its departments once each, the single department of the older form included', () => {
    expect(rules.departmentsOf({ department: 'network', departments: ['data', 'network'] })).toEqual([
      'network',
      'data',
    ]);
    expect(rules.departmentsOf({ departments: ['core'] })).toEqual(['core']);
    expect(rules.departmentsOf({})).toEqual([]);
    expect(rules.checkTriage(f({}), 'TRANSFER', undefined, ['network', 'data'])).toBeUndefined();
    expect(rules.checkTriage(f({}), 'TRANSFER', undefined, [])).toMatch(/names the department/);
  });
  it('R2.3 a later transfer is allowed in every stage of work and refused from resolution on', () => {
    for (const stage of ['TRANSFERRED', 'IN_PROGRESS', 'REOPENED'] as const)
      expect(rules.checkTransfer(f({ stage }), ['network', 'data'])).toBeUndefined();
    for (const stage of ['RESOLVED', 'REPLYING', 'CLOSED'] as const)
      expect(rules.checkTransfer(f({ stage }), ['network'])).toMatch(
        new RegExp(`cannot transfer a complaint in stage ${stage}`),
      );
    expect(rules.checkTransfer(f({ stage: 'RECEIVED' }), ['network'])).toMatch(/triage the complaint first/);
    expect(rules.checkTransfer(f({ stage: 'IN_PROGRESS' }), [])).toMatch(/at least one department/);
  });
  it('R2.3 a department already waited for is not asked twice; one that answered may be asked again', () => {
    const waiting = f({
      stage: 'IN_PROGRESS',
      awaitingDepartments: ['network'],
      askedDepartments: ['network'],
    });
    expect(rules.checkTransfer(waiting, ['data', 'network'])).toBe(
      'already waiting for the answer of network',
    );
    const answered = f({ stage: 'IN_PROGRESS', awaitingDepartments: [], askedDepartments: ['network'] });
    expect(rules.checkTransfer(answered, ['network'])).toBeUndefined();
    expect(rules.verificationClockName('network', 1)).toBe('verification:network');
    expect(rules.verificationClockName('network', 2)).toBe('verification:network:2');
    expect(rules.departmentOfClock('verification:network:2')).toBe('network');
    expect(rules.departmentOfClock('verification:data')).toBe('data');
    expect(rules.departmentOfClock('coordination')).toBeUndefined();
  });
  it('R2.3 each department answers only its own open request; an unasked one is refused with the reason', () => {
    const facts = f({
      stage: 'IN_PROGRESS',
      awaitingDepartments: ['data'],
      askedDepartments: ['network', 'data'],
    });
    expect(rules.checkVerification(facts, 'data')).toBeUndefined();
    expect(rules.checkVerification(facts, 'network')).toMatch(/network has already answered/);
    expect(rules.checkVerification(facts, 'billing')).toBe(
      'billing was not asked to verify this complaint (asked: network, data)',
    );
    expect(rules.checkVerification(f({ stage: 'IN_PROGRESS' }), 'core')).toMatch(/no department was asked/);
    expect(rules.checkVerification({ ...facts, stage: 'CLOSED' }, 'data')).toMatch(/closed complaint/);
  });
  it('R2.3 the stage: a triage transfer waits until no department is waited for; a later one keeps the stage', () => {
    expect(rules.stageAfterVerification('TRANSFERRED', 1)).toBe('TRANSFERRED');
    expect(rules.stageAfterVerification('TRANSFERRED', 0)).toBe('IN_PROGRESS');
    expect(rules.stageAfterVerification('IN_PROGRESS', 0)).toBe('IN_PROGRESS');
    expect(rules.stageAfterVerification('REOPENED', 0)).toBe('REOPENED');
  });
  it('R2.3 two or more departments waited for at once need the coordination task, which closes only while open', () => {
    expect(rules.needsCoordination(['network'])).toBe(false);
    expect(rules.needsCoordination(['network', 'data'])).toBe(true);
    expect(rules.coordinationClockName(1)).toBe('coordination');
    expect(rules.coordinationClockName(2)).toBe('coordination:2');
    expect(rules.checkCloseCoordination(f({ stage: 'IN_PROGRESS' }))).toMatch(/no open coordination task/);
    expect(rules.checkCloseCoordination(f({ stage: 'IN_PROGRESS', coordinationOpen: true }))).toBeUndefined();
    expect(rules.checkCloseCoordination(f({ stage: 'CLOSED', coordinationOpen: true }))).toMatch(/closed/);
  });
});

describe('R4.6 and R4.5 resolving and closing', () => {
  it('R4.6 resolving needs recorded findings', () => {
    expect(rules.checkResolve(f({ stage: 'IN_PROGRESS' }))).toMatch(/checked and found/);
    expect(rules.checkResolve(f({ stage: 'IN_PROGRESS', findings: 1 }))).toBeUndefined();
  });
  it('R4.5 close without a recorded reply is refused', () => {
    expect(rules.checkClose(f({ stage: 'REPLYING' }))).toMatch(/no recorded reply/);
    expect(rules.checkClose(f({ stage: 'RESOLVED', countingFinalReplies: 1 }))).toMatch(/cannot close/);
    expect(rules.checkClose(f({ stage: 'REPLYING', countingFinalReplies: 1 }))).toBeUndefined();
  });
  it('R4.3 an SMS reply counts only when the customer confirmed it; a phone reply always counts', () => {
    expect(rules.replyCounts('SMS', false)).toBe(false);
    expect(rules.replyCounts('SMS', true)).toBe(true);
    expect(rules.replyCounts('PHONE', false)).toBe(true);
  });
  it('R4.2 R8.4 a first-reply notice that asks nothing counts once sent, without a confirmation', () => {
    expect(rules.replyCounts('SMS', false, true)).toBe(true);
  });
  it('R5.3 a major complaint cannot close without the written report', () => {
    const ready = { stage: 'REPLYING' as const, countingFinalReplies: 1, major: true };
    expect(rules.checkClose(f(ready))).toMatch(/written report/);
    expect(rules.checkClose(f({ ...ready, hasMajorReport: true }))).toBeUndefined();
  });
  it('R5.5 a dispute-prone complaint cannot close until the final opinion is kept as evidence', () => {
    const ready = { stage: 'REPLYING' as const, countingFinalReplies: 1, disputeProne: true };
    expect(rules.checkClose(f(ready))).toMatch(/evidence/);
    expect(rules.checkClose(f({ ...ready, consentEvidence: 1 }))).toBeUndefined();
  });
  it('R4.3 a second contact is refused while one is running', () => {
    expect(rules.checkContact(f({ stage: 'RESOLVED', contactInFlight: true }), 'FINAL_REPLY')).toMatch(
      /already/,
    );
    expect(rules.checkContact(f({ stage: 'RESOLVED' }), 'FINAL_REPLY')).toBeUndefined();
    expect(rules.checkContact(f({ stage: 'IN_PROGRESS' }), 'FINAL_REPLY')).toMatch(/final reply/);
  });
  it('R4.7 two rounds, an escalation or a major complaint make it hot', () => {
    expect(rules.isHot(1, 0, false)).toBe(false);
    expect(rules.isHot(2, 0, false)).toBe(true);
    expect(rules.isHot(1, 1, false)).toBe(true);
    expect(rules.isHot(1, 0, true)).toBe(true);
  });
  it('R5.4 an unsatisfied customer reopens the complaint for follow-up', () => {
    expect(rules.stageAfterFinalReply(true, false)).toBe('REOPENED');
    expect(rules.stageAfterFinalReply(true, true)).toBe('REPLYING');
    expect(rules.checkFindings(f({ stage: 'REOPENED' }))).toBeUndefined();
    expect(rules.checkResolve(f({ stage: 'REOPENED', findings: 2 }))).toBeUndefined();
  });
  it('a final reply before resolution is refused, a first reply is always possible until closed', () => {
    expect(rules.checkReply(f({ stage: 'IN_PROGRESS' }), 'FINAL')).toMatch(/cannot record a final reply/);
    expect(rules.checkReply(f({ stage: 'IN_PROGRESS' }), 'FIRST')).toBeUndefined();
    expect(rules.checkReply(f({ stage: 'CLOSED' }), 'FIRST')).toMatch(/closed/);
  });
});
