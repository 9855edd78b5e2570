// In-memory network data (the northbound simulator and tests): the same queries as mongo.ts over
// plain arrays of validated records.
import { haversineM } from './geo';
import type { NetworkSources } from './sources';
import type {
  Alarm,
  Cell,
  ChangeEvent,
  ChrRecord,
  InterferenceSample,
  KpiSample,
  TimeWindow,
} from '../../domain/evidence';

export interface NetworkDataSet {
  cells: Cell[];
  kpis: KpiSample[];
  alarms: Alarm[];
  changes: ChangeEvent[];
  interference: InterferenceSample[];
  chr: ChrRecord[];
}

const t = (s: string) => Date.parse(s);
const inWindow = (s: string, w: TimeWindow) => t(s) >= t(w.from) && t(s) < t(w.to);
const byTime =
  <T>(key: (x: T) => string, dir: 1 | -1) =>
  (a: T, b: T) =>
    dir * (t(key(a)) - t(key(b)));

/**
 * Rows of the given cells in the window, oldest first (ties in data order), at most `limit`: the
 * same answer as filtering the whole array, read through a per-cell index built on first use (a
 * labelled month holds 130,000 hourly rows per dataset).
 */
function byCell<T extends { cellId: string; hour: string }>(rows: T[]) {
  let index: Map<string, { row: T; at: number; i: number }[]> | undefined;
  let indexed = -1;
  return (cellIds: string[], w: TimeWindow, limit: number): T[] => {
    if (!index || indexed !== rows.length) {
      // (Re)built when rows were added since: the arrays are the caller's.
      indexed = rows.length;
      index = new Map();
      rows.forEach((row, i) => {
        const list = index!.get(row.cellId) ?? [];
        list.push({ row, at: t(row.hour), i });
        index!.set(row.cellId, list);
      });
    }
    const from = t(w.from);
    const to = t(w.to);
    return [...new Set(cellIds)]
      .flatMap((c) => (index!.get(c) ?? []).filter((x) => x.at >= from && x.at < to))
      .sort((a, b) => a.at - b.at || a.i - b.i)
      .slice(0, limit)
      .map((x) => x.row);
  };
}

export function createMemoryNetworkSources(data: NetworkDataSet): NetworkSources {
  const kpis = byCell(data.kpis);
  const interference = byCell(data.interference);
  return {
    kind: 'memory',
    cells: {
      cell: async (cellId) => data.cells.find((c) => c.cellId === cellId),
      siteCells: async (siteId) =>
        data.cells.filter((c) => c.siteId === siteId).sort((a, b) => a.sector - b.sector),
      near: async (lat, lng, radiusM) =>
        data.cells.filter((c) => haversineM(c.lat, c.lng, lat, lng) <= radiusM),
    },
    kpis: {
      kpis: async (cellIds, w, limit) => kpis(cellIds, w, limit),
    },
    alarms: {
      alarms: async (siteIds, cellIds, w, limit) =>
        data.alarms
          .filter(
            (a) =>
              (siteIds.includes(a.siteId) || a.cellIds.some((c) => cellIds.includes(c))) &&
              t(a.raisedAt) < t(w.to) &&
              (a.clearedAt === undefined || t(a.clearedAt) >= t(w.from)),
          )
          .sort(byTime((a) => a.raisedAt, -1))
          .slice(0, limit),
    },
    changes: {
      changes: async (siteIds, cellIds, w, limit) =>
        data.changes
          .filter(
            (c) =>
              (c.siteIds.some((s) => siteIds.includes(s)) || c.cellIds.some((x) => cellIds.includes(x))) &&
              inWindow(c.startedAt, w),
          )
          .sort(byTime((c) => c.startedAt, -1))
          .slice(0, limit),
    },
    interference: {
      interference: async (cellIds, w, limit) => interference(cellIds, w, limit),
    },
    chr: {
      calls: async (who, w, limit) =>
        data.chr
          .filter(
            (c) =>
              ((who.msisdn !== undefined && c.msisdn === who.msisdn) ||
                (who.imsi !== undefined && c.imsi === who.imsi)) &&
              inWindow(c.startedAt, w),
          )
          .sort(byTime((c) => c.startedAt, -1))
          .slice(0, limit),
    },
  };
}
