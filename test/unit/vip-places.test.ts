// The VIP profile's places used to locate (R7.5): which places an address names, and the cells an
// address-only VIP complaint gets from them (activities/evidence/locate.ts over in-memory data).
import pino from 'pino';
import { createEvidenceActivities } from '../../activities/evidence/activities';
import { createMemoryNetworkSources } from '../../activities/evidence/memory';
import {
  addressMatches,
  placesForAddress,
  placesOfProfile,
  selectPlaces,
  type VipPlaceRef,
} from '../../domain/policy/vip-places';
import { generateNetworkData } from '../../infra/network-data/generate';

const { data } = generateNetworkData({ end: new Date('2026-11-27T21:00:00Z') });
const acts = createEvidenceActivities({
  sources: createMemoryNetworkSources(data),
  logger: pino({ level: 'silent' }),
});
const cell = (id: string) => data.cells.find((c) => c.cellId === id)!;

const office: VipPlaceRef = {
  kind: 'office',
  label: '市政府大楼',
  address: '北京市西城区正义路2号',
  cellIds: ['460-00-12345-1'],
};
const c2 = cell('460-00-12367-2');
const home: VipPlaceRef = {
  kind: 'residence',
  label: '住所',
  address: '北京市海淀区学院路5号',
  // 200 m in front of sector 2 of site 12367.
  coordinates: {
    lat: c2.lat + (200 * Math.cos((c2.azimuth * Math.PI) / 180)) / 111_000,
    lng:
      c2.lng +
      (200 * Math.sin((c2.azimuth * Math.PI) / 180)) / (111_000 * Math.cos((c2.lat * Math.PI) / 180)),
  },
};
const unlocatable: VipPlaceRef = { kind: 'usual', label: '会议中心' };

describe('R7.5 the VIP profile places used to locate', () => {
  it('R7.5 an address names a place by its address or its label, never by a generic label', () => {
    expect(addressMatches('北京市西城区 正义路2号，5层', office)).toBe(true);
    expect(addressMatches('正义路市政府大楼东门', office)).toBe(true);
    expect(addressMatches('北京市朝阳区某路', office)).toBe(false);
    expect(addressMatches('我的住所附近', home)).toBe(false);
    expect(placesForAddress('学院路5号', [office, home, unlocatable])).toEqual({
      places: [home],
      matched: true,
    });
    // Names none: every place that can be located, office first.
    expect(placesForAddress('不详', [office, home, unlocatable])).toEqual({
      places: [office, home],
      matched: false,
    });
  });

  it("R7.5 a profile's places come office, residence, usual places; they are picked by kind or label", () => {
    const places = placesOfProfile({
      activityLocations: [{ label: '会议中心' }],
      residence: { label: '住所', coordinates: { lat: 1, lng: 2 } },
      office: { label: '市政府大楼', cellIds: ['460-00-12345-1'] },
    });
    expect(places.map((p) => p.kind)).toEqual(['office', 'residence', 'usual']);
    expect(selectPlaces(places, ['residence', '会议中心', 'gym'])).toEqual({
      places: [places[1], places[2]],
      unknown: ['gym'],
    });
  });

  it('R7.5 an address-only complaint is located at the place it names; naming none, the other places follow as neighbours with a gap', async () => {
    const named = await acts.locateCells({ region: 'xicheng', address: '正义路2号市政府大楼' }, [
      office,
      home,
    ]);
    expect(named).toMatchObject({
      method: 'vipPlace',
      servingCellId: '460-00-12345-1',
      vipPlaces: ['办公室 office「市政府大楼」'],
      gaps: [],
    });
    expect(named.neighbours.map((c) => c.cellId)).toEqual(['460-00-12345-2', '460-00-12345-3']);

    const unnamed = await acts.locateCells({ region: 'haidian', address: '不详' }, [office, home]);
    expect(unnamed.method).toBe('vipPlace');
    expect(unnamed.servingCellId).toBe('460-00-12345-1');
    expect(unnamed.neighbours[0]!.cellId).toBe('460-00-12367-2');
    expect(unnamed.gaps[0]).toMatch(/未对应到 VIP 档案中的具体地点/);

    // Without places (not a VIP, or no locatable place) an address alone stays a gap.
    const plain = await acts.locateCells({ region: 'haidian', address: '不详' }, [unlocatable]);
    expect(plain.method).toBe('address');
  });
});
