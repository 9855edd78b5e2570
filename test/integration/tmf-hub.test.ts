// TMF621 hub subscriptions (T3) and the work-order reply (T4) on the real local stack, through HTTP
// only: a dispatching system subscribes, files a ticket over TMF621, the ticket is driven to
// resolved and closed through the actions, and the dispatcher simulator (infra/dispatcher-sim)
// shows what reached it: every event once by its id, fitting the published v5.0.1 schemas; the
// failures it was told to make retried; a listener that is always down in the dead letters; the
// work-order reply once at resolve and once at close; and exactly once across a worker crash.
import { DEV_DEFAULTS } from '../../infra/stack/product-env';
import { uniqueExternalId, uniqueMobile } from '../support/fixtures';
import { eventually, KEYS, startTestStack, type TestStack } from '../support/stack';
import { schemaProblems } from '../support/tmf-schema';

const ADMIN = 'dev-admin-key-tmf-hub';
let stack: TestStack;
let sim: string;

beforeAll(async () => {
  const keys = JSON.parse(DEV_DEFAULTS.API_KEYS) as Record<string, unknown>;
  stack = await startTestStack({
    RATE_LIMIT_PER_MINUTE: '1000000',
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

function ticketBody(externalId: string): Json {
  return {
    '@type': 'TroubleTicket',
    description: '家里室内信号差，打电话经常掉线，晚上尤其严重',
    severity: 'Minor',
    ticketType: 'DROPPED_CALLS',
    externalIdentifier: [{ '@type': 'ExternalIdentifier', id: externalId, owner: 'EMOS' }],
    relatedParty: [
      {
        '@type': 'RelatedPartyRefOrPartyRoleRef',
        role: 'customer',
        partyOrPartyRole: {
          '@type': 'PartyRef',
          id: 'customer',
          contactMedium: [{ '@type': 'PhoneContactMedium', phoneNumber: uniqueMobile() }],
        },
      },
    ],
    relatedEntity: [
      { '@type': 'RelatedEntity', role: 'region', entity: { '@type': 'EntityRef', id: 'haidian' } },
      {
        '@type': 'RelatedEntity',
        role: 'servingCell',
        entity: { '@type': 'EntityRef', id: '460-00-12345-1' },
      },
    ],
    troubleTicketCharacteristic: [{ '@type': 'StringCharacteristic', name: 'frequency', value: 'DAILY' }],
  };
}

interface SimEvent {
  eventId: string;
  eventType: string;
  listener: string;
  deliveries: number;
  body: { event: { troubleTicket: Json & { id: string; status: string } } };
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
    const reply = await stack.http.post(
      `/v1/complaints/${id}/replies`,
      {
        kind: 'FINAL',
        method: 'PHONE',
        summary: '电话告知已恢复，客户确认',
        customerConfirmed: true,
        satisfied: true,
      },
      KEYS.supervisor,
    );
    expect(reply.status).toBe(200);
    expect((await patch(id, { status: 'closed', statusChangeReason: '客户确认恢复' })).status).toBe(200);

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

  it('T3 a hub with a query ClosedLoop does not filter on, or no callback, is refused with the TMF Error', async () => {
    for (const body of [
      { callback: `${sim}/listener/x`, query: 'sort=id' },
      { callback: `${sim}/listener/x`, query: 'status=done' },
      { query: 'status=resolved' },
      { callback: 'ftp://example.org/x' },
      { callback: `${sim}/listener/x`, extra: 1 },
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
