// #9 Fault tests, short form (the long form with larger counts: `npm run chaos`). One local stack;
// each test injects one fault while complaints are in flight and drives them through HTTP only.
// For each fault: complaints in flight, finished, duplicates sent, data lost (must be 0 and 0).
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { dataConverterFromEnv } from '../../platform/data-converter';
import {
  apiRestart,
  databaseDown,
  providersDown,
  reportTable,
  temporalRestart,
  workerKill,
  type ChaosEnv,
  type FaultReport,
} from '../support/chaos';
import { eventually, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let env: ChaosEnv;
const reports: FaultReport[] = [];

beforeAll(async () => {
  stack = await startTestStack({
    POLICY_FILE: path.resolve(__dirname, '../fixtures/policy-fast.json'),
    RATE_LIMIT_PER_MINUTE: '100000',
    // Fifty look-alike complaints about one cell would be one mass incident (R8), whose complaints
    // get their final reply from the incident: not what these tests drive.
    MASS_INCIDENTS: 'off',
  });
  env = { stack, http: stack.http, log: (m) => console.log(`[chaos] ${m}`) };
}, 600_000);

afterAll(async () => {
  if (reports.length)
    console.log(
      `#9 fault table (short form)\n${reportTable(reports)}\n` +
        reports.map((r) => `${r.fault}: ${JSON.stringify(r.details)}`).join('\n'),
    );
  await stack?.dispose();
}, 60_000);

function expectClean(r: FaultReport): void {
  reports.push(r);
  expect(r.details.notFinished).toEqual([]);
  expect(r.finished).toBe(r.inFlight);
  expect(r.duplicatesSent).toBe(0);
  expect(r.lost).toBe(0);
  // No projection went backwards, and the watcher did look: zero samples would make that vacuous.
  expect(r.versionSamples).toBeGreaterThan(0);
  expect(r.versionRegressions).toBe(0);
  expect(r.http500).toBe(0);
}

it('R1.4 #9 a worker SIGKILLed with 50 complaints in flight: all close, one SMS each, no projection goes backwards', async () => {
  const r = await workerKill(env, { n: 50, concurrency: 10, killAfterMs: 2_500, downMs: 3_000 });
  expectClean(r);
  expect(r.details.ackSmsPerComplaint).toEqual({ '1': 50 });
  expect(r.versionRegressions).toBe(0);
}, 240_000);

it('R5.6 #9 the Temporal server stopped and restarted on its data file: complaints carry on, timers fire', async () => {
  const r = await temporalRestart(env, { n: 10, concurrency: 5, downMs: 15_000 });
  expectClean(r);
  expect(r.details.timersNotFired).toBe(0);
  // While Temporal is down, intake answers a retryable 503 that says what is wrong.
  expect(r.details.intakeWhileDown).toMatchObject({
    status: 503,
    body: { error: 'unavailable', message: expect.stringMatching(/Temporal/) },
  });
}, 240_000);

it('R1.4 S6 #9 the database down for 15 s: intake still accepts, reads answer 503, projections catch up', async () => {
  const r = await databaseDown(env, { before: 5, during: 10, downMs: 15_000, concurrency: 5 });
  expectClean(r);
  expect(r.details.intakeStatusesDuring).toEqual({ 201: 10 });
  expect(r.details.readWhileDown).toMatchObject({
    status: 503,
    body: { error: 'unavailable', message: expect.stringMatching(/database/i) },
  });
  expect(r.details.listWhileDown).toMatchObject({ status: 503 });
  // Nobody waits out the driver's 10 s: the API gives the database 2 s (before the fix, a long-form
  // run measured a read 10.0 s to its 503 and an intake 10.3 s to its 201).
  expect((r.details.readWhileDown as { ms: number }).ms).toBeLessThan(6_000);
  expect(r.details.intakeMsDuringMax).toBeLessThan(6_000);
}, 240_000);

it('R4.3 #9 Twilio answering 503 and the mail sink down: retried with backoff, nothing sent twice, the delay on the timeline', async () => {
  const r = await providersDown(env, { n: 10, concurrency: 5, twilioDownMs: 15_000, mailDownMs: 20_000 });
  expectClean(r);
  expect(r.details.breachMailMissing).toBe(0);
  expect((r.details.twilioRequestsFaulted as { error: number }).error).toBeGreaterThan(0);
  // The acknowledgement SMS went out only after the outage, and the timeline says when.
  expect((r.details.ackDelayMs as { min: number }).min).toBeGreaterThan(5_000);
}, 240_000);

it('R1.3 #9 the API killed under load: clients retry, and a retried intake never creates a second complaint', async () => {
  const r = await apiRestart(env, { n: 40, clients: 8, restarts: 1, signal: 'SIGKILL', gapMs: 1_500 });
  expectClean(r);
  expect(r.details.networkErrors).toBeGreaterThan(0);
  // One workflow per channel ticket, however often the intake was retried.
  const ids = r.filed.map((f) => f.ticketId);
  expect(new Set(ids).size).toBe(ids.length);
  const connection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  try {
    const client = new Client({ connection, dataConverter: dataConverterFromEnv(stack.env) });
    const query = `WorkflowType = "complaintWorkflow" AND TicketId IN (${ids.map((id) => `"${id}"`).join(',')})`;
    const perTicket = await eventually(
      async () => {
        const seen = new Map<string, number>();
        for await (const wf of client.workflow.list({ query }))
          seen.set(wf.workflowId, (seen.get(wf.workflowId) ?? 0) + 1);
        return seen.size === ids.length ? seen : undefined;
      },
      30_000,
      'every complaint in Temporal visibility',
    );
    expect([...perTicket.values()].every((n) => n === 1)).toBe(true);
  } finally {
    await connection.close();
  }
}, 240_000);
