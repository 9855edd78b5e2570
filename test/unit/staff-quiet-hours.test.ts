// Quiet hours for staff e-mails (issue 3): non-urgent ones wait for the end of the quiet hours,
// urgent ones go at once.
import { staffMailDeferredUntil } from '../../domain/policy/quiet-hours';

const quiet = { from: '22:00', to: '07:30', timeZone: 'Asia/Shanghai' };
const at = (iso: string) => Date.parse(iso);

describe('R5.6 staff quiet hours', () => {
  it('R5.6 a non-urgent e-mail at 23:00 Beijing waits until 07:30; one at 10:00 goes at once', () => {
    expect(staffMailDeferredUntil(at('2026-11-27T15:00:00Z'), quiet, false)).toBe(at('2026-11-27T23:30:00Z'));
    expect(staffMailDeferredUntil(at('2026-11-27T20:00:00Z'), quiet, false)).toBe(at('2026-11-27T23:30:00Z'));
    expect(staffMailDeferredUntil(at('2026-11-28T02:00:00Z'), quiet, false)).toBeUndefined();
  });

  it('R5.6 urgent e-mails and sets without quiet hours go at once', () => {
    expect(staffMailDeferredUntil(at('2026-11-27T15:00:00Z'), quiet, true)).toBeUndefined();
    expect(staffMailDeferredUntil(at('2026-11-27T15:00:00Z'), undefined, false)).toBeUndefined();
    expect(
      staffMailDeferredUntil(at('2026-11-27T15:00:00Z'), { ...quiet, to: '22:00' }, false),
    ).toBeUndefined();
  });
});
