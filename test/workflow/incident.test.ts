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
import { DEFAULT_CONTINGENCY_PLAN } from '../../domain/policy/mass-incident';
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

/**
 * People work through what the area evidence did not tick (R8.6: each with a note of what they
 * checked and found), once the evidence is in.
 */
async function workThroughPlan(incident: WorkflowHandle): Promise<void> {
  const v = await poll(
    () => incident.query(getIncidentQuery),
    (x) => x.findings !== undefined,
  );
  for (const item of v.checklist.filter((c) => !c.done && c.beforeResolve))
    await act(incident, checkItemUpdate.name, {
      item: item.id,
      done: true,
      note: item.id === 'fieldTeam' ? '抢修队已到站' : '已人工核查，未见异常',
    });
}

/** The plan is worked through and the incident is resolved with a message to every customer. */
async function resolveIncident(incident: WorkflowHandle): Promise<IncidentView> {
  await workThroughPlan(incident);
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

  it('R8.6 an area without findings ticks nothing by itself: a person ticks each item with a note, and resolving waits for them', async () => {
    const { incident } = await burst('460-00-12347');
    const v = await poll(
      () => incident.query(getIncidentQuery),
      (x) => x.findings !== undefined && x.notifiedAt !== undefined,
    );
    // The sources answered with nothing: no item is ticked by their answer alone.
    const evidenceItems = v.checklist.filter((c) =>
      ['changes', 'alarms', 'interference', 'kpis'].includes(c.id),
    );
    expect(evidenceItems.map((c) => [c.id, c.done])).toEqual([
      ['changes', false],
      ['alarms', false],
      ['interference', false],
      ['kpis', false],
    ]);
    expect(evidenceItems[0]!.note).toMatch(/nothing found/);
    expect(v.checklist.find((c) => c.id === 'notified')).toMatchObject({ done: true, how: 'event' });
    expect(v.checklist.find((c) => c.id === 'changes')).toMatchObject({ role: 'department:network' });
    const early = await refusal(
      act(incident, resolveIncidentUpdate.name, {
        customerMessage: '基站传输故障已修复，网络已恢复正常',
        summary: '传输光缆中断，已抢通',
      }),
    );
    expect(early).toMatch(/changes, alarms, interference, kpis, fieldTeam/);
    expect(await refusal(act(incident, checkItemUpdate.name, { item: 'alarms', done: true }))).toMatch(
      /note/,
    );
    const ticked = await act(incident, checkItemUpdate.name, {
      item: 'alarms',
      done: true,
      note: '网管核查：区域内无告警',
    });
    expect(ticked.checklist.find((c) => c.id === 'alarms')).toMatchObject({
      done: true,
      how: 'person',
      by: iface.user,
      note: '网管核查：区域内无告警',
    });
    await workThroughPlan(incident);
    const resolved = await act(incident, resolveIncidentUpdate.name, {
      customerMessage: '基站传输故障已修复，网络已恢复正常',
      summary: '传输光缆中断，已抢通',
    });
    expect(resolved.checklist.find((c) => c.id === 'customerMessage')).toMatchObject({
      done: true,
      how: 'event',
    });
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

describe('a burst located by coordinates in an area with a cutover and an alarm', () => {
  it('R8.6 complaints without a cell are located and counted for the site; R8.3 the planted cutover and alarm are the findings that tick the plan, which is policy data', async () => {
    const SITE = '460-00-31415';
    const now = await h.env.currentTimeMs();
    const at = (ms: number) => new Date(now + ms).toISOString();
    const sector = (n: number, azimuth: number) => ({
      cellId: `${SITE}-${n}`,
      siteId: SITE,
      sector: n,
      lat: 39.98,
      lng: 116.31,
      azimuth,
      beamwidth: 65,
      band: 'B3',
      technology: 'LTE' as const,
      region: 'haidian',
    });
    h.incidents.network.cells.push(sector(1, 0), sector(2, 120), sector(3, 240));
    h.incidents.network.changes.push({
      id: 'CHG-R86-1',
      kind: 'cutover',
      siteIds: [SITE],
      cellIds: [],
      startedAt: at(-2 * H),
      endedAt: at(-H),
      description: '传输割接 transmission cutover',
    });
    h.incidents.network.alarms.push({
      id: 'ALM-R86-1',
      siteId: SITE,
      cellIds: [],
      severity: 'critical',
      type: 'TRANSMISSION_LOSS',
      raisedAt: at(-30 * 60_000),
    });
    const previous = h.incidents.policy;
    // The plan is the policy's: an extra item of this operator's with the role that does it.
    h.incidents.policy = {
      ...previous,
      // A region rule too: a complaint not located would count for region:haidian instead.
      rules: [...previous.rules, { scope: 'region', count: 30, window: '30m' }],
      plan: [
        ...DEFAULT_CONTINGENCY_PLAN,
        { id: 'powerCheck', title: '核查基站电源 Site power', role: 'department:power', beforeResolve: true },
      ],
    };
    let tickets: WorkflowHandle[];
    try {
      // Three customers 300 m north of the site give coordinates and an address, no cell.
      tickets = await Promise.all(
        Array.from({ length: 3 }, () =>
          h.start(
            complaintInput({
              location: {
                region: 'haidian',
                address: '北京市海淀区知春路1号',
                coordinates: { lat: 39.9827, lng: 116.31 },
              },
            }),
          ),
        ),
      );
      for (const t of tickets) {
        const v = await h.until(t, (x) => x.areaKey !== undefined);
        expect(v.areaKey).toBe(`site:${SITE}`);
        expect(v.timeline.find((e) => e.action === 'AREA_LOCATED')?.detail).toBe(`${SITE}-1 → site:${SITE}`);
      }
    } finally {
      h.incidents.policy = previous;
    }
    const w = await poll(
      () => h.env.client.workflow.getHandle(areaWatchWorkflowId(`site:${SITE}`)).query(getAreaWatchQuery),
      (x) => x.activeIncidentId !== undefined,
    );
    // Not counted for the region: no watch there saw them.
    await expect(
      h.env.client.workflow.getHandle(areaWatchWorkflowId('region:haidian')).query(getAreaWatchQuery),
    ).rejects.toThrow();
    const incident = h.env.client.workflow.getHandle(w.activeIncidentId!);
    const v = await poll(
      () => incident.query(getIncidentQuery),
      (x) => x.findings !== undefined,
    );
    expect(v.area).toMatchObject({ scope: 'site', siteIds: [SITE] });
    expect(v.findings!.changes).toMatchObject({ count: 1 });
    expect(v.findings!.changes.top[0]).toMatch(/cutover .*传输割接/);
    expect(v.findings!.alarms).toMatchObject({ count: 1 });
    expect(v.findings!.alarms.top[0]).toMatch(/critical TRANSMISSION_LOSS 460-00-31415 \(active\)/);
    const item = (id: string) => v.checklist.find((c) => c.id === id)!;
    expect(item('changes')).toMatchObject({ done: true, how: 'finding', by: 'system' });
    expect(item('changes').note).toMatch(/传输割接/);
    expect(item('alarms')).toMatchObject({ done: true, how: 'finding' });
    expect(item('alarms').note).toMatch(/TRANSMISSION_LOSS/);
    expect(item('interference').done).toBe(false);
    expect(item('kpis').done).toBe(false);
    expect(item('powerCheck')).toMatchObject({ done: false, role: 'department:power', beforeResolve: true });
    const reason = await refusal(
      act(incident, resolveIncidentUpdate.name, {
        customerMessage: '基站传输故障已修复，网络已恢复正常',
        summary: '传输割接后光路异常，已回退',
      }),
    );
    expect(reason).toMatch(/interference, kpis, fieldTeam, powerCheck/);
    await incident.terminate('test done');
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
    await workThroughPlan(incident);
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
    await workThroughPlan(incident);
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
