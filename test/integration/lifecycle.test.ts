// One complaint's daily lifecycle on the real local stack, driven through HTTP only.
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import twilio from 'twilio';
import { dataConverterFromEnv } from '../../platform/data-converter';
import { intakeBody } from '../support/fixtures';
import { eventually, KEYS, mails, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let temporal: Connection;

beforeAll(async () => {
  stack = await startTestStack({ POLICY_FILE: path.resolve(__dirname, '../fixtures/policy-fast.json') });
  temporal = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
}, 600_000);

afterAll(async () => {
  await temporal?.close();
  await stack?.dispose();
}, 60_000);

type View = {
  ticketId: string;
  stage: string;
  timeline: { actor: string; action: string; detail?: string }[];
  clocks: { name: string; state: string }[];
  replies: unknown[];
};

const fileComplaint = async (over: Record<string, unknown> = {}) => {
  const body = intakeBody(over);
  const res = await stack.http.post<{ ticketId: string; created: boolean; workflowId: string }>(
    '/v1/complaints',
    body,
    KEYS.intake,
  );
  return { body, res };
};

describe('R1 intake through the HTTP API', () => {
  it('R1.1 R1.4 a complaint is accepted from each channel and starts its workflow at once', async () => {
    for (const channel of ['EMOS', 'GREEN_NET', 'OTHER', 'OPT_CENTER_URGENT', 'LEADER_ASSIGNED']) {
      const { body, res } = await fileComplaint({ channel });
      expect(res.status).toBe(201);
      expect(res.body.ticketId).toBe(`${channel}-${body.externalId}`);
      const client = new Client({ connection: temporal, dataConverter: dataConverterFromEnv(stack.env) });
      const desc = await client.workflow.getHandle(res.body.workflowId).describe();
      expect(desc.status.name).toBe('RUNNING');
      expect(desc.type).toBe('complaintWorkflow');
    }
  });

  it('R1.2 the record keeps description, location, time and frequency, terminal, numbers and extra information', async () => {
    const { body, res } = await fileComplaint({
      extra: '客户称周末更严重',
      location: { region: 'chaoyang', coordinates: { lat: 39.92, lng: 116.46 }, cellId: '460-00-23456-2' },
    });
    const view = await eventually(async () => {
      // A complaint of region chaoyang: not the dev handler's team (S2), a supervisor reads it.
      const r = await stack.http.get<{ input: Record<string, unknown> }>(
        `/v1/complaints/${res.body.ticketId}`,
        KEYS.supervisor,
      );
      return r.status === 200 ? r.body : undefined;
    });
    expect(view.input).toMatchObject({
      description: expect.stringContaining('掉线'),
      location: { region: 'chaoyang', coordinates: { lat: 39.92, lng: 116.46 }, cellId: '460-00-23456-2' },
      occurrence: { frequency: 'DAILY', timeOfDay: '19:00-23:00' },
      terminal: { model: 'Huawei Mate 60' },
      numbers: body.numbers,
      extra: '客户称周末更严重',
    });
  });

  it('R1.3 the same channel ticket filed twice is one complaint', async () => {
    const { body, res } = await fileComplaint();
    const again = await stack.http.post<{ ticketId: string; created: boolean }>(
      '/v1/complaints',
      body,
      KEYS.intake,
    );
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ ticketId: res.body.ticketId, created: false });
    const client = new Client({ connection: temporal, dataConverter: dataConverterFromEnv(stack.env) });
    const runs = [];
    for await (const wf of client.workflow.list({ query: `TicketId = "${res.body.ticketId}"` }))
      runs.push(wf);
    expect(runs).toHaveLength(1);
  });

  it('R1.3 bad input gets a 400 naming the field and creates nothing', async () => {
    const { body } = { body: intakeBody() };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...body, channel: 'FAX' }, /channel/],
      [{ ...body, location: { address: 'x' } }, /location\.region/],
      [{ ...body, numbers: { callback: '13800138000' } }, /numbers\.callback: must be an E\.164/],
      [{ ...body, location: { region: 'haidian' } }, /address, the coordinates or the serving cell/],
      [{ ...body, externalId: '../etc/passwd' }, /externalId/],
      [{ ...body, unexpected: 1 }, /unexpected|Unrecognized/i],
    ];
    for (const [input, field] of cases) {
      const res = await stack.http.post<{ error: string; message: string }>(
        '/v1/complaints',
        input,
        KEYS.intake,
      );
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('validation_failed');
      expect(res.body.message).toMatch(field);
    }
    const notJson = await stack.http.request('POST', '/v1/complaints', {
      key: KEYS.intake,
      raw: '{"channel": "EMOS",',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ error: 'invalid_json' });
    const ghost = await stack.http.get(`/v1/complaints/EMOS-${body.externalId}`);
    expect(ghost.status).toBe(404);
  });

  it('S2 intake needs a key and the intake role', async () => {
    const body = intakeBody();
    expect((await stack.http.request('POST', '/v1/complaints', { body, key: null })).status).toBe(401);
    expect((await stack.http.post('/v1/complaints', body, 'wrong-key-123')).status).toBe(401);
    const forbidden = await stack.http.post<{ message: string }>('/v1/complaints', body, KEYS.handler);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.message).toMatch(/intake/);
  });
});

describe('R2.1 R4.5 R10 the lifecycle through the API', () => {
  it('R4.5 triage, findings, resolve, reply and close; 409 for actions out of order; close without reply refused', async () => {
    const { res } = await fileComplaint();
    const id = res.body.ticketId;
    const act = (step: string, body: unknown, key: string = KEYS.handler) =>
      stack.http.post<View & { message: string }>(`/v1/complaints/${id}/${step}`, body, key);

    const early = await act('resolve', {
      summary: '已处理完毕，信号恢复',
      rootCause: '天馈驻波比异常',
      actions: '更换天馈线，复测',
    });
    expect(early.status).toBe(409);
    expect(early.body.message).toMatch(/cannot resolve a complaint in stage RECEIVED/);

    expect((await act('triage', { decision: 'TRANSFER' })).status).toBe(400);
    const triaged = await act('triage', { decision: 'SELF', note: '本人处理' });
    expect(triaged.status).toBe(200);
    expect(triaged.body.stage).toBe('IN_PROGRESS');
    expect(
      (await act('findings', { checked: '话统指标、故障告警、干扰分析', found: '小区 12345-1 有驻波比告警' }))
        .status,
    ).toBe(200);
    const resolved = await act('resolve', {
      summary: '更换天馈后小区指标恢复，客户所在位置信号正常',
      rootCause: '天馈驻波比异常',
      actions: '更换天馈线，复测',
    });
    expect(resolved.body.stage).toBe('RESOLVED');

    const noReply = await act('close', {});
    expect(noReply.status).toBe(409);
    const smsUnconfirmed = await act('replies', {
      kind: 'FINAL',
      method: 'SMS',
      summary: '短信告知已修复',
      customerConfirmed: false,
    });
    expect(smsUnconfirmed.status).toBe(200);
    const stillRefused = await act('close', {});
    expect(stillRefused.status).toBe(409);
    expect(stillRefused.body.message).toMatch(/no recorded reply to the customer/);

    const replied = await act('replies', {
      kind: 'FINAL',
      method: 'PHONE',
      summary: '电话回复客户：已更换天馈，信号恢复',
      customerConfirmed: true,
      satisfied: true,
    });
    expect(replied.body.stage).toBe('REPLYING');
    const closed = await act('close', { note: '客户满意' });
    expect(closed.status).toBe(200);
    expect(closed.body.stage).toBe('CLOSED');
    const after = await act('findings', { checked: '话统指标、告警', found: '驻波比告警已消除' });
    expect(after.status).toBe(409);
    // An escalation of a closed complaint would be ignored by the workflow: the API says so.
    const lateEscalation = await act('escalations', { level: 1, reason: '客户再次来电' }, KEYS.supervisor);
    expect(lateEscalation.status).toBe(409);
    expect(lateEscalation.body.message).toMatch(/is closed: there is nothing to escalate/);

    const got = await stack.http.get<View>(`/v1/complaints/${id}`);
    expect(got.body.stage).toBe('CLOSED');
    const human = got.body.timeline.filter((t) => t.actor === 'handler.li').map((t) => t.action);
    expect(human).toEqual(['TRIAGED', 'FINDINGS', 'RESOLVED', 'REPLIED', 'REPLIED', 'CLOSED']);

    const list = await stack.http.get<{ items: { ticketId: string; stage: string }[] }>(
      `/v1/complaints?stage=CLOSED&limit=200`,
    );
    expect(list.body.items.map((i) => i.ticketId)).toContain(id);
  });

  it('R10.1 the Temporal server finds a complaint by ticket id, stage, channel, region, VIP level and SLA state', async () => {
    const { body, res } = await fileComplaint({
      channel: 'GREEN_NET',
      location: { region: 'xicheng', address: '西城区金融街' },
      customer: { vipLevel: 2, language: 'zh-CN' },
    });
    expect(res.status).toBe(201);
    const ticket = res.body.ticketId;
    const triaged = await stack.http.post(
      `/v1/complaints/${ticket}/triage`,
      { decision: 'TEAM' },
      KEYS.supervisor,
    );
    expect(triaged.status).toBe(200);
    const client = new Client({ connection: temporal, dataConverter: dataConverterFromEnv(stack.env) });
    const search = async (query: string) => {
      const hits: string[] = [];
      for await (const wf of client.workflow.list({ query })) hits.push(wf.workflowId);
      return hits;
    };
    const findEventually = (query: string, what: string) =>
      eventually(async () => ((await search(query)).length ? search(query) : undefined), 30_000, what);

    const byAttributes = `TicketId = "${ticket}" AND ComplaintStage = "IN_PROGRESS" AND Channel = "GREEN_NET" AND Region = "xicheng" AND ExternalTicketId = "${body.externalId}" AND VipLevel = 2`;
    expect(await findEventually(byAttributes, 'visibility by stage, channel, region and VIP level')).toEqual([
      res.body.workflowId,
    ]);
    // The fast test policy breaches the first reply after 12 s: the SLA state follows it.
    const breached = `TicketId = "${ticket}" AND VipLevel = 2 AND SlaState = "BREACHED" AND SlaBreached = true`;
    expect(await findEventually(breached, 'visibility by SLA state BREACHED')).toEqual([res.body.workflowId]);
    // The attributes discriminate: another VIP level or the SLA state it left does not find it.
    expect(await search(`TicketId = "${ticket}" AND VipLevel = 0`)).toEqual([]);
    expect(await search(`TicketId = "${ticket}" AND SlaState = "OK"`)).toEqual([]);
    // Across complaints: a VIP level and SLA state search finds this one among the others.
    const acrossAll = await search(`VipLevel >= 2 AND SlaState = "BREACHED" AND Region = "xicheng"`);
    expect(acrossAll).toContain(res.body.workflowId);
  });

  it('R5.2 a supervisor escalates with a reason and a level; a handler may not', async () => {
    const { res } = await fileComplaint();
    const id = res.body.ticketId;
    expect(
      (
        await stack.http.post(
          `/v1/complaints/${id}/escalations`,
          { level: 2, reason: '客户情绪激动' },
          'dev-handler-key',
        )
      ).status,
    ).toBe(403);
    const ok = await stack.http.post(
      `/v1/complaints/${id}/escalations`,
      { level: 2, reason: '客户情绪激动' },
      KEYS.supervisor,
    );
    expect(ok.status).toBe(202);
    const mail = await eventually(
      async () => (await mails(stack, { subject: id })).find((m) => m.subject.includes('Escalation L2')),
      30_000,
      'escalation e-mail',
    );
    expect(mail.text).toContain('客户情绪激动');
  });
});

describe('R5.1 an unsatisfied customer is reported to the interface person', () => {
  it('R5.1 a final reply the customer does not accept reopens the complaint and e-mails the interface person at once', async () => {
    const { res } = await fileComplaint();
    const id = res.body.ticketId;
    const act = (step: string, body: unknown) =>
      stack.http.post<View & { message: string }>(`/v1/complaints/${id}/${step}`, body, KEYS.handler);
    expect((await act('triage', { decision: 'SELF' })).status).toBe(200);
    expect(
      (await act('findings', { checked: '话统指标、故障告警', found: '小区 12345-1 上行干扰' })).status,
    ).toBe(200);
    const resolved = await act('resolve', {
      summary: '协调清除干扰源后小区指标恢复',
      rootCause: '外部干扰',
      actions: '协调无委清除干扰源，复测',
    });
    expect(resolved.body.stage).toBe('RESOLVED');
    const notAccepted = await act('replies', {
      kind: 'FINAL',
      method: 'PHONE',
      summary: '客户表示晚上仍然掉线，不认可处理结果',
      customerConfirmed: true,
      satisfied: false,
    });
    expect(notAccepted.status).toBe(200);
    expect(notAccepted.body.stage).toBe('REOPENED');
    // The message itself, as the interface person's mailbox receives it (ROLE_EMAILS.interface).
    const mail = await eventually(
      async () =>
        (await mails(stack, { to: 'interface@operator.example', subject: id })).find((m) =>
          m.subject.includes('Escalation L2'),
        ),
      30_000,
      'escalation e-mail to the interface person',
    );
    expect(mail.to).toContain('interface@operator.example');
    expect(mail.text).toContain('客户表示晚上仍然掉线');
    expect(mail.headers['x-closedloop-ticket']).toBe(id);
  });
});

describe('R4.2 the first-reply clock e-mails the supervisors', () => {
  it('R4.2 the first-reply warning and breach e-mails arrive in the mail sink', async () => {
    const { res } = await fileComplaint();
    const id = res.body.ticketId;
    // The fast test policy: first reply due after 12 s, warning at 50 %.
    const warning = await eventually(
      async () => (await mails(stack, { subject: id })).find((m) => m.subject.includes('Due soon')),
      30_000,
      'warning e-mail',
    );
    expect(warning.to).toContain('supervisor@operator.example');
    expect(warning.text).toContain('首次回复');
    expect(warning.headers['x-closedloop-ticket']).toBe(id);
    const breach = await eventually(
      async () => (await mails(stack, { subject: id })).find((m) => m.subject.includes('Breached')),
      30_000,
      'breach e-mail',
    );
    expect(breach.html).toContain(id);
    const view = await eventually(
      async () => {
        const r = await stack.http.get<View & { slaBreached: boolean }>(`/v1/complaints/${id}`);
        return r.body.slaBreached ? r.body : undefined;
      },
      15_000,
      'breached projection',
    );
    expect(view.clocks.find((c) => c.name === 'firstReply')?.state).toBe('breached');
    const breachedList = await stack.http.get<{ items: { ticketId: string }[] }>(
      '/v1/complaints?breached=true&limit=200',
    );
    expect(breachedList.body.items.map((i) => i.ticketId)).toContain(id);
  }, 90_000);
});

describe('Twilio: the acknowledgement SMS and signed status callbacks', () => {
  it('R4.3 the customer gets a zh-CN acknowledgement SMS; its delivery status reaches the timeline', async () => {
    const { res } = await fileComplaint();
    const id = res.body.ticketId;
    const view = await eventually(
      async () => {
        const r = await stack.http.get<View>(`/v1/complaints/${id}`);
        return r.body.timeline?.some((t) => t.action === 'SMS_STATUS' && /delivered/.test(t.detail ?? ''))
          ? r.body
          : undefined;
      },
      30_000,
      'delivered SMS status on the timeline',
    );
    expect(view.timeline.some((t) => t.action === 'ACK_SMS_SENT')).toBe(true);
    const sim = (await (await fetch(`${stack.urls.twilioSim}/_sim/messages`)).json()) as
      { body: string; to: string }[] | { messages: { body: string; to: string }[] };
    const list = Array.isArray(sim) ? sim : sim.messages;
    const ours = list.filter((m) => m.body.includes(id));
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toContain('已受理');
  });

  it('S4 a status callback without a valid Twilio signature is refused and changes nothing', async () => {
    const url = `${stack.env.PUBLIC_BASE_URL}/webhooks/twilio/message-status`;
    const params = { MessageSid: 'SM' + 'a'.repeat(32), MessageStatus: 'delivered' };
    const form = new URLSearchParams(params).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const unsigned = await fetch(url, { method: 'POST', headers, body: form });
    expect(unsigned.status).toBe(403);
    const forged = await fetch(url, {
      method: 'POST',
      headers: {
        ...headers,
        'x-twilio-signature': twilio.getExpectedTwilioSignature('not-the-token', url, params),
      },
      body: form,
    });
    expect(forged.status).toBe(403);
    const good = await fetch(url, {
      method: 'POST',
      headers: {
        ...headers,
        'x-twilio-signature': twilio.getExpectedTwilioSignature(stack.env.TWILIO_AUTH_TOKEN!, url, params),
      },
      body: form,
    });
    expect(good.status).toBe(204);
  });
});

describe('the API describes itself and reports its health', () => {
  it('serves /healthz and the OpenAPI document', async () => {
    const health = await stack.http.request('GET', '/healthz', { key: null });
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ ok: true });
    const doc = await stack.http.request<{ openapi: string; paths: Record<string, unknown> }>(
      'GET',
      '/openapi.json',
      { key: null },
    );
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/v1/complaints', '/v1/complaints/{id}/close']),
    );
    const unknown = await stack.http.get('/v1/nothing-here');
    expect(unknown.status).toBe(404);
  });
});
