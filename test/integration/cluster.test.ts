// Issue 18 (D2, D3): the product on a production-shaped Temporal cluster — the real server built
// from the Go module proxy, run as separate frontend, history ×2, matching and internal-worker
// processes on PostgreSQL with SQL visibility and mTLS — with two worker and two API processes,
// FerretDB on PostgreSQL, the mail sink and the Twilio simulator (infra/cluster/cluster.ts).
// The first run builds the server into the tool cache (minutes, progress shown); later runs reuse it.
import path from 'node:path';
import { type Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { createPayloadCodec } from '../../platform/data-converter';
import { payloadKeysFrom } from '../../platform/security-config';
import { reportTable, type FaultReport } from '../support/chaos';
import {
  faultsUnderLoad,
  lifecycleThroughBothApis,
  startTestCluster,
  type TestCluster,
} from '../support/cluster';
import { uiTokens, viaUiGateway } from '../support/temporal-ui';

let cluster: TestCluster;
const suiteStarted = Date.now();
const reports: FaultReport[] = [];

beforeAll(async () => {
  cluster = await startTestCluster(
    {
      POLICY_FILE: path.resolve(__dirname, '../fixtures/policy-fast.json'),
      RATE_LIMIT_PER_MINUTE: '100000',
    },
    undefined,
    // S9.4: the standalone Temporal UI behind the provider, on the mTLS frontend.
    { temporalUi: true },
  );
  console.log(
    `[cluster] ready after ${((Date.now() - suiteStarted) / 1000).toFixed(0)} s:\n  ${cluster.layout().join('\n  ')}`,
  );
}, 40 * 60_000);

afterAll(async () => {
  if (reports.length) console.log(`D3 fault table (cluster)\n${reportTable(reports)}`);
  await cluster?.dispose();
  console.log(`[cluster] suite took ${((Date.now() - suiteStarted) / 1000).toFixed(0)} s`);
}, 120_000);

it('D2 the frontend accepts only clients with a certificate from the cluster CA (mTLS)', async () => {
  const address = cluster.env.TEMPORAL_ADDRESS!;
  const tls = cluster.temporal.tls;
  if (!tls) throw new Error('the cluster runs without TLS (CLUSTER_TLS=off): D2 needs mTLS');
  const { serverNameOverride, serverRootCACertificate } = tls;
  const probe = async (tls: ConnectionOptions['tls']) => {
    const connection = await Connection.connect({ address, tls, connectTimeout: 3_000 });
    try {
      await connection.workflowService.getSystemInfo({});
      return 'answered';
    } catch (err) {
      return `refused: ${(err as Error).message}`;
    } finally {
      await connection.close();
    }
  };
  const refusedConnect = (p: Promise<string>) => p.catch((err: Error) => `refused: ${err.message}`);
  expect(await refusedConnect(probe(tls))).toBe('answered');
  // TLS without a client certificate, and no TLS at all: both refused.
  expect(await refusedConnect(probe({ serverNameOverride, serverRootCACertificate }))).toMatch(/^refused/);
  expect(await refusedConnect(probe(false))).toMatch(/^refused/);
  // The product got the standard variables only, and they point at the cluster's files.
  expect(cluster.env).toMatchObject({
    TEMPORAL_TLS_SERVER_NAME: serverNameOverride,
    TEMPORAL_TLS_CLIENT_CERT_PATH: expect.stringMatching(/client\.pem$/),
    TEMPORAL_TLS_CLIENT_KEY_PATH: expect.stringMatching(/client-key\.pem$/),
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: expect.stringMatching(/ca\.pem$/),
  });
}, 60_000);

it('S9.4 the Temporal UI of the cluster reaches the mTLS frontend and decodes only for allowed roles', async () => {
  const ui = cluster.urls.temporalUiSignIn!;
  const issuer = cluster.urls.oidc!;
  const namespace = cluster.env.TEMPORAL_NAMESPACE!;
  expect(ui).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  // As in the local stack: every API's codec server needs a person's token, links open this UI.
  expect(cluster.env).toMatchObject({ CODEC_AUTH: 'on', TEMPORAL_UI_URL: ui });
  expect(cluster.temporal.tls).toBeDefined();

  const supervisor = await uiTokens(issuer, ui, 'supervisor.wang');
  // What the UI's page sends after sign-in: the access token, the ID token (verified by the
  // ui-server against the provider) and the session-start cookie its callback set (maxSessionDuration).
  const signedIn = (t: { access_token: string; id_token: string }) => ({
    authorization: `Bearer ${t.access_token}`,
    'authorization-extras': t.id_token,
    cookie: `session_start=${Math.floor(Date.now() / 1000)}`,
  });
  // The UI's API lists the cluster's namespace: the ui-server reached the frontend, which accepts
  // only clients with a certificate from the cluster CA (D2), so over mTLS.
  expect((await viaUiGateway(ui, 'GET', '/api/v1/namespaces')).status).toBe(401);
  const listed = await viaUiGateway(ui, 'GET', '/api/v1/namespaces', { headers: signedIn(supervisor) });
  expect(listed.status).toBe(200);
  const { namespaces } = listed.json() as { namespaces?: { namespaceInfo?: { name?: string } }[] };
  expect((namespaces ?? []).map((n) => n.namespaceInfo?.name)).toContain(namespace);

  // The gateway's /codec/ goes to the first API's codec server, which decodes for a supervisor only.
  const secret = `S9.4 集群里的客户原话 ${Date.now()}`;
  const [sealed] = await createPayloadCodec(payloadKeysFrom(cluster.env)).encode([
    { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify({ secret })) },
  ]);
  const body = JSON.stringify({
    payloads: [
      {
        metadata: Object.fromEntries(
          Object.entries(sealed!.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
        ),
        data: Buffer.from(sealed!.data ?? []).toString('base64'),
      },
    ],
  });
  const decode = (headers: Record<string, string>) =>
    viaUiGateway(ui, 'POST', '/codec/decode', {
      headers: { 'content-type': 'application/json', 'x-namespace': namespace, ...headers },
      body,
    });
  expect((await decode({})).status).toBe(401);
  const ok = await decode({ authorization: `Bearer ${supervisor.access_token}` });
  expect(ok.status).toBe(200);
  const out = ok.json() as { payloads: { data: string }[] };
  expect(JSON.parse(Buffer.from(out.payloads[0]!.data, 'base64').toString())).toEqual({ secret });
  const handler = await uiTokens(issuer, ui, 'handler.li');
  const refused = await decode({ authorization: `Bearer ${handler.access_token}` });
  expect(refused.status).toBe(403);
  expect(refused.text).not.toContain(secret);
}, 60_000);

/**
 * The workflow tasks completed and the activities started, per worker identity (`<pid>@<host>`,
 * the SDK's default), in the histories of these workflows.
 */
async function tasksByWorker(
  client: Client,
  workflowIds: string[],
): Promise<Map<string, { workflowTasks: number; activities: number }>> {
  const ran = new Map<string, { workflowTasks: number; activities: number }>();
  const count = (identity: string | null | undefined, kind: 'workflowTasks' | 'activities') => {
    const key = identity ?? '(none)';
    const entry = ran.get(key) ?? { workflowTasks: 0, activities: 0 };
    entry[kind] += 1;
    ran.set(key, entry);
  };
  for (const id of workflowIds) {
    const history = await client.workflow.getHandle(id).fetchHistory();
    for (const e of history.events ?? []) {
      if (e.workflowTaskCompletedEventAttributes)
        count(e.workflowTaskCompletedEventAttributes.identity, 'workflowTasks');
      if (e.activityTaskStartedEventAttributes)
        count(e.activityTaskStartedEventAttributes.identity, 'activities');
    }
  }
  return ran;
}

it('D2 complaints filed round-robin through both APIs reach CLOSED, handled by both workers, found by their search attributes', async () => {
  const before = [...cluster.http.answeredBy];
  // Which worker runs a complaint is the matching service's choice: its first workflow task goes to
  // whichever worker's poll is handed it, later ones mostly to that worker's sticky queue, each
  // activity to either. Sixteen complaints make "all on one worker" a chance of about 2 × 2⁻¹⁶ even
  // if every choice were a coin toss, so a worker without tasks below means it did not take part.
  const complaints = 16;
  const r = await lifecycleThroughBothApis(cluster, complaints, 4);
  console.log(`[cluster] D2 lifecycle: ${r.ids.length} complaints to CLOSED in ${r.seconds.toFixed(1)} s`);
  expect(r.notDone).toEqual([]);
  expect(r.ids).toHaveLength(complaints);
  expect(r.stats.http500).toBe(0);
  // Both APIs answered a share of the requests.
  const served = cluster.http.answeredBy.map((n, i) => n - before[i]!);
  expect(served.every((n) => n >= 8)).toBe(true);
  const { client, close } = await cluster.temporalClient();
  try {
    // Both worker processes poll the product's task queue.
    const described = await client.workflowService.describeTaskQueue({
      namespace: cluster.env.TEMPORAL_NAMESPACE!,
      taskQueue: { name: cluster.env.TEMPORAL_TASK_QUEUE! },
    });
    const identities = new Set((described.pollers ?? []).map((p) => p.identity));
    for (const w of cluster.workers)
      expect([...identities].some((id) => id?.startsWith(`${w.process.pid}@`))).toBe(true);
    // Each worker process ran workflow tasks and activities of these complaints: their histories
    // name the worker that completed each workflow task and started each activity.
    const ran = await tasksByWorker(
      client,
      r.ids.map((id) => `complaint-${id}`),
    );
    console.log(`[cluster] D2 tasks by worker: ${JSON.stringify(Object.fromEntries(ran))}`);
    const byPid = cluster.workers.map((w) => {
      const mine = [...ran].filter(([identity]) => identity.startsWith(`${w.process.pid}@`));
      return {
        workflowTasks: mine.reduce((n, [, c]) => n + c.workflowTasks, 0),
        activities: mine.reduce((n, [, c]) => n + c.activities, 0),
      };
    });
    for (const worker of byPid) {
      expect(worker.workflowTasks).toBeGreaterThan(0);
      expect(worker.activities).toBeGreaterThan(0);
    }
    // No task of these complaints was run by a process other than the two workers.
    const total = (kind: 'workflowTasks' | 'activities') =>
      [...ran.values()].reduce((n, c) => n + c[kind], 0);
    expect(byPid.reduce((n, w) => n + w.workflowTasks, 0)).toBe(total('workflowTasks'));
    expect(byPid.reduce((n, w) => n + w.activities, 0)).toBe(total('activities'));
    // SQL visibility holds the product's search attributes: each ticket is found by TicketId.
    const query = `WorkflowType = "complaintWorkflow" AND TicketId IN (${r.ids.map((id) => `"${id}"`).join(',')})`;
    const found: string[] = [];
    for await (const wf of client.workflow.list({ query })) found.push(wf.workflowId);
    expect(found.sort()).toEqual(r.ids.map((id) => `complaint-${id}`).sort());
  } finally {
    await close();
  }
}, 300_000);

it('D3 under load a history service, a worker and an API SIGKILLed and restarted: 0 lost, 0 sent twice, 0 projections backwards, 0 HTTP 500', async () => {
  const history = cluster.temporalProcesses.find((p) => p.name === 'temporal-history-1')!;
  const r = await faultsUnderLoad(cluster, {
    clients: 4,
    warmupMs: 4_000,
    gapMs: 6_000,
    faults: [
      { what: 'history service', target: history, downMs: 5_000 },
      { what: 'worker', target: cluster.workers[0]!, downMs: 3_000 },
      { what: 'API', target: cluster.apis[0]!, downMs: 3_000 },
    ],
  });
  reports.push(r);
  console.log(`[cluster] D3 ${JSON.stringify(r.details)}`);
  expect(r.inFlight).toBeGreaterThan(10);
  expect(r.details.driveFailures).toEqual([]);
  expect(r.details.notFinished).toEqual([]);
  expect(r.finished).toBe(r.inFlight);
  expect(r.lost).toBe(0);
  expect(r.duplicatesSent).toBe(0);
  expect(r.details.ackSmsPerComplaint).toEqual({ '1': r.inFlight });
  // The watcher did look while the faults were on, and saw nothing go backwards.
  expect(r.versionSamples).toBeGreaterThan(0);
  expect(r.versionRegressions).toBe(0);
  expect(r.http500).toBe(0);
  // The API kill was felt (no answer from it) and the clients carried on through the other API.
  expect(r.details.networkErrors).toBeGreaterThan(0);
}, 600_000);
