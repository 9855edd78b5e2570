// The customer's own contact window and agreed appointment (R4.8): weekdays in the customer's zone,
// the appointment for the call, the checks behind the action, the TMF621 text forms.
import {
  appointmentText,
  checkSetContactPreferences,
  contactTerms,
  contactWindowText,
  mergeContactPreferences,
  nextCustomerContactAt,
  parseAppointmentText,
  parseContactWindowText,
} from '../../domain/policy/contact-window';
import { isInsideHours, nextInsideHours } from '../../domain/policy/quiet-hours';

const at = (iso: string) => Date.parse(iso);
const POLICY_HOURS = { from: '08:00', to: '21:00' };
const weekdays = {
  timeZone: 'Asia/Shanghai',
  from: '09:00',
  to: '18:00',
  days: ['MON', 'TUE', 'WED', 'THU', 'FRI'] as ('MON' | 'TUE' | 'WED' | 'THU' | 'FRI')[],
};

describe('R4.8 the customer contact window', () => {
  it('R4.8 a weekday window: Friday evening waits for Monday 09:00 in the customer zone', () => {
    // Friday 2026-12-04 19:00 Beijing (11:00Z) → Monday 2026-12-07 09:00 Beijing (01:00Z).
    expect(nextInsideHours(at('2026-12-04T11:00:00Z'), 'Asia/Shanghai', weekdays)).toBe(
      at('2026-12-07T01:00:00Z'),
    );
    expect(isInsideHours(at('2026-12-07T02:00:00Z'), 'Asia/Shanghai', weekdays)).toBe(true);
    // Saturday 10:00 Beijing is inside the hours but not on a named day.
    expect(isInsideHours(at('2026-12-05T02:00:00Z'), 'Asia/Shanghai', weekdays)).toBe(false);
    // Thursday 08:00 waits one hour, not until Monday.
    expect(nextInsideHours(at('2026-12-03T00:00:00Z'), 'Asia/Shanghai', weekdays)).toBe(
      at('2026-12-03T01:00:00Z'),
    );
  });

  it('R4.8 a window across midnight belongs to the day it opens', () => {
    const friNight = { from: '22:00', to: '02:00', days: ['FRI'] as 'FRI'[] };
    // Saturday 01:00 Beijing: opened Friday 22:00, still inside.
    expect(isInsideHours(at('2026-12-04T17:00:00Z'), 'Asia/Shanghai', friNight)).toBe(true);
    // Saturday 23:00 Beijing: Saturday is not named → the next Friday 22:00.
    expect(nextInsideHours(at('2026-12-05T15:00:00Z'), 'Asia/Shanghai', friNight)).toBe(
      at('2026-12-11T14:00:00Z'),
    );
  });

  it('R4.8 the customer zone is used across a daylight-saving change (America/New_York)', () => {
    const sunday = { from: '09:00', to: '10:00', days: ['SUN'] as 'SUN'[] };
    // Saturday 2026-03-07 15:00 EST → Sunday 2026-03-08 09:00 EDT (clocks went forward at 02:00) = 13:00Z.
    expect(nextInsideHours(at('2026-03-07T20:00:00Z'), 'America/New_York', sunday)).toBe(
      at('2026-03-08T13:00:00Z'),
    );
  });

  it('R4.8 an agreed appointment moves the call to it; SMS keep to the window', () => {
    const prefs = {
      contactWindow: { timeZone: 'Asia/Shanghai', from: '18:00', to: '21:00' },
      appointment: {
        from: '2026-12-08T10:00:00+08:00',
        to: '2026-12-08T10:30:00+08:00',
        timeZone: 'Asia/Shanghai',
      },
    };
    const now = at('2026-12-07T03:00:00Z'); // Monday 11:00 Beijing
    expect(nextCustomerContactAt(now, prefs, POLICY_HOURS, 'call')).toBe(at('2026-12-08T02:00:00Z'));
    expect(nextCustomerContactAt(now, prefs, POLICY_HOURS, 'sms')).toBe(at('2026-12-07T10:00:00Z'));
    // Without preferences: the policy hours in Beijing.
    expect(nextCustomerContactAt(at('2026-12-07T14:00:00Z'), undefined, POLICY_HOURS, 'call')).toBe(
      at('2026-12-08T00:00:00Z'),
    );
    expect(contactTerms(prefs)).toEqual({
      timeZone: 'Asia/Shanghai',
      allowedHours: { from: '18:00', to: '21:00' },
      appointment: { from: prefs.appointment.from, to: prefs.appointment.to },
    });
    expect(contactTerms(undefined)).toEqual({ timeZone: 'Asia/Shanghai' });
  });

  it('R4.8 the action is checked: stage, an unknown zone, an appointment that ends before it starts', () => {
    const now = at('2026-12-05T08:00:00Z');
    expect(checkSetContactPreferences('CLOSED', { contactWindow: weekdays }, now)).toMatch(/closed/);
    expect(checkSetContactPreferences('IN_PROGRESS', {}, now)).toMatch(/give a contactWindow/);
    expect(checkSetContactPreferences('IN_PROGRESS', { contactWindow: weekdays }, now)).toBeUndefined();
    expect(
      checkSetContactPreferences(
        'RESOLVED',
        { contactWindow: { ...weekdays, timeZone: 'Mars/Olympus' } },
        now,
      ),
    ).toMatch(/contactWindow\.timeZone: unknown time zone "Mars\/Olympus"/);
    expect(
      checkSetContactPreferences(
        'RECEIVED',
        {
          appointment: {
            from: '2026-12-08T11:00:00+08:00',
            to: '2026-12-08T10:00:00+08:00',
            timeZone: 'Asia/Shanghai',
          },
        },
        now,
      ),
    ).toMatch(/"from" .* must be before "to"/);
    expect(
      checkSetContactPreferences(
        'RECEIVED',
        {
          appointment: {
            from: '2026-12-01T10:00:00+08:00',
            to: '2026-12-01T11:00:00+08:00',
            timeZone: 'Asia/Shanghai',
          },
        },
        now,
      ),
    ).toMatch(/ended/);
    expect(checkSetContactPreferences('RECEIVED', { contactWindow: { ...weekdays, days: [] } }, now)).toMatch(
      /at least one day/,
    );
  });

  it('R4.8 a left-out field is kept, null clears it', () => {
    const appointment = {
      from: '2026-12-08T10:00:00+08:00',
      to: '2026-12-08T11:00:00+08:00',
      timeZone: 'UTC',
    };
    const both = mergeContactPreferences({ contactWindow: weekdays }, { appointment });
    expect(both).toEqual({ contactWindow: weekdays, appointment });
    expect(mergeContactPreferences(both, { contactWindow: null })).toEqual({ appointment });
  });

  it('R4.8 the TMF621 text forms read back what they write, and say what is wrong', () => {
    expect(parseContactWindowText('MON-FRI 09:00-18:00 Asia/Shanghai')).toEqual(weekdays);
    expect(contactWindowText(weekdays)).toBe('MON-FRI 09:00-18:00 Asia/Shanghai');
    expect(parseContactWindowText('sat,sun 10:00-12:00 Europe/Berlin')).toEqual({
      timeZone: 'Europe/Berlin',
      from: '10:00',
      to: '12:00',
      days: ['SAT', 'SUN'],
    });
    expect(parseContactWindowText('18:00-21:00 Asia/Shanghai')).toEqual({
      timeZone: 'Asia/Shanghai',
      from: '18:00',
      to: '21:00',
    });
    expect(parseContactWindowText('evenings')).toMatch(/HH:MM-HH:MM/);
    expect(parseContactWindowText('FRI-MON 09:00-18:00 UTC')).toMatch(/range of days/);
    const a = {
      from: '2026-12-08T10:00:00+08:00',
      to: '2026-12-08T11:00:00+08:00',
      timeZone: 'Asia/Shanghai',
    };
    expect(parseAppointmentText(appointmentText(a))).toEqual(a);
    expect(parseAppointmentText('tomorrow at ten')).toMatch(/FROM\/TO/);
  });
});
