// The HTTP northbound adapter (R3.4) against the northbound simulator: the same evidence and
// pre-diagnosis as the MongoDB default, timeouts and bad answers as errors (the workflow's gaps).
import pino from 'pino';
import { createEvidenceActivities } from '../../activities/evidence/activities';
import { createHttpNetworkSources } from '../../activities/evidence/http';
import type { EvidenceQuery } from '../../domain/evidence';
import { generateNetworkData } from '../../infra/network-data/generate';
import { startNorthboundSim, type NorthboundSim } from '../../infra/network-data/northbound-sim';
import { complaintOf, gatherDirect } from '../support/evidence';

const { data, manifest } = generateNetworkData({ end: new Date('2026-11-27T21:00:00Z') });
let sim: NorthboundSim;

beforeAll(async () => {
  sim = await startNorthboundSim(data);
});
afterAll(async () => {
  await sim?.close();
});
afterEach(() => {
  sim.faults.delayMs = {};
  sim.faults.status = {};
});

const activities = (timeoutMs = 2_000) =>
  createEvidenceActivities({
    sources: createHttpNetworkSources({ baseUrl: `${sim.url}/`, timeoutMs }),
    logger: pino({ level: 'silent' }),
  });

const query: EvidenceQuery = {
  ticketId: 'T',
  cells: ['460-00-12345-1'],
  siteIds: ['460-00-12345'],
  window: { from: '2026-11-25T00:00:00.000Z', to: '2026-11-27T00:00:00.000Z' },
  vip: false,
};

describe('R3.4 the HTTP northbound adapter', () => {
  it.each(manifest.scenarios.map((s) => [s.id, s] as const))(
    'R3.4 R3.2 scenario %s over HTTP: evidence from every source, the planted cause first',
    async (_id, s) => {
      const { bundle, outcome } = await gatherDirect(activities(), complaintOf(s));
      expect(bundle.gaps).toEqual([]);
      expect(outcome.cells.servingCellId).toBe(s.servingCellId);
      expect(outcome.hypotheses[0]?.cause).toBe(s.expectedCause);
    },
  );

  it('R3.4 a northbound call that does not answer in time fails with a timeout (the workflow shows a gap)', async () => {
    sim.faults.delayMs['/alarms'] = 1_500;
    const started = Date.now();
    await expect(activities(300).evidenceAlarms(query)).rejects.toThrow(
      'northbound /alarms: no answer within 300 ms',
    );
    expect(Date.now() - started).toBeLessThan(1_400);
  });

  it('R3.4 an HTTP error or an answer that is not valid data is an error naming the call', async () => {
    sim.faults.status['/kpis'] = 503;
    await expect(activities().evidenceKpis(query)).rejects.toThrow('northbound /kpis: HTTP 503');
    const bad = createHttpNetworkSources({
      baseUrl: 'http://northbound.invalid',
      timeoutMs: 1_000,
      fetch: async () => new Response(JSON.stringify([{ cellId: '460-00-1-1', hour: 'yesterday' }])),
    });
    await expect(bad.interference.interference(['460-00-1-1'], query.window, 10)).rejects.toThrow(
      /northbound \/interference: item 1 is invalid: hour/,
    );
  });

  it('R3.4 an unknown cell is not an error: the lookup says so as a gap', async () => {
    const loc = await activities().locateCells({ region: 'haidian', cellId: '460-00-99999-1' });
    expect(loc.serving).toBeUndefined();
    expect(loc.gaps[0]).toMatch(/不在工参表中/);
  });
});
