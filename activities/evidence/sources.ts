// One interface per network data source (R3.4). Implementations: MongoDB over imported data
// (mongo.ts, the default), an HTTP northbound endpoint (http.ts) and in-memory data (memory.ts,
// for the simulator and tests). Chosen by NETWORK_DATA_SOURCE.
import type {
  Alarm,
  Cell,
  ChangeEvent,
  ChrRecord,
  InterferenceSample,
  KpiSample,
  TimeWindow,
} from '../../domain/evidence';

export interface CellTable {
  cell(cellId: string): Promise<Cell | undefined>;
  /** Every cell of a site (its sectors). */
  siteCells(siteId: string): Promise<Cell[]>;
  /** Cells within about `radiusM` metres of a point (a superset is fine: the caller measures). */
  near(lat: number, lng: number, radiusM: number): Promise<Cell[]>;
}

export interface KpiSource {
  /** Hourly samples of these cells with `window.from <= hour < window.to`, oldest first. */
  kpis(cellIds: string[], window: TimeWindow, limit: number): Promise<KpiSample[]>;
}

export interface AlarmSource {
  /** Alarms on these sites (or naming these cells) active at any time in the window. */
  alarms(siteIds: string[], cellIds: string[], window: TimeWindow, limit: number): Promise<Alarm[]>;
}

export interface ChangeSource {
  /** Changes on these sites or cells that started in the window. */
  changes(siteIds: string[], cellIds: string[], window: TimeWindow, limit: number): Promise<ChangeEvent[]>;
}

export interface InterferenceSource {
  interference(cellIds: string[], window: TimeWindow, limit: number): Promise<InterferenceSample[]>;
}

export interface ChrSource {
  /** Calls of one subscriber (by MSISDN and/or IMSI) that started in the window. */
  calls(
    subscriber: { msisdn?: string; imsi?: string },
    window: TimeWindow,
    limit: number,
  ): Promise<ChrRecord[]>;
}

export interface NetworkSources {
  kind: 'mongo' | 'http' | 'memory';
  cells: CellTable;
  kpis: KpiSource;
  alarms: AlarmSource;
  changes: ChangeSource;
  interference: InterferenceSource;
  chr: ChrSource;
}
