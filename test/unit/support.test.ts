import { readFileSync } from 'node:fs';
import path from 'node:path';
import { searchAttributeFlags } from '../../workflows/search-attributes';
import { periodKeys } from '../../activities/period-keys';
import { renderEmail, renderSms } from '../../activities/templates';
import { maskDigits } from '../../platform/logger';
import { loadConfig } from '../../platform/config';

describe('period keys are computed at write time in the operator time zone', () => {
  it('gives day, ISO week and month in Asia/Shanghai', () => {
    expect(periodKeys(new Date('2026-11-27T10:00:00Z'))).toEqual({
      dayKey: '2026-11-27',
      weekKey: '2026-W48',
      monthKey: '2026-11',
    });
    // 23:30 UTC on Sunday is already Monday in Shanghai
    expect(periodKeys(new Date('2026-11-29T23:30:00Z')).dayKey).toBe('2026-11-30');
    expect(periodKeys(new Date('2021-01-01T04:00:00Z')).weekKey).toBe('2020-W53');
    expect(periodKeys(new Date('2024-12-30T04:00:00Z')).weekKey).toBe('2025-W01');
  });
});

describe('customer texts', () => {
  it('the intake acknowledgement is zh-CN by default and names the ticket and the reply window', () => {
    const text = renderSms('intakeAcknowledgement', 'zh-CN', { ticketId: 'EMOS-1', firstReplyWithin: '2d' });
    expect(text).toContain('工单号 EMOS-1');
    expect(text).toContain('2d 内');
    expect(renderSms('intakeAcknowledgement', 'en', { ticketId: 'EMOS-1', firstReplyWithin: '2d' })).toMatch(
      /^\[Network complaint\]/,
    );
  });
  it('staff e-mails escape HTML and carry the links', () => {
    const mail = renderEmail(
      'escalation',
      { ticketId: 'EMOS-1', level: '2', reason: '<script>x</script>', by: 'wang' },
      { API: 'http://x/1' },
    );
    expect(mail.subject).toContain('Escalation L2');
    expect(mail.html).not.toContain('<script>');
    expect(mail.text).toContain('API: http://x/1');
  });
});

describe('S3 logs hold no phone numbers, IMSI or IMEI in clear', () => {
  it('S3 masks E.164 numbers and long digit runs, keeps ticket ids readable', () => {
    expect(maskDigits('call +8613800138000 now')).toBe('call *********8000 now');
    expect(maskDigits('imsi 460001234567890')).toBe('imsi ***********7890');
    expect(maskDigits('ticket EMOS-2026-000001')).toBe('ticket EMOS-2026-000001');
  });
});

describe('configuration is validated once at start', () => {
  const env = {
    SUPERVISOR_EMAILS: 'sup@example.com',
    TWILIO_ACCOUNT_SID: 'AC' + '0'.repeat(32),
    TWILIO_AUTH_TOKEN: 'secret-token',
    TWILIO_FROM_NUMBER: '+8610086000',
    PAYLOAD_KEYS: JSON.stringify({ k1: Buffer.alloc(32, 7).toString('base64') }),
    PAYLOAD_KEY_ID: 'k1',
  };
  it('accepts a complete environment and applies defaults', () => {
    const c = loadConfig(env);
    expect(c.TEMPORAL_TASK_QUEUE).toBe('complaints');
    expect(c.SMTP_PORT).toBe(1025);
    expect(c.policySet.policies.length).toBeGreaterThan(0);
  });
  it('names each bad variable', () => {
    expect(() =>
      loadConfig({ ...env, SMTP_PORT: 'abc', TWILIO_FROM_NUMBER: '10086', API_KEYS: '{bad' }),
    ).toThrow(/SMTP_PORT[\s\S]*TWILIO_FROM_NUMBER[\s\S]*API_KEYS: must be JSON/);
    expect(() => loadConfig({ ...env, POLICY_FILE: '/nonexistent.json' })).toThrow(
      /POLICY_FILE: cannot read/,
    );
  });
});

describe('R10.1 the production setup registers the same search attributes as the code', () => {
  it('R10.1 infra/deploy/scripts/temporal-setup.sh lists every search attribute with its type', () => {
    const script = readFileSync(
      path.resolve(__dirname, '../../infra/deploy/scripts/temporal-setup.sh'),
      'utf8',
    );
    for (const flag of searchAttributeFlags()) expect(script).toContain(flag);
  });
});
