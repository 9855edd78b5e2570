// Geometry for the cell lookup: great-circle distance, bearing, sector beams and a grid key that
// MongoDB/FerretDB can index (FerretDB v1 has no geospatial indexes).
import type { Cell, LocatedCell } from '../../domain/evidence';

const EARTH_RADIUS_M = 6_371_000;
const rad = (deg: number) => (deg * Math.PI) / 180;
const deg = (r: number) => (r * 180) / Math.PI;

export function haversineM(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const dLat = rad(lat2 - lat1);
  const dLng = rad(lng2 - lng1);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Initial bearing from point 1 to point 2, degrees clockwise from north in [0, 360). */
export function bearingDeg(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const y = Math.sin(rad(lng2 - lng1)) * Math.cos(rad(lat2));
  const x =
    Math.cos(rad(lat1)) * Math.sin(rad(lat2)) -
    Math.sin(rad(lat1)) * Math.cos(rad(lat2)) * Math.cos(rad(lng2 - lng1));
  return (deg(Math.atan2(y, x)) + 360) % 360;
}

/** Smallest angle between two directions, degrees in [0, 180]. */
export function angleDiff(a: number, b: number): number {
  const d = Math.abs(((a - b) % 360) + 360) % 360;
  return d > 180 ? 360 - d : d;
}

export const DEFAULT_BEAMWIDTH = 120;
/** Closer than this, any sector of the site serves the point (the bearing means little). */
const SAME_SPOT_M = 30;

export function pointsAt(cell: Cell, distanceM: number, bearing: number): boolean {
  if (distanceM < SAME_SPOT_M) return true;
  return angleDiff(bearing, cell.azimuth) <= (cell.beamwidth ?? DEFAULT_BEAMWIDTH) / 2;
}

/** Grid cell of GRID_DEG degrees; a stored key per cell lets a query fetch the squares around a point. */
export const GRID_DEG = 0.02;

export function gridKey(lat: number, lng: number): string {
  return `${Math.floor(lat / GRID_DEG)}:${Math.floor(lng / GRID_DEG)}`;
}

/** Grid keys of every square within about `radiusM` of the point. */
export function gridKeysAround(lat: number, lng: number, radiusM: number): string[] {
  const latSteps = Math.ceil(radiusM / 111_000 / GRID_DEG);
  const lngSteps = Math.ceil(radiusM / (111_000 * Math.max(0.1, Math.cos(rad(lat)))) / GRID_DEG);
  const y0 = Math.floor(lat / GRID_DEG);
  const x0 = Math.floor(lng / GRID_DEG);
  const keys: string[] = [];
  for (let dy = -latSteps; dy <= latSteps; dy++)
    for (let dx = -lngSteps; dx <= lngSteps; dx++) keys.push(`${y0 + dy}:${x0 + dx}`);
  return keys;
}

export function locatedFrom(cell: Cell, lat: number, lng: number): LocatedCell {
  return {
    ...cell,
    distanceM: Math.round(haversineM(cell.lat, cell.lng, lat, lng)),
    bearing: Math.round(bearingDeg(cell.lat, cell.lng, lat, lng)),
  };
}

/**
 * The serving cell of a point: the nearest cell whose sector beam points at it (haversine +
 * bearing within the beam); the neighbours are the next nearest cells, those pointing at the point
 * first. Falls back to the nearest cell when no beam points at the point.
 */
export function serveByCoordinates(
  candidates: Cell[],
  lat: number,
  lng: number,
  neighbours: number,
): { serving?: LocatedCell; neighbours: LocatedCell[]; beamMatched: boolean } {
  const located = candidates
    .map((c) => locatedFrom(c, lat, lng))
    .sort((a, b) => a.distanceM! - b.distanceM! || a.cellId.localeCompare(b.cellId));
  const facing = (c: LocatedCell) => pointsAt(c, c.distanceM!, c.bearing!);
  const serving = located.find(facing) ?? located[0];
  if (!serving) return { neighbours: [], beamMatched: false };
  const rest = located.filter((c) => c.cellId !== serving.cellId);
  const ordered = [...rest.filter(facing), ...rest.filter((c) => !facing(c))].slice(0, neighbours);
  ordered.sort((a, b) => a.distanceM! - b.distanceM!);
  return { serving, neighbours: ordered, beamMatched: facing(serving) };
}
