// Pure policy of the customer contact: quiet hours (R4.4), the answer parser (R4.3), policy defaults,
// and the texts the customer hears and reads.
import { callScript, renderContactSms } from '../../activities/contact-templates';
import { contactKeys, contactWorkflowId } from '../../workflows/contact/contract';
import { checkContactPolicy, DEFAULT_CONTACT_POLICY } from '../../domain/policy/contact-policy';
import { answerFromDigits, parseCustomerAnswer } from '../../domain/policy/customer-answer';
import {
  checkContactWindow,
  isInsideHours,
  nextAllowedInstant,
  nextInsideHours,
  parseHhMm,
  zoneOffsetMinutes,
} from '../../domain/policy/quiet-hours';

const at = (text: string) => Date.parse(text);
const SH = 'Asia/Shanghai';
const DAYTIME = { from: '08:00', to: '21:00' };

describe('R4.4 quiet hours: calls only inside the allowed hours of the customer', () => {
  it('R4.4 Asia/Shanghai is UTC+8 all year; other zones follow their DST', () => {
    expect(zoneOffsetMinutes(at('2026-01-15T12:00:00Z'), SH)).toBe(480);
    expect(zoneOffsetMinutes(at('2026-07-15T12:00:00Z'), SH)).toBe(480);
    expect(zoneOffsetMinutes(at('2026-01-15T12:00:00Z'), 'Europe/Berlin')).toBe(60);
    expect(zoneOffsetMinutes(at('2026-07-15T12:00:00Z'), 'Europe/Berlin')).toBe(120);
    expect(zoneOffsetMinutes(at('2026-07-15T12:00:00Z'), 'Etc/GMT+5')).toBe(-300);
  });

  it('R4.4 inside the window the call goes now', () => {
    const now = at('2026-11-28T10:15:00+08:00');
    expect(nextAllowedInstant(now, SH, DAYTIME)).toBe(now);
    expect(nextAllowedInstant(at('2026-11-28T08:00:00+08:00'), SH, DAYTIME)).toBe(
      at('2026-11-28T08:00:00+08:00'),
    );
  });

  it('R4.4 late in the evening the call waits until 08:00 the next morning (crossing midnight)', () => {
    expect(nextAllowedInstant(at('2026-11-28T22:30:00+08:00'), SH, DAYTIME)).toBe(
      at('2026-11-29T08:00:00+08:00'),
    );
    // 21:00 itself is outside: the window's end is exclusive.
    expect(nextAllowedInstant(at('2026-11-28T21:00:00+08:00'), SH, DAYTIME)).toBe(
      at('2026-11-29T08:00:00+08:00'),
    );
    // Just after midnight, still the same morning's 08:00; the UTC date is the day before.
    expect(nextAllowedInstant(at('2026-11-29T00:10:00+08:00'), SH, DAYTIME)).toBe(
      at('2026-11-29T08:00:00+08:00'),
    );
    // At the end of a month and a year.
    expect(nextAllowedInstant(at('2026-12-31T23:59:00+08:00'), SH, DAYTIME)).toBe(
      at('2027-01-01T08:00:00+08:00'),
    );
  });

  it('R4.4 a window that itself crosses midnight (22:00–02:00) is open on both sides of midnight', () => {
    const night = { from: '22:00', to: '02:00' };
    expect(isInsideHours(at('2026-11-28T23:30:00+08:00'), SH, night)).toBe(true);
    expect(isInsideHours(at('2026-11-29T01:59:00+08:00'), SH, night)).toBe(true);
    expect(isInsideHours(at('2026-11-29T02:00:00+08:00'), SH, night)).toBe(false);
    expect(nextInsideHours(at('2026-11-29T01:00:00+08:00'), SH, night)).toBe(at('2026-11-29T01:00:00+08:00'));
    expect(nextInsideHours(at('2026-11-29T03:00:00+08:00'), SH, night)).toBe(at('2026-11-29T22:00:00+08:00'));
    expect(nextInsideHours(at('2026-11-29T21:59:30+08:00'), SH, night)).toBe(at('2026-11-29T22:00:00+08:00'));
  });

  it('R4.4 from = to means the whole day', () => {
    const now = at('2026-11-28T03:00:00+08:00');
    expect(nextAllowedInstant(now, SH, { from: '00:00', to: '00:00' })).toBe(now);
  });

  it('R4.4 the window is the customer’s local time, not the server’s', () => {
    // 07:00 in New York is 20:00 in Shanghai: inside Shanghai's window, outside New York's.
    const now = at('2026-11-28T07:00:00-05:00');
    expect(nextAllowedInstant(now, SH, DAYTIME)).toBe(now);
    expect(nextAllowedInstant(now, 'America/New_York', DAYTIME)).toBe(at('2026-11-28T08:00:00-05:00'));
    // Across a DST change (Berlin, 29 March 2026: 02:00 → 03:00).
    expect(nextAllowedInstant(at('2026-03-28T22:00:00+01:00'), 'Europe/Berlin', DAYTIME)).toBe(
      at('2026-03-29T08:00:00+02:00'),
    );
  });

  it('R4.4 an agreed appointment wins while it lasts; once it has passed the allowed hours apply', () => {
    const appointment = { from: '2026-11-29T14:00:00+08:00', to: '2026-11-29T15:00:00+08:00' };
    expect(nextAllowedInstant(at('2026-11-29T09:00:00+08:00'), SH, DAYTIME, appointment)).toBe(
      at('2026-11-29T14:00:00+08:00'),
    );
    const during = at('2026-11-29T14:20:00+08:00');
    expect(nextAllowedInstant(during, SH, DAYTIME, appointment)).toBe(during);
    const after = at('2026-11-29T15:30:00+08:00');
    expect(nextAllowedInstant(after, SH, DAYTIME, appointment)).toBe(after);
    // An evening appointment outside the usual hours: the customer agreed to it.
    const evening = { from: '2026-11-29T21:30:00+08:00', to: '2026-11-29T22:00:00+08:00' };
    expect(nextAllowedInstant(at('2026-11-29T20:00:00+08:00'), SH, DAYTIME, evening)).toBe(
      at('2026-11-29T21:30:00+08:00'),
    );
  });

  it('R4.4 bad windows, zones and appointments are named', () => {
    expect(() => parseHhMm('8:00')).toThrow(/HH:MM/);
    expect(() => parseHhMm('24:00')).toThrow(/HH:MM/);
    expect(checkContactWindow('Mars/Olympus', { from: '08:00', to: '25:00' })).toEqual([
      'timeZone: unknown time zone "Mars/Olympus"',
      'allowedHours.to: "25:00" is not HH:MM',
    ]);
    expect(
      checkContactWindow(SH, DAYTIME, { from: '2026-11-29T15:00:00+08:00', to: '2026-11-29T14:00:00+08:00' }),
    ).toEqual(['appointment: "to" must be after "from"']);
    expect(checkContactWindow(SH, DAYTIME)).toEqual([]);
  });
});

describe('R4.3 the customer’s answer to the confirmation', () => {
  it.each([
    ['1', 'SATISFIED'],
    ['１', 'SATISFIED'],
    [' 1 ', 'SATISFIED'],
    ['是', 'SATISFIED'],
    ['是的', 'SATISFIED'],
    ['满意', 'SATISFIED'],
    ['满意！', 'SATISFIED'],
    ['非常满意，谢谢', 'SATISFIED'],
    ['问题已经解决了，谢谢', 'SATISFIED'],
    ['信号恢复正常了', 'SATISFIED'],
    ['1 满意', 'SATISFIED'],
    ['Yes', 'SATISFIED'],
    ['OK', 'SATISFIED'],
    ['2', 'NOT_SATISFIED'],
    ['２', 'NOT_SATISFIED'],
    ['否', 'NOT_SATISFIED'],
    ['不', 'NOT_SATISFIED'],
    ['不满意', 'NOT_SATISFIED'],
    ['很不满意！！', 'NOT_SATISFIED'],
    ['还是没有解决', 'NOT_SATISFIED'],
    ['信号依然很差', 'NOT_SATISFIED'],
    ['2 还是没信号', 'NOT_SATISFIED'],
    ['no', 'NOT_SATISFIED'],
    ['Not satisfied', 'NOT_SATISFIED'],
  ] as const)('R4.3 "%s" means %s', (text, expected) => {
    expect(parseCustomerAnswer(text)).toBe(expected);
  });

  it.each(['', '   ', '3', '12', '嗯', '你们是谁', '？', '满意但是还有问题', '13800138000', '1 不满意'])(
    'R4.3 "%s" is unclear (one clarifying SMS follows)',
    (text) => {
      expect(parseCustomerAnswer(text)).toBe('UNCLEAR');
    },
  );

  it('R4.3 the keys of the reply call: 1 satisfied, 2 not, anything else unclear', () => {
    expect(answerFromDigits('1')).toBe('SATISFIED');
    expect(answerFromDigits('2')).toBe('NOT_SATISFIED');
    expect(answerFromDigits('9')).toBe('UNCLEAR');
    expect(answerFromDigits(undefined)).toBe('UNCLEAR');
  });
});

describe('R4.3 R4.4 contact policy as data', () => {
  it('R4.4 defaults: 3 calls 30 min apart, 08:00–21:00, 24 h for the SMS answer, one clarifying SMS', () => {
    expect(DEFAULT_CONTACT_POLICY).toEqual({
      callAttempts: 3,
      callSpacing: '30m',
      smsConfirmWait: '24h',
      clarifyOnce: true,
      allowedHours: { from: '08:00', to: '21:00' },
      callTimeout: '15m',
      recordingWait: '5m',
    });
    expect(checkContactPolicy(DEFAULT_CONTACT_POLICY)).toEqual([]);
  });

  it('R4.3 a bad policy is refused with the field named', () => {
    expect(
      checkContactPolicy({
        ...DEFAULT_CONTACT_POLICY,
        callAttempts: -1,
        callSpacing: 'soon',
        allowedHours: { from: '8', to: '21:00' },
      }),
    ).toEqual([
      'callAttempts: must be an integer from 0 to 10',
      'callSpacing: "soon" is not a positive duration such as 30m, 24h',
      'allowedHours.from: must be HH:MM',
    ]);
  });

  it('R4.3 ids and idempotency keys are made from ticket, purpose, round and attempt', () => {
    expect(contactWorkflowId('EMOS-1', 'FINAL_REPLY', 2)).toBe('contact-EMOS-1-FINAL_REPLY-2');
    expect(contactKeys.call('EMOS-1', 'FINAL_REPLY', 2, 3)).toBe('EMOS-1:call:FINAL_REPLY:2:3');
    expect(contactKeys.sms('EMOS-1', 'CARE_CALLBACK', 1, 'clarify')).toBe(
      'EMOS-1:sms:CARE_CALLBACK:1:clarify',
    );
  });
});

describe('R4.3 R6.1 what the customer hears and reads (zh-CN first, English available)', () => {
  it('R4.3 the reply call says the summary, announces the recording and asks for 1 or 2', () => {
    const zh = callScript('FINAL_REPLY', 'zh-CN', '已更换天馈线，信号恢复正常。', true);
    expect(zh.recordingNotice).toContain('录音');
    expect(zh.message).toContain('已更换天馈线，信号恢复正常。');
    expect(zh.message).not.toContain('。。');
    expect(zh.prompt).toMatch(/请按1.*请按2/);
    expect(callScript('FINAL_REPLY', 'zh-CN', 'x', false).recordingNotice).toBeUndefined();
    expect(callScript('FINAL_REPLY', 'en', 'Antenna replaced', false).prompt).toMatch(/press 1.*press 2/);
  });

  it('R6.1 the care callback asks whether the problem stayed fixed', () => {
    expect(callScript('CARE_CALLBACK', 'zh-CN', '基站已恢复', false).prompt).toContain('彻底解决');
    expect(
      renderContactSms('contactConfirm', 'zh-CN', 'CARE_CALLBACK', { ticketId: 'T-1', message: 'x' }),
    ).toMatch(/^【关怀回访】/);
  });

  it('R4.3 the confirmation SMS names the ticket and the answers understood; the clarifying SMS too', () => {
    const confirm = renderContactSms('contactConfirm', 'zh-CN', 'FINAL_REPLY', {
      ticketId: 'EMOS-1',
      message: '已更换天馈线',
    });
    expect(confirm).toContain('工单号 EMOS-1');
    expect(confirm).toContain('已更换天馈线。');
    expect(confirm).toMatch(/回复1.*满意.*回复2.*不满意/);
    const clarify = renderContactSms('contactClarify', 'zh-CN', 'FINAL_REPLY', { ticketId: 'EMOS-1' });
    expect(clarify).toContain('没能确认');
    expect(
      renderContactSms('contactConfirm', 'en', 'FINAL_REPLY', { ticketId: 'E', message: 'done' }),
    ).toMatch(/Reply 1/);
    const long = renderContactSms('contactConfirm', 'zh-CN', 'FINAL_REPLY', {
      ticketId: 'E',
      message: '很'.repeat(2000),
    });
    expect(long.length).toBeLessThan(1600);
  });

  it('R8.4 the notice SMS names the ticket, carries the message and asks nothing', () => {
    const zh = renderContactSms('contactNotice', 'zh-CN', 'FIRST_REPLY', {
      ticketId: 'EMOS-1',
      message: '您所在区域出现网络故障，我们正在全力抢修，修复后将第一时间告知您。',
    });
    expect(zh).toContain('工单号 EMOS-1');
    expect(zh).toContain('正在全力抢修，修复后将第一时间告知您。');
    expect(zh).not.toContain('。。');
    const en = renderContactSms('contactNotice', 'en', 'FIRST_REPLY', {
      ticketId: 'EMOS-1',
      message: 'Engineers are repairing a fault in your area. We will tell you as soon as it is fixed.',
    });
    expect(en).toContain('EMOS-1');
    for (const text of [zh, en]) expect(text).not.toMatch(/回复|请按|满意|reply|press|satisfied|[?？]/i);
    const long = renderContactSms('contactNotice', 'zh-CN', 'FIRST_REPLY', {
      ticketId: 'E',
      message: '很'.repeat(2000),
    });
    expect(long.length).toBeLessThan(1600);
  });
});
