// Cell lookup (R3.1 "the cells involved"): a complaint with a cell id uses it, with the other
// sectors of its site as neighbours; with coordinates, the serving cell is the nearest cell whose
// beam points at the place and the neighbours are the next nearest; an address alone is a gap
// (there is no geocoder offline) unless the complaint is a VIP's: then the profile's places that
// the address names (else all of them) give the cells (R7.5).
import { locatedFrom, serveByCoordinates } from './geo';
import type { CellTable } from './sources';
import type { CellLocation, ComplaintLocation, LocatedCell } from '../../domain/evidence';
import { placeName, placesForAddress, type VipPlaceRef } from '../../domain/policy/vip-places';

export interface LocateOptions {
  /** How many neighbours to return for a location given by coordinates. */
  neighbours: number;
  /** Search radii in metres, tried in turn until cells are found. */
  radiiM: number[];
}

export const DEFAULT_LOCATE_OPTIONS: LocateOptions = { neighbours: 3, radiiM: [2_000, 5_000, 10_000] };

/** '460-00-12345-1' → '460-00-12345' (MCC-MNC-site-sector); undefined when the id has another form. */
export function siteIdOf(cellId: string): string | undefined {
  const m = /^(\d{3}-\d{2,3}-\d+)-\d+$/.exec(cellId);
  return m?.[1];
}

/** One place's cells: by its first cell id (the others as neighbours), else by its coordinates. */
async function locatePlace(
  table: CellTable,
  location: ComplaintLocation,
  place: VipPlaceRef,
  opts: LocateOptions,
): Promise<CellLocation> {
  const [first, ...others] = place.cellIds ?? [];
  if (!first) return locateCells(table, { region: location.region, coordinates: place.coordinates }, opts);
  const found = await locateCells(table, { region: location.region, cellId: first }, opts);
  const named = (await Promise.all(others.map((id) => table.cell(id)))).filter(
    (c): c is NonNullable<typeof c> => c !== undefined,
  );
  return { ...found, neighbours: [...named, ...found.neighbours.filter((c) => !others.includes(c.cellId))] };
}

/**
 * An address-only VIP complaint (R7.5): the serving cell of the first place that has one; the
 * serving cells of the other places come next (the complaint may be about any of them), then the
 * first place's own neighbours.
 */
async function locateByVipPlaces(
  table: CellTable,
  location: ComplaintLocation,
  places: VipPlaceRef[],
  opts: LocateOptions,
): Promise<CellLocation | undefined> {
  const choice = placesForAddress(location.address, places);
  const located = await Promise.all(choice.places.map((p) => locatePlace(table, location, p, opts)));
  const usable = located
    .map((loc, i) => ({ loc, place: choice.places[i]! }))
    .filter((x) => x.loc.servingCellId !== undefined);
  const [head, ...rest] = usable;
  if (!head) return undefined;
  const seen = new Set([head.loc.servingCellId]);
  const neighbours: LocatedCell[] = [];
  for (const c of [...rest.map((x) => x.loc.serving), ...head.loc.neighbours])
    if (c && !seen.has(c.cellId)) {
      seen.add(c.cellId);
      neighbours.push(c);
    }
  const names = usable.map((x) => placeName(x.place));
  const gaps = [
    ...head.loc.gaps,
    ...(choice.matched
      ? []
      : [
          `地址“${location.address ?? ''}”未对应到 VIP 档案中的具体地点：按档案全部地点（${names.join('、')}）的小区采集，服务小区暂按${names[0]}`,
        ]),
  ];
  return {
    method: 'vipPlace',
    servingCellId: head.loc.servingCellId,
    servingSiteId: head.loc.servingSiteId,
    ...(head.loc.serving ? { serving: head.loc.serving } : {}),
    neighbours,
    gaps,
    vipPlaces: names,
  };
}

export async function locateCells(
  table: CellTable,
  location: ComplaintLocation,
  opts: LocateOptions = DEFAULT_LOCATE_OPTIONS,
  vipPlaces: VipPlaceRef[] = [],
): Promise<CellLocation> {
  const gaps: string[] = [];
  const point = location.coordinates;

  if (location.cellId) {
    const cell = await table.cell(location.cellId);
    if (!cell) {
      const siteId = siteIdOf(location.cellId);
      gaps.push(`小区 ${location.cellId} 不在工参表中：只能按小区号查询，无法确定其位置与邻区`);
      const siteCells = siteId ? await table.siteCells(siteId) : [];
      return {
        method: 'cellId',
        servingCellId: location.cellId,
        servingSiteId: siteId,
        neighbours: siteCells.filter((c) => c.cellId !== location.cellId),
        gaps,
      };
    }
    const siteCells = await table.siteCells(cell.siteId);
    const here = (c: typeof cell) => (point ? locatedFrom(c, point.lat, point.lng) : c);
    return {
      method: 'cellId',
      servingCellId: cell.cellId,
      servingSiteId: cell.siteId,
      serving: here(cell),
      neighbours: siteCells
        .filter((c) => c.cellId !== cell.cellId)
        .sort((a, b) => a.sector - b.sector)
        .map(here),
      gaps,
    };
  }

  if (point) {
    for (const radius of opts.radiiM) {
      const candidates = await table.near(point.lat, point.lng, radius);
      if (candidates.length === 0) continue;
      const found = serveByCoordinates(candidates, point.lat, point.lng, opts.neighbours);
      if (!found.serving) continue;
      if (!found.beamMatched)
        gaps.push(
          `坐标 ${point.lat.toFixed(5)},${point.lng.toFixed(5)} 不在附近任何小区的扇区主瓣内：暂按最近小区 ${found.serving.cellId} 处理`,
        );
      return {
        method: 'coordinates',
        servingCellId: found.serving.cellId,
        servingSiteId: found.serving.siteId,
        serving: found.serving,
        neighbours: found.neighbours,
        gaps,
      };
    }
    const max = opts.radiiM.at(-1) ?? 0;
    gaps.push(
      `坐标 ${point.lat.toFixed(5)},${point.lng.toFixed(5)} 周围 ${max / 1000} km 内工参表中没有小区`,
    );
    return { method: 'coordinates', neighbours: [], gaps };
  }

  // A VIP's complaint without cell or coordinates: the profile's places (R7.5).
  if (vipPlaces.length > 0) {
    const byPlaces = await locateByVipPlaces(table, location, vipPlaces, opts);
    if (byPlaces) return byPlaces;
  }

  if (location.address) {
    gaps.push(
      `只有地址“${location.address}”，没有坐标或小区号：离线环境无地理编码，无法定位服务小区，网络证据未能按小区采集`,
    );
    return { method: 'address', neighbours: [], gaps };
  }
  gaps.push('投诉没有位置信息，无法定位小区');
  return { method: 'none', neighbours: [], gaps };
}
