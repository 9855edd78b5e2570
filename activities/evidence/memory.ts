// In-memory network data (the northbound simulator and tests): the same queries as mongo.ts over
// plain arrays of validated records.
import { haversineM } from './geo';
import type { NetworkSources } from './sources';
import type { Alarm, Cell, ChangeEvent, ChrRecord, InterferenceSample, KpiSample, TimeWindow } from './types';

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

export function createMemoryNetworkSources(data: NetworkDataSet): NetworkSources {
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
      kpis: async (cellIds, w, limit) =>
        data.kpis
          .filter((k) => cellIds.includes(k.cellId) && inWindow(k.hour, w))
          .sort(byTime((k) => k.hour, 1))
          .slice(0, limit),
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
      interference: async (cellIds, w, limit) =>
        data.interference
          .filter((i) => cellIds.includes(i.cellId) && inWindow(i.hour, w))
          .sort(byTime((i) => i.hour, 1))
          .slice(0, limit),
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
