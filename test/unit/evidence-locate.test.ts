// Cell lookup (R3.1 "the cells involved") and the bounds of what the evidence activities read.
import pino from 'pino';
import {
  createEvidenceActivities,
  DEFAULT_EVIDENCE_LIMITS,
  hourlyWindow,
} from '../../activities/evidence/activities';
import { angleDiff, bearingDeg, gridKeysAround, gridKey, haversineM } from '../../activities/evidence/geo';
import { siteIdOf } from '../../activities/evidence/locate';
import { createMemoryNetworkSources } from '../../activities/evidence/memory';
import type { Cell } from '../../domain/evidence';
import { generateNetworkData } from '../../infra/network-data/generate';

const { data, manifest } = generateNetworkData({ end: new Date('2026-11-27T21:00:00Z') });
const acts = createEvidenceActivities({
  sources: createMemoryNetworkSources(data),
  logger: pino({ level: 'silent' }),
});
const cell = (id: string) => data.cells.find((c) => c.cellId === id)!;

/** The point `m` metres from the cell's site in direction `bearing`. */
function from(c: Cell, bearing: number, m: number) {
  const b = (bearing * Math.PI) / 180;
  return {
    lat: c.lat + (m * Math.cos(b)) / 111_000,
    lng: c.lng + (m * Math.sin(b)) / (111_000 * Math.cos((c.lat * Math.PI) / 180)),
  };
}

describe('R3.1 the serving and neighbouring cells of a complaint', () => {
  it('R3.1 a complaint with a cell id uses it, with the other sectors of its site as neighbours', async () => {
    const loc = await acts.locateCells({ region: 'haidian', cellId: '460-00-12345-1' });
    expect(loc).toMatchObject({
      method: 'cellId',
      servingCellId: '460-00-12345-1',
      servingSiteId: '460-00-12345',
      gaps: [],
    });
    expect(loc.serving).toMatchObject({ sector: 1, azimuth: cell('460-00-12345-1').azimuth });
    expect(loc.neighbours.map((c) => c.cellId)).toEqual(['460-00-12345-2', '460-00-12345-3']);
  });

  it('R3.1 an unknown cell id is still queried by its id, and the gap says it is not in the cell table', async () => {
    const loc = await acts.locateCells({ region: 'chaoyang', cellId: '460-00-23456-2' });
    expect(loc).toMatchObject({
      method: 'cellId',
      servingCellId: '460-00-23456-2',
      servingSiteId: '460-00-23456',
    });
    expect(loc.serving).toBeUndefined();
    expect(loc.gaps[0]).toMatch(/不在工参表中/);
    expect(siteIdOf('custom-cell')).toBeUndefined();
  });

  it('R3.1 with coordinates the serving cell is the nearest whose beam points at the place; neighbours are the next nearest', async () => {
    const site = cell('460-00-12367-1');
    for (const sector of [1, 2, 3]) {
      const c = cell(`460-00-12367-${sector}`);
      const loc = await acts.locateCells({ region: c.region, coordinates: from(c, c.azimuth + 10, 300) });
      expect(loc.method).toBe('coordinates');
      expect(loc.servingCellId).toBe(c.cellId);
      expect(loc.serving!.distanceM).toBeGreaterThan(280);
      expect(loc.serving!.distanceM).toBeLessThan(320);
      expect(angleDiff(loc.serving!.bearing!, c.azimuth)).toBeLessThanOrEqual(11);
      expect(loc.neighbours).toHaveLength(3);
      const d = loc.neighbours.map((n) => n.distanceM!);
      expect(d).toEqual([...d].sort((a, b) => a - b));
      expect(loc.neighbours.map((n) => n.cellId)).not.toContain(c.cellId);
    }
    expect(site.siteId).toBe('460-00-12367');
  });

  it('R3.1 the scenario complaints by coordinates find their planted cell', async () => {
    for (const s of manifest.scenarios.filter((x) => x.complaint.location.coordinates)) {
      const loc = await acts.locateCells(s.complaint.location);
      expect(loc.servingCellId).toBe(s.servingCellId);
    }
  });

  it('R3.1 an address alone is a gap: no geocoder offline', async () => {
    const loc = await acts.locateCells({ region: 'haidian', address: '北京市海淀区中关村大街1号' });
    expect(loc).toMatchObject({ method: 'address', neighbours: [] });
    expect(loc.servingCellId).toBeUndefined();
    expect(loc.gaps[0]).toMatch(/离线环境无地理编码/);
    const far = await acts.locateCells({ region: 'x', coordinates: { lat: 31.23, lng: 121.47 } });
    expect(far.gaps[0]).toMatch(/10 km 内工参表中没有小区/);
  });

  it('R3.1 geometry: great-circle distance, bearing, beam angle and grid keys', () => {
    expect(haversineM(39.9042, 116.4074, 31.2304, 121.4737) / 1000).toBeCloseTo(1067, -1);
    expect(bearingDeg(39.9, 116.3, 40.0, 116.3)).toBeCloseTo(0, 5);
    expect(bearingDeg(39.9, 116.3, 39.9, 116.4)).toBeCloseTo(90, 0);
    expect(angleDiff(350, 10)).toBe(20);
    expect(angleDiff(10, 190)).toBe(180);
    expect(gridKeysAround(39.96, 116.3, 2_000)).toContain(gridKey(39.97, 116.31));
  });
});

describe('R3.1 what the activities read is bounded (it is kept in workflow history)', () => {
  it('R3.1 hourly data: the last 72 to 96 hours of the window, at most 4 cells', async () => {
    const to = '2026-11-27T21:00:00.000Z';
    expect(hourlyWindow({ from: '2026-11-20T21:00:00.000Z', to }, DEFAULT_EVIDENCE_LIMITS).from).toBe(
      '2026-11-23T21:00:00.000Z',
    );
    expect(hourlyWindow({ from: '2026-11-27T20:00:00.000Z', to }, DEFAULT_EVIDENCE_LIMITS).from).toBe(
      '2026-11-24T21:00:00.000Z',
    );
    const q = {
      ticketId: 'T',
      cells: ['460-00-12345-1', '460-00-12345-2', '460-00-12345-3', '460-00-12346-1', '460-00-12346-2'],
      siteIds: ['460-00-12345'],
      window: { from: '2026-11-01T00:00:00.000Z', to },
      vip: false,
    };
    const kpis = await acts.evidenceKpis(q);
    expect(new Set(kpis.map((k) => k.cellId)).size).toBeLessThanOrEqual(4);
    expect(kpis.length).toBeLessThanOrEqual(4 * 96);
    expect(await acts.evidenceChr(q)).toEqual([]);
  });
});
