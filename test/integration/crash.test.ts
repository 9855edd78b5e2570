// A worker killed with SIGKILL in the middle of complaints: once a new worker starts, every
// complaint carries on and finishes, and no customer gets a second SMS.
import { intakeBody } from '../support/fixtures';
import { eventually, KEYS, mails, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
}, 600_000);

afterAll(async () => {
  await stack?.dispose();
}, 60_000);

type View = { stage: string; timeline: { action: string }[] };
const get = (id: string) => stack.http.get<View>(`/v1/complaints/${id}`);

it('R1.4 a worker killed with SIGKILL mid-complaint loses nothing and sends no duplicate SMS', async () => {
  // Complaints in flight when the worker dies: some filed just before, some while it is down.
  const before = await Promise.all(
    Array.from({ length: 5 }, () =>
      stack.http.post<{ ticketId: string }>('/v1/complaints', intakeBody(), KEYS.intake),
    ),
  );
  const worker = stack.worker!;
  worker.kill('SIGKILL');
  const exit = await worker.exited;
  expect(exit.signal).toBe('SIGKILL');

  const during = await Promise.all(
    Array.from({ length: 5 }, () =>
      stack.http.post<{ ticketId: string }>('/v1/complaints', intakeBody(), KEYS.intake),
    ),
  );
  const ids = [...before, ...during].map((r) => {
    expect(r.status).toBe(201);
    return r.body.ticketId;
  });

  await stack.startWorker();

  // Every complaint is projected and acknowledged once the new worker has picked it up.
  for (const id of ids) {
    await eventually(
      async () => {
        const r = await get(id);
        return r.status === 200 && r.body.timeline.some((t) => t.action === 'ACK_SMS_SENT')
          ? true
          : undefined;
      },
      60_000,
      `acknowledgement of ${id}`,
    );
  }

  // Drive one of them to the end with the new worker.
  const id = ids[0]!;
  const steps: [string, unknown][] = [
    ['triage', { decision: 'SELF' }],
    ['findings', { checked: '告警、话统', found: '基站断电后已恢复' }],
    [
      'resolve',
      { summary: '基站供电恢复，信号正常，已复测', rootCause: '基站市电中断', actions: '恢复供电并复测' },
    ],
    [
      'replies',
      { kind: 'FINAL', method: 'PHONE', summary: '已电话告知客户', customerConfirmed: true, satisfied: true },
    ],
    ['close', {}],
  ];
  for (const [step, body] of steps) {
    const res = await stack.http.post(`/v1/complaints/${id}/${step}`, body);
    expect(res.status).toBe(200);
  }
  expect((await get(id)).body.stage).toBe('CLOSED');

  // Exactly one acknowledgement SMS per complaint reached the (simulated) network.
  const sent = (await (await fetch(`${stack.urls.twilioSim}/_sim/messages`)).json()) as { body: string }[];
  for (const ticket of ids) {
    expect(sent.filter((m) => m.body.includes(ticket))).toHaveLength(1);
  }
  // And no e-mail was sent twice (each has its own idempotency key).
  const all = await mails(stack);
  const keys = all.map((m) => m.headers['x-closedloop-key']).filter(Boolean);
  expect(new Set(keys).size).toBe(keys.length);
}, 240_000);
