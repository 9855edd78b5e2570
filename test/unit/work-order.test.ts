// R4.6 the structured work-order reply must say something: the pure check (domain/policy/
// work-order) and the request schemas of findings and resolve that use it (api/schemas).
import pino from 'pino';
import { createEvidenceActivities } from '../../activities/evidence/activities';
import { createMemoryNetworkSources } from '../../activities/evidence/memory';
import { FindingsSchema, ResolveSchema } from '../../api/schemas';
import { generateNetworkData } from '../../infra/network-data/generate';
import { meaningfulLength, MIN_MEANINGFUL, vagueParts, vaguenessOf } from '../../domain/policy/work-order';
import { complaintOf, gatherDirect } from '../support/evidence';

const issuesOf = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  r.success ? [] : r.error!.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));

describe('R4.6 a vague part of the work-order reply is found and named', () => {
  it.each([
    ['', 'empty'],
    ['   \n\t ', 'empty'],
    ['。。。——', 'empty'],
    ['已处理', 'boilerplate'],
    ['正常', 'boilerplate'],
    ['已解决', 'boilerplate'],
    ['无', 'boilerplate'],
    ['OK', 'boilerplate'],
    ['done.', 'boilerplate'],
    ['Fixed it', 'boilerplate'],
    ['见上', 'boilerplate'],
    ['同上！', 'boilerplate'],
    ['问题已经解决了', 'boilerplate'],
    ['已处理，一切正常', 'boilerplate'],
    ['see above', 'boilerplate'],
    ['ok已处理', 'boilerplate'],
    ['aaaaaaaa', 'repeated'],
    ['哈哈哈哈', 'repeated'],
    ['测试一下测试一下', 'repeated'],
    ['asdfasdf', 'repeated'],
    ['111111', 'repeated'],
    ['告警', 'tooShort'],
    ['cell', 'tooShort'],
    ['x', 'tooShort'],
  ] as const)('R4.6 %j is %s', (text, problem) => {
    expect(vaguenessOf(text)).toBe(problem);
  });

  it.each([
    '天馈故障',
    '弱覆盖',
    '告警、话统',
    '话统指标',
    '天馈跳线老化导致驻波比告警',
    '更换跳线并复测',
    '已处理完毕，信号恢复',
    'VSWR alarm on cell 12345-1',
    'replaced the feeder',
    '无线覆盖不足',
    '小区 12345-1 退服',
  ])('R4.6 %j says something', (text) => {
    expect(vaguenessOf(text)).toBeUndefined();
  });

  it('R4.6 a Chinese character counts as two meaningful characters, punctuation and spaces as none', () => {
    expect(meaningfulLength('天馈 故障！')).toBe(8);
    expect(meaningfulLength('fixed, ok')).toBe(7);
    expect(meaningfulLength('告警')).toBeLessThan(MIN_MEANINGFUL);
  });

  it('R4.6 every missing or vague part is listed in order with what it must say', () => {
    const parts = vagueParts({
      summary: '更换天馈后信号恢复正常，复测无掉话',
      rootCause: '已解决',
      actions: undefined,
    });
    expect(parts.map((p) => `${p.part}:${p.problem}`)).toEqual(['rootCause:boilerplate', 'actions:missing']);
    expect(parts[0]!.message).toMatch(/"已解决" says nothing: name the root cause/);
    expect(parts[1]!.message).toMatch(/^missing: say which actions were taken/);
    expect(vagueParts({ checked: 'x', found: '' }, ['checked', 'found'])).toEqual([
      expect.objectContaining({
        part: 'checked',
        problem: 'tooShort',
        message: expect.stringMatching(/1 of at least 6/),
      }),
      expect.objectContaining({ part: 'found', problem: 'empty' }),
    ]);
    expect(vagueParts({ checked: '话统、告警、割接记录', found: '服务小区驻波比告警' })).toEqual([]);
  });

  it('R4.6 R3.2 the pre-diagnosis draft of "checked" and "found" is never refused as vague', async () => {
    const { data, manifest } = generateNetworkData({ end: new Date('2026-11-27T21:00:00.000Z') });
    const acts = createEvidenceActivities({
      sources: createMemoryNetworkSources(data),
      logger: pino({ level: 'silent' }),
    });
    for (const s of manifest.scenarios) {
      const { outcome } = await gatherDirect(acts, complaintOf(s));
      expect({ id: s.id, vague: vagueParts(outcome.draft) }).toEqual({ id: s.id, vague: [] });
      expect(
        FindingsSchema.safeParse({ checked: outcome.draft.checked, found: outcome.draft.found }).success,
      ).toBe(true);
    }
  });
});

describe('R4.6 findings and resolve refuse a vague reply, naming the field and what is missing', () => {
  it('R4.6 findings: "found: 无" and "checked: 。。。" are refused per field', () => {
    expect(issuesOf(FindingsSchema.safeParse({ checked: '。。。', found: '无' }))).toEqual([
      { field: 'checked', message: expect.stringMatching(/^empty: say what was checked/) },
      { field: 'found', message: expect.stringMatching(/"无" says nothing: say what was found/) },
    ]);
    expect(
      FindingsSchema.safeParse({ checked: '话统指标、告警', found: '小区驻波比告警', onSite: false }).success,
    ).toBe(true);
  });

  it('R4.6 resolve: a boilerplate root cause is refused naming rootCause; a field that already failed is named once', () => {
    expect(
      issuesOf(
        ResolveSchema.safeParse({
          summary: '更换天馈后信号恢复正常',
          rootCause: '已解决',
          actions: '更换天馈线并复测',
        }),
      ),
    ).toEqual([{ field: 'rootCause', message: expect.stringMatching(/says nothing: name the root cause/) }]);
    const short = issuesOf(ResolveSchema.safeParse({ summary: '已修复', rootCause: 'ok', actions: '同上' }));
    expect(short.map((i) => i.field)).toEqual(['summary', 'rootCause', 'actions']);
    expect(short[0]!.message).toMatch(/at least 10 characters/);
    expect(
      ResolveSchema.safeParse({
        summary: '更换天馈后信号恢复正常',
        rootCause: '天馈故障',
        actions: '更换天馈线并复测',
      }).success,
    ).toBe(true);
  });
});
