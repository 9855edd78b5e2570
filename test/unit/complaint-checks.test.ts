// The pure checks behind the complaint workflow's update validators (domain/policy/complaint-checks.ts):
// each names the reason an action is refused, or allows it.
import * as checks from '../../domain/policy/complaint-checks';
import { pauseClock, startClock, stopClock } from '../../domain/policy/clocks';
import type { LifecycleFacts } from '../../domain/policy/lifecycle';

const f = (over: Partial<LifecycleFacts> = {}): LifecycleFacts => ({
  stage: 'IN_PROGRESS',
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

const H = 3_600_000;
const T0 = Date.parse('2026-03-02T02:00:00Z');
const clocks = () => ({
  handling: startClock('handling', T0, 24 * H, []),
  firstReply: startClock('firstReply', T0, 48 * H, []),
});
const open = { incidentId: 'INC-1', stage: 'OPEN' as const };

describe('R8.4 a complaint held by a mass incident gets its final reply from the incident', () => {
  it('R8.4 a final reply or contact is refused while the incident is open; a first reply is not', () => {
    expect(checks.checkRecordReply(f({ stage: 'RESOLVED' }), open, 'FINAL')).toMatch(/mass incident INC-1/);
    expect(checks.checkRecordReply(f(), open, 'FIRST')).toBeUndefined();
    expect(checks.checkContactCustomer(f({ stage: 'RESOLVED' }), open, [], 'FINAL_REPLY')).toMatch(/INC-1/);
    expect(
      checks.checkRequestSignature(f({ stage: 'RESOLVED' }), { ...open, stage: 'RESOLVED' }, []),
    ).toBeUndefined();
  });
});

describe('R3.3 an on-site appointment waiting for the customer', () => {
  const waiting = [{ status: 'WAITING_CUSTOMER' }] as Parameters<typeof checks.onSiteWaiting>[0];
  it('R3.3 no reply contact while the customer is choosing a slot by SMS', () => {
    expect(checks.checkContactCustomer(f(), undefined, waiting, 'FIRST_REPLY')).toMatch(
      /waiting for the customer's answer/,
    );
    expect(checks.checkContactCustomer(f(), undefined, undefined, 'FIRST_REPLY')).toBeUndefined();
  });
  it('R3.3 no second offer while one waits or while the customer is contacted; slots are checked once the policy is known', () => {
    expect(checks.checkProposeOnSiteTest(f(), waiting, [], T0, undefined)).toMatch(/already waiting/);
    expect(checks.checkProposeOnSiteTest(f({ contactInFlight: true }), [], [], T0, undefined)).toMatch(
      /being contacted/,
    );
    expect(checks.checkProposeOnSiteTest(f(), [], [], T0, undefined)).toBeUndefined();
    expect(checks.checkProposeOnSiteTest(f(), [], [], T0, { from: '08:00', to: '21:00' })).toMatch(
      /offer 1 to 4 slots/,
    );
  });
  it('R3.3 results need a booked test', () => {
    expect(checks.checkRecordOnSiteResult(f(), [], T0)).toMatch(/no booked on-site test/);
    expect(checks.checkRecordOnSiteResult(f({ stage: 'CLOSED' }), [], T0)).toMatch(/closed complaint/);
  });
});

describe('R5.3 R5.5 major and dispute-prone complaints', () => {
  it('R5.5 a complaint is marked dispute-prone once, and not when closed', () => {
    expect(checks.checkMarkDisputeProne(f())).toBeUndefined();
    expect(checks.checkMarkDisputeProne(f({ disputeProne: true }))).toMatch(/already marked/);
    expect(checks.checkMarkDisputeProne(f({ stage: 'CLOSED' }))).toMatch(/closed complaint/);
  });
  it('R5.5 one signature link waits at a time', () => {
    expect(
      checks.checkRequestSignature(f({ stage: 'RESOLVED' }), undefined, [{ status: 'WAITING' }]),
    ).toMatch(/already waiting/);
  });
  it('R5.3 marked major once; the report only on a major complaint, by the interface person', () => {
    expect(checks.checkMarkMajor(f({ major: true }))).toMatch(/already marked major/);
    expect(checks.checkMajorReport(f(), ['interface'])).toMatch(/only a complaint marked major/);
    expect(checks.checkMajorReport(f({ major: true }), ['handler'])).toMatch(/interface person/);
    expect(checks.checkMajorReport(f({ major: true }), ['admin'])).toBeUndefined();
  });
});

describe('R5.2 an escalation is acknowledged by the role of its level', () => {
  const escalations = [
    { level: 1, role: 'supervisor', acknowledgedAt: '2026-03-02T03:00:00Z' },
    { level: 2, role: 'interface' },
  ];
  it('R5.2 the open escalation of the level, by its role or an administrator', () => {
    expect(checks.checkAcknowledgeEscalation(escalations, 1, ['supervisor'])).toMatch(
      /no unacknowledged escalation at level 1/,
    );
    expect(checks.checkAcknowledgeEscalation(escalations, 2, ['supervisor'])).toMatch(
      /acknowledged by the role interface/,
    );
    expect(checks.checkAcknowledgeEscalation(escalations, 2, ['interface'])).toBeUndefined();
    expect(checks.openEscalationAt(escalations, 2)).toBe(escalations[1]);
  });
});

describe('R4.1 R4.2 clock actions', () => {
  it('R4.1 a clock is paused once, resumed only when paused, and never once it stopped', () => {
    const c = clocks();
    expect(checks.checkPauseClock(f(), c, 'acceptance')).toMatch(
      /no clock named acceptance \(clocks: handling, firstReply\)/,
    );
    expect(checks.checkResumeClock(c, 'handling')).toMatch(/is not paused/);
    pauseClock(c.handling, T0 + H, 'waiting for the customer', 'h1');
    expect(checks.checkPauseClock(f(), c, 'handling')).toMatch(/already paused/);
    expect(checks.checkResumeClock(c, 'handling')).toBeUndefined();
    stopClock(c.firstReply, T0 + H);
    expect(checks.checkPauseClock(f(), c, 'firstReply')).toMatch(/has stopped/);
  });
  it('R4.2 the 48 h first reply cannot be extended; an extension is a duration on a running clock', () => {
    const c = clocks();
    expect(checks.checkExtendClock(f(), c, 'firstReply', '4h')).toMatch(/cannot be extended/);
    expect(checks.checkExtendClock(f(), c, 'handling', 'soon')).toMatch(/not a duration/);
    expect(checks.checkExtendClock(f(), c, 'handling', '4h')).toBeUndefined();
    expect(checks.checkExtendClock(f({ stage: 'CLOSED' }), c, 'handling', '4h')).toMatch(/closed complaint/);
  });
});

describe('T2 a note on the work record (issue 19: TMF621 note and attachment references)', () => {
  const link = (name: string, url: string) => ({ name, url });
  it('T2 a note is 1 to 2000 characters of text at any stage before CLOSED', () => {
    expect(checks.checkNote(f(), { text: '客户要求周末上门复测' })).toBeUndefined();
    expect(checks.checkNote(f({ stage: 'RECEIVED' }), { text: '已电话联系客户' })).toBeUndefined();
    expect(checks.checkNote(f(), { text: '   ' })).toMatch(/needs its text/);
    expect(checks.checkNote(f(), { text: 42 })).toMatch(/needs its text/);
    expect(checks.checkNote(f(), { text: 'x'.repeat(checks.NOTE_MAX_CHARS) })).toBeUndefined();
    expect(checks.checkNote(f(), { text: 'x'.repeat(checks.NOTE_MAX_CHARS + 1) })).toMatch(
      /at most 2000 characters/,
    );
    // A closed complaint's record is final (retention, the workflow ends after the care callback).
    expect(checks.checkNote(f({ stage: 'CLOSED' }), { text: '补充说明' })).toMatch(
      /cannot add a note to a closed complaint/,
    );
  });
  it('T2 at most 5 attachment references, each a name and an http(s) link, never a file', () => {
    const five = Array.from({ length: 5 }, (_, i) =>
      link(`照片${i + 1}.jpg`, `https://files.example/p/${i}.jpg`),
    );
    expect(checks.checkNote(f(), { text: '现场照片', attachments: five })).toBeUndefined();
    expect(
      checks.checkNote(f(), {
        text: '现场照片',
        attachments: [...five, link('6.jpg', 'https://x.example/6')],
      }),
    ).toMatch(/at most 5 attachment references/);
    for (const url of [
      'ftp://files.example/a.jpg',
      'javascript:alert(1)',
      'data:image/png;base64,AAAA',
      '/v1/x',
      'https://',
      'http://user@host/a',
    ])
      expect({ url, problem: checks.checkNote(f(), { text: 'x', attachments: [link('a', url)] }) }).toEqual({
        url,
        problem: expect.stringMatching(/attachment 1 \(a\): the url must be an http\(s\) link/),
      });
    expect(checks.checkNote(f(), { text: 'x', attachments: [link(' ', 'https://files.example/a')] })).toMatch(
      /attachment 1: it needs a name/,
    );
    expect(checks.HTTP_LINK.test('HTTP://Files.Example:8080/a b?x=1')).toBe(false);
    expect(checks.HTTP_LINK.test('http://files.example:8080/drive-test/0412.csv?v=2#top')).toBe(true);
  });
});
