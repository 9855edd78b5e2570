// Three pieces of the handling procedure over HTTP on the real local stack: the major-complaint
// report as a printable page linked from its e-mail (R5.3), gathering the evidence again for
// another window (R3.1, R3.2), and the refusal of a vague work-order reply (R4.6).
import { intakeBody } from '../support/fixtures';
import { eventually, KEYS, mails, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  stack = await startTestStack();
  for (const user of ['interface.chen', 'analyst.sun']) {
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

type View = {
  ticketId: string;
  stage: string;
  timeline: { action: string; actor: string; detail?: string }[];
  evidence?: { gatheredAt: string; bundle: { query: { window: { from: string; to: string } } } };
};
type Refusal = { error: string; message: string; details?: { field: string; message: string }[] };

const file = async () => {
  const res = await stack.http.post<{ ticketId: string }>('/v1/complaints', intakeBody(), KEYS.intake);
  expect(res.status).toBe(201);
  return res.body.ticketId;
};
const act = <T = View>(id: string, step: string, body: unknown, key: string = KEYS.handler) =>
  stack.http.post<T>(`/v1/complaints/${id}/${step}`, body, key);
const page = (id: string, key: string = KEYS.handler) =>
  fetch(`${stack.urls.api}/v1/complaints/${id}/major-report.html`, {
    headers: { authorization: `Bearer ${key}` },
  });
const gathered = (v: View) => v.timeline.filter((t) => t.action === 'EVIDENCE_GATHERED');

describe('R5.3 the written report of a major complaint as a printable page', () => {
  it('R5.3 GET …/major-report.html renders the stored report with the key facts; the e-mail to the optimisation centre links it', async () => {
    const id = await file();
    const notMajor = await page(id);
    expect(notMajor.status).toBe(404);
    expect(((await notMajor.json()) as Refusal).message).toMatch(/is not a major complaint/);

    expect((await act(id, 'triage', { decision: 'SELF', note: '本人处理' })).status).toBe(200);
    expect((await act(id, 'major', { reason: '多名客户投诉，媒体关注' }, KEYS.supervisor)).status).toBe(200);
    const noReport = await page(id);
    expect(noReport.status).toBe(404);
    expect((await noReport.json()) as Refusal).toMatchObject({
      error: 'no_major_report',
      message: expect.stringMatching(
        /has no written report yet.*POST \/v1\/complaints\/\{id\}\/major-report/,
      ),
    });

    const report = {
      title: '海淀区基站退服导致大面积掉话 <script>alert(1)</script>',
      impact: '约 300 名用户受影响 2 小时',
      rootCause: '传输光缆被挖断',
      coordination: '协调传输、网络部抢修',
      actions: '光缆熔接，增加路由保护',
      result: '业务恢复，客户满意',
    };
    expect((await act(id, 'major-report', report, tokens['interface.chen']!)).status).toBe(200);

    const res = await page(id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const html = await res.text();
    for (const text of [
      '重大投诉书面报告',
      'Major complaint report',
      id,
      '掉话 Dropped calls',
      'haidian',
      '约 300 名用户受影响 2 小时',
      '协调传输、网络部抢修',
      'interface.chen',
      '定为重大投诉 marked major',
      '尚未办结 Not resolved yet',
    ])
      expect(html).toContain(text);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<script/i);
    // Same readers as the complaint itself: an analyst may not read it.
    expect((await page(id, tokens['analyst.sun']!)).status).toBe(403);

    const mail = await eventually(
      async () =>
        (await mails(stack)).find(
          (m) => m.subject.includes('Major complaint report') && m.subject.includes(id),
        ),
      30_000,
      'the majorReport e-mail',
    );
    expect(mail.to.join(',')).toContain('opt-center@operator.example');
    const link = `${stack.urls.api}/v1/complaints/${encodeURIComponent(id)}/major-report.html`;
    expect(mail.text).toContain(`书面报告 Report (HTML): ${link}`);
    expect(mail.html).toContain(`href="${link}"`);
    const followed = await fetch(link, { headers: { authorization: `Bearer ${KEYS.supervisor}` } });
    expect(followed.status).toBe(200);
    expect(await followed.text()).toContain('传输光缆被挖断');
  });
});

describe('R3.1 R3.2 gathering the evidence again for another window', () => {
  it('R3.1 R3.2 POST …/evidence/regather adds a second EVIDENCE_GATHERED entry for the window; a bad window is a 400 naming the field', async () => {
    const id = await file();
    const first = await eventually(
      async () => {
        const r = await stack.http.get<View>(`/v1/complaints/${id}`);
        return r.status === 200 && gathered(r.body).length === 1 ? r.body : undefined;
      },
      60_000,
      'the evidence gathered at intake',
    );
    expect(gathered(first)).toHaveLength(1);

    const window = { from: '2026-11-18T08:00:00+08:00', to: '2026-11-20T08:00:00+08:00' };
    const again = await act(id, 'evidence/regather', window);
    expect(again.status).toBe(200);
    expect(gathered(again.body)).toEqual([
      expect.objectContaining({ actor: 'system' }),
      expect.objectContaining({ actor: 'handler.li' }),
    ]);
    expect(again.body.evidence?.bundle.query.window).toEqual({
      from: '2026-11-18T00:00:00.000Z',
      to: '2026-11-20T00:00:00.000Z',
    });
    await eventually(
      async () => {
        const r = await stack.http.get<View>(`/v1/complaints/${id}`);
        return gathered(r.body).length === 2 ? r.body : undefined;
      },
      30_000,
      'the read model with both gatherings',
    );

    const backwards = await act<Refusal>(id, 'evidence/regather', { from: window.to, to: window.from });
    expect(backwards.status).toBe(400);
    expect(backwards.body.details).toEqual([
      { field: 'to', message: expect.stringMatching(/must be after from/) },
    ]);
    const tooLong = await act<Refusal>(id, 'evidence/regather', {
      from: '2026-09-01T00:00:00Z',
      to: '2026-11-01T00:00:00Z',
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.message).toMatch(/^to: the window is at most 31 days/);
    const local = await act<Refusal>(id, 'evidence/regather', { from: '2026-11-18 08:00', to: window.to });
    expect(local.status).toBe(400);
    expect(local.body.details?.map((d) => d.field)).toEqual(['from']);
    // Nothing was gathered for the refused windows; an analyst may not ask at all.
    expect((await act(id, 'evidence/regather', window, tokens['analyst.sun']!)).status).toBe(403);
    expect(gathered((await stack.http.get<View>(`/v1/complaints/${id}`)).body)).toHaveLength(2);
  });
});

describe('R4.6 a vague work-order reply is refused', () => {
  it('R4.6 findings and resolve with boilerplate are refused with 400 naming the field; the complaint does not move', async () => {
    const id = await file();
    expect((await act(id, 'triage', { decision: 'SELF' })).status).toBe(200);
    const vagueFindings = await act<Refusal>(id, 'findings', {
      checked: '话统、告警、割接记录',
      found: '正常',
    });
    expect(vagueFindings.status).toBe(400);
    expect(vagueFindings.body.details).toEqual([
      { field: 'found', message: expect.stringMatching(/"正常" says nothing: say what was found/) },
    ]);
    expect(
      (await act(id, 'findings', { checked: '话统、告警、割接记录', found: '服务小区驻波比告警' })).status,
    ).toBe(200);

    const vague = await act<Refusal>(id, 'resolve', {
      summary: '更换服务小区天馈跳线后，室内信号恢复正常',
      rootCause: '已解决',
      actions: '更换跳线并复测',
    });
    expect(vague.status).toBe(400);
    expect(vague.body.error).toBe('validation_failed');
    expect(vague.body.message).toMatch(/^rootCause: too vague, "已解决" says nothing: name the root cause/);
    expect(vague.body.details?.map((d) => d.field)).toEqual(['rootCause']);
    expect((await stack.http.get<View>(`/v1/complaints/${id}`)).body.stage).toBe('IN_PROGRESS');

    const resolved = await act(id, 'resolve', {
      summary: '更换服务小区天馈跳线后，室内信号恢复正常',
      rootCause: '天馈跳线老化导致驻波比告警',
      actions: '更换跳线并复测',
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body.stage).toBe('RESOLVED');
  });
});
