// Network evidence on the real local stack: the synthetic data imported through the API (R3.4),
// then for every planted scenario the evidence activities over MongoDB/FerretDB and the
// pre-diagnosis (R3.1, R3.2), directly and through Temporal (a worker of this test runs the
// evidence step on the stack's Temporal server), with the time to a pre-diagnosis.
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import mongoose from 'mongoose';
import pino from 'pino';
import { createEvidenceActivities } from '../../activities/evidence/activities';
import { DATASET_KINDS } from '../../activities/evidence/datasets';
import { createMongoNetworkSources } from '../../activities/evidence/mongo';
import type { EvidenceOutcome } from '../../domain/evidence';
import { toCsv } from '../../infra/network-data/files';
import { generateNetworkData } from '../../infra/network-data/generate';
import { complaintOf, gatherDirect } from '../support/evidence';
import { KEYS, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let mongo: mongoose.Connection;
let analyst: string;
const { data, manifest } = generateNetworkData();
const table: Record<string, { top?: string; score?: number; direct?: number; temporal?: number }> = {};

beforeAll(async () => {
  stack = await startTestStack();
  mongo = await mongoose.createConnection(stack.env.MONGODB_URI!).asPromise();
  const res = await stack.http.request<{ access_token: string }>('POST', '/dev/token', {
    key: null,
    body: { user: 'analyst.sun' },
  });
  expect(res.status).toBe(200);
  analyst = res.body.access_token;
}, 600_000);

afterAll(async () => {
  if (Object.keys(table).length) console.log('scenario table (ms):\n' + JSON.stringify(table, null, 1));
  await mongo?.close();
  await stack?.dispose();
}, 60_000);

const postCsv = (kind: string, csv: string, token = analyst) =>
  stack.http.request<{
    imported?: number;
    message?: string;
    details?: { row: number; field: string; message: string }[];
  }>('POST', `/v1/network-data/${kind}`, { key: token, raw: csv, headers: { 'content-type': 'text/csv' } });
const counts = async () =>
  (await stack.http.get<{ counts: Record<string, number> }>('/v1/network-data', analyst)).body.counts;

describe('R3.4 network data imported through the API', () => {
  it('R3.4 a file with bad rows is rejected with its row numbers, and nothing of it is imported', async () => {
    const rows = data.kpis.slice(0, 50).map((k) => ({ ...k }));
    rows[9]!.dropRate = 'n/a' as unknown as number;
    rows[20] = { ...rows[3]! };
    const res = await postCsv('kpis', toCsv('kpis', rows));
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/2 problem\(s\) in 50 row\(s\) of kpis; nothing was imported/);
    expect(res.body.details).toEqual([
      expect.objectContaining({ row: 10, line: 11, field: 'dropRate', message: 'must be a number' }),
      expect.objectContaining({
        row: 21,
        line: 22,
        field: 'cellId + hour',
        message: expect.stringMatching(/duplicate of row 4/),
      }),
    ]);
    expect((await counts()).kpis).toBe(0);
  });

  it('R3.4 only admins and analysts import; a wrong kind or media type is refused', async () => {
    expect((await postCsv('kpis', toCsv('kpis', data.kpis.slice(0, 1)), KEYS.handler)).status).toBe(403);
    expect((await postCsv('weather', 'a,b\n1,2\n')).status).toBe(400);
    const xml = await stack.http.request('POST', '/v1/network-data/cells', {
      key: analyst,
      raw: '<cells/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(xml.status).toBe(415);
  });

  it('R3.4 the synthetic city (cells, a month of KPIs, alarms, changes, interference, CHR) imports whole, once', async () => {
    for (const kind of DATASET_KINDS) {
      const res = await postCsv(kind, toCsv(kind, data[kind]));
      expect({ kind, status: res.status, imported: res.body.imported }).toEqual({
        kind,
        status: 201,
        imported: data[kind].length,
      });
    }
    expect(await counts()).toEqual(manifest.counts);
    const again = await postCsv('cells', toCsv('cells', data.cells.slice(0, 2)));
    expect(again.status).toBe(422);
    expect(again.body.details?.[0]?.message).toMatch(/^already imported/);
    const json = await stack.http.post<{ imported: number }>(
      '/v1/network-data/alarms',
      [
        {
          id: 'ALM-JSON-1',
          siteId: '460-00-12399',
          severity: 'warning',
          type: 'FAN_FAULT',
          raisedAt: new Date().toISOString(),
        },
      ],
      analyst,
    );
    expect(json.status).toBe(201);
    expect(json.body.imported).toBe(1);
  }, 120_000);
});

describe('R3.1 R3.2 evidence and pre-diagnosis over the imported data', () => {
  it.each(manifest.scenarios.map((s) => [s.id, s] as const))(
    'R3.1 R3.2 scenario %s: evidence from every source, the planted cause ranks first',
    async (id, s) => {
      const acts = createEvidenceActivities({
        sources: createMongoNetworkSources(mongo),
        logger: pino({ level: 'silent' }),
      });
      const { bundle, outcome, ms } = await gatherDirect(acts, complaintOf(s));
      expect(bundle.gaps).toEqual([]);
      expect(bundle.kpis.ok && bundle.kpis.total).toBeGreaterThan(0);
      expect(bundle.interference.ok && bundle.interference.total).toBeGreaterThan(0);
      expect(outcome.cells.servingCellId).toBe(s.servingCellId);
      expect(outcome.hypotheses[0]?.cause).toBe(s.expectedCause);
      table[id] = { top: outcome.hypotheses[0]?.cause, score: outcome.hypotheses[0]?.score, direct: ms };
    },
  );

  it('R3.1 through Temporal: the evidence step runs as activities on the stack and pre-diagnoses within seconds', async () => {
    const connection = await NativeConnection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
    const clientConnection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
    const client = new Client({ connection: clientConnection });
    const taskQueue = 'evidence-it';
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowBundle: await bundleWorkflowCode({
        workflowsPath: require.resolve('../workflow/evidence-workflows'),
        logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
      }),
      activities: createEvidenceActivities({
        sources: createMongoNetworkSources(mongo),
        logger: pino({ level: 'silent' }),
      }),
    });
    try {
      await worker.runUntil(async () => {
        for (const s of manifest.scenarios) {
          const started = Date.now();
          const out: EvidenceOutcome = await client.workflow.execute('evidenceTestWorkflow', {
            taskQueue,
            workflowId: `evidence-it-${s.id}-${Date.now()}`,
            args: [complaintOf(s)],
          });
          const ms = Date.now() - started;
          expect({ id: s.id, top: out.hypotheses[0]?.cause, gaps: out.bundle.gaps }).toEqual({
            id: s.id,
            top: s.expectedCause,
            gaps: [],
          });
          expect(ms).toBeLessThan(15_000);
          table[s.id] = { ...table[s.id], temporal: ms };
        }
      });
    } finally {
      await clientConnection.close();
      await connection.close();
    }
  }, 300_000);
});
