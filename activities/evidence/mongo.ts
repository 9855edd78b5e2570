// The default network data adapter (R3.4): data the operator imported into MongoDB (FerretDB v1
// compatible: plain finds with $in and ranges, single and compound indexes, keys precomputed at
// import: `_id` = natural key, `gridKey` for the cell search, `activeUntil` for alarm overlap,
// `localHour`/`dayKey` on hourly rows).
import type { Connection, mongo } from 'mongoose';
import { periodKeys } from '../period-keys';
import { DATASETS, type DatasetKind } from './datasets';
import { gridKey, gridKeysAround } from './geo';
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

/** Far future: `activeUntil` of an alarm that is not cleared yet. */
const OPEN_END = new Date('9999-12-31T00:00:00.000Z');
const LOCAL_OFFSET_MS = 8 * 3_600_000; // Asia/Shanghai, as period-keys.ts

const INDEXES: Record<DatasetKind, Record<string, 1 | -1>[]> = {
  cells: [{ siteId: 1 }, { gridKey: 1 }],
  kpis: [
    { cellId: 1, hour: 1 },
    { siteId: 1, hour: 1 },
  ],
  alarms: [{ siteId: 1, raisedAt: 1 }, { cellIds: 1, raisedAt: 1 }, { activeUntil: 1 }],
  changes: [{ siteIds: 1, startedAt: 1 }, { startedAt: 1 }],
  interference: [{ cellId: 1, hour: 1 }],
  chr: [
    { msisdn: 1, startedAt: 1 },
    { imsi: 1, startedAt: 1 },
  ],
};

type Document = mongo.Document;
export type NetworkCollections = Record<DatasetKind, mongo.Collection<Document>>;

export function networkCollections(connection: Connection): NetworkCollections {
  const out = {} as NetworkCollections;
  for (const spec of Object.values(DATASETS))
    out[spec.kind] = connection.collection(spec.collection) as unknown as mongo.Collection<Document>;
  return out;
}

export async function ensureNetworkIndexes(collections: NetworkCollections): Promise<void> {
  for (const [kind, indexes] of Object.entries(INDEXES) as [DatasetKind, Record<string, 1 | -1>[]][])
    for (const index of indexes) await collections[kind].createIndex(index);
}

const date = (s: string | undefined) => (s === undefined ? undefined : new Date(s));
const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : typeof d === 'string' ? d : undefined);

function hourKeys(hour: string) {
  const at = new Date(hour);
  return {
    dayKey: periodKeys(at).dayKey,
    localHour: new Date(at.getTime() + LOCAL_OFFSET_MS).getUTCHours(),
  };
}

/** A validated row as stored: `_id` is the natural key, times are Dates, lookup keys precomputed. */
export function toDoc(kind: DatasetKind, row: Record<string, unknown>): Document {
  const _id = DATASETS[kind].key(row);
  const strip = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  switch (kind) {
    case 'cells': {
      const c = row as unknown as Cell;
      return strip({ _id, ...c, gridKey: gridKey(c.lat, c.lng) });
    }
    case 'kpis': {
      const k = row as unknown as KpiSample;
      const siteId = k.cellId.replace(/-\d+$/, '');
      return strip({ _id, ...k, siteId, hour: date(k.hour), ...hourKeys(k.hour) });
    }
    case 'alarms': {
      const a = row as unknown as Alarm;
      return strip({
        _id,
        ...a,
        raisedAt: date(a.raisedAt),
        clearedAt: date(a.clearedAt),
        activeUntil: date(a.clearedAt) ?? OPEN_END,
      });
    }
    case 'changes': {
      const c = row as unknown as ChangeEvent;
      return strip({ _id, ...c, startedAt: date(c.startedAt), endedAt: date(c.endedAt) });
    }
    case 'interference': {
      const i = row as unknown as InterferenceSample;
      return strip({ _id, ...i, hour: date(i.hour), ...hourKeys(i.hour) });
    }
    case 'chr': {
      const c = row as unknown as ChrRecord;
      return strip({ _id, ...c, startedAt: date(c.startedAt), endedAt: date(c.endedAt) });
    }
  }
}

function pick<T>(doc: Document, fields: (keyof T & string)[], times: (keyof T & string)[] = []): T {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = times.includes(f) ? iso(doc[f]) : doc[f];
    if (v !== undefined && v !== null) out[f] = v;
  }
  return out as T;
}

const CELL_FIELDS: (keyof Cell)[] = [
  'cellId',
  'siteId',
  'sector',
  'lat',
  'lng',
  'azimuth',
  'beamwidth',
  'band',
  'technology',
  'region',
  'name',
];
const KPI_FIELDS: (keyof KpiSample)[] = [
  'cellId',
  'hour',
  'rrcSetupSuccessRate',
  'erabSetupSuccessRate',
  'dropRate',
  'prbUtilisationDl',
  'throughputDlMbps',
  'rsrpP10',
  'rsrpP50',
  'sinrP50',
  'ulInterferenceDbm',
];

export const fromDoc = {
  cell: (d: Document) => pick<Cell>(d, CELL_FIELDS),
  kpi: (d: Document) => pick<KpiSample>(d, KPI_FIELDS, ['hour']),
  alarm: (d: Document) =>
    pick<Alarm>(
      d,
      ['id', 'siteId', 'cellIds', 'severity', 'type', 'text', 'raisedAt', 'clearedAt'],
      ['raisedAt', 'clearedAt'],
    ),
  change: (d: Document) =>
    pick<ChangeEvent>(
      d,
      ['id', 'kind', 'siteIds', 'cellIds', 'startedAt', 'endedAt', 'description'],
      ['startedAt', 'endedAt'],
    ),
  interference: (d: Document) =>
    pick<InterferenceSample>(d, ['cellId', 'hour', 'ulNoiseDbm', 'source'], ['hour']),
  chr: (d: Document) =>
    pick<ChrRecord>(
      d,
      ['callId', 'imsi', 'msisdn', 'startedAt', 'endedAt', 'result', 'failedStep', 'causeCode', 'cellId'],
      ['startedAt', 'endedAt'],
    ),
};

const range = (w: TimeWindow) => ({ $gte: new Date(w.from), $lt: new Date(w.to) });

/** Windows up to this many local days are read one (cell, day) at a time; longer ones per cell. */
const DAY_BY_DAY_MAX = 8;

/**
 * The hourly rows (KPIs, interference) of some cells in a window, sorted by hour then cell, the
 * first `limit`. One equality query per cell and local day (`cellId` + `dayKey`, both top-level
 * equality) instead of one `$in` with a range: FerretDB v1 pushes equality down to PostgreSQL (and
 * our patch lets the cellId index serve it) but evaluates `$in` and ranges in Go over every row
 * of the collection — a month of KPIs decoded for each complaint, which under a month's load made
 * the KPI source time out for most complaints (issue 25). Same rows as the `$in` form.
 */
async function hourlyRows(
  collection: mongo.Collection<Document>,
  cellIds: string[],
  window: TimeWindow,
  limit: number,
): Promise<Document[]> {
  if (cellIds.length === 0) return [];
  const days = dayKeysOf(window);
  const filters =
    days.length <= DAY_BY_DAY_MAX
      ? cellIds.flatMap((cellId) => days.map((dayKey) => ({ cellId, dayKey, hour: range(window) })))
      : cellIds.map((cellId) => ({ cellId, hour: range(window) }));
  const parts = await Promise.all(filters.map((f) => collection.find(f).toArray()));
  const byHourThenCell = (a: Document, b: Document) =>
    (a.hour as Date).getTime() - (b.hour as Date).getTime() ||
    (a.cellId < b.cellId ? -1 : a.cellId > b.cellId ? 1 : 0);
  return parts.flat().sort(byHourThenCell).slice(0, limit);
}

/** The local days (dayKey, as stored on hourly rows) a window touches. */
function dayKeysOf(window: TimeWindow): string[] {
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  const keys = new Set<string>();
  for (let t = from; t < to; t += 3_600_000) keys.add(periodKeys(new Date(t)).dayKey);
  keys.add(periodKeys(new Date(Math.max(from, to - 1))).dayKey);
  return [...keys];
}

export function createMongoNetworkSources(connection: Connection): NetworkSources {
  const col = networkCollections(connection);
  return {
    kind: 'mongo',
    cells: {
      async cell(cellId) {
        const d = await col.cells.findOne({ _id: cellId as never });
        return d ? fromDoc.cell(d) : undefined;
      },
      async siteCells(siteId) {
        return (await col.cells.find({ siteId }).sort({ sector: 1 }).toArray()).map(fromDoc.cell);
      },
      async near(lat, lng, radiusM) {
        const keys = gridKeysAround(lat, lng, radiusM);
        return (await col.cells.find({ gridKey: { $in: keys } }).toArray()).map(fromDoc.cell);
      },
    },
    kpis: {
      async kpis(cellIds, window, limit) {
        return (await hourlyRows(col.kpis, cellIds, window, limit)).map(fromDoc.kpi);
      },
    },
    alarms: {
      async alarms(siteIds, cellIds, window, limit) {
        if (siteIds.length === 0 && cellIds.length === 0) return [];
        const docs = await col.alarms
          .find({
            $or: [{ siteId: { $in: siteIds } }, { cellIds: { $in: cellIds } }],
            raisedAt: { $lt: new Date(window.to) },
            activeUntil: { $gte: new Date(window.from) },
          })
          .sort({ raisedAt: -1 })
          .limit(limit)
          .toArray();
        return docs.map(fromDoc.alarm);
      },
    },
    changes: {
      async changes(siteIds, cellIds, window, limit) {
        if (siteIds.length === 0 && cellIds.length === 0) return [];
        const docs = await col.changes
          .find({
            $or: [{ siteIds: { $in: siteIds } }, { cellIds: { $in: cellIds } }],
            startedAt: range(window),
          })
          .sort({ startedAt: -1 })
          .limit(limit)
          .toArray();
        return docs.map(fromDoc.change);
      },
    },
    interference: {
      async interference(cellIds, window, limit) {
        return (await hourlyRows(col.interference, cellIds, window, limit)).map(fromDoc.interference);
      },
    },
    chr: {
      async calls(subscriber, window, limit) {
        const who = [
          ...(subscriber.msisdn ? [{ msisdn: subscriber.msisdn }] : []),
          ...(subscriber.imsi ? [{ imsi: subscriber.imsi }] : []),
        ];
        if (who.length === 0) return [];
        const docs = await col.chr
          .find({ $or: who, startedAt: range(window) })
          .sort({ startedAt: -1 })
          .limit(limit)
          .toArray();
        return docs.map(fromDoc.chr);
      },
    },
  };
}
