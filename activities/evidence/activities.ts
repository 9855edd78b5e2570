// The evidence activities (R3.1): cell lookup and one activity per source. Each returns its
// records, bounded (they are stored in workflow history), and throws on failure so that Temporal
// retries; the workflow step turns a final failure into a gap.
import type { Logger } from 'pino';
import { locateCells, DEFAULT_LOCATE_OPTIONS, type LocateOptions } from './locate';
import type { NetworkSources } from './sources';
import type { EvidenceActivities, EvidenceQuery, TimeWindow } from './types';

export interface EvidenceLimits {
  /** Cells queried for KPIs and interference: the serving cell and the nearest neighbours. */
  maxCells: number;
  /** Hourly rows per cell: the last hours of the window, at least `minHours` for a baseline. */
  maxHours: number;
  minHours: number;
  alarms: number;
  changes: number;
  calls: number;
  /** Default look-back for changes before the window when the query has none. */
  lookbackHours: number;
}

export const DEFAULT_EVIDENCE_LIMITS: EvidenceLimits = {
  maxCells: 4,
  maxHours: 96,
  minHours: 72,
  alarms: 100,
  changes: 100,
  calls: 200,
  lookbackHours: 72,
};

export interface EvidenceDeps {
  sources: NetworkSources;
  logger: Logger;
  limits?: Partial<EvidenceLimits>;
  locate?: LocateOptions;
}

const H = 3_600_000;

/** The hours whose KPIs are read: the end of the window, between minHours and maxHours long. */
export function hourlyWindow(window: TimeWindow, limits: EvidenceLimits): TimeWindow {
  const to = Date.parse(window.to);
  const span = Math.min(Math.max(to - Date.parse(window.from), limits.minHours * H), limits.maxHours * H);
  const from = Math.floor((to - span) / H) * H;
  return { from: new Date(from).toISOString(), to: window.to };
}

export function createEvidenceActivities(deps: EvidenceDeps): EvidenceActivities {
  const limits = { ...DEFAULT_EVIDENCE_LIMITS, ...deps.limits };
  const { sources } = deps;
  const log = deps.logger.child({ component: 'evidence', source: sources.kind });

  async function timed<T>(what: string, q: EvidenceQuery | undefined, fn: () => Promise<T[]>): Promise<T[]> {
    const started = Date.now();
    try {
      const items = await fn();
      log.debug(
        { ticketId: q?.ticketId, what, items: items.length, ms: Date.now() - started },
        'evidence read',
      );
      return items;
    } catch (err) {
      log.warn({ ticketId: q?.ticketId, what, err: (err as Error).message }, 'evidence source failed');
      throw err;
    }
  }

  const cellsOf = (q: EvidenceQuery) => q.cells.slice(0, limits.maxCells);

  return {
    async locateCells(location, vipPlaces) {
      return locateCells(sources.cells, location, deps.locate ?? DEFAULT_LOCATE_OPTIONS, vipPlaces ?? []);
    },
    evidenceKpis: (q) =>
      timed('kpis', q, () => {
        const cells = cellsOf(q);
        return sources.kpis.kpis(cells, hourlyWindow(q.window, limits), cells.length * limits.maxHours);
      }),
    evidenceAlarms: (q) =>
      timed('alarms', q, () => sources.alarms.alarms(q.siteIds, q.cells, q.window, limits.alarms)),
    evidenceChanges: (q) =>
      timed('changes', q, () => {
        const lookback = (q.lookbackHours ?? limits.lookbackHours) * H;
        const window = {
          from: new Date(Date.parse(q.window.from) - lookback).toISOString(),
          to: q.window.to,
        };
        return sources.changes.changes(q.siteIds, q.cells, window, limits.changes);
      }),
    evidenceInterference: (q) =>
      timed('interference', q, () => {
        const cells = cellsOf(q);
        return sources.interference.interference(
          cells,
          hourlyWindow(q.window, limits),
          cells.length * limits.maxHours,
        );
      }),
    evidenceChr: (q) =>
      timed('chr', q, async () => {
        if (!q.msisdn && !q.imsi) return [];
        return sources.chr.calls({ msisdn: q.msisdn, imsi: q.imsi }, q.window, limits.calls);
      }),
  };
}
