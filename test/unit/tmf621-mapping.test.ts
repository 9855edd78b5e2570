// TMF621 v5 mapping (issue 19): the ticket as TMF shows it, validated against the published
// document's schemas; the create and patch mappings onto the /v1 intake and actions; TMF630 query
// parsing; the TMF Error shape.
import { ZodError } from 'zod';
import { HttpError } from '../../api/errors';
import { intakeCandidate, resolveChannel, toIntake, TroubleTicketCreateSchema } from '../../api/tmf/create';
import { tmfErrorOf } from '../../api/tmf/errors';
import { planPatch, refuseUnchangeable, TroubleTicketPatchSchema } from '../../api/tmf/patch';
import { parseTicketQuery, statusFilter } from '../../api/tmf/query';
import { SPECIFICATIONS } from '../../api/tmf/specification';
import { statusChangeHistory, tmfStatusOf, STAGE_STATUS } from '../../api/tmf/status';
import { maskNumber, selectFields, toTroubleTicket } from '../../api/tmf/ticket';
import type { ComplaintView, Stage } from '../../workflows/complaint/contract';
import { complaintInput } from '../support/fixtures';
import { fuzzDocument, schemaProblems } from '../support/tmf-schema';

const CALLBACK = '+8613912345678';

function view(over: Partial<ComplaintView> = {}): ComplaintView {
  const input = complaintInput({
    externalId: 'EMOS-77',
    numbers: { callback: CALLBACK, calling: '+8613900001111' },
    terminal: { model: 'Mate 60', imei: '861234567890123' },
    receivedAt: '2026-11-20T00:00:00.000Z',
    extra: '客户补充：晚上更严重\n[requestedResolutionDate] 2026-11-22T00:00:00.000Z',
  });
  return {
    ticketId: input.ticketId,
    workflowId: `complaint-${input.ticketId}`,
    stage: 'RECEIVED',
    version: 3,
    input,
    verifications: [],
    findings: [],
    replies: [],
    escalations: [],
    escalationLevel: 0,
    team: 'haidian',
    assignments: [],
    rounds: 1,
    contacts: [],
    consentEvidence: [],
    hot: false,
    policyHistory: [],
    clocks: [
      {
        name: 'handling',
        state: 'running',
        calendar: '24x7',
        startedAt: '2026-11-20T00:00:00.000Z',
        targetMs: 172_800_000,
        extendedMs: 0,
        elapsedMs: 0,
        pausedMs: 0,
        remainingMs: 172_800_000,
        dueAt: '2026-11-22T00:00:00.000Z',
        pauses: [],
        extensions: [],
      },
    ],
    slaBreached: false,
    timeline: [{ at: '2026-11-20T00:00:00.000Z', actor: 'emos-gateway', action: 'RECEIVED' }],
    ...over,
  };
}

/** A complaint worked through the whole procedure: transfer, findings, resolution, reply, close. */
function closedView(): ComplaintView {
  const t = (h: number) => new Date(Date.parse('2026-11-20T00:00:00.000Z') + h * 3_600_000).toISOString();
  const v = view();
  return {
    ...v,
    stage: 'CLOSED',
    closedAt: t(30),
    triage: { decision: 'TRANSFER', department: 'network', by: 'handler.li', at: t(1) },
    verifications: [{ department: 'network', result: '基站告警已确认', by: 'dept.network', at: t(3) }],
    findings: [{ checked: '话统与告警', found: '小区退服', by: 'handler.li', at: t(4) }],
    resolution: {
      summary: '恢复小区后复测正常',
      rootCause: '小区退服',
      actions: '恢复小区并复测',
      by: 'handler.li',
      at: t(20),
    },
    replies: [
      {
        kind: 'FINAL',
        method: 'PHONE',
        summary: '电话告知已恢复',
        customerConfirmed: true,
        satisfied: true,
        counts: true,
        by: 'handler.li',
        at: t(25),
      },
    ],
    consentEvidence: [
      {
        kind: 'recording',
        id: 'rec-1',
        sid: 'RE1',
        url: 'http://twilio/rec/RE1',
        durationSec: 30,
        sha256: 'ab'.repeat(32),
        capturedAt: t(25),
      },
    ],
    repeatOf: [{ ticketId: 'EMOS-70', stage: 'CLOSED', receivedAt: t(-100), by: 'number' }],
    timeline: [
      { at: t(0), actor: 'emos-gateway', action: 'RECEIVED' },
      { at: t(0.1), actor: 'system', action: 'ACK_SMS_SENT' },
      { at: t(1), actor: 'handler.li', action: 'TRIAGED', detail: 'TRANSFER → network' },
      { at: t(3), actor: 'dept.network', action: 'VERIFIED', detail: 'network' },
      { at: t(5), actor: 'handler.li', action: 'CLOCK_PAUSED', detail: 'handling: 等待客户在家' },
      { at: t(8), actor: 'handler.li', action: 'CLOCK_RESUMED', detail: 'handling' },
      { at: t(20), actor: 'handler.li', action: 'RESOLVED', detail: '小区退服' },
      { at: t(25), actor: 'handler.li', action: 'REPLIED', detail: 'FINAL by PHONE' },
      { at: t(30), actor: 'handler.li', action: 'CLOSED' },
    ],
  };
}

/** The closed complaint with a note a person added before the reply, with one attachment reference. */
function notedView(): ComplaintView {
  const v = closedView();
  const timeline = [...v.timeline];
  timeline.splice(-2, 0, {
    at: '2026-11-20T21:00:00.000Z',
    actor: 'handler.li',
    action: 'NOTE',
    detail: '现场复测记录见附件',
    attachments: [{ name: '复测.csv', url: 'https://files.example/dt/1.csv', mimeType: 'text/csv' }],
  });
  return { ...v, timeline };
}

const createBody = () => ({
  '@type': 'TroubleTicket',
  description: '家里室内信号差，打电话经常掉线',
  severity: 'Minor',
  priority: 'High',
  ticketType: 'DROPPED_CALLS',
  externalIdentifier: [{ '@type': 'ExternalIdentifier', id: 'E-1001', owner: 'EMOS' }],
  requestedResolutionDate: '2026-11-22T08:00:00+08:00',
  note: [{ '@type': 'Note', text: '客户说晚上更严重' }],
  relatedParty: [
    {
      '@type': 'RelatedPartyRefOrPartyRoleRef',
      role: 'customer',
      partyOrPartyRole: {
        '@type': 'PartyRef',
        id: 'CUST-1',
        name: '王先生',
        contactMedium: [{ '@type': 'PhoneContactMedium', phoneNumber: CALLBACK }],
      },
    },
  ],
  relatedEntity: [
    { '@type': 'RelatedEntity', role: 'region', entity: { '@type': 'EntityRef', id: 'haidian' } },
    { '@type': 'RelatedEntity', role: 'servingCell', entity: { '@type': 'EntityRef', id: '460-00-12345-1' } },
    { '@type': 'RelatedEntity', role: 'coordinates', entity: { '@type': 'EntityRef', id: '39.98,116.31' } },
  ],
  troubleTicketCharacteristic: [
    { '@type': 'StringCharacteristic', name: 'frequency', value: 'DAILY' },
    { '@type': 'StringCharacteristic', name: 'terminalModel', value: 'Mate 60' },
  ],
});

describe('T2 status from the procedure stages', () => {
  it('T2 every stage maps to a TMF status; a transfer, a paused clock and an open mass incident refine it', () => {
    const expected: Record<Stage, string> = {
      RECEIVED: 'acknowledged',
      TRIAGED: 'inProgress',
      TRANSFERRED: 'pending',
      IN_PROGRESS: 'inProgress',
      RESOLVED: 'resolved',
      REPLYING: 'resolved',
      CLOSED: 'closed',
      REOPENED: 'inProgress',
    };
    expect(STAGE_STATUS).toEqual(expected);
    const paused = view({ stage: 'IN_PROGRESS' });
    paused.clocks[0]!.state = 'paused';
    expect(tmfStatusOf(paused)).toBe('pending');
    const held = view({
      stage: 'IN_PROGRESS',
      incident: { incidentId: 'INC-1', areaKey: 'cell:x', linkedAt: 'x', stage: 'OPEN' },
    });
    expect(tmfStatusOf(held)).toBe('held');
    // a resolved complaint stays resolved whatever its clocks do
    const resolved = view({ stage: 'RESOLVED' });
    resolved.clocks[0]!.state = 'paused';
    expect(tmfStatusOf(resolved)).toBe('resolved');
  });

  it('T2 statusChangeHistory replays the timeline: acknowledged → pending → inProgress → pending → inProgress → resolved → closed', () => {
    const history = statusChangeHistory(closedView());
    expect(history.map((h) => h.status)).toEqual([
      'acknowledged',
      'pending',
      'inProgress',
      'pending',
      'inProgress',
      'resolved',
      'closed',
    ]);
    expect(history[1]!.statusChangeReason).toContain('network');
    expect(history[3]!.statusChangeReason).toContain('等待客户在家');
    expect(history.at(-1)!.statusChangeDate).toBe(closedView().timeline.at(-1)!.at);
  });

  it('T2 the last history entry is always the current status', () => {
    const v = view({ stage: 'TRANSFERRED', timeline: [] });
    expect(statusChangeHistory(v).at(-1)!.status).toBe('pending');
  });
});

describe('T1 the ticket conforms to the published TMF621 v5.0.1 schemas', () => {
  it('T1 a received and a closed complaint are valid TroubleTicket_RES', () => {
    for (const v of [view(), closedView()]) {
      const ticket = toTroubleTicket(v, { mask: false });
      expect(schemaProblems('TroubleTicket_RES', ticket)).toEqual([]);
    }
  });

  it('T1 the mapping: externalIdentifier, dates from the clocks, notes from the work record, attachments by reference', () => {
    const t = toTroubleTicket(closedView(), { mask: false }) as Record<string, unknown> & {
      note: { id: string; text: string }[];
      attachment: { url: string; content?: string }[];
      troubleTicketRelationship: { id: string; relationshipType: string }[];
    };
    expect(t.id).toBe('EMOS-EMOS-77');
    expect(t.href).toBe('/tmf-api/troubleTicket/v5/troubleTicket/EMOS-EMOS-77');
    expect(t.externalIdentifier).toEqual([
      { '@type': 'ExternalIdentifier', id: 'EMOS-77', owner: 'EMOS', externalIdentifierType: 'ticket' },
    ]);
    expect(t.status).toBe('closed');
    expect(t.ticketType).toBe('DROPPED_CALLS');
    expect(t.expectedResolutionDate).toBe('2026-11-22T00:00:00.000Z');
    expect(t.requestedResolutionDate).toBe('2026-11-22T00:00:00.000Z');
    expect(t.resolutionDate).toBe(closedView().resolution!.at);
    expect(t.note.map((n) => n.id)).toEqual([
      'intake',
      'verification-1',
      'findings-1',
      'resolution',
      'reply-1',
    ]);
    expect(t.note[0]!.text).toBe('客户补充：晚上更严重');
    expect(t.attachment).toEqual([
      expect.objectContaining({ url: '/v1/complaints/EMOS-EMOS-77/recordings/rec-1' }),
    ]);
    expect(t.attachment[0]!.content).toBeUndefined();
    expect(t.troubleTicketRelationship).toEqual([
      expect.objectContaining({ id: 'EMOS-70', relationshipType: 'repeatOfSameNumber' }),
    ]);
  });

  it('T1 the notes people added and their attachment references follow the work record, by reference only', () => {
    const t = toTroubleTicket(notedView(), { mask: false }) as Record<string, unknown> & {
      note: Record<string, unknown>[];
      attachment: Record<string, unknown>[];
    };
    expect(schemaProblems('TroubleTicket_RES', t)).toEqual([]);
    expect(t.note.map((n) => n.id)).toEqual([
      'intake',
      'verification-1',
      'findings-1',
      'resolution',
      'reply-1',
      'note-1',
    ]);
    expect(t.note.at(-1)).toEqual({
      '@type': 'Note',
      id: 'note-1',
      author: 'handler.li',
      date: '2026-11-20T21:00:00.000Z',
      text: '现场复测记录见附件',
    });
    expect(t.attachment.map((a) => a.id)).toEqual(['rec-1', 'note-1-1']);
    expect(t.attachment[1]).toEqual({
      '@type': 'AttachmentRef',
      id: 'note-1-1',
      '@referredType': 'Attachment',
      name: '复测.csv',
      description: 'attached to note-1 by handler.li at 2026-11-20T21:00:00.000Z',
      url: 'https://files.example/dt/1.csv',
      mimeType: 'text/csv',
    });
  });

  it('T1 lists mask personal numbers as /v1 lists do; one ticket shows them to its readers', () => {
    const full = JSON.stringify(toTroubleTicket(view(), { mask: false }));
    const masked = JSON.stringify(toTroubleTicket(view(), { mask: true }));
    expect(full).toContain(CALLBACK);
    expect(masked).not.toContain(CALLBACK);
    expect(masked).not.toContain('861234567890123');
    expect(masked).toContain(maskNumber(CALLBACK));
    expect(maskNumber(CALLBACK)).toBe('+86139****78');
  });

  it('T1 fields selection keeps id, href and @type and the named fields only', () => {
    const t = selectFields(toTroubleTicket(view(), { mask: false }), ['status', 'severity']);
    expect(Object.keys(t).sort()).toEqual(['@type', 'href', 'id', 'severity', 'status']);
    expect(schemaProblems('TroubleTicket_RES', t)).toEqual([]);
  });

  it('T1 the specifications (one per complaint category) are valid TroubleTicketSpecification', () => {
    expect(SPECIFICATIONS.map((s) => s.id)).toContain('NO_SIGNAL');
    for (const s of SPECIFICATIONS) expect(schemaProblems('TroubleTicketSpecification', s)).toEqual([]);
  });

  it('T1 the validator itself refuses what the standard refuses (a wrong status, a missing @type)', () => {
    const t = toTroubleTicket(view(), { mask: false });
    expect(schemaProblems('TroubleTicket_RES', { ...t, status: 'open' })).not.toEqual([]);
    const { '@type': _drop, ...untyped } = t;
    expect(schemaProblems('TroubleTicket_RES', untyped)).not.toEqual([]);
  });

  it('T1 errors are the TMF Error: code, reason, message, status', () => {
    const e = tmfErrorOf(
      new HttpError(400, 'validation_failed', 'description: must not be empty', [
        { field: 'description', message: 'must not be empty' },
      ]),
    );
    expect(e).toEqual({
      '@type': 'Error',
      code: 'validation_failed',
      reason: 'description: must not be empty',
      message: 'description: must not be empty',
      status: '400',
    });
    expect(schemaProblems('Error', e)).toEqual([]);
  });
});

describe('T1 create: a TroubleTicket_FVO as the /v1 intake', () => {
  it('T1 maps every field onto the /v1 intake body, which /v1 validates', () => {
    const body = TroubleTicketCreateSchema.parse(createBody());
    expect(schemaProblems('TroubleTicket_FVO', createBody())).toEqual([]);
    const intake = toIntake(body, 'emos-gateway');
    expect(intake).toMatchObject({
      channel: 'EMOS',
      externalId: 'E-1001',
      category: 'DROPPED_CALLS',
      urgency: 'URGENT',
      description: '家里室内信号差，打电话经常掉线',
      location: { region: 'haidian', cellId: '460-00-12345-1', coordinates: { lat: 39.98, lng: 116.31 } },
      occurrence: { frequency: 'DAILY' },
      terminal: { model: 'Mate 60' },
      numbers: { callback: CALLBACK },
      customer: { name: '王先生', vipLevel: 0 },
    });
    expect(intake.extra).toBe('客户说晚上更严重\n[requestedResolutionDate] 2026-11-22T00:00:00.000Z');
  });

  it('T1 the same externalIdentifier and owner make the same ticket id (idempotent as /v1)', () => {
    const a = intakeCandidate(TroubleTicketCreateSchema.parse(createBody()), 'emos-gateway');
    const b = intakeCandidate(
      TroubleTicketCreateSchema.parse({ ...createBody(), description: 'again' }),
      'someone-else',
    );
    expect([a.channel, a.externalId]).toEqual([b.channel, b.externalId]);
  });

  it('T1 the channel: channel.name, else the owner, else the API key user, else 400', () => {
    const body = (over: object) => TroubleTicketCreateSchema.parse({ ...createBody(), ...over });
    expect(resolveChannel(body({ channel: { name: '绿网' } }), 'x')).toBe('GREEN_NET');
    expect(resolveChannel(body({ externalIdentifier: [{ id: '1', owner: 'GREEN_NET' }] }), 'x')).toBe(
      'GREEN_NET',
    );
    expect(resolveChannel(body({ externalIdentifier: [{ id: '1' }] }), 'emos-gateway')).toBe('EMOS');
    expect(() => resolveChannel(body({ externalIdentifier: [{ id: '1' }] }), 'crm')).toThrow(/channel/);
    expect(() => resolveChannel(body({ channel: { name: 'FAX' } }), 'x')).toThrow(/unknown channel 'FAX'/);
  });

  it('T1 unknown fields and server-set fields are refused by name', () => {
    const unknown = TroubleTicketCreateSchema.safeParse({ ...createBody(), colour: 'red' });
    expect(unknown.success).toBe(false);
    expect(JSON.stringify(unknown.error?.issues)).toContain('colour');
    expect(TroubleTicketCreateSchema.safeParse({ ...createBody(), status: 'closed' }).success).toBe(false);
    expect(TroubleTicketCreateSchema.safeParse({ ...createBody(), ticketType: 'billing' }).success).toBe(
      false,
    );
  });

  it('T1 a missing callback number answers 400 naming the TMF field, not the /v1 one', () => {
    const { relatedParty: _drop, ...rest } = createBody();
    const err = (() => {
      try {
        toIntake(TroubleTicketCreateSchema.parse(rest), 'emos-gateway');
      } catch (e) {
        return e as HttpError;
      }
      throw new Error('accepted');
    })();
    expect(err.status).toBe(400);
    expect(err.message).toContain(
      'relatedParty[role=customer].partyOrPartyRole.contactMedium[0].phoneNumber',
    );
  });
});

describe('T2 PATCH as the workflow actions', () => {
  const patch = (body: object) => TroubleTicketPatchSchema.parse(body);
  const chars = (o: Record<string, string>) =>
    Object.entries(o).map(([name, value]) => ({ '@type': 'StringCharacteristic', name, value }));

  it('T2 status resolved with a reason, rootCause and actions is the resolve action', () => {
    const plan = planPatch(
      patch({
        status: 'resolved',
        statusChangeReason: '恢复小区后信号正常，已复测',
        troubleTicketCharacteristic: chars({ rootCause: '小区退服', actions: '恢复小区并复测' }),
      }),
      view({ stage: 'IN_PROGRESS' }),
    );
    expect(plan?.action.operationId).toBe('resolveComplaint');
    expect(plan?.input).toEqual({
      summary: '恢复小区后信号正常，已复测',
      rootCause: '小区退服',
      actions: '恢复小区并复测',
    });
  });

  it('T2 a vague resolution is refused with 400 naming the TMF field (R4.6)', () => {
    expect(() =>
      planPatch(
        patch({
          status: 'resolved',
          statusChangeReason: '已处理',
          troubleTicketCharacteristic: chars({ rootCause: '正常', actions: '已处理' }),
        }),
        view({ stage: 'IN_PROGRESS' }),
      ),
    ).toThrow(/statusChangeReason/);
  });

  it('T2 closed is close, inProgress from acknowledged is triage, pending pauses the handling clock', () => {
    expect(planPatch(patch({ status: 'closed' }), view({ stage: 'REPLYING' }))?.action.operationId).toBe(
      'closeComplaint',
    );
    expect(planPatch(patch({ status: 'inProgress' }), view())?.input).toEqual({ decision: 'SELF' });
    const pause = planPatch(
      patch({ status: 'pending', statusChangeReason: '客户出差' }),
      view({ stage: 'IN_PROGRESS' }),
    );
    expect(pause?.action.operationId).toBe('pauseClock');
    expect(pause?.input).toEqual({ clock: 'handling', reason: '客户出差' });
    const transfer = planPatch(
      patch({ status: 'pending', troubleTicketCharacteristic: chars({ department: 'network' }) }),
      view(),
    );
    expect(transfer?.input).toEqual({ decision: 'TRANSFER', department: 'network' });
  });

  it('T2 rejected, cancelled, held and acknowledged are refused with 409 and the reason', () => {
    for (const status of ['rejected', 'cancelled', 'held', 'acknowledged']) {
      let err: HttpError | undefined;
      try {
        planPatch(patch({ status }), view({ stage: 'IN_PROGRESS' }));
      } catch (e) {
        err = e as HttpError;
      }
      expect(err?.status).toBe(409);
      expect(err?.message.length).toBeGreaterThan(20);
    }
  });

  it('T2 fixed and server fields, and two changes at once are refused with 400', () => {
    expect(() => refuseUnchangeable({ description: 'x' })).toThrow(/description: fixed/);
    expect(() => refuseUnchangeable({ statusChangeHistory: [] })).toThrow(/set by ClosedLoop/);
    expect(() =>
      planPatch(
        patch({ status: 'resolved', troubleTicketCharacteristic: chars({ checked: 'a', found: 'b' }) }),
        view(),
      ),
    ).toThrow(/one change per PATCH/);
    expect(() => TroubleTicketPatchSchema.parse({ colour: 'red' })).toThrow(ZodError);
  });

  const note = (text: string, over: object = {}) => ({ '@type': 'Note', text, ...over });
  const ref = (url: string, over: object = {}) => ({
    '@type': 'AttachmentRef',
    name: '现场照片.jpg',
    url,
    ...over,
  });

  it('T2 a new note with attachment references is the note action; what is already on the ticket is left as it is', () => {
    const v = notedView();
    const onTicket = toTroubleTicket(v, { mask: false }) as { note: object[]; attachment: object[] };
    // A merge patch sends the whole list: the notes and references on the ticket, and the new ones.
    const plan = planPatch(
      patch({
        note: [...onTicket.note, note('客户补充：周末在家，可上门复测', { author: 'Mr. N. Bene' })],
        attachment: [
          ...onTicket.attachment,
          ref('https://files.example/p/1.jpg', { mimeType: 'image/jpeg' }),
          { '@type': 'AttachmentRef', url: 'https://files.example/dt/0412.csv?v=2' },
        ],
      }),
      v,
    );
    expect(plan?.action.operationId).toBe('addNote');
    expect(plan?.action.audit).toBe('NOTE');
    expect(plan?.input).toEqual({
      text: '客户补充：周末在家，可上门复测',
      attachments: [
        { name: '现场照片.jpg', url: 'https://files.example/p/1.jpg', mimeType: 'image/jpeg' },
        { name: '0412.csv', url: 'https://files.example/dt/0412.csv?v=2' },
      ],
    });
    // The same lists again: nothing new, nothing to do.
    expect(planPatch(patch({ note: onTicket.note, attachment: onTicket.attachment }), v)).toBeUndefined();
    // Only a new reference: a note naming it carries it.
    expect(
      planPatch(patch({ attachment: [ref('https://files.example/p/2.png', { name: '复测截图.png' })] }), v)
        ?.input,
    ).toEqual({
      text: 'attached: 复测截图.png',
      attachments: [{ name: '复测截图.png', url: 'https://files.example/p/2.png' }],
    });
    // A status equal to the current one beside the note changes nothing else.
    expect(planPatch(patch({ status: 'closed', note: [note('结单后补充')] }), v)?.action.operationId).toBe(
      'addNote',
    );
  });

  it('T2 a bad link, a long or second new note, content or a note beside another change: 400 naming the TMF field', () => {
    const refusal = (body: object) => {
      try {
        planPatch(patch(body), view({ stage: 'IN_PROGRESS' }));
      } catch (e) {
        return e as HttpError;
      }
      throw new Error('accepted');
    };
    const bad = refusal({ note: [note('现场照片')], attachment: [ref('ftp://files.example/1.jpg')] });
    expect(bad.status).toBe(400);
    expect(bad.message).toMatch(/^attachment\[0\]\.url: an http\(s\) link/);
    expect(bad.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'attachment[0].url' })]),
    );
    expect(refusal({ note: [note('x'.repeat(2001))] }).message).toBe('note[0].text: at most 2000 characters');
    expect(refusal({ note: [note('一'), note('二')] }).message).toMatch(/^note\[1\]: one new note per PATCH/);
    expect(refusal({ attachment: [{ '@type': 'AttachmentRef', name: 'x.jpg' }] }).message).toMatch(
      /^attachment\[0\]\.url: a new attachment reference needs the link/,
    );
    expect(
      refusal({ note: [note('客户出差')], status: 'pending', statusChangeReason: '客户出差，下周回来' })
        .message,
    ).toMatch(/^note: one change per PATCH/);
    expect(() => patch({ attachment: [ref('https://files.example/1.jpg', { content: 'AAAA' })] })).toThrow(
      /references only/,
    );
    expect(() => patch({ note: [{ text: 'a Note without its @type' }] })).toThrow(ZodError);
  });

  it('T2 the status asked for is the current one: nothing to do', () => {
    expect(planPatch(patch({ status: 'inProgress' }), view({ stage: 'IN_PROGRESS' }))).toBeUndefined();
    expect(planPatch(patch({}), view())).toBeUndefined();
  });
});

describe('T1 TMF630 list parameters', () => {
  it('T1 paging, filters and fields become a summary filter', () => {
    const q = parseTicketQuery({
      offset: '10',
      limit: '5',
      fields: 'status,severity',
      status: 'pending,resolved',
      severity: 'Major',
      ticketType: 'NO_SIGNAL,SLOW_DATA',
      'creationDate.gte': '2026-11-01T00:00:00Z',
      'creationDate.lt': '2026-12-01',
      'externalIdentifier.id': 'E-1,E-2',
      'externalIdentifier.owner': 'EMOS',
    });
    expect(q).toMatchObject({
      offset: 10,
      limit: 5,
      fields: ['status', 'severity'],
      statuses: ['pending', 'resolved'],
    });
    expect(q.filter).toEqual({
      category: { $in: ['NO_SIGNAL', 'SLOW_DATA'] },
      externalId: { $in: ['E-1', 'E-2'] },
      receivedAt: { $gte: new Date('2026-11-01T00:00:00Z'), $lt: new Date('2026-12-01') },
      channel: 'EMOS',
      $and: [{ $or: [{ major: { $ne: true }, urgency: 'URGENT' }] }],
    });
  });

  it('T1 wrong or unsupported parameters are refused by name', () => {
    const err = (q: Record<string, unknown>) => {
      try {
        parseTicketQuery(q);
      } catch (e) {
        return (e as HttpError).message;
      }
      return 'accepted';
    };
    expect(err({ limit: '0x10' })).toMatch(/^limit/);
    expect(err({ limit: '500' })).toMatch(/^limit/);
    expect(err({ status: 'open' })).toMatch(/^status/);
    expect(err({ sort: '-creationDate' })).toMatch(/^sort: not supported/);
    expect(err({ colour: 'red' })).toMatch(/^colour/);
    expect(err({ 'creationDate.gt': 'yesterday' })).toMatch(/^creationDate.gt/);
    expect(err({ fields: 'status,secret' })).toMatch(/^fields/);
    expect(err({ limit: ['1', '2'] })).toMatch(/^limit: give it once/);
  });

  it('T2 a status filter uses the stage and the complaints a clock or incident holds', () => {
    const r = { held: ['H'], paused: ['P'] };
    expect(statusFilter('held', r)).toEqual({
      stage: { $in: ['RECEIVED', 'TRIAGED', 'IN_PROGRESS', 'REOPENED'] },
      _id: { $in: ['H'] },
    });
    expect(statusFilter('inProgress', r)).toEqual({
      stage: { $in: ['TRIAGED', 'IN_PROGRESS', 'REOPENED'] },
      _id: { $nin: ['H', 'P'] },
    });
    expect(statusFilter('rejected', r)).toEqual({ _id: { $in: [] } });
  });
});

describe('T5 the fuzz run is generated from the published document', () => {
  it('T5 the served operations with their parameters and flattened request bodies', () => {
    const doc = fuzzDocument('/base', {
      createTroubleTicket: ['intake'],
      patchTroubleTicket: ['supervisor'],
    });
    expect(Object.keys(doc.paths).sort()).toEqual(['/base/troubleTicket', '/base/troubleTicket/{id}']);
    const create = doc.paths['/base/troubleTicket']!.post!;
    expect(create['x-roles']).toEqual(['intake']);
    expect(create.parameters.map((p) => p.name)).toEqual(['fields']);
    const schema = create.requestBody!.content['application/json']!.schema as {
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(schema.required).toEqual(
      expect.arrayContaining(['description', 'severity', 'ticketType', '@type']),
    );
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['externalIdentifier', 'relatedParty']),
    );
    expect(doc.paths['/base/troubleTicket/{id}']!.patch!.parameters.map((p) => p.name)).toEqual([
      'id',
      'fields',
    ]);
  });
});
