// Hot and difficult complaints (热点、难点, R4.7) through the API on the real local stack: a complaint
// made hot by an escalation has its clocks tightened and appears in GET /v1/hot-complaints with why,
// since when and the time left to solve it; the daily digest workflow (started here directly, as its
// Schedule does) e-mails the hot list to the interface person, the complaint listed in it.
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { dataConverterFromEnv } from '../../platform/data-converter';
import {
  HOT_DIGEST_SCHEDULE_ID,
  HOT_DIGEST_WORKFLOW_TYPE,
  hotDigestWorkflowId,
  type HotDigestRequest,
  type HotDigestResult,
} from '../../workflows/hot-digest/contract';
import { intakeBody } from '../support/fixtures';
import { eventually, KEYS, mails, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let temporal: Connection;
let client: Client;

beforeAll(async () => {
  // The default limits with a tightening hot policy (half the time left, handling at most 24 h) and
  // the digest at 07:45 Beijing time.
  stack = await startTestStack({ POLICY_FILE: path.resolve(__dirname, '../fixtures/policy-hot.json') });
  temporal = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  client = new Client({ connection: temporal, dataConverter: dataConverterFromEnv(stack.env) });
}, 600_000);

afterAll(async () => {
  await temporal?.close();
  await stack?.dispose();
}, 60_000);

type HotItem = {
  ticketId: string;
  reasons: string[];
  hotSince?: string;
  solveBy?: string;
  solveLeftMs?: number;
  solveOverdue: boolean;
  overdueClocks: { name: string }[];
  links: { self: string };
};
type View = {
  hot: boolean;
  hotTrack?: { since: string; tightened: { clock: string; remainingAfterMs: number }[] };
  clocks: { name: string; dueAt?: string }[];
  timeline: { action: string; detail?: string }[];
};

const H = 3_600_000;

async function hotComplaint(): Promise<string> {
  const filed = await stack.http.post<{ ticketId: string }>('/v1/complaints', intakeBody(), KEYS.intake);
  expect(filed.status).toBe(201);
  const id = filed.body.ticketId;
  const escalated = await stack.http.post(
    `/v1/complaints/${id}/escalations`,
    { level: 1, reason: '客户多次来电，情绪激动' },
    KEYS.supervisor,
  );
  expect(escalated.status).toBe(202);
  return id;
}

/** The complaint's view once the workflow has recorded it hot (its read model has `hotTrack`). */
function hotView(id: string): Promise<View> {
  return eventually(
    async () => {
      const r = await stack.http.get<View>(`/v1/complaints/${id}`, KEYS.supervisor);
      return r.body.hotTrack ? r.body : undefined;
    },
    60_000,
    'the complaint hot',
  );
}

/** The complaint's item on the hot list (GET /v1/hot-complaints, read from the read model). */
function onHotList(id: string): Promise<HotItem> {
  return eventually(
    async () => {
      const r = await stack.http.get<{ at: string; items: HotItem[] }>('/v1/hot-complaints', KEYS.supervisor);
      expect(r.status).toBe(200);
      return r.body.items.find((i) => i.ticketId === id && i.hotSince !== undefined);
    },
    60_000,
    'the complaint on the hot list',
  );
}

describe('R4.7 hot complaints are tracked until solved', () => {
  it('R4.7 a complaint made hot through the API has its clocks tightened and is on the hot list', async () => {
    const id = await hotComplaint();
    const view = await hotView(id);
    expect(view.hot).toBe(true);
    const since = Date.parse(view.hotTrack!.since);
    const handling = view.clocks.find((c) => c.name === 'handling')!;
    expect(Date.parse(handling.dueAt!)).toBeLessThanOrEqual(since + 24 * H + 1000);
    expect(view.hotTrack!.tightened.map((t) => t.clock)).toEqual(
      expect.arrayContaining(['handling', 'firstReply']),
    );
    expect(view.timeline.some((e) => e.action === 'HOT')).toBe(true);

    const item = await onHotList(id);
    expect(item.reasons).toEqual(['ESCALATED']);
    expect(item.hotSince).toBe(view.hotTrack!.since);
    expect(Date.parse(item.solveBy!) - since).toBe(72 * H);
    expect(item.solveLeftMs!).toBeGreaterThan(71 * H);
    expect(item.solveLeftMs!).toBeLessThanOrEqual(72 * H);
    expect(item.solveOverdue).toBe(false);
    expect(item.overdueClocks).toEqual([]);
    expect(item.links.self).toBe(`/v1/complaints/${encodeURIComponent(id)}`);

    // The list is for the interface person, supervisors, leaders and admins, not for handlers.
    const refused = await stack.http.get('/v1/hot-complaints', KEYS.handler);
    expect(refused.status).toBe(403);
  }, 120_000);

  it('R4.7 the daily digest e-mails the hot list to the interface person, the complaint listed as new and escalated', async () => {
    // Its own hot complaint, on the read model's hot list before the digest reads it.
    const id = await hotComplaint();
    expect((await onHotList(id)).reasons).toEqual(['ESCALATED']);
    // The worker keeps the Schedule at the active hot policy's digest time (07:45 Beijing time here).
    const schedule = await eventually(
      () => client.schedule.getHandle(HOT_DIGEST_SCHEDULE_ID).describe(),
      60_000,
      'the hot digest schedule',
    );
    expect(schedule.spec.timezone).toBe('Asia/Shanghai');
    expect(schedule.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 7 }], minute: [{ start: 45 }] });

    const result = await client.workflow.execute<(req: HotDigestRequest) => Promise<HotDigestResult>>(
      HOT_DIGEST_WORKFLOW_TYPE,
      {
        taskQueue: stack.env.TEMPORAL_TASK_QUEUE ?? 'complaints',
        workflowId: hotDigestWorkflowId(`it-${Date.now()}`),
        args: [{ requestedBy: 'test' }],
      },
    );
    expect(result.tickets).toContain(id);
    expect(result.counts.open).toBeGreaterThanOrEqual(1);
    expect(result.counts.newHot).toBeGreaterThanOrEqual(1);
    expect(result.alreadySent).toBe(false);

    const mail = await eventually(
      async () =>
        (await mails(stack, { subject: 'Hot complaints digest' })).find(
          (m) => m.to.includes('interface@operator.example') && m.text.includes(id),
        ),
      30_000,
      'the digest in the mail sink',
    );
    expect(mail.subject).toContain('热点难点投诉日报');
    // The sections in the order the e-mail lists them: each is the text up to the next one.
    const titles = [
      '新增热点 New hot',
      '已解决 Solved',
      '已升级 Escalated',
      '超时 Overdue',
      '热点清单 Hot list',
    ];
    const section = (title: string) => {
      const start = mail.text.indexOf(title);
      expect(start).toBeGreaterThanOrEqual(0);
      const next = titles[titles.indexOf(title) + 1];
      return mail.text.slice(start, next ? mail.text.indexOf(next) : undefined);
    };
    expect(section('新增热点 New hot')).toContain(id);
    expect(section('已升级 Escalated')).toContain(`${id} L1`);
    expect(section('热点清单 Hot list')).toContain(id);
    expect(mail.text).toContain('/v1/hot-complaints');
  }, 120_000);
});
