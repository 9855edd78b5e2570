import { addWorkingMs, workingMs, type BusinessCalendar } from '../../domain/policy/calendar';
import * as clocks from '../../domain/policy/clocks';
import { levelForCustomerNotSatisfied, nextLevel } from '../../domain/policy/escalation';
import { DEFAULT_POLICY_SET } from '../../domain/policy/default-policies';

const H = 3_600_000;
const M = 60_000;
const t0 = Date.UTC(2026, 10, 23, 1, 0); // Monday 09:00 Beijing time
const H24 = { kind: '24x7' } as const;
const business = DEFAULT_POLICY_SET.calendars!['business-cn'] as BusinessCalendar;

describe('R4.1 business-hours calendars with holidays', () => {
  it('R4.1 counts only working time: 08:30–17:30 Beijing time, Monday to Friday', () => {
    // Monday 09:00 → Monday 17:30 = 8.5 h; overnight counts nothing.
    expect(workingMs(business, t0, t0 + 24 * H)).toBe(8.5 * H + 0.5 * H);
    // 16 working hours from Monday 09:00 end on Tuesday 16:00 (8.5 h Monday + 7.5 h Tuesday).
    expect(new Date(addWorkingMs(business, t0, 16 * H)).toISOString()).toBe('2026-11-24T08:00:00.000Z');
  });
  it('R4.1 skips weekends and holidays', () => {
    const friday1600 = Date.UTC(2026, 10, 27, 8, 0);
    // 4 h from Friday 16:00: 1.5 h Friday, then Monday 08:30 + 2.5 h = Monday 11:00.
    expect(new Date(addWorkingMs(business, friday1600, 4 * H)).toISOString()).toBe(
      '2026-11-30T03:00:00.000Z',
    );
    // Wednesday 30 Sept 16:00: 1.5 h, then the national holidays and a weekend until Thursday 8 Oct.
    const sept30 = Date.UTC(2026, 8, 30, 8, 0);
    expect(new Date(addWorkingMs(business, sept30, 2 * H)).toISOString()).toBe('2026-10-08T01:00:00.000Z');
  });
});

describe('R4.1 SLA clocks: pause, resume, extend, new policy', () => {
  it('R4.2 a running clock has its deadline at start + target and breaches after it', () => {
    const c = clocks.startClock('firstReply', t0, 48 * H, [0.75]);
    expect(clocks.dueAt(c, H24)).toBe(t0 + 48 * H);
    expect(clocks.nextClockEvent(c, H24, t0)).toEqual({ kind: 'warn', index: 0, at: t0 + 36 * H });
    c.warningsSent = 1;
    expect(clocks.nextClockEvent(c, H24, t0 + 37 * H)).toEqual({ kind: 'breach', at: t0 + 48 * H });
    expect(clocks.clockState(c, H24, t0 + 49 * H)).toBe('breached');
    expect(clocks.viewClock(c, H24, t0 + 49 * H)).toMatchObject({ remainingMs: -H, elapsedMs: 49 * H });
  });
  it('R4.1 a paused clock does not run out; resuming moves the deadline by the paused time', () => {
    const c = clocks.startClock('handling', t0, 10 * H, [0.5]);
    expect(
      clocks.pauseClock(c, t0 + 2 * H, 'waiting for the customer appointment', 'handler.li'),
    ).toBeUndefined();
    expect(clocks.pauseClock(c, t0 + 2 * H, 'again', 'x')).toMatch(/already paused/);
    expect(clocks.dueAt(c, H24)).toBeUndefined();
    expect(clocks.nextClockEvent(c, H24, t0 + 30 * H)).toBeUndefined();
    expect(clocks.clockState(c, H24, t0 + 30 * H)).toBe('paused');
    clocks.resumeClock(c, t0 + 5 * H);
    expect(clocks.dueAt(c, H24)).toBe(t0 + 13 * H);
    const v = clocks.viewClock(c, H24, t0 + 6 * H);
    expect(v).toMatchObject({ state: 'running', pausedMs: 3 * H, elapsedMs: 3 * H, remainingMs: 7 * H });
    expect(v.pauses[0]).toMatchObject({ reason: 'waiting for the customer appointment', by: 'handler.li' });
  });
  it('R4.1 a supervisor extension moves a running deadline and re-arms the breach', () => {
    const c = clocks.startClock('handling', t0, 10 * H, []);
    c.breachHandled = true;
    expect(
      clocks.extendClock(c, t0 + 11 * H, 4 * H, 'vendor part on order', 'supervisor.wang'),
    ).toBeUndefined();
    expect(clocks.dueAt(c, H24)).toBe(t0 + 14 * H);
    expect(clocks.nextClockEvent(c, H24, t0 + 11 * H)).toEqual({ kind: 'breach', at: t0 + 14 * H });
    expect(clocks.extendClock(c, t0, -1, 'x', 'y')).toMatch(/positive/);
  });
  it('R4.1 a new policy replaces the target but keeps paused and consumed time', () => {
    const c = clocks.startClock('handling', t0, 72 * H, []);
    clocks.pauseClock(c, t0 + 10 * H, 'vendor', 'h');
    clocks.resumeClock(c, t0 + 20 * H);
    clocks.retargetClock(c, 24 * H, [0.5], '24x7');
    // 10 h consumed before the pause; 14 h left from the resume.
    expect(clocks.dueAt(c, H24)).toBe(t0 + 34 * H);
    expect(clocks.viewClock(c, H24, t0 + 21 * H)).toMatchObject({ pausedMs: 10 * H, targetMs: 24 * H });
  });
  it('R4.1 a clock on a business calendar runs only in working hours', () => {
    const c = clocks.startClock('verification:billing', t0, 16 * H, [], 'business-cn');
    expect(new Date(clocks.dueAt(c, business)!).toISOString()).toBe('2026-11-24T08:00:00.000Z');
  });
  it('R4.2 a stopped clock reads met or met late', () => {
    const a = clocks.startClock('firstReply', t0, 48 * H, []);
    clocks.stopClock(a, t0 + 3 * H);
    expect(clocks.clockState(a, H24, t0 + 100 * H)).toBe('met');
    const b = clocks.startClock('firstReply', t0, 48 * H, []);
    clocks.stopClock(b, t0 + 50 * H);
    expect(clocks.clockState(b, H24, t0 + 100 * H)).toBe('metLate');
    expect(clocks.nextClockEvent(b, H24, t0 + 100 * H)).toBeUndefined();
  });
  it('R5.6 every warning and then the breach fire in order', () => {
    const c = clocks.startClock('handling', t0, 100 * M, [0.8, 0.5]);
    const seen: string[] = [];
    for (let now = t0; ;) {
      const e = clocks.nextClockEvent(c, H24, now);
      if (!e) break;
      seen.push(`${e.kind}@${(e.at - t0) / M}m`);
      if (e.kind === 'warn') c.warningsSent = e.index + 1;
      else c.breachHandled = true;
      now = e.at;
    }
    expect(seen).toEqual(['warn@50m', 'warn@80m', 'breach@100m']);
  });
});

describe('R5.6 the escalation ladder', () => {
  const ladder = [
    { level: 1, role: 'supervisor' },
    { level: 2, role: 'interface' },
    { level: 3, role: 'leader' },
  ];
  it('R5.6 automatic escalations climb one level at a time and stop at the top', () => {
    expect(nextLevel(ladder, 0)).toBe(1);
    expect(nextLevel(ladder, 2)).toBe(3);
    expect(nextLevel(ladder, 3)).toBe(3);
  });
  it('R5.1 a customer who does not accept the result goes to the interface person at once', () => {
    expect(levelForCustomerNotSatisfied(ladder, 0)).toBe(2);
    expect(levelForCustomerNotSatisfied(ladder, 3)).toBe(3);
  });
});
