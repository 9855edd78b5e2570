// Sudden mass complaints (R8) on the time-skipping test server: the area watch, the mass-incident
// workflow and the complaint workflow's side of it, with fake activities (the integration suite
// runs the real ones on the local stack).
import type { WorkflowHandle } from '@temporalio/client';
import {
  areaWatchWorkflowId,
  complaintFiledSignal,
  INCIDENT_TASK_QUEUE,
  checkItemUpdate,
  closeIncidentUpdate,
  getAreaWatchQuery,
  getIncidentQuery,
  resolveIncidentUpdate,
  type IncidentView,
} from '../../workflows/incident/contract';
import {
  contactCustomerUpdate,
  getComplaintQuery,
  type ComplaintView,
} from '../../workflows/complaint/contract';
import { DEFAULT_POLICY_SET } from '../../domain/policy/default-policies';
import { renderContactSms } from '../../activities/contact-templates';
import { complaintInput } from '../support/fixtures';
import { clockOf, H, handler, iface, refusal, startHarness, type Harness } from '../support/workflow-harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness('incident-tests');
  h.incidents.enabled = true;
  h.incidents.policy = { ...h.incidents.policy, rules: [{ scope: 'site', count: 3, window: '30m' }] };
  // Customers may be called at any hour in this test (the contact rules are tested elsewhere).
  h.policySet.current = {
    ...DEFAULT_POLICY_SET,
    contact: { ...DEFAULT_POLICY_SET.contact!, allowedHours: { from: '00:00', to: '23:59' } },
  };
}, 120_000);

afterAll(async () => {
  await h?.cleanup();
  await h?.close();
}, 60_000);

async function poll<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read().catch(() => undefined);
    if (v !== undefined && ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`condition not reached; last: ${JSON.stringify(v)?.slice(0, 600)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

const act = <T>(handle: WorkflowHandle, name: string, input: T, actor = iface) =>
  handle.executeUpdate<IncidentView, [{ actor: typeof actor; input: T }]>(name, { args: [{ actor, input }] });

/** A burst some test filed: its complaints and the one incident they started. */
interface Burst {
  area: string;
  complaints: WorkflowHandle[];
  incident: WorkflowHandle;
}

/**
 * Files `n` complaints about one site at the same moment (above the rule's three) and waits until
 * they are all linked to the incident they start. Each test calls it with a site of its own, so no
 * test depends on another's incident or on the order the tests run in.
 */
async function burst(site: string, n = 6): Promise<Burst> {
  const inputs = Array.from({ length: n }, () =>
    complaintInput({
      location: { region: 'haidian', address: '北京市海淀区中关村大街1号', cellId: `${site}-1` },
    }),
  );
  for (const i of inputs)
    h.contact.customers.set(i.numbers.callback, { calls: ['answer'], digits: '1', smsReplies: ['1'] });
  const complaints = await Promise.all(inputs.map((i) => h.start(i)));
  const area = `site:${site}`;
  const w = await poll(
    () => h.env.client.workflow.getHandle(areaWatchWorkflowId(area)).query(getAreaWatchQuery),
    (v) => v.activeIncidentId !== undefined,
  );
  const incident = h.env.client.workflow.getHandle(w.activeIncidentId!);
  await poll(
    () => incident.query(getIncidentQuery),
    (x) => x.complaintCount === n,
  );
  return { area, complaints, incident };
}

/** The field team reports back and the incident is resolved with a message to every customer. */
async function resolveIncident(incident: WorkflowHandle): Promise<IncidentView> {
  await act(incident, checkItemUpdate.name, { item: 'fieldTeam', done: true, note: '抢修队已到站' });
  return act(incident, resolveIncidentUpdate.name, {
    customerMessage: '您所在区域的基站传输故障已修复，网络已恢复正常，给您带来不便深表歉意。',
    summary: '传输光缆被施工挖断，已熔接恢复',
  });
}

describe('a burst of complaints about one site', () => {
  it('R8.1 six complaints filed at the same moment start exactly one incident for the site', async () => {
    const { area, incident } = await burst('460-00-12345');
    const w = await h.env.client.workflow.getHandle(areaWatchWorkflowId(area)).query(getAreaWatchQuery);
    expect(w.incidentsStarted).toBe(1);
    const v = await incident.query(getIncidentQuery);
    expect(v.areaKey).toBe(area);
    expect(v.complaintCount).toBe(6);
    expect(new Set(v.linked.map((l) => l.ticketId)).size).toBe(6);
  });

  it('R8.2 departments and leaders are told at once, with the area, the count and the first evidence', async () => {
    const { area, incident } = await burst('460-00-12346');
    const { incidentId } = await incident.query(getIncidentQuery);
    const started = await poll(
      async () => h.incidents.notified.filter((n) => n.purpose === 'started' && n.incidentId === incidentId),
      (list) => list.length > 0,
    );
    expect(started).toHaveLength(1);
    expect(started[0]!.roles).toEqual(expect.arrayContaining(['leader', 'interface', 'department:network']));
    expect(started[0]!.vars.areaKey).toBe(area);
    expect(Number(started[0]!.vars.count)).toBeGreaterThanOrEqual(3);
    expect(started[0]!.vars.evidence).toMatch(/升级\/割接 0/);
    const v = await poll(
      () => incident.query(getIncidentQuery),
      (x) => x.notifiedAt !== undefined,
    );
    expect(v.notifyLatencyMs).toBeGreaterThanOrEqual(0);
  });

  it('R8.3 the contingency checklist is ticked by the area evidence and refuses a resolution while open', async () => {
    const { incident } = await burst('460-00-12347');
    const v = await poll(
      () => incident.query(getIncidentQuery),
      (x) => x.findings !== undefined,
    );
    const done = v.checklist.filter((c) => c.done).map((c) => c.id);
    expect(done).toEqual(expect.arrayContaining(['changes', 'alarms', 'interference', 'kpis', 'notified']));
    const reason = await refusal(
      act(incident, resolveIncidentUpdate.name, {
        customerMessage: '基站传输故障已修复，网络已恢复正常',
        summary: '传输光缆中断，已抢通',
      }),
    );
    expect(reason).toMatch(/fieldTeam/);
  });

  it('R8.4 each linked customer gets a holding first reply and no separate final reply while the incident is open', async () => {
    const { complaints } = await burst('460-00-12348');
    for (const c of complaints) {
      const v = await h.until(
        c,
        (x) => x.incident?.stage === 'OPEN' && x.replies.some((r) => r.kind === 'FIRST' && r.counts),
      );
      expect(v.contacts.find((k) => k.purpose === 'FIRST_REPLY')?.channel).toBe('SMS_NOTICE');
    }
    const reason = await refusal(
      complaints[0]!.executeUpdate<ComplaintView, [unknown]>(contactCustomerUpdate.name, {
        args: [
          {
            actor: handler,
            input: { purpose: 'FINAL_REPLY', channel: 'PHONE_FIRST', message: '已经处理好了，请您再试试' },
          },
        ],
      }),
    );
    expect(reason).toMatch(/mass incident/);
  });

  it('R8.4 when the incident is resolved every linked customer is answered and their complaints close', async () => {
    const { complaints, incident } = await burst('460-00-12349');
    const { incidentId } = await incident.query(getIncidentQuery);
    const resolved = await resolveIncident(incident);
    expect(resolved.stage).toBe('RESOLVED');
    for (const c of complaints) {
      const v = await h.until(c, (x) => x.stage === 'CLOSED', 30_000);
      const final = v.replies.find((r) => r.kind === 'FINAL');
      expect(final?.counts).toBe(true);
      expect(final?.summary).toMatch(/传输故障已修复/);
      expect(v.timeline.map((t) => t.action)).toEqual(
        expect.arrayContaining(['LINKED_TO_INCIDENT', 'INCIDENT_RESOLVED', 'CLOSED']),
      );
    }
    const told = await poll(
      async () => h.incidents.notified.filter((n) => n.purpose === 'resolved' && n.incidentId === incidentId),
      (list) => list.length > 0,
    );
    expect(told).toHaveLength(1);
  });

  it('R8.5 closing needs a root cause and preventive measures, which go into the knowledge base', async () => {
    const { area, incident } = await burst('460-00-12350');
    await resolveIncident(incident);
    const reason = await refusal(
      act(incident, closeIncidentUpdate.name, {
        rootCause: '施工挖断传输光缆导致基站退服',
        preventiveMeasures: [' '],
      }),
    );
    expect(reason).toMatch(/preventiveMeasures/);
    const closed = await act(incident, closeIncidentUpdate.name, {
      rootCause: '施工挖断传输光缆导致基站退服',
      preventiveMeasures: ['与市政施工单位建立光缆路由报备机制', '该站点增加备用传输路由'],
    });
    expect(closed.stage).toBe('CLOSED');
    const kept = h.incidents.knowledge.filter((k) => k.incidentId === closed.incidentId);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ incidentId: closed.incidentId, areaKey: area, complaintCount: 6 });
  });

  it('R8.1 a single complaint in a quiet area starts no incident', async () => {
    const lone = await h.start(
      complaintInput({ location: { region: 'chaoyang', cellId: '460-00-99999-1' } }),
    );
    const v = await h.until(lone, (x) => x.areaKey === 'site:460-00-99999');
    expect(v.incident).toBeUndefined();
    const w = await h.env.client.workflow
      .getHandle(areaWatchWorkflowId('site:460-00-99999'))
      .query(getAreaWatchQuery);
    expect(w).toMatchObject({ arrivals: 1, incidentsStarted: 0 });
    expect((await lone.query(getComplaintQuery)).stage).toBe('RECEIVED');
  });
});

describe('the holding SMS of a mass incident', () => {
  type Held = { handle: WorkflowHandle; ticketId: string; language: 'zh-CN' | 'en' };

  /**
   * Three complaints about `site` from customers who answer the reply call (key 1) but never an SMS,
   * linked to the incident they start, once the area evidence is in. A site per test: neither test
   * sees the other's incident.
   */
  async function heldBurst(site: string): Promise<{ held: Held[]; incident: WorkflowHandle }> {
    const inputs = (['zh-CN', 'zh-CN', 'en'] as const).map((language) =>
      complaintInput({
        location: { region: 'chaoyang', address: '北京市朝阳区建国路1号', cellId: `${site}-1` },
        customer: { vipLevel: 0, language },
      }),
    );
    for (const i of inputs)
      h.contact.customers.set(i.numbers.callback, { calls: ['answer'], digits: '1', smsReplies: [] });
    const held: Held[] = [];
    for (const i of inputs)
      held.push({ handle: await h.start(i), ticketId: i.ticketId, language: i.customer.language });
    const w = await poll(
      () => h.env.client.workflow.getHandle(areaWatchWorkflowId(`site:${site}`)).query(getAreaWatchQuery),
      (v) => v.activeIncidentId !== undefined,
    );
    const incident = h.env.client.workflow.getHandle(w.activeIncidentId!);
    await poll(
      () => incident.query(getIncidentQuery),
      (x) => x.complaintCount === 3 && x.findings !== undefined,
    );
    return { held, incident };
  }

  it('R8.4 the holding SMS informs and asks nothing', async () => {
    const { held } = await heldBurst('460-00-54321');
    for (const { handle, ticketId, language } of held) {
      // The notice is the only SMS of the contact: sent, not waited on.
      const sent = await poll(
        async () => h.contact.sms.filter((s) => s.ticketId === ticketId),
        (list) => list.length > 0,
      );
      expect(sent).toHaveLength(1);
      const sms = sent[0]!;
      expect(sms.purpose).toBe('FIRST_REPLY');
      const text = renderContactSms(sms.template, sms.language, sms.purpose, sms.vars);
      // No question and no reply request, in either language.
      expect(text).not.toMatch(/回复|请按|满意|reply|press|satisfied|[?？]/i);
      if (language === 'en') expect(text).toMatch(/repairing[^]*tell you as soon as it is fixed/);
      else expect(text).toMatch(/正在全力抢修[^]*修复后将第一时间告知您/);

      // The contact ends once the SMS is sent, and the notice is the first reply (R4.2).
      const v = await h.until(handle, (x) =>
        x.contacts.some((k) => k.purpose === 'FIRST_REPLY' && k.endedAt !== undefined),
      );
      const holding = v.contacts.find((k) => k.purpose === 'FIRST_REPLY')!;
      expect(holding.channel).toBe('SMS_NOTICE');
      expect(holding.attempts).toEqual([expect.objectContaining({ channel: 'SMS', result: 'SENT' })]);
      expect(holding.attempts![0]!.sid).toBeDefined();
      expect(v.replies).toEqual([expect.objectContaining({ kind: 'FIRST', method: 'SMS', counts: true })]);
      expect(clockOf(v, 'firstReply').state).toBe('met');
      expect(v.timeline.map((t) => t.action)).not.toContain('CONTACT_FAILED');
      expect(v.escalations).toHaveLength(0);
      expect(h.contact.routes.has(sms.to)).toBe(false);
    }
  });

  it("R8.4 the final reply starts as soon as the incident is resolved, not after the holding SMS's wait", async () => {
    const { held, incident } = await heldBurst('460-00-54322');
    await act(incident, checkItemUpdate.name, { item: 'fieldTeam', done: true, note: '抢修队已到站' });
    const resolved = await act(incident, resolveIncidentUpdate.name, {
      customerMessage: '您所在区域的基站电源故障已修复，网络已恢复正常，给您带来不便深表歉意。',
      summary: '基站电源模块故障，已更换',
    });
    expect(resolved.stage).toBe('RESOLVED');
    for (const { handle } of held) {
      // No time passes on the test server meanwhile: a final reply waiting for the holding SMS's
      // confirmation window would never start here.
      const v = await h.until(handle, (x) => x.stage === 'CLOSED', 30_000);
      const final = v.contacts.find((k) => k.purpose === 'FINAL_REPLY')!;
      expect(final.channel).toBe('PHONE_FIRST');
      expect(Date.parse(final.startedAt) - Date.parse(v.incident!.resolvedAt!)).toBeLessThan(60_000);
      expect(v.replies.filter((r) => r.kind === 'FINAL')).toEqual([
        expect.objectContaining({ method: 'PHONE', counts: true, satisfied: true }),
      ]);
      expect(v.replies.find((r) => r.kind === 'FINAL')?.summary).toMatch(/电源故障已修复/);
    }
  });
});

describe('a holding notice still waiting for the allowed hours when the incident is resolved', () => {
  it('R8.4 the notice is dropped and the final reply starts at once, to go out alone', async () => {
    const SITE = '460-00-65432';
    // Customers may be contacted from two hours from now (Asia/Shanghai, UTC+8) for two hours.
    const hhmm = (ms: number) => new Date(ms + 8 * H).toISOString().slice(11, 16);
    const now = await h.env.currentTimeMs();
    const previous = h.policySet.current;
    h.policySet.current = {
      ...previous,
      contact: { ...previous.contact!, allowedHours: { from: hhmm(now + 2 * H), to: hhmm(now + 4 * H) } },
    };
    const inputs = Array.from({ length: 3 }, () =>
      complaintInput({
        location: { region: 'chaoyang', address: '北京市朝阳区望京街1号', cellId: `${SITE}-1` },
      }),
    );
    const held: WorkflowHandle[] = [];
    try {
      for (const i of inputs) {
        h.contact.customers.set(i.numbers.callback, { calls: ['answer'], digits: '1', smsReplies: [] });
        held.push(await h.start(i));
      }
      for (const c of held)
        await h.until(c, (x) =>
          x.contacts.some((k) => k.purpose === 'FIRST_REPLY' && k.channel === 'SMS_NOTICE'),
        );
    } finally {
      h.policySet.current = previous;
    }
    const w = await poll(
      () => h.env.client.workflow.getHandle(areaWatchWorkflowId(`site:${SITE}`)).query(getAreaWatchQuery),
      (v) => v.activeIncidentId !== undefined,
    );
    const incident = h.env.client.workflow.getHandle(w.activeIncidentId!);
    await poll(
      () => incident.query(getIncidentQuery),
      (x) => x.complaintCount === 3 && x.findings !== undefined,
    );
    await act(incident, checkItemUpdate.name, { item: 'fieldTeam', done: true, note: '抢修队已到站' });
    await act(incident, resolveIncidentUpdate.name, {
      customerMessage: '您所在区域的基站故障已修复，网络已恢复正常。',
      summary: '基站主控板故障，已更换',
    });
    for (const c of held) {
      const v = await h.until(c, (x) => x.contacts.some((k) => k.purpose === 'FINAL_REPLY'));
      const holding = v.contacts.find((k) => k.purpose === 'FIRST_REPLY')!;
      expect(holding).toMatchObject({ channel: 'SMS_NOTICE', answer: 'CANCELED' });
      expect(holding.attempts ?? []).toEqual([]);
      expect(v.timeline.map((t) => t.action)).toContain('CONTACT_CANCELED');
      const final = v.contacts.find((k) => k.purpose === 'FINAL_REPLY')!;
      expect(Date.parse(final.startedAt) - Date.parse(v.incident!.resolvedAt!)).toBeLessThan(60_000);
    }
    // Into the allowed hours: the final reply call goes out, the "being repaired" SMS never does.
    await h.env.sleep('3h');
    for (const [n, c] of held.entries()) {
      const v = await h.until(c, (x) => x.stage === 'CLOSED', 30_000);
      expect(v.replies).toEqual([expect.objectContaining({ kind: 'FINAL', method: 'PHONE', counts: true })]);
      expect(h.contact.sms.filter((s) => s.to === inputs[n]!.numbers.callback)).toEqual([]);
      expect(h.contact.calls.filter((s) => s.to === inputs[n]!.numbers.callback)).toHaveLength(1);
    }
  });
});

describe('reports that come twice', () => {
  it('R8.1 a complaint reported by the intake and again by its workflow counts once, before and during the incident', async () => {
    const area = 'site:460-00-77777';
    const now = await h.env.currentTimeMs();
    const report = (ticketId: string) =>
      h.env.client.workflow.signalWithStart('areaWatchWorkflow', {
        taskQueue: INCIDENT_TASK_QUEUE,
        workflowId: areaWatchWorkflowId(area),
        args: [{ areaKey: area }],
        signal: complaintFiledSignal,
        signalArgs: [
          {
            ticketId,
            at: now,
            area: { scope: 'site', key: area, region: 'chaoyang', cellIds: [], siteIds: ['460-00-77777'] },
            rule: { scope: 'site', count: 3, window: '30m' },
            policy: h.incidents.policy,
          },
        ],
      });
    const watch = h.env.client.workflow.getHandle(areaWatchWorkflowId(area));
    // Two complaints, each reported twice: two arrivals, below the rule's three.
    for (const t of ['DUP-1', 'DUP-1', 'DUP-2', 'DUP-2']) await report(t);
    const before = await poll(
      () => watch.query(getAreaWatchQuery),
      (v) => v.arrivals === 2,
    );
    expect(before.activeIncidentId).toBeUndefined();

    await report('DUP-3');
    const w = await poll(
      () => watch.query(getAreaWatchQuery),
      (v) => v.activeIncidentId !== undefined,
    );
    const incident = h.env.client.workflow.getHandle(w.activeIncidentId!);
    // While it is open, later reports (repeats among them) go to the incident in batches.
    for (const t of ['DUP-3', 'DUP-4', 'DUP-1', 'DUP-5', 'DUP-4']) await report(t);
    const v = await poll(
      () => incident.query(getIncidentQuery),
      (x) => x.complaintCount >= 5,
    );
    expect(v.linked.map((l) => l.ticketId).sort()).toEqual(['DUP-1', 'DUP-2', 'DUP-3', 'DUP-4', 'DUP-5']);
    expect(v.timeline.find((e) => e.action === 'STARTED')?.detail).toMatch(/^3 complaints/);
    expect((await watch.query(getAreaWatchQuery)).incidentsStarted).toBe(1);
    await incident.terminate('test done');
  });
});
