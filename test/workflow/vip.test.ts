// VIP complaints (R7.2) on the time-skipping test server: recognised by the number at intake, the
// VIP policy's tighter clocks, the CHR evidence, and the leader's assistants informed at each step.
import { closeUpdate, triageUpdate } from '../../workflows/complaint/contract';
import { complaintInput } from '../support/fixtures';
import {
  clockOf,
  handler,
  H,
  resolveAndReply,
  startHarness,
  type Harness,
} from '../support/workflow-harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('vip-tests');
}, 120_000);

afterAll(async () => {
  await h?.cleanup();
  await h?.close();
}, 60_000);

it('R7.2 a VIP recognised by the number gets the VIP policy, the CHR, and assistants informed at each step', async () => {
  const input = complaintInput();
  h.vips.set(input.numbers.callback, {
    profileId: 'vip-00000000-0000-0000-0000-000000000001',
    level: 2,
    assistants: [
      { name: '王秘书', phone: '+8613900000011', email: 'assistant.wang@gov.example' },
      { name: '李秘书', email: 'assistant.li@gov.example' },
    ],
  });
  const handle = await h.start(input);
  const filed = await h.until(handle, (v) => v.vip?.informed.includes('FILED') === true);
  expect(filed.input.customer.vipLevel).toBe(2);
  expect(filed.policy?.id).toBe('vip');
  // Tighter than the standard 72 h handling limit.
  expect(clockOf(filed, 'handling').targetMs).toBeLessThan(72 * H);
  expect(filed.timeline.map((t) => t.action)).toContain('VIP_RECOGNISED');
  const ev = await h.until(handle, (v) => v.evidence !== undefined);
  expect(ev.evidence?.bundle.chr).toBeDefined();

  const mailsAt = (step: string) =>
    h
      .mailsFor(input.ticketId)
      .filter((m) => m.template === 'vipAssistantUpdate' && m.vars.step?.includes(step));
  expect(mailsAt('FILED')).toHaveLength(1);
  expect(mailsAt('FILED')[0]!.to).toEqual(['assistant.wang@gov.example', 'assistant.li@gov.example']);
  expect(h.sms.filter((s) => s.template === 'vipAssistantUpdate' && s.to === '+8613900000011')).toHaveLength(
    1,
  );

  await h.act(handle, triageUpdate, handler, { decision: 'SELF' });
  await h.until(handle, (v) => v.vip?.informed.includes('IN_HANDLING') === true);
  await resolveAndReply(h, handle, true);
  await h.act(handle, closeUpdate, handler, {});
  const done = await h.until(handle, (v) => v.vip?.informed.includes('RESULT') === true);
  expect(done.vip?.informed).toEqual(['FILED', 'IN_HANDLING', 'RESOLVED', 'RESULT']);
  const result = mailsAt('RESULT');
  expect(result).toHaveLength(1);
  expect(result[0]!.vars.detail).toMatch(/清除干扰源后指标恢复.*时限内/);
  // One message per step and assistant: nothing sent twice.
  expect(h.sms.filter((s) => s.template === 'vipAssistantUpdate')).toHaveLength(4);
});

it('R7.2 a number without a VIP profile stays an ordinary complaint and informs nobody', async () => {
  const handle = await h.start(complaintInput());
  const v = await h.until(handle, (x) => x.version >= 2);
  expect(v.vip).toBeUndefined();
  expect(v.policy?.id).toBe('standard');
  expect(h.mailsFor(v.ticketId).some((m) => m.template === 'vipAssistantUpdate')).toBe(false);
});
