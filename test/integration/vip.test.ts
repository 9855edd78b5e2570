// VIP profiles (R7.1) and VIP complaints (R7.2) on the real local stack: the VIP manager keeps the
// profiles over HTTP; a complaint from a VIP's number is recognised at intake, gets the VIP policy,
// and the leader's assistants hear of it by e-mail (mail sink) and SMS (Twilio simulator).
import { intakeBody, uniqueMobile } from '../support/fixtures';
import { eventually, KEYS, mails, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let vipManager = '';

beforeAll(async () => {
  stack = await startTestStack();
  const res = await stack.http.request<{ access_token: string }>('POST', '/dev/token', {
    key: null,
    body: { user: 'vip.manager' },
  });
  vipManager = res.body.access_token;
}, 600_000);

afterAll(async () => {
  await stack?.dispose();
}, 60_000);

const sim = async <T>(p: string): Promise<T> =>
  (await (await fetch(`${stack.urls.twilioSim}/_sim${p}`)).json()) as T;

describe('VIP profiles and complaints', () => {
  const number = uniqueMobile();
  const assistantPhone = '+8613900000021';
  const profile = {
    number,
    name: '某领导',
    imsi: '460001234567890',
    imei: '35693803564380',
    terminalModel: 'iPhone 16',
    vipLevel: 2,
    office: { label: '办公室', address: '北京市海淀区中关村大街1号', cellIds: ['460-00-12345-1'] },
    residence: { label: '住所', address: '北京市海淀区学院路5号' },
    activityLocations: [{ label: '常去会议中心', coordinates: { lat: 39.98, lng: 116.31 } }],
    assistants: [{ name: '王秘书', phone: assistantPhone, email: 'assistant.wang@gov.example' }],
  };

  it('R7.1 the VIP manager keeps profiles: checked fields, one per number, numbers masked in lists, closed to others', async () => {
    const bad = await stack.http.post<{ message: string }>(
      '/v1/vips',
      { ...profile, assistants: [] },
      vipManager,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/assistants/);
    const created = await stack.http.post<{ profileId: string; number: string }>(
      '/v1/vips',
      profile,
      vipManager,
    );
    expect(created.status).toBe(201);
    expect(created.body.profileId).toMatch(/^vip-/);
    expect((await stack.http.post('/v1/vips', profile, vipManager)).status).toBe(409);
    const list = await stack.http.get<{ items: { profileId: string; number: string }[] }>(
      '/v1/vips',
      vipManager,
    );
    const item = list.body.items.find((i) => i.profileId === created.body.profileId);
    expect(item?.number).toMatch(/\*{4}/);
    expect(item?.number).not.toBe(number);
    const one = await stack.http.get<{ imsi: string; assistants: unknown[] }>(
      `/v1/vips/${created.body.profileId}`,
      vipManager,
    );
    expect(one.body).toMatchObject({ imsi: profile.imsi, assistants: profile.assistants });
    expect((await stack.http.get('/v1/vips', KEYS.handler)).status).toBe(403);
  });

  it('R7.2 a complaint from the VIP number gets the VIP policy and the assistant hears of it at once', async () => {
    const filed = await stack.http.post<{ ticketId: string }>(
      '/v1/complaints',
      intakeBody({ numbers: { callback: number, calling: number } }),
      KEYS.intake,
    );
    expect(filed.status).toBe(201);
    const id = filed.body.ticketId;
    const v = await eventually(async () => {
      const r = await stack.http.get<{
        vip?: { level: number; informed: string[] };
        policy?: { id: string };
      }>(`/v1/complaints/${id}`, KEYS.supervisor);
      return r.body.vip?.informed.includes('FILED') ? r.body : undefined;
    }, 60_000);
    expect(v.vip?.level).toBe(2);
    expect(v.policy?.id).toBe('vip');
    const mail = await eventually(async () => {
      const m = await mails(stack, { to: 'assistant.wang@gov.example' });
      return m.find((x) => x.subject.includes(id));
    });
    expect(mail.subject).toMatch(/VIP/);
    const texts = await eventually(async () => {
      const t = await sim<{ body: string }[]>(`/messages?to=${encodeURIComponent(assistantPhone)}`);
      return t.some((x) => x.body.includes(id)) ? t : undefined;
    });
    expect(texts.filter((x) => x.body.includes(id))).toHaveLength(1);
    // The list of complaints shows the VIP level to those who may see it.
    const list = await stack.http.get<{ items: { ticketId: string; vipLevel: number }[] }>(
      `/v1/complaints?limit=50`,
      KEYS.supervisor,
    );
    expect(list.body.items.find((i) => i.ticketId === id)?.vipLevel).toBe(2);
  });
});
