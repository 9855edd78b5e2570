// TMF621 hub subscriptions (T3) and the work-order reply (T4) on the real local stack, through HTTP
// only: a dispatching system subscribes, files a ticket over TMF621, the ticket is driven to
// resolved and closed through the actions, and the dispatcher simulator (infra/dispatcher-sim)
// shows what reached it: every event once by its id, fitting the published v5.0.1 schemas; the
// failures it was told to make retried; a listener that is always down in the dead letters; the
// work-order reply once at resolve and once at close; and exactly once across a worker crash. Then
// the paths that need more of the stack: a customer the Twilio simulator never lets answer (the
// InformationRequired event), a reassignment and a major complaint (AttributeValueChange), and
// GREEN_NET, whose reply goes back through its hub.
import path from 'node:path';
import { DEV_DEFAULTS } from '../../infra/stack/product-env';
import { finalPhoneReply, tmfTicketBody, uniqueExternalId, uniqueMobile } from '../support/fixtures';
import { eventually, KEYS, startTestStack, type TestStack } from '../support/stack';
import { schemaProblems } from '../support/tmf-schema';

const ADMIN = 'dev-admin-key-tmf-hub';
let stack: TestStack;
let sim: string;

beforeAll(async () => {
  const keys = JSON.parse(DEV_DEFAULTS.API_KEYS) as Record<string, unknown>;
  stack = await startTestStack({
    RATE_LIMIT_PER_MINUTE: '1000000',
    // contacts at any hour with short waits: a customer who never answers is given up on in seconds
    POLICY_FILE: path.resolve(__dirname, '../fixtures/policy-tmf-hub.json'),
    // 1 s, 2 s, 4 s apart: a listener down for good is DEAD after about 7 s
    TMF_EVENT_MAX_ATTEMPTS: '4',
    API_KEYS: JSON.stringify({ ...keys, [ADMIN]: { user: 'admin.tmf', roles: ['admin'] } }),
  });
  sim = stack.urls.dispatcherSim!;
}, 600_000);

afterAll(async () => {
  await stack?.dispose();
}, 60_000);

const BASE = '/tmf-api/troubleTicket/v5';
type Json = Record<string, unknown>;

async function tmf<T = Json>(
  method: string,
  path: string,
  opts: { key?: string; body?: unknown; type?: string } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { authorization: `Bearer ${opts.key ?? KEYS.supervisor}` };
  if (opts.body !== undefined) headers['content-type'] = opts.type ?? 'application/json';
  const res = await fetch(`${stack.urls.api}${BASE}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : '') as T };
}

function ticketBody(externalId: string, owner = 'EMOS', callback = uniqueMobile()): Json {
  return tmfTicketBody({ externalId, owner, callback }) as Json;
}

interface SimEvent {
  eventId: string;
  eventType: string;
  listener: string;
  deliveries: number;
  body: {
    description?: string;
    event: {
      troubleTicket: Json & { id: string; status: string; severity?: string };
      informationRequired?: { op: string; path: string };
    };
  };
}
interface SimReply {
  key: string;
  deliveries: number;
  authorized: boolean;
  body: Json;
}
interface Received {
  events: SimEvent[];
  replies: SimReply[];
  duplicates: number;
  failed: number;
}

const received = async (): Promise<Received> =>
  (await fetch(`${sim}/received.json`)).json() as Promise<Received>;
const eventsOf = async (ticketId: string, listener: string) =>
  (await received()).events.filter(
    (e) => e.listener === listener && e.body.event.troubleTicket.id === ticketId,
  );
const failNext = (count: number) =>
  fetch(`${sim}/_sim/fail`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count }),
  });

async function subscribe(listener: string, query: string): Promise<string> {
  const r = await tmf('POST', '/hub', {
    key: KEYS.intake,
    body: { '@type': 'Hub', callback: `${sim}/listener/${listener}`, query },
  });
  expect(r.status).toBe(201);
  expect(schemaProblems('Hub', r.body)).toEqual([]);
  return String(r.body.id);
}

const chars = (o: Record<string, string>) =>
  Object.entries(o).map(([name, value]) => ({ '@type': 'StringCharacteristic', name, value }));
const patch = (id: string, body: Json) =>
  tmf('PATCH', `/troubleTicket/${id}`, { body, type: 'application/merge-patch+json' });

/** The dispatcher's PATCHes from inProgress to closed, with the final reply given through /v1. */
async function workToClosed(id: string): Promise<void> {
  expect((await patch(id, { status: 'inProgress', statusChangeReason: '自己处理' })).status).toBe(200);
  expect(
    (
      await patch(id, {
        troubleTicketCharacteristic: chars({ checked: '话统与告警', found: '服务小区退服' }),
      })
    ).status,
  ).toBe(200);
  const resolved = await patch(id, {
    status: 'resolved',
    statusChangeReason: '恢复小区后信号正常，已复测',
    troubleTicketCharacteristic: chars({ rootCause: '小区退服', actions: '恢复小区并复测' }),
  });
  expect(resolved.status).toBe(200);
  const reply = await stack.http.post(`/v1/complaints/${id}/replies`, finalPhoneReply, KEYS.supervisor);
  expect(reply.status).toBe(200);
  expect((await patch(id, { status: 'closed', statusChangeReason: '客户确认恢复' })).status).toBe(200);
}

async function timeline(id: string): Promise<{ action: string; detail?: string }[]> {
  const r = await stack.http.get<{ timeline: { action: string; detail?: string }[] }>(
    `/v1/complaints/${id}`,
    KEYS.supervisor,
  );
  return r.status === 200 ? r.body.timeline : [];
}

describe('T3 hub subscriptions and T4 the work-order reply', () => {
  it('T3 T4 events arrive once each with their types and statuses, retried through failures; the reply arrives once at resolve and once at close; a dead listener ends in the dead letters', async () => {
    const externalId = uniqueExternalId('HUB');
    const id = `EMOS-${externalId}`;
    const hub = await subscribe('emos', `channel.id=EMOS&externalIdentifier.id=${externalId}`);
    // a listener that is down for good, for this ticket's creation only
    const down = await tmf('POST', '/hub', {
      key: KEYS.intake,
      body: {
        '@type': 'Hub',
        callback: `${sim}/listener/down?fail=always`,
        query: `eventType=TroubleTicketCreateEvent&externalIdentifier.id=${externalId}`,
      },
    });
    expect(down.status).toBe(201);
    const before = (await received()).failed;
    await failNext(2);

    const created = await tmf('POST', '/troubleTicket', { key: KEYS.intake, body: ticketBody(externalId) });
    expect([created.status, created.body]).toEqual([201, expect.anything()]);
    // the create event got through after the two failures the simulator was told to make
    const [createEvent] = await eventually(async () => {
      const e = await eventsOf(id, 'emos');
      return e.length ? e : undefined;
    }, 60_000);
    expect(createEvent!.eventType).toBe('TroubleTicketCreateEvent');
    expect(createEvent!.deliveries).toBe(1);
    expect((await received()).failed).toBeGreaterThanOrEqual(before + 2);

    await workToClosed(id);

    // Every event of the ticket, once by its id, each fitting its published schema.
    const events = await eventually(async () => {
      const e = await eventsOf(id, 'emos');
      return e.some((x) => x.body.event.troubleTicket.status === 'closed') ? e : undefined;
    }, 60_000);
    const ids = events.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of events) {
      expect(e.eventId).toMatch(new RegExp(`^${id}:\\d+$`));
      expect(e.deliveries).toBe(1);
      expect(schemaProblems(e.eventType, e.body)).toEqual([]);
    }
    const types = events.map((e) => e.eventType);
    expect(types).toEqual(
      expect.arrayContaining([
        'TroubleTicketCreateEvent',
        'TroubleTicketStatusChangeEvent',
        'TroubleTicketResolvedEvent',
      ]),
    );
    expect(
      types.filter((t) => t === 'TroubleTicketCreateEvent' || t === 'TroubleTicketResolvedEvent'),
    ).toHaveLength(2);
    const statuses = events
      .filter((e) => e.eventType === 'TroubleTicketStatusChangeEvent')
      .sort((a, b) => Number(a.eventId.split(':')[1]) - Number(b.eventId.split(':')[1]))
      .map((e) => e.body.event.troubleTicket.status);
    expect(statuses).toEqual(['inProgress', 'resolved', 'closed']);
    const resolvedEvent = events.find((e) => e.eventType === 'TroubleTicketResolvedEvent')!;
    const rc = resolvedEvent.body.event.troubleTicket.troubleTicketCharacteristic as {
      name: string;
      value: unknown;
    }[];
    expect(rc.find((c) => c.name === 'rootCause')?.value).toBe('小区退服');

    // T4: EMOS takes the reply at its own endpoint with its credential: once per step.
    const replies = await eventually(async () => {
      const r = (await received()).replies.filter((x) => x.body.ticketId === id);
      return r.length >= 2 ? r : undefined;
    }, 60_000);
    expect(replies.map((r) => r.key).sort()).toEqual([`${id}:reply:close:1`, `${id}:reply:resolve:1`]);
    for (const r of replies) {
      expect(r.deliveries).toBe(1);
      expect(r.authorized).toBe(true);
      expect(r.body).toMatchObject({
        externalId,
        checked: '话统与告警',
        found: '服务小区退服',
        rootCause: '小区退服',
        actions: '恢复小区并复测',
        summary: '恢复小区后信号正常，已复测',
      });
    }
    expect(replies.find((r) => r.key.includes(':close:'))!.body).toMatchObject({
      customerTold: '电话告知已恢复，客户确认',
      customerConfirmed: true,
      satisfied: true,
    });
    const sent = await eventually(async () => {
      const t = (await timeline(id)).filter((e) => e.action === 'WORK_ORDER_REPLY_SENT');
      return t.length >= 2 ? t : undefined;
    }, 60_000);
    expect(sent.map((e) => e.detail ?? '').join('\n')).toContain(`${id}:reply:close:1 via http`);

    // The listener that is always down: DEAD after the last attempt, on the timeline, visible to admins only.
    const dead = await eventually(async () => {
      const r = await stack.http.get<{
        items: { id: string; hubId?: string; state: string; attempts: number }[];
      }>(`/v1/admin/tmf/dead-letters?ticketId=${id}`, ADMIN);
      return r.body.items.length ? r.body.items : undefined;
    }, 60_000);
    expect(dead).toEqual([
      expect.objectContaining({ id: `${id}:1:${String(down.body.id)}`, state: 'DEAD', attempts: 4 }),
    ]);
    expect((await stack.http.get('/v1/admin/tmf/dead-letters', KEYS.handler)).status).toBe(403);
    await eventually(async () =>
      (await timeline(id)).some((e) => e.action === 'TMF_EVENT_DEAD') ? true : undefined,
    );
    const again = await stack.http.post<{ state: string; attempts: number }>(
      `/v1/admin/tmf/dead-letters/${encodeURIComponent(dead[0]!.id)}/redeliver`,
      {},
      ADMIN,
    );
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ state: 'DEAD', attempts: 5 });

    // Admins see every hub; the owner reads and deletes its own; then it is gone.
    const hubs = await stack.http.get<{ items: { id: string; owner: string }[] }>(
      '/v1/admin/tmf/hubs',
      ADMIN,
    );
    expect(hubs.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: hub, owner: 'emos-gateway' })]),
    );
    expect((await stack.http.get('/v1/admin/tmf/hubs', KEYS.supervisor)).status).toBe(403);
    expect((await tmf('GET', `/hub/${hub}`, { key: KEYS.intake })).body).toMatchObject({
      id: hub,
      '@type': 'Hub',
    });
    expect((await tmf('DELETE', `/hub/${String(down.body.id)}`, { key: KEYS.intake })).status).toBe(204);
    const gone = await tmf('GET', `/hub/${String(down.body.id)}`, { key: KEYS.intake });
    expect(gone.status).toBe(404);
    expect(schemaProblems('Error', gone.body)).toEqual([]);
  }, 300_000);

  it('T3 a hub with a query ClosedLoop does not filter on, or no callback, or no @type, is refused with the TMF Error', async () => {
    for (const body of [
      { '@type': 'Hub', callback: `${sim}/listener/x`, query: 'sort=id' },
      { '@type': 'Hub', callback: `${sim}/listener/x`, query: 'status=done' },
      { '@type': 'Hub', query: 'status=resolved' },
      { '@type': 'Hub', callback: 'ftp://example.org/x' },
      { '@type': 'Hub', callback: `${sim}/listener/x`, extra: 1 },
      // Hub_FVO is Extensible: the document requires its @type
      { callback: `${sim}/listener/x` },
    ]) {
      const r = await tmf('POST', '/hub', { key: KEYS.intake, body });
      expect(r.status).toBe(400);
      expect(schemaProblems('Error', r.body)).toEqual([]);
    }
    expect(
      (await tmf('POST', '/hub', { key: KEYS.handler, body: { callback: `${sim}/listener/x` } })).status,
    ).toBe(403);
  });

  it('T3 a worker killed while an event is being retried: the event arrives exactly once after the restart', async () => {
    const externalId = uniqueExternalId('HUBX');
    const id = `EMOS-${externalId}`;
    await subscribe('crash', `externalIdentifier.id=${externalId}`);
    const before = (await received()).failed;
    await failNext(2);
    expect(
      (await tmf('POST', '/troubleTicket', { key: KEYS.intake, body: ticketBody(externalId) })).status,
    ).toBe(201);
    // the first attempt failed: the worker dies before the retry
    await eventually(async () => ((await received()).failed > before ? true : undefined), 60_000);
    const worker = stack.worker!;
    worker.kill('SIGKILL');
    await worker.exited;
    await stack.startWorker();
    const events = await eventually(async () => {
      const e = await eventsOf(id, 'crash');
      return e.length ? e : undefined;
    }, 180_000);
    expect(events.map((e) => [e.eventId, e.eventType, e.deliveries])).toEqual([
      [`${id}:1`, 'TroubleTicketCreateEvent', 1],
    ]);
    expect(schemaProblems('TroubleTicketCreateEvent', events[0]!.body)).toEqual([]);
  }, 400_000);
});

/** The ticket's entries of the /v1 timeline with that action, once there are `n` of them. */
const entries = (id: string, action: string, n = 1) =>
  eventually(async () => {
    const t = (await timeline(id)).filter((e) => e.action === action);
    return t.length >= n ? t : undefined;
  }, 90_000);

describe('T3 T4 the event paths that need the customer, the supervisors and a hub channel', () => {
  it('T3 a customer who cannot be reached on the callback number: the dispatcher hears TroubleTicketInformationRequiredEvent asking for another number', async () => {
    const externalId = uniqueExternalId('HUBI');
    const id = `EMOS-${externalId}`;
    const number = uniqueMobile();
    // The Twilio simulator's customer who never picks up nor answers the SMS (contact-paths.test.ts).
    const scripted = await fetch(`${stack.urls.twilioSim}/_sim/customers/${encodeURIComponent(number)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ call: 'no-answer' }),
    });
    expect(scripted.ok).toBe(true);
    await subscribe(
      'info',
      `eventType=TroubleTicketInformationRequiredEvent&externalIdentifier.id=${externalId}`,
    );
    const created = await tmf('POST', '/troubleTicket', {
      key: KEYS.intake,
      body: ticketBody(externalId, 'EMOS', number),
    });
    expect(created.status).toBe(201);
    expect((await patch(id, { status: 'inProgress', statusChangeReason: '自己处理' })).status).toBe(200);
    const contact = await stack.http.post(
      `/v1/complaints/${id}/contact`,
      {
        purpose: 'FIRST_REPLY',
        channel: 'SMS_ONLY',
        message: '您反映的室内信号问题已受理，正在处理，请回复1确认',
      },
      KEYS.supervisor,
    );
    expect(contact.status).toBe(200);

    // The contact gives up (no answer to the SMS within the policy's 15 s): CONTACT_FAILED …
    const [failed] = await entries(id, 'CONTACT_FAILED');
    expect(failed!.detail).toMatch(/^FIRST_REPLY round 1/);
    // … and the dispatcher is asked for a working number, once, fitting the published schema.
    const events = await eventually(async () => {
      const e = await eventsOf(id, 'info');
      return e.length ? e : undefined;
    }, 60_000);
    expect(events.map((e) => [e.eventType, e.deliveries])).toEqual([
      ['TroubleTicketInformationRequiredEvent', 1],
    ]);
    const body = events[0]!.body;
    expect(schemaProblems('TroubleTicketInformationRequiredEvent', body)).toEqual([]);
    expect(body.event.informationRequired).toEqual({
      op: 'replace',
      path: '/troubleTicketCharacteristic/callbackNumber',
    });
    expect(body.description).toMatch(/could not be reached on the callback number/);
    // No personal number travels in an event: the dispatcher reads the ticket with its credentials.
    expect(JSON.stringify(body)).not.toContain(number);
  }, 240_000);

  it('T3 a reassignment and a complaint marked major: TroubleTicketAttributeValueChangeEvent with the new assignee and severity', async () => {
    const externalId = uniqueExternalId('HUBA');
    const id = `EMOS-${externalId}`;
    await subscribe(
      'attrs',
      `eventType=TroubleTicketAttributeValueChangeEvent&externalIdentifier.id=${externalId}`,
    );
    const created = await tmf('POST', '/troubleTicket', { key: KEYS.intake, body: ticketBody(externalId) });
    expect(created.status).toBe(201);
    expect((await patch(id, { status: 'inProgress', statusChangeReason: '自己处理' })).status).toBe(200);
    const assigned = await stack.http.post(
      `/v1/complaints/${id}/assign`,
      { assignee: 'handler.zhao', team: 'haidian-east', reason: '转给片区网优工程师' },
      KEYS.supervisor,
    );
    expect(assigned.status).toBe(200);
    const major = await stack.http.post(
      `/v1/complaints/${id}/major`,
      { reason: '同一小区一周内多次掉话投诉，客户要求上级答复' },
      KEYS.supervisor,
    );
    expect(major.status).toBe(200);

    const charOf = (e: SimEvent, name: string) =>
      (
        e.body.event.troubleTicket.troubleTicketCharacteristic as
          { name: string; value: unknown }[] | undefined
      )?.find((c) => c.name === name)?.value;
    const seq = (e: SimEvent) => Number(e.eventId.split(':').at(-1));
    const events = await eventually(async () => {
      const e = await eventsOf(id, 'attrs');
      return e.some((x) => x.body.event.troubleTicket.severity === 'Critical') ? e : undefined;
    }, 60_000);
    events.sort((a, b) => seq(a) - seq(b));
    const ids = events.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of events) {
      expect(e.eventType).toBe('TroubleTicketAttributeValueChangeEvent');
      expect(e.deliveries).toBe(1);
      expect(schemaProblems('TroubleTicketAttributeValueChangeEvent', e.body)).toEqual([]);
    }
    // The reassignment: the new handler and team, with the timeline entry as the reason.
    const reassigned = events.find((e) => charOf(e, 'assignee') === 'handler.zhao');
    expect(reassigned).toBeDefined();
    expect(charOf(reassigned!, 'team')).toBe('haidian-east');
    expect(reassigned!.body.event.troubleTicket.severity).toBe('Minor');
    expect(reassigned!.body.description).toMatch(/^ASSIGNED: handler\.zhao/);
    // Marked major (R5.3): severity Critical, told once, after the reassignment.
    const critical = events.filter((e) => e.body.event.troubleTicket.severity === 'Critical');
    expect(critical).toHaveLength(1);
    expect(seq(critical[0]!)).toBeGreaterThan(seq(reassigned!));
    expect((await timeline(id)).map((e) => e.action)).toContain('MARKED_MAJOR');
  }, 240_000);

  it('T4 GREEN_NET takes the work-order reply through its hub: the ResolvedEvent and the closing StatusChangeEvent carry it, the timeline says via hub', async () => {
    const externalId = uniqueExternalId('HUBG');
    const id = `GREEN_NET-${externalId}`;
    const hub = await subscribe('green', `channel.id=GREEN_NET&externalIdentifier.id=${externalId}`);
    const created = await tmf('POST', '/troubleTicket', {
      key: KEYS.intake,
      body: ticketBody(externalId, 'GREEN_NET'),
    });
    expect(created.status).toBe(201);
    expect(created.body.id).toBe(id);
    await workToClosed(id);

    // The timeline: both steps' replies sent through the hub, to the hub that took them.
    const sent = await entries(id, 'WORK_ORDER_REPLY_SENT', 2);
    const details = sent.map((e) => e.detail ?? '').join('\n');
    expect(details).toContain(`${id}:reply:resolve:1 via hub to hub ${hub}`);
    expect(details).toContain(`${id}:reply:close:1 via hub to hub ${hub}`);
    expect((await timeline(id)).map((e) => e.action)).not.toContain('WORK_ORDER_REPLY_FAILED');

    // The hub got the reply in the events themselves: notes and characteristics, once each.
    const events = await eventually(async () => {
      const e = await eventsOf(id, 'green');
      return e.some((x) => x.body.event.troubleTicket.status === 'closed') ? e : undefined;
    }, 60_000);
    const keyOf = (e: SimEvent) =>
      (
        e.body.event.troubleTicket.troubleTicketCharacteristic as
          { name: string; value: unknown }[] | undefined
      )?.find((c) => c.name === 'workOrderReplyKey')?.value;
    const carrying = events.filter((e) => keyOf(e) !== undefined);
    expect(carrying.map((e) => [e.eventType, keyOf(e), e.deliveries]).sort()).toEqual(
      [
        ['TroubleTicketResolvedEvent', `${id}:reply:resolve:1`, 1],
        ['TroubleTicketStatusChangeEvent', `${id}:reply:close:1`, 1],
      ].sort(),
    );
    for (const e of carrying) {
      expect(schemaProblems(e.eventType, e.body)).toEqual([]);
      const notes = (e.body.event.troubleTicket.note as { text: string }[]).map((n) => n.text);
      expect(notes).toEqual(
        expect.arrayContaining(['checked: 话统与告警', 'found: 服务小区退服', 'rootCause: 小区退服']),
      );
    }
    const closing = carrying.find((e) => e.eventType === 'TroubleTicketStatusChangeEvent')!;
    expect(closing.body.event.troubleTicket.status).toBe('closed');
    expect(JSON.stringify(closing.body.event.troubleTicket.note)).toContain(
      'customerTold: 电话告知已恢复，客户确认',
    );
    // Nothing went to an HTTP reply endpoint: GREEN_NET has none.
    expect((await received()).replies.filter((r) => r.body.ticketId === id)).toEqual([]);
  }, 240_000);
});
