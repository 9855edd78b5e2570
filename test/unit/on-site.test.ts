// Pure rules of the on-site test appointment (R3.3).
import { answerDeadline, checkOnSiteResult, checkSlots, readSlotAnswer } from '../../domain/policy/on-site';
import type { OnSiteTest } from '../../workflows/complaint/contract';

const H = 3_600_000;
const now = Date.parse('2026-11-27T02:00:00Z'); // 10:00 in Beijing
const hours = { from: '08:00', to: '21:00' };
const slot = (fromUtcHour: number, len = 2) => ({
  from: new Date(now + fromUtcHour * H).toISOString(),
  to: new Date(now + (fromUtcHour + len) * H).toISOString(),
});

describe('R3.3 the slots offered', () => {
  it('R3.3 slots inside the allowed hours with notice are fine; night, past, long, overlapping ones are refused', () => {
    expect(checkSlots([slot(2), slot(5)], now, 'Asia/Shanghai', hours)).toBeUndefined();
    expect(checkSlots([], now, 'Asia/Shanghai', hours)).toMatch(/1 to 4/);
    expect(checkSlots([slot(0.5)], now, 'Asia/Shanghai', hours)).toMatch(/notice/);
    expect(checkSlots([slot(2, 5)], now, 'Asia/Shanghai', hours)).toMatch(/at most 4 hours/);
    // 12 h later is 22:00 in Beijing.
    expect(checkSlots([slot(12)], now, 'Asia/Shanghai', hours)).toMatch(/slots\[0\].*allowed hours/);
    expect(checkSlots([slot(2), slot(3)], now, 'Asia/Shanghai', hours)).toBe('slots overlap');
    expect(checkSlots([slot(24 * 15)], now, 'Asia/Shanghai', hours)).toMatch(/14 days/);
  });

  it('R3.3 the answer is waited for until 2 h before the first slot, at most a day, at least 10 minutes', () => {
    expect(answerDeadline([slot(5)], now)).toBe(now + 3 * H);
    expect(answerDeadline([slot(48)], now)).toBe(now + 24 * H);
    expect(answerDeadline([slot(1.5)], now)).toBe(now + 10 * 60_000);
  });
});

describe('R3.3 the customer answer and the results', () => {
  it('R3.3 the customer answers with a slot number, or declines', () => {
    expect(readSlotAnswer('2', 3)).toEqual({ kind: 'CHOSEN', index: 1 });
    expect(readSlotAnswer(' 1。', 3)).toEqual({ kind: 'CHOSEN', index: 0 });
    expect(readSlotAnswer('选第3个', 3)).toEqual({ kind: 'CHOSEN', index: 2 });
    expect(readSlotAnswer('4', 3)).toEqual({ kind: 'UNCLEAR' });
    expect(readSlotAnswer('0', 3)).toEqual({ kind: 'DECLINED' });
    expect(readSlotAnswer('不需要', 3)).toEqual({ kind: 'DECLINED' });
    expect(readSlotAnswer('什么时候都行', 3)).toEqual({ kind: 'UNCLEAR' });
  });

  it('R3.3 results are recorded only for a booked test and not before the chosen slot', () => {
    const booked = { status: 'BOOKED', chosen: slot(2) } as unknown as OnSiteTest;
    expect(checkOnSiteResult(undefined, now)).toMatch(/no booked/);
    expect(checkOnSiteResult(booked, now)).toMatch(/no visit outside the chosen slot/);
    expect(checkOnSiteResult(booked, now + 2 * H)).toBeUndefined();
  });
});
