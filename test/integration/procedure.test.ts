// The handling procedure over HTTP (issue 3): clocks view, pause/extend, escalation acknowledgement,
// worklists and the policy API, on the real local stack.
import path from 'node:path';
import { DEFAULT_POLICY_SET } from '../../domain/policy/default-policies';
import type { PolicySet } from '../../domain/policy/sla';
import { intakeBody } from '../support/fixtures';
import { eventually, KEYS, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  stack = await startTestStack({ POLICY_FILE: path.resolve(__dirname, '../fixtures/policy-fast.json') });
  for (const user of ['admin.root', 'interface.chen', 'handler.li']) {
    const res = await stack.http.request<{ access_token: string }>('POST', '/dev/token', {
      key: null,
      body: { user },
    });
    expect(res.status).toBe(200);
    tokens[user] = res.body.access_token;
  }
}, 600_000);

afterAll(async () => {
  await stack?.dispose();
}, 60_000);

type Clock = { name: string; state: string; dueAt?: string; extendedMs: number; pausedMs: number };
type View = {
  ticketId: string;
  stage: string;
  clocks: Clock[];
  escalations: { level: number; acknowledgedBy?: string }[];
  awaitingAckRole?: string;
};

const file = async () => {
  const res = await stack.http.post<{ ticketId: string }>('/v1/complaints', intakeBody(), KEYS.intake);
  expect(res.status).toBe(201);
  return res.body.ticketId;
};

describe('R4.1 every clock is shown and can be paused and extended', () => {
  it('R4.1 GET shows each clock with target, elapsed, paused, remaining and state; pause and extend move the deadline', async () => {
    const id = await file();
    const view = await eventually(async () => {
      const r = await stack.http.get<View>(`/v1/complaints/${id}`);
      return r.status === 200 && r.body.clocks?.length === 3 ? r.body : undefined;
    });
    expect(view.clocks.map((c) => `${c.name}:${c.state}`)).toEqual([
      'acceptance:running',
      'firstReply:running',
      'handling:running',
    ]);
    expect(view.clocks[0]).toEqual(
      expect.objectContaining({
        targetMs: expect.any(Number),
        elapsedMs: expect.any(Number),
        remainingMs: expect.any(Number),
        pausedMs: 0,
      }),
    );
    const paused = await stack.http.post<View>(`/v1/complaints/${id}/clocks/pause`, {
      clock: 'handling',
      reason: '等待客户约定时间',
    });
    expect(paused.status).toBe(200);
    expect(paused.body.clocks.find((c) => c.name === 'handling')?.state).toBe('paused');
    const again = await stack.http.post<{ message: string }>(`/v1/complaints/${id}/clocks/pause`, {
      clock: 'handling',
      reason: 'x',
    });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/already paused/);
    expect((await stack.http.post(`/v1/complaints/${id}/clocks/resume`, { clock: 'handling' })).status).toBe(
      200,
    );
    const denied = await stack.http.post(`/v1/complaints/${id}/clocks/extend`, {
      clock: 'handling',
      by: '4h',
      reason: '厂家',
    });
    expect(denied.status).toBe(403);
    const extended = await stack.http.post<View>(
      `/v1/complaints/${id}/clocks/extend`,
      { clock: 'handling', by: '4h', reason: '等待厂家备件' },
      KEYS.supervisor,
    );
    expect(extended.status).toBe(200);
    expect(extended.body.clocks.find((c) => c.name === 'handling')?.extendedMs).toBe(4 * 3_600_000);
    const bad = await stack.http.post<{ message: string }>(
      `/v1/complaints/${id}/clocks/extend`,
      { clock: 'handling', by: 'soon', reason: 'x' },
      KEYS.supervisor,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/by: a duration/);
  });
});

describe('R5.6 escalations reach a role, are acknowledged, and show in worklists', () => {
  it('R5.6 a breached first reply escalates by itself; the supervisor sees it in escalated-to-me and acknowledges it', async () => {
    const id = await file();
    // The fast test policy: first reply due after 12 s; its breach escalates to level 1 (supervisor).
    const escalated = await eventually(
      async () => {
        const r = await stack.http.get<View>(`/v1/complaints/${id}`, KEYS.supervisor);
        return r.body.awaitingAckRole === 'supervisor' ? r.body : undefined;
      },
      40_000,
      'automatic escalation',
    );
    expect(escalated.escalations[0]).toMatchObject({ level: 1 });
    const list = await eventually(
      async () => {
        const r = await stack.http.get<{ items: { ticketId: string }[] }>(
          '/v1/worklists/escalated-to-me?limit=200',
          KEYS.supervisor,
        );
        return r.body.items?.some((i) => i.ticketId === id) ? r.body : undefined;
      },
      15_000,
      'escalated-to-me',
    );
    expect(list.items.length).toBeGreaterThan(0);
    const breached = await stack.http.get<{ items: { ticketId: string }[] }>(
      '/v1/worklists/breached?limit=200',
      KEYS.supervisor,
    );
    expect(breached.body.items.map((i) => i.ticketId)).toContain(id);
    const ack = await stack.http.post<View>(
      `/v1/complaints/${id}/escalations/acknowledge`,
      { level: 1, note: '已安排' },
      KEYS.supervisor,
    );
    expect(ack.status).toBe(200);
    expect(ack.body.escalations[0]).toMatchObject({ acknowledgedBy: 'supervisor.wang' });
    expect(ack.body.awaitingAckRole).toBeUndefined();
    const unknown = await stack.http.get('/v1/worklists/everything', KEYS.supervisor);
    expect(unknown.status).toBe(400);
  }, 90_000);

  it('R5.3 marking major escalates to the interface person, who writes the report', async () => {
    const id = await file();
    const marked = await stack.http.post<View>(
      `/v1/complaints/${id}/major`,
      { reason: '媒体关注' },
      KEYS.supervisor,
    );
    expect(marked.status).toBe(200);
    expect(marked.body.awaitingAckRole).toBe('interface');
    const mine = await stack.http.get<{ items: { ticketId: string }[] }>(
      '/v1/worklists/escalated-to-me?limit=200',
      tokens['interface.chen'],
    );
    expect(mine.body.items.map((i) => i.ticketId)).toContain(id);
  });
});

describe('R4.1 SLA policies are data editable by an admin', () => {
  it('R4.1 an admin stores a new policy version; an invalid one is refused naming the problem; others may only read', async () => {
    const current = await stack.http.get<{ active: { version: number; policies: unknown[] } }>(
      '/v1/policies',
      KEYS.supervisor,
    );
    expect(current.status).toBe(200);
    const { version: _v, ...set } = current.body.active;
    const saved = await stack.http.post<{ version: number }>('/v1/policies', set, tokens['admin.root']);
    expect(saved.status).toBe(201);
    expect(saved.body.version).toBe(current.body.active.version + 1);
    const invalid = await stack.http.post<{ message: string }>(
      '/v1/policies',
      {
        policies: [
          {
            id: 'x',
            version: 1,
            description: '',
            match: { channels: ['EMOS'] },
            clocks: { firstReply: { target: '1h', warnAt: [] }, handling: { target: '2h', warnAt: [] } },
          },
        ],
      },
      tokens['admin.root'],
    );
    expect(invalid.status).toBe(422);
    expect(invalid.body.message).toMatch(/fallback/);
    expect((await stack.http.post('/v1/policies', set, KEYS.supervisor)).status).toBe(403);
  });

  it('R4.1 whatever GET /v1/policies returns, POST takes back: the built-in set and a customised one round-trip', async () => {
    type Active = PolicySet & Record<string, unknown>;
    const read = async () =>
      (await stack.http.get<{ active: Active }>('/v1/policies', tokens['admin.root'])).body.active;
    const original = await read();
    // The built-in set, as an admin would paste it, based on the active version.
    const builtIn = { ...structuredClone(DEFAULT_POLICY_SET), version: original.version };
    expect(Object.keys(builtIn)).toEqual(
      expect.arrayContaining(['repeatWindow', 'careCallbackAfter', 'contact']),
    );
    const saved = await stack.http.post<{ version: number }>('/v1/policies', builtIn, tokens['admin.root']);
    expect(saved.status).toBe(201);
    const afterBuiltIn = await read();
    expect({ ...afterBuiltIn, version: 0 }).toEqual({ ...structuredClone(DEFAULT_POLICY_SET), version: 0 });

    // Read, edit the three fields that were refused before (issue 24), save back exactly as read.
    const edited = {
      ...afterBuiltIn,
      repeatWindow: '14d',
      careCallbackAfter: '3d',
      contact: { ...afterBuiltIn.contact!, callAttempts: 2, allowedHours: { from: '09:00', to: '20:00' } },
    };
    const customised = await stack.http.post<{ version: number }>(
      '/v1/policies',
      edited,
      tokens['admin.root'],
    );
    expect(customised.status).toBe(201);
    const afterEdit = await read();
    expect(afterEdit).toEqual({ ...edited, version: customised.body.version });
    // The same read saved back unchanged is a new version with the same content.
    const again = await stack.http.post<{ version: number }>('/v1/policies', afterEdit, tokens['admin.root']);
    expect(again.status).toBe(201);
    expect(await read()).toEqual({ ...afterEdit, version: again.body.version });

    // An edit based on a version that is no longer active is refused, naming both versions.
    const stale = await stack.http.post<{ message: string }>('/v1/policies', afterEdit, tokens['admin.root']);
    expect(stale.status).toBe(409);
    expect(stale.body.message).toContain(`based on version ${afterEdit.version}`);
    // A bad value in a formerly refused field is named.
    const bad = await stack.http.post<{ message: string }>(
      '/v1/policies',
      {
        ...afterEdit,
        version: again.body.version,
        contact: { ...afterEdit.contact!, smsConfirmWait: 'soon' },
      },
      tokens['admin.root'],
    );
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('contact.smsConfirmWait');

    // Put the stack's policy back for the tests after this one.
    const { version: _v, ...restore } = original;
    expect((await stack.http.post('/v1/policies', restore, tokens['admin.root'])).status).toBe(201);
  });
});
