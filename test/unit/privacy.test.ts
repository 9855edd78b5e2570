// Issue 22 without servers: the retention policy (per kind, per complaint type, legal holds), the
// anonymisation of a complaint's view (no personal value left, report fields unchanged), and the
// audit chain's personal digests (erasing a detail keeps the chain verifiable).
import {
  entryHash,
  entryProblems,
  GENESIS_HASH,
  sealPersonal,
  type AuditEntry,
} from '../../activities/audit';
import { anonymiseView, ERASED, personalValuesOf } from '../../activities/privacy/scrub';
import { reportFields } from '../../activities/reports/fields';
import { RetentionPolicySchema } from '../../api/privacy-schemas';
import {
  DEFAULT_RETENTION_POLICY,
  dueKinds,
  keepNumberHashUntil,
  legalHold,
  retentionFor,
  shortestRetentionMs,
  temporalRetentionMs,
  validateRetentionPolicy,
  type RetentionPolicy,
} from '../../domain/policy/retention';
import type { ComplaintView } from '../../workflows/complaint/contract';
import { reportView } from '../support/report-data';

const D = 86_400_000;
const plain = { category: 'NO_SIGNAL', channel: 'EMOS', disputeProne: false, major: false };

describe('S8.1 retention as policy data', () => {
  it('S8.1 each kind has its retention; a dispute-prone complaint keeps longer (the longest override wins)', () => {
    const p = DEFAULT_RETENTION_POLICY;
    expect(retentionFor(p, plain)).toEqual({
      complaintPersonal: 365 * D,
      recordings: 180 * D,
      signatures: 180 * D,
      outboxBodies: 90 * D,
      auditDetails: 365 * D,
    });
    expect(retentionFor(p, { ...plain, disputeProne: true }).recordings).toBe(1095 * D);
    const two: RetentionPolicy = {
      ...p,
      overrides: [...p.overrides, { reason: 'major', match: { major: true }, keep: { recordings: '2000d' } }],
    };
    const both = retentionFor(two, { ...plain, disputeProne: true, major: true });
    expect(both.recordings).toBe(2000 * D);
    expect(both.signatures).toBe(1095 * D);
  });

  it('S8.1 a kind is due once its retention after closing has passed, and not again once done', () => {
    const closedAtMs = Date.UTC(2026, 0, 1);
    const c = { ...plain, closedAtMs, done: [] as string[] };
    expect(dueKinds(DEFAULT_RETENTION_POLICY, c, closedAtMs + 89 * D)).toEqual([]);
    expect(dueKinds(DEFAULT_RETENTION_POLICY, c, closedAtMs + 90 * D)).toEqual(['outboxBodies']);
    expect(dueKinds(DEFAULT_RETENTION_POLICY, c, closedAtMs + 400 * D)).toEqual([
      'complaintPersonal',
      'recordings',
      'signatures',
      'outboxBodies',
      'auditDetails',
    ]);
    expect(
      dueKinds(
        DEFAULT_RETENTION_POLICY,
        { ...c, done: ['outboxBodies', 'recordings'] },
        closedAtMs + 400 * D,
      ),
    ).toEqual(['complaintPersonal', 'signatures', 'auditDetails']);
    expect(dueKinds(DEFAULT_RETENTION_POLICY, { ...c, disputeProne: true }, closedAtMs + 400 * D)).toEqual([
      'outboxBodies',
    ]);
    expect(shortestRetentionMs(DEFAULT_RETENTION_POLICY)).toBe(90 * D);
  });

  it('S8.1 the number hash stays for the repeat window; Temporal keeps closed histories at least 1 h', () => {
    expect(keepNumberHashUntil(1000, 30 * D)).toBe(1000 + 30 * D);
    expect(temporalRetentionMs(DEFAULT_RETENTION_POLICY)).toBe(30 * D);
    const short = {
      ...DEFAULT_RETENTION_POLICY,
      other: { ...DEFAULT_RETENTION_POLICY.other, temporalHistories: '10m' },
    };
    expect(temporalRetentionMs(short)).toBe(3_600_000);
    expect(validateRetentionPolicy(short)).toEqual([
      'other.temporalHistories: Temporal keeps closed histories at least 1h',
    ]);
    expect(validateRetentionPolicy(DEFAULT_RETENTION_POLICY)).toEqual([]);
    const bad = RetentionPolicySchema.safeParse({
      complaint: { ...DEFAULT_RETENTION_POLICY.complaint, recordings: 'forever' },
      other: DEFAULT_RETENTION_POLICY.other,
    });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toMatch(/complaint.*recordings|recordings/);
    expect(RetentionPolicySchema.parse(DEFAULT_RETENTION_POLICY)).toMatchObject({ version: 1 });
  });
});

describe('S8.2 legal holds', () => {
  it('S8.2 an open complaint, a dispute-prone one, and one whose workflow still runs are held', () => {
    expect(legalHold({ stage: 'IN_PROGRESS', disputeProne: false })).toMatch(/open/);
    expect(legalHold({ stage: 'CLOSED', disputeProne: true })).toMatch(/dispute-prone/);
    expect(legalHold({ stage: 'CLOSED', disputeProne: false, workflowRunning: true })).toMatch(/still runs/);
    expect(legalHold({ stage: 'CLOSED', disputeProne: false, workflowRunning: false })).toBeUndefined();
  });
});

/** A closed complaint with personal values in every place the workflow puts them. */
function plantedView(): { view: ComplaintView; values: string[] } {
  const base = reportView({
    id: 'EMOS-S8-1',
    at: '2026-11-02T02:00:00.000Z',
    firstReplyH: 3,
    resolvedH: 20,
    rootCause: '天馈驻波比异常',
    actions: '更换天馈线',
    satisfied: true,
    closed: true,
    escalations: [1],
    transfer: { department: 'network', verifiedH: 5 },
    repeat: true,
    clocks: [['firstReply', 'met']],
  });
  const number = '+8613912340001';
  const values = {
    number,
    calling: '+8613912340002',
    imei: '861234567890001',
    imsi: '460001234500001',
    name: '王小明测试',
    address: '北京市海淀区测试路88号3单元',
    description: '测试描述：家里客厅完全没有信号',
    extra: '客户补充：邻居也一样',
  };
  const view = structuredClone(base) as ComplaintView & Record<string, unknown>;
  Object.assign(view.input, {
    description: values.description,
    extra: values.extra,
    location: {
      region: 'haidian',
      address: values.address,
      coordinates: { lat: 39.98, lng: 116.31 },
      cellId: '460-00-1-1',
    },
    terminal: { model: 'Mate 60', imei: values.imei },
    numbers: { callback: number, calling: values.calling },
    customer: { vipLevel: 0, language: 'zh-CN', name: values.name },
  });
  view.triage = {
    decision: 'TRANSFER',
    department: 'network',
    note: `已联系 ${number.slice(3)}`,
    by: 'h',
    at: view.triage!.at,
  };
  view.findings = [
    { checked: '话统', found: `${values.address} 附近退服`, by: 'h', at: view.input.receivedAt },
  ];
  view.timeline = [
    { at: view.input.receivedAt, actor: 'h', action: 'TRIAGED', detail: `call back ${number}` },
    { at: view.input.receivedAt, actor: 'customer', action: 'ON_SITE_UNCLEAR_ANSWER', detail: values.name },
  ];
  view.evidence = {
    bundle: {
      query: {
        ticketId: view.ticketId,
        cells: ['460-00-1-1'],
        siteIds: ['1'],
        window: { from: 'a', to: 'b' },
        msisdn: number,
        imsi: values.imsi,
        vip: false,
      },
      complaint: {
        category: 'NO_SIGNAL',
        description: values.description,
        occurrence: { frequency: 'DAILY' },
        terminal: { imei: values.imei },
        receivedAt: view.input.receivedAt,
      },
      chr: {
        source: 'chr',
        ok: true,
        items: [
          {
            callId: 'c1',
            imsi: values.imsi,
            msisdn: number,
            startedAt: 'x',
            result: 'drop',
            cellId: '460-00-1-1',
          },
        ],
        total: 1,
        ms: 1,
      },
      gaps: [`no geocoder for "${values.address}"`],
    },
  } as unknown as ComplaintView['evidence'];
  view.consentEvidence = [
    {
      kind: 'recording',
      id: 'r1',
      sid: 'RE1',
      url: 'https://api.twilio.com/Recordings/RE1',
      durationSec: 9,
      sha256: 'ab',
      capturedAt: 'x',
    },
  ];
  view.contacts = [
    {
      workflowId: 'contact-EMOS-S8-1-FINAL_REPLY-1',
      purpose: 'FINAL_REPLY',
      round: 1,
      channel: 'PHONE_FIRST',
      by: 'h',
      startedAt: 'x',
      answer: 'SATISFIED',
      attempts: [{ channel: 'PHONE', at: 'x', result: 'ANSWERED', sid: 'CA1' }],
    },
  ];
  view.vip = { profileId: 'vip-1', level: 0, assistants: 1, informed: [] };
  return { view, values: Object.values(values) };
}

describe('S8.1 S8.3 anonymising a complaint', () => {
  it('S8.3 no personal value is left anywhere in the view (copies in notes, timeline and evidence included)', () => {
    const { view, values } = plantedView();
    const before = JSON.stringify(view);
    for (const v of values) expect(before).toContain(v);
    expect(personalValuesOf(view)).toEqual(expect.arrayContaining(values.filter((v) => v.length >= 6)));
    const after = JSON.stringify(anonymiseView(view));
    for (const v of [...values, '13912340001', '8613912340001'])
      expect({ value: v, found: after.includes(v) }).toEqual({ value: v, found: false });
    expect(after).not.toMatch(/"(imsi|msisdn|coordinates)"/);
    expect(after).toContain(ERASED);
  });

  it('S8.1 what the reports and the record need stays: ids, stages, region, cell, clocks, cause; report fields are equal', () => {
    const { view } = plantedView();
    const anon = anonymiseView(view);
    expect(anon).toMatchObject({
      ticketId: view.ticketId,
      stage: 'CLOSED',
      closedAt: view.closedAt,
      input: { location: { region: 'haidian', cellId: '460-00-1-1' }, category: 'NO_SIGNAL' },
      resolution: { rootCause: '天馈驻波比异常', actions: '更换天馈线', summary: ERASED },
    });
    expect(anon.timeline.map((t) => t.action)).toEqual(view.timeline.map((t) => t.action));
    const now = Date.parse('2026-12-01T00:00:00Z');
    expect(reportFields(anon, '2026-11-02', now)).toEqual(reportFields(view, '2026-11-02', now));
    // Anonymising twice changes nothing more.
    expect(anonymiseView(anon)).toEqual(anon);
  });
});

describe('S8.3 the audit chain survives the erasure of personal detail', () => {
  /** A chain of v2 entries as the audit store writes them. */
  function chain(details: (string | undefined)[]): AuditEntry[] {
    const out: AuditEntry[] = [];
    let prevHash = GENESIS_HASH;
    details.forEach((detail, i) => {
      const base = {
        ticketId: 'EMOS-S8',
        seq: i + 1,
        at: `2026-12-0${i + 1}T00:00:00.000Z`,
        actor: 'handler.li',
        roles: ['handler'],
        source: 'api' as const,
        action: 'NOTE',
        detail,
        ip: '10.0.0.7',
        dedupeKey: `k${i}`,
        prevHash,
        v: 2 as const,
        ...sealPersonal(detail, '10.0.0.7'),
      };
      const e = { ...base, hash: entryHash(base) };
      out.push(e);
      prevHash = e.hash;
    });
    return out;
  }
  const erase = (e: AuditEntry): AuditEntry => {
    const { detail: _d, ip: _i, salt: _s, ...rest } = e;
    return { ...rest, erased: { at: 'now', by: 'privacy.officer', reason: 'request PR-1' } };
  };

  it('S8.3 erased entries keep hash and links: nothing to report; the detail is gone', () => {
    const entries = chain(['已联系 +8613912340001', 'found nothing', undefined]);
    expect(entries.flatMap(entryProblems)).toEqual([]);
    const erased = entries.map(erase);
    expect(erased.flatMap(entryProblems)).toEqual([]);
    expect(JSON.stringify(erased)).not.toContain('13912340001');
    expect(JSON.stringify(erased)).not.toContain('10.0.0.7');
    for (let i = 1; i < erased.length; i++) expect(erased[i]!.prevHash).toBe(erased[i - 1]!.hash);
  });

  it('S8.3 tampering is still found: a changed detail, a detail removed without a record, a changed field', () => {
    const [e] = chain(['note A']);
    expect(entryProblems({ ...e!, detail: 'note B' })).toEqual([
      'detail or IP does not match its digest (modified)',
    ]);
    const { salt: _s, detail: _d, ...silent } = e!;
    expect(entryProblems(silent)).toEqual(['detail removed without a record of its erasure']);
    expect(entryProblems({ ...erase(e!), actor: 'someone.else' })).toEqual([
      'content does not match its hash (modified)',
    ]);
    expect(entryProblems({ ...erase(e!), detail: 'put back' })).toEqual([
      'erased, but a detail or IP is there again (modified)',
    ]);
  });

  it('S8.3 the old hash over the detail itself could not survive erasure (why v2 hashes a digest)', () => {
    const base = {
      ticketId: 'EMOS-S8',
      seq: 1,
      at: '2026-12-01T00:00:00.000Z',
      actor: 'handler.li',
      roles: ['handler'],
      source: 'api' as const,
      action: 'NOTE',
      detail: '已联系 +8613912340001',
      dedupeKey: 'k',
      prevHash: GENESIS_HASH,
    };
    const legacy: AuditEntry = { ...base, hash: entryHash(base) };
    expect(entryProblems(legacy)).toEqual([]);
    const { detail: _d, ...withoutDetail } = legacy;
    expect(entryProblems(withoutDetail)).toEqual(['content does not match its hash (modified)']);
  });
});
