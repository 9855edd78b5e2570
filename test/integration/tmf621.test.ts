// TMF621 Trouble Ticket API v5 on the real local stack (issue 19), driven through HTTP only: every
// answer is checked against the published v5.0.1 document (test/support/tmf-schema.ts).
import fc from 'fast-check';
import { operationsOf, requestFor, violation, type FuzzRequest } from '../fuzz/openapi-fuzz';
import { finalPhoneReply, tmfTicketBody, uniqueExternalId, uniqueMobile } from '../support/fixtures';
import { eventually, KEYS, startTestStack, type TestStack } from '../support/stack';
import { fuzzDocument, responseProblems, schemaProblems, templateOf } from '../support/tmf-schema';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ RATE_LIMIT_PER_MINUTE: '1000000' });
}, 600_000);

afterAll(async () => {
  await stack?.dispose();
}, 60_000);

const BASE = '/tmf-api/troubleTicket/v5';
type Json = Record<string, unknown>;
interface Answer<T = Json> {
  status: number;
  body: T;
  headers: Headers;
  problems: string[];
}

/** What the standard says about an answer; statuses the document does not list are checked as Error or ticket. */
function conformance(method: string, path: string, status: number, body: unknown): string[] {
  const template = templateOf(path);
  const listed = responseProblems(method, template, status, body);
  const unlisted = /does not list status|the document has no/.test(listed[0] ?? '');
  if (!unlisted) return listed;
  if (status >= 400) return schemaProblems('Error', body);
  if (method === 'POST' && status === 200) return schemaProblems('TroubleTicket_RES', body);
  return listed;
}

async function tmf<T = Json>(
  method: string,
  path: string,
  opts: { key?: string | null; body?: unknown; raw?: string; type?: string } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (opts.key !== null) headers.authorization = `Bearer ${opts.key ?? KEYS.supervisor}`;
  let body = opts.raw;
  if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['content-type'] = opts.type ?? 'application/json';
  const res = await fetch(`${stack.urls.api}${BASE}${path}`, { method, headers, body });
  const text = await res.text();
  const parsed = (text ? JSON.parse(text) : '') as T;
  return {
    status: res.status,
    body: parsed,
    headers: res.headers,
    problems: conformance(method, `${BASE}${path}`, res.status, parsed),
  };
}

function ticketBody(over: Json = {}, externalId = uniqueExternalId('TMF')): Json {
  return {
    ...(tmfTicketBody({ externalId }) as Json),
    note: [{ '@type': 'Note', text: '客户说周末更严重' }],
    ...over,
  };
}

const status = (view: Json) => view.status as string;
const chars = (o: Record<string, string>) =>
  Object.entries(o).map(([name, value]) => ({ '@type': 'StringCharacteristic', name, value }));
const patch = (id: string, body: Json, key?: string) =>
  tmf('PATCH', `/troubleTicket/${id}`, { body, key, type: 'application/merge-patch+json' });

/** The TMF list total of one dispatching ticket, once the read model has it. */
const totalOf = async (externalId: string) => {
  const r = await tmf<Json[]>('GET', `/troubleTicket?externalIdentifier.id=${externalId}`);
  return Number(r.headers.get('x-total-count'));
};

describe('T1 TMF621 create, list, get and patch', () => {
  it('T1 a create starts the /v1 workflow; the same externalIdentifier and owner again answers the same ticket', async () => {
    const externalId = uniqueExternalId('TMF');
    const body = ticketBody({}, externalId);
    const [a, b] = await Promise.all([
      tmf('POST', '/troubleTicket', { body, key: KEYS.intake }),
      tmf('POST', '/troubleTicket', { body, key: KEYS.intake }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.problems).toEqual([]);
    expect(b.problems).toEqual([]);
    expect(a.body.id).toBe(`EMOS-${externalId}`);
    expect(b.body.id).toBe(a.body.id);
    expect(a.headers.get('location') ?? b.headers.get('location')).toBe(
      `${BASE}/troubleTicket/EMOS-${externalId}`,
    );
    expect(status(a.body)).toBe('acknowledged');
    // /v1 sees the same complaint, and filing it there again creates nothing either
    const v1 = await stack.http.post<{ created: boolean; ticketId: string }>(
      '/v1/complaints',
      {
        channel: 'EMOS',
        externalId,
        category: 'DROPPED_CALLS',
        description: 'x'.repeat(20),
        location: { region: 'haidian', cellId: '460-00-12345-1' },
        occurrence: { frequency: 'DAILY' },
        numbers: { callback: uniqueMobile() },
      },
      KEYS.intake,
    );
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({ created: false, ticketId: a.body.id });
    expect(await eventually(async () => ((await totalOf(externalId)) === 1 ? 1 : undefined))).toBe(1);
  });

  it('T1 the ticket as read: the mapping, notes, characteristics, masked in lists, in full to one reader', async () => {
    const created = await tmf('POST', '/troubleTicket', {
      body: ticketBody({ priority: 'High' }),
      key: KEYS.intake,
    });
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    const one = await tmf('GET', `/troubleTicket/${id}`);
    expect(one.status).toBe(200);
    expect(one.problems).toEqual([]);
    expect(one.body).toMatchObject({ severity: 'Major', priority: 'High', ticketType: 'DROPPED_CALLS' });
    expect(JSON.stringify(one.body.note)).toContain('客户说周末更严重');
    const callback = JSON.stringify(one.body.relatedParty).match(/\+86\d{11}/)?.[0];
    expect(callback).toBeDefined();
    const list = await eventually(async () => {
      const r = await tmf<Json[]>('GET', `/troubleTicket?externalIdentifier.id=${id.slice(5)}`);
      return r.body.length === 1 ? r : undefined;
    });
    expect(list.problems).toEqual([]);
    expect(JSON.stringify(list.body)).not.toContain(callback!);
    expect(JSON.stringify(list.body)).toContain(`${callback!.slice(0, 6)}****${callback!.slice(-2)}`);
    // the intake system reads what it filed
    expect((await tmf('GET', `/troubleTicket/${id}`, { key: KEYS.intake })).status).toBe(200);
  });

  it('T1 TMF630: offset/limit with X-Total-Count and X-Result-Count, attribute filters and fields', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const ids: string[] = [];
    for (const ticketType of ['NO_SIGNAL', 'NO_SIGNAL', 'SLOW_DATA']) {
      const r = await tmf('POST', '/troubleTicket', { body: ticketBody({ ticketType }), key: KEYS.intake });
      ids.push(String(r.body.id));
    }
    const q = `creationDate.gte=${encodeURIComponent(since)}&ticketType=NO_SIGNAL,SLOW_DATA`;
    const all = await eventually(async () => {
      const r = await tmf<Json[]>('GET', `/troubleTicket?${q}`);
      return Number(r.headers.get('x-total-count')) >= 3 ? r : undefined;
    });
    const total = Number(all.headers.get('x-total-count'));
    const page = await tmf<Json[]>('GET', `/troubleTicket?${q}&offset=1&limit=2&fields=status,ticketType`);
    expect(page.status).toBe(200);
    expect(page.problems).toEqual([]);
    expect(page.headers.get('x-total-count')).toBe(String(total));
    expect(page.headers.get('x-result-count')).toBe('2');
    expect(page.body.map((t) => t.id)).toEqual(all.body.slice(1, 3).map((t) => t.id));
    for (const t of page.body)
      expect(Object.keys(t).sort()).toEqual(['@type', 'href', 'id', 'status', 'ticketType']);
    const slow = await tmf<Json[]>('GET', `/troubleTicket?${q.replace('NO_SIGNAL,SLOW_DATA', 'SLOW_DATA')}`);
    expect(slow.body.map((t) => t.ticketType)).toEqual(slow.body.map(() => 'SLOW_DATA'));
    expect(slow.body.map((t) => t.id)).toContain(ids[2]);
    const minor = await tmf<Json[]>('GET', `/troubleTicket?${q}&severity=Major`);
    expect(minor.body.map((t) => t.id)).not.toContain(ids[0]);
    const future = await tmf<Json[]>('GET', `/troubleTicket?creationDate.gt=2999-01-01T00:00:00Z`);
    expect(future.headers.get('x-total-count')).toBe('0');
  });
});

describe('T2 status and statusChangeHistory follow the procedure; refusals are TMF Errors', () => {
  it('T2 PATCHes drive the workflow (triage, pause, resume, findings, resolve, close) and the history shows each step', async () => {
    const created = await tmf('POST', '/troubleTicket', { body: ticketBody(), key: KEYS.intake });
    const id = String(created.body.id);
    await eventually(async () =>
      (await stack.http.get(`/v1/complaints/${id}`, KEYS.supervisor)).status === 200 ? 1 : undefined,
    );

    const triaged = await patch(id, { status: 'inProgress', statusChangeReason: '自己处理' });
    expect(triaged.status).toBe(200);
    expect(triaged.problems).toEqual([]);
    expect(status(triaged.body)).toBe('inProgress');

    const paused = await patch(id, { status: 'pending', statusChangeReason: '客户出差，下周回来再测' });
    expect(status(paused.body)).toBe('pending');
    // the list's status filter sees the paused clock once the read model has it
    await eventually(async () => {
      const r = await tmf<Json[]>(
        'GET',
        `/troubleTicket?status=pending&externalIdentifier.id=${id.slice(5)}`,
      );
      return r.body.length === 1 ? true : undefined;
    });
    const notInProgress = await tmf<Json[]>(
      'GET',
      `/troubleTicket?status=inProgress&externalIdentifier.id=${id.slice(5)}`,
    );
    expect(notInProgress.body).toEqual([]);

    expect(status((await patch(id, { status: 'inProgress' })).body)).toBe('inProgress');

    // closing now is refused by the workflow with its reason, as /v1 refuses it
    const early = await patch(id, { status: 'closed', statusChangeReason: '结单' });
    expect(early.status).toBe(409);
    expect(early.problems).toEqual([]);
    expect(early.body).toMatchObject({ '@type': 'Error', code: 'action_refused', status: '409' });
    expect(String(early.body.reason)).toMatch(/close/);

    // a vague resolution is refused with 400 naming the TMF field (R4.6)
    const vague = await patch(id, {
      status: 'resolved',
      statusChangeReason: '已处理',
      troubleTicketCharacteristic: chars({ rootCause: '正常', actions: '已处理' }),
    });
    expect(vague.status).toBe(400);
    expect(String(vague.body.reason)).toContain('statusChangeReason');

    const findings = await patch(id, {
      troubleTicketCharacteristic: chars({ checked: '话统与告警', found: '小区退服' }),
    });
    expect(findings.status).toBe(200);
    const resolved = await patch(id, {
      status: 'resolved',
      statusChangeReason: '恢复小区后信号正常，已复测',
      troubleTicketCharacteristic: chars({ rootCause: '小区退服', actions: '恢复小区并复测' }),
    });
    expect(resolved.status).toBe(200);
    expect(status(resolved.body)).toBe('resolved');
    expect(resolved.body.resolutionDate).toBeDefined();

    const reply = await stack.http.post(`/v1/complaints/${id}/replies`, finalPhoneReply, KEYS.supervisor);
    expect(reply.status).toBe(200);
    const closed = await patch(id, { status: 'closed', statusChangeReason: '客户确认恢复' });
    expect(closed.status).toBe(200);
    expect(closed.problems).toEqual([]);
    const history = (closed.body.statusChangeHistory as { status: string }[]).map((h) => h.status);
    expect(history).toEqual(['acknowledged', 'inProgress', 'pending', 'inProgress', 'resolved', 'closed']);

    // the same workflow: /v1 shows each step on the timeline
    const v1 = await stack.http.get<{ stage: string; timeline: { action: string }[] }>(
      `/v1/complaints/${id}`,
      KEYS.supervisor,
    );
    expect(v1.body.stage).toBe('CLOSED');
    const actions = v1.body.timeline.map((t) => t.action);
    for (const a of ['TRIAGED', 'CLOCK_PAUSED', 'CLOCK_RESUMED', 'FINDINGS', 'RESOLVED', 'CLOSED'])
      expect(actions).toContain(a);

    // A closed complaint's record is final: a note now is refused by the workflow with its reason.
    const late = await patch(id, { note: [{ '@type': 'Note', text: '闭环后补充：客户来电致谢' }] });
    expect(late.status).toBe(409);
    expect(late.problems).toEqual([]);
    expect(String(late.body.reason)).toMatch(/cannot add a note to a closed complaint/);
  });

  it("T2 a person's note with an attachment reference through PATCH: on the /v1 timeline and the ticket; a bad link is a 400 naming the field", async () => {
    const created = await tmf('POST', '/troubleTicket', { body: ticketBody(), key: KEYS.intake });
    const id = String(created.body.id);
    await eventually(async () =>
      (await stack.http.get(`/v1/complaints/${id}`, KEYS.supervisor)).status === 200 ? 1 : undefined,
    );
    type Ticket = { note: Json[]; attachment: Json[] };
    const before = (await tmf<Json & Ticket>('GET', `/troubleTicket/${id}`)).body;
    const text = '客户补充：周末在家，可上门复测；室内测试截图见附件';
    const shot = {
      '@type': 'AttachmentRef',
      name: '室内测试截图.png',
      url: 'https://files.operator.example/closedloop/shot-1.png',
      mimeType: 'image/png',
    };
    // A merge patch sends the whole list: the notes on the ticket and the new one.
    const body = {
      note: [...before.note, { '@type': 'Note', text, author: 'Mr. N. Bene', date: '2020-11-20T08:00:00Z' }],
      attachment: [...before.attachment, shot],
    };
    const added = await patch(id, body);
    expect(added.status).toBe(200);
    expect(added.problems).toEqual([]);
    const ticket = added.body as Json & Ticket;
    expect(ticket.note).toHaveLength(before.note.length + 1);
    const note = ticket.note.at(-1)!;
    expect(note).toMatchObject({ '@type': 'Note', id: 'note-1', text });
    expect(ticket.attachment).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ '@type': 'AttachmentRef', id: 'note-1-1', name: shot.name, url: shot.url }),
      ]),
    );
    // The record says who sent it and when ClosedLoop recorded it (R10.2), not what the caller wrote.
    const v1 = await stack.http.get<{ timeline: Json[] }>(`/v1/complaints/${id}`, KEYS.supervisor);
    const entry = v1.body.timeline.find((e) => e.action === 'NOTE')!;
    expect(entry).toMatchObject({
      actor: 'supervisor.wang',
      detail: text,
      attachments: [{ name: shot.name, url: shot.url, mimeType: 'image/png' }],
    });
    expect(note).toMatchObject({ author: 'supervisor.wang', date: entry.at });
    expect(Date.parse(String(note.date))).toBeGreaterThan(Date.parse('2026-01-01T00:00:00Z'));
    const read = await tmf<Json & Ticket>('GET', `/troubleTicket/${id}`);
    expect(read.problems).toEqual([]);
    expect(read.body.note.at(-1)).toEqual(note);

    // The same patch again adds nothing: the note and its reference are on the ticket already.
    const again = await patch(id, body);
    expect(again.status).toBe(200);
    expect((again.body as Json & Ticket).note).toHaveLength(ticket.note.length);
    expect((again.body as Json & Ticket).attachment).toHaveLength(ticket.attachment.length);

    // A link that is not http(s), and content instead of a link: 400 TMF Errors naming the field.
    const bad = await patch(id, {
      note: [{ '@type': 'Note', text: '另一张截图' }],
      attachment: [{ ...shot, url: 'javascript:alert(1)' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.problems).toEqual([]);
    expect(bad.body).toMatchObject({ '@type': 'Error', code: 'validation_failed', status: '400' });
    expect(String(bad.body.reason)).toMatch(/^attachment\[0\]\.url: an http\(s\) link/);
    const content = await patch(id, {
      attachment: [{ '@type': 'Attachment', name: 'x.png', content: 'AAAA' }],
    });
    expect(content.status).toBe(400);
    expect(String(content.body.reason)).toMatch(/attachment\.0\.content: ClosedLoop keeps references only/);

    // The same action through /v1, for the people who work the complaint only.
    const direct = await stack.http.post<{ timeline: Json[] }>(
      `/v1/complaints/${id}/notes`,
      { text: '已与客户约定周六上午上门' },
      KEYS.supervisor,
    );
    expect(direct.status).toBe(200);
    expect(direct.body.timeline.filter((e) => e.action === 'NOTE')).toHaveLength(2);
    expect(
      (await stack.http.post(`/v1/complaints/${id}/notes`, { text: '系统不应能写备注' }, KEYS.intake)).status,
    ).toBe(403);
  });

  it('T2 changes the procedure has no action for are refused with the reason; roles as /v1', async () => {
    const created = await tmf('POST', '/troubleTicket', { body: ticketBody(), key: KEYS.intake });
    const id = String(created.body.id);
    for (const [body, code] of [
      [{ status: 'cancelled' }, 409],
      [{ status: 'rejected' }, 409],
      [{ description: 'changed' }, 400],
      [
        {
          note: [
            { '@type': 'Note', text: 'one' },
            { '@type': 'Note', text: 'two' },
          ],
        },
        400,
      ],
      [{ colour: 'red' }, 400],
    ] as const) {
      const r = await patch(id, body);
      expect(r.status).toBe(code);
      expect(r.problems).toEqual([]);
      expect(String(r.body.reason).length).toBeGreaterThan(10);
    }
    expect((await patch(id, { status: 'inProgress' }, KEYS.intake)).status).toBe(403);
    const anon = await tmf('GET', `/troubleTicket/${id}`, { key: null });
    expect(anon.status).toBe(401);
    expect(anon.problems).toEqual([]);
  });
});

describe('T1 bad input: each a 4xx TMF Error, nothing created', () => {
  it('T1 malformed bodies, unknown fields, wrong content types, unknown ids', async () => {
    const existing = String(
      (await tmf('POST', '/troubleTicket', { body: ticketBody(), key: KEYS.intake })).body.id,
    );
    const externalId = uniqueExternalId('BAD');
    const good = ticketBody({}, externalId);
    const cases: [string, string, Parameters<typeof tmf>[2], number][] = [
      ['POST', '/troubleTicket', { raw: '{"@type":', key: KEYS.intake }, 400],
      ['POST', '/troubleTicket', { body: { ...good, colour: 'red' }, key: KEYS.intake }, 400],
      ['POST', '/troubleTicket', { body: { ...good, status: 'closed' }, key: KEYS.intake }, 400],
      ['POST', '/troubleTicket', { body: { ...good, severity: 'whatever' }, key: KEYS.intake }, 400],
      ['POST', '/troubleTicket', { body: [good], key: KEYS.intake }, 400],
      ['POST', '/troubleTicket', { body: good, type: 'text/plain', key: KEYS.intake }, 415],
      ['POST', '/troubleTicket', { body: good, key: KEYS.handler }, 403],
      [
        'PATCH',
        '/troubleTicket/EMOS-nope',
        { body: { status: 'closed' }, type: 'application/merge-patch+json' },
        404,
      ],
      [
        'PATCH',
        `/troubleTicket/${existing}`,
        { body: [{ op: 'replace' }], type: 'application/json-patch+json' },
        415,
      ],
      ['GET', '/troubleTicket/EMOS-does-not-exist', {}, 404],
      ['GET', '/troubleTicket/%2e%2e', {}, 404],
      ['GET', '/troubleTicket?sort=-creationDate', {}, 400],
      ['DELETE', '/troubleTicket/EMOS-x', {}, 405],
      ['GET', '/troubleTicketSpecification/NOPE', {}, 404],
      ['GET', '/nothing-here', {}, 404],
    ];
    for (const [method, path, opts, code] of cases) {
      const r = await tmf(method, path, opts);
      expect({ method, path, status: r.status }).toEqual({ method, path, status: code });
      expect(schemaProblems('Error', r.body)).toEqual([]);
      expect(r.problems).toEqual([]);
    }
    await new Promise((r) => setTimeout(r, 1000));
    expect(await totalOf(externalId)).toBe(0);
    expect((await tmf('GET', `/troubleTicket/EMOS-${externalId}`)).status).toBe(404);
  });

  it('T1 the complaint categories are trouble ticket specifications (read-only)', async () => {
    const list = await tmf<Json[]>('GET', '/troubleTicketSpecification');
    expect(list.status).toBe(200);
    expect(list.problems).toEqual([]);
    expect(list.body.map((s) => s.id)).toContain('DROPPED_CALLS');
    expect(list.headers.get('x-total-count')).toBe(String(list.body.length));
    const one = await tmf('GET', '/troubleTicketSpecification/NO_SIGNAL?fields=name');
    expect(one.problems).toEqual([]);
    expect(Object.keys(one.body).sort()).toEqual(['@type', 'href', 'id', 'name']);
    expect((await tmf('POST', '/troubleTicketSpecification', { body: {} })).status).toBe(405);
  });

  it('T1 every TMF operation is in /openapi.json', async () => {
    const doc = (await (await fetch(`${stack.urls.api}/openapi.json`)).json()) as {
      paths: Record<string, Json>;
    };
    const ops = Object.entries(doc.paths)
      .filter(([p]) => p.startsWith(BASE))
      .flatMap(([p, m]) => Object.keys(m).map((x) => `${x.toUpperCase()} ${p.slice(BASE.length)}`));
    expect(ops.sort()).toEqual(
      [
        'GET /troubleTicket',
        'POST /troubleTicket',
        'GET /troubleTicket/{id}',
        'PATCH /troubleTicket/{id}',
        'GET /troubleTicketSpecification',
        'GET /troubleTicketSpecification/{id}',
        'POST /hub',
        'GET /hub/{id}',
        'DELETE /hub/{id}',
      ].sort(),
    );
  });
});

describe('T5 the TMF operations fuzzed from the published document', () => {
  it('T5 malformed and hostile requests: no 5xx, no hang, every 4xx a TMF Error, every 2xx conformant, no state change', async () => {
    const sample = await tmf('POST', '/troubleTicket', { body: ticketBody(), key: KEYS.intake });
    const id = String(sample.body.id);
    // A hub of the intake system among the ids, so that reading and deleting one is tried too; its
    // query matches no ticket, so no event is ever posted to its (unused) callback.
    const hub = await tmf('POST', '/hub', {
      key: KEYS.intake,
      body: {
        '@type': 'Hub',
        callback: 'http://127.0.0.1:9/listener/fuzz',
        query: 'externalIdentifier.id=FUZZ-NONE',
      },
    });
    expect(hub.status).toBe(201);
    const hubId = String(hub.body.id);
    const snapshot = async () => {
      const list = await tmf<Json[]>('GET', '/troubleTicket?limit=1&fields=status');
      const one = await stack.http.get<{ version: number; stage: string }>(
        `/v1/complaints/${id}`,
        KEYS.supervisor,
      );
      return `${list.headers.get('x-total-count')} ${one.body.stage} ${one.body.version}`;
    };
    let before = await snapshot();
    await eventually(async () => {
      await new Promise((r) => setTimeout(r, 1500));
      const now = await snapshot();
      const same = now === before;
      before = now;
      return same ? true : undefined;
    }, 60_000);

    const doc = fuzzDocument(BASE, {
      createTroubleTicket: ['intake'],
      listTroubleTicket: ['supervisor'],
      retrieveTroubleTicket: ['supervisor'],
      patchTroubleTicket: ['supervisor'],
      listTroubleTicketSpecification: ['supervisor'],
      retrieveTroubleTicketSpecification: ['supervisor'],
      // the hub (T3): the dispatching systems register, read and delete their subscriptions
      createHub: ['intake'],
      hubGet: ['intake'],
      hubDelete: ['intake'],
    });
    const ops = operationsOf(doc);
    // Every TMF operation /openapi.json lists (T1) is fuzzed.
    expect(ops.map((o) => `${o.method} ${o.path.slice(BASE.length)}`).sort()).toEqual(
      [
        'GET /troubleTicket',
        'POST /troubleTicket',
        'GET /troubleTicket/{id}',
        'PATCH /troubleTicket/{id}',
        'GET /troubleTicketSpecification',
        'GET /troubleTicketSpecification/{id}',
        'POST /hub',
        'GET /hub/{id}',
        'DELETE /hub/{id}',
      ].sort(),
    );
    expect(ops).toHaveLength(9);
    const ctx = {
      baseUrl: stack.urls.api,
      pathValues: { id: [id, 'EMOS-does-not-exist', 'NO_SIGNAL', hubId] },
      credentials: {
        intake: `Bearer ${KEYS.intake}`,
        supervisor: `Bearer ${KEYS.supervisor}`,
        handler: `Bearer ${KEYS.handler}`,
      },
    };
    const runs = Number(process.env.TMF_FUZZ_RUNS ?? 300);
    const requests = fc.sample(fc.oneof(...ops.map((op) => requestFor(op, ctx))), {
      numRuns: runs,
      seed: Number(process.env.FUZZ_SEED ?? 7),
    });
    // every operation gets requests of its own, the hub's included
    expect(new Set(requests.map((r) => `${r.op.method} ${r.op.path}`)).size).toBe(ops.length);
    const failures: string[] = [];
    const byStatus: Record<number, number> = {};
    const check = async (req: FuzzRequest) => {
      const started = Date.now();
      let statusCode = 0;
      let text = '';
      try {
        const res = await fetch(req.url, {
          method: req.method,
          headers: req.headers,
          body: req.method === 'GET' ? undefined : req.body,
          signal: AbortSignal.timeout(10_000),
        });
        statusCode = res.status;
        text = await res.text();
      } catch (err) {
        failures.push(`${req.method} ${req.url}: ${(err as Error).message}`);
        return;
      }
      byStatus[statusCode] = (byStatus[statusCode] ?? 0) + 1;
      const what = `${req.method} ${req.url.slice(stack.urls.api.length, 200)} ${(req.body ?? '').slice(0, 200)}`;
      const problem = violation(req, { status: statusCode, ms: Date.now() - started, timedOut: false });
      if (problem) return failures.push(`${problem}: ${what}`);
      // A hub deleted answers 204 without a body (the document says so); every other answer is JSON.
      let body: unknown = '';
      if (statusCode === 204) {
        if (text) return failures.push(`answered 204 with a body: ${what}`);
      } else
        try {
          body = JSON.parse(text);
        } catch {
          return failures.push(`answered ${statusCode} without JSON: ${what}`);
        }
      const path = new URL(req.url).pathname;
      const problems = conformance(req.method, path, statusCode, body);
      if (problems.length)
        failures.push(`${statusCode} not conformant (${problems.slice(0, 2).join('; ')}): ${what}`);
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < requests.length) await check(requests[next++]!);
      }),
    );
    console.log(`TMF fuzz: ${runs} requests, statuses ${JSON.stringify(byStatus)}`);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(Object.values(byStatus).reduce((a, b) => a + b, 0)).toBe(runs);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await snapshot()).toBe(before);
  }, 300_000);
});
