import { periodKeys } from '../../activities/period-keys';
import {
  keysAt,
  lastCompletedPeriod,
  periodBounds,
  periodProblem,
  shiftPeriod,
  weekOfDay,
  zoneOffsetMs,
} from '../../domain/reports/periods';

const SH = 'Asia/Shanghai';
const iso = (ms: number) => new Date(ms).toISOString();

describe('R9 report periods: ISO weeks and months in the report time zone', () => {
  it('R9.1 an ISO week runs Monday 00:00 to Monday 00:00 in Asia/Shanghai', () => {
    const w48 = periodBounds('weekly', '2026-W48', SH);
    expect(iso(w48.from)).toBe('2026-11-22T16:00:00.000Z'); // Mon 23 Nov 00:00 +08
    expect(iso(w48.to)).toBe('2026-11-29T16:00:00.000Z');
    expect(w48.days).toEqual([
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
      '2026-11-26',
      '2026-11-27',
      '2026-11-28',
      '2026-11-29',
    ]);
  });

  it('R9.1 the last second of Sunday and the first of Monday fall in different weeks', () => {
    expect(keysAt(Date.parse('2026-11-22T15:59:59Z'), SH).weekKey).toBe('2026-W47');
    expect(keysAt(Date.parse('2026-11-22T16:00:00Z'), SH).weekKey).toBe('2026-W48');
    expect(keysAt(Date.parse('2026-11-29T15:59:59Z'), SH).weekKey).toBe('2026-W48');
    expect(keysAt(Date.parse('2026-11-29T16:00:00Z'), SH)).toEqual({
      dayKey: '2026-11-30',
      weekKey: '2026-W49',
      monthKey: '2026-11',
    });
  });

  it('R9.1 ISO week years: 2026 has 53 weeks, 2027-W01 starts on 4 January 2027, 2025-12-29 is in 2026-W01', () => {
    expect(periodProblem('weekly', '2026-W53')).toBeUndefined();
    expect(periodProblem('weekly', '2027-W53')).toMatch(/ISO weeks 1 to 52/);
    expect(periodBounds('weekly', '2027-W01', SH).days[0]).toBe('2027-01-04');
    expect(keysAt(Date.parse('2025-12-29T04:00:00Z'), SH).weekKey).toBe('2026-W01');
    expect(shiftPeriod('weekly', '2026-W53', 1)).toBe('2027-W01');
    expect(shiftPeriod('weekly', '2026-W01', -1)).toBe('2025-W52');
    expect(weekOfDay('2027-01-03')).toBe('2026-W53');
  });

  it('R9.2 a month runs from the 1st 00:00 to the next 1st 00:00 in Asia/Shanghai', () => {
    const nov = periodBounds('monthly', '2026-11', SH);
    expect(iso(nov.from)).toBe('2026-10-31T16:00:00.000Z');
    expect(iso(nov.to)).toBe('2026-11-30T16:00:00.000Z');
    expect(nov.days).toHaveLength(30);
    expect(periodBounds('monthly', '2028-02', SH).days).toHaveLength(29);
    expect(keysAt(Date.parse('2026-10-31T15:59:59Z'), SH).monthKey).toBe('2026-10');
    expect(keysAt(Date.parse('2026-10-31T16:00:00Z'), SH).monthKey).toBe('2026-11');
    expect(shiftPeriod('monthly', '2026-01', -1)).toBe('2025-12');
    expect(shiftPeriod('monthly', '2026-11', 2)).toBe('2027-01');
  });

  it('R9.3 a Monday 09:00 run reports the week before, a 1st-of-month 09:00 run the month before', () => {
    const monday = Date.parse('2026-11-30T01:00:00Z'); // Mon 30 Nov 09:00 +08
    expect(lastCompletedPeriod('weekly', monday, SH)).toBe('2026-W48');
    const first = Date.parse('2026-12-01T01:00:00Z'); // Tue 1 Dec 09:00 +08
    expect(lastCompletedPeriod('monthly', first, SH)).toBe('2026-11');
    // In UTC the same instant is still Sunday 29 November / 30 November.
    expect(lastCompletedPeriod('weekly', Date.parse('2026-11-29T20:00:00Z'), 'UTC')).toBe('2026-W47');
  });

  it('R9 the time zone is configurable (any IANA zone, with daylight saving time)', () => {
    expect(zoneOffsetMs(Date.parse('2026-07-01T00:00:00Z'), 'Europe/Berlin')).toBe(2 * 3_600_000);
    expect(zoneOffsetMs(Date.parse('2026-01-01T00:00:00Z'), 'Europe/Berlin')).toBe(3_600_000);
    const w = periodBounds('weekly', '2026-W13', 'Europe/Berlin'); // DST starts Sun 29 March 2026
    expect(iso(w.from)).toBe('2026-03-22T23:00:00.000Z');
    expect(iso(w.to)).toBe('2026-03-29T22:00:00.000Z');
    expect(periodKeys(new Date('2026-03-29T22:30:00Z'), 'Europe/Berlin')).toEqual({
      dayKey: '2026-03-30',
      weekKey: '2026-W14',
      monthKey: '2026-03',
    });
  });

  it('R9 the keys written by the projection agree with the report periods for every hour of 2024–2027', () => {
    for (
      let t = Date.parse('2024-01-01T00:00:00Z');
      t < Date.parse('2028-01-01T00:00:00Z');
      t += 3_600_000 * 7
    ) {
      const at = new Date(t);
      expect(periodKeys(at, SH)).toEqual(keysAt(t, SH));
    }
  });

  it('R9 periods are validated: format, year, week and month numbers', () => {
    expect(periodProblem('weekly', '2026-48')).toMatch(/2026-W48/);
    expect(periodProblem('monthly', '2026-W48')).toMatch(/2026-11/);
    expect(periodProblem('monthly', '2026-13')).toMatch(/01 to 12/);
    expect(periodProblem('weekly', '2026-W00')).toMatch(/ISO weeks/);
    expect(periodProblem('monthly', '1999-12')).toMatch(/year/);
  });
});
