// A worker killed with SIGKILL in the middle of complaints: once a new worker starts, every
// complaint carries on and finishes, and no customer gets a second SMS.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { dataConverterFromEnv } from '../../platform/data-converter';
import { complaintWorkflowId } from '../../workflows/complaint/contract';
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

it('S10 WORKFLOW_STACK_TRACES=off: a worker started with it records no promise stack traces (the query says so) and handles complaints as before; the default worker records them', async () => {
  const connection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  try {
    const client = new Client({
      connection,
      namespace: stack.env.TEMPORAL_NAMESPACE,
      dataConverter: dataConverterFromEnv(stack.env),
    });
    const filed = await stack.http.post<{ ticketId: string }>('/v1/complaints', intakeBody(), KEYS.intake);
    expect(filed.status).toBe(201);
    const handle = client.workflow.getHandle(complaintWorkflowId(filed.body.ticketId));
    // The default: the SDK answers with the stacks where the complaint's workflow waits.
    const stacks = await eventually(
      async () => (await handle.query<string>('__stack_trace').catch(() => undefined)) || undefined,
      60_000,
      'a stack trace from the default worker',
    );
    expect(stacks).toMatch(/at /);

    await stack.worker!.stop();
    const off = await stack.startWorker({ WORKFLOW_STACK_TRACES: 'off' });
    // The SDK answers "Workflow stack traces are not enabled on this worker"; the payload codec
    // encodes failure messages, so the client sees a failed query, and the worker's log says why.
    await expect(handle.query('__stack_trace')).rejects.toThrow();
    const logs = readdirSync(stack.logDir).filter((f) => /^worker(-\d+)?\.log$/.test(f));
    const warned = logs.filter((f) =>
      readFileSync(path.join(stack.logDir, f), 'utf8').includes('stack trace collection will be disabled'),
    );
    expect(warned).toEqual([`worker-${logs.length}.log`]);
    expect(off.pid).toBeGreaterThan(0);
    // The complaint carries on under the worker without them.
    const triage = await stack.http.post(`/v1/complaints/${filed.body.ticketId}/triage`, {
      decision: 'SELF',
    });
    expect(triage.status).toBe(200);
    expect((await get(filed.body.ticketId)).body.stage).not.toBe('NEW');
  } finally {
    await connection.close();
  }
}, 240_000);
