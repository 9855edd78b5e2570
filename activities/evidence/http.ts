// Network data from an operator's HTTP northbound interface (R3.4): one base URL, JSON arrays in
// the import formats of docs/network-data.md, a timeout on every call. Every answer is validated
// with the import schemas; a bad answer is an error (the activity retries, then the source is a gap).
import type { z } from 'zod';
import { AlarmRow, CellRow, ChangeRow, ChrRow, InterferenceRow, KpiRow } from './datasets';
import type { NetworkSources } from './sources';
import type { TimeWindow } from '../../domain/evidence';

export interface HttpSourceOptions {
  baseUrl: string;
  timeoutMs: number;
  /** Sent as `Authorization` when set. */
  authorization?: string;
  fetch?: typeof fetch;
}

export class NorthboundError extends Error {}

export function createHttpNetworkSources(opts: HttpSourceOptions): NetworkSources {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const doFetch = opts.fetch ?? fetch;

  async function get<T>(
    path: string,
    params: Record<string, string | number | undefined>,
    row: z.ZodType<T>,
  ) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
    const url = `${base}${path}?${q.toString()}`;
    let res: Response;
    try {
      res = await doFetch(url, {
        headers: {
          accept: 'application/json',
          ...(opts.authorization ? { authorization: opts.authorization } : {}),
        },
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
    } catch (err) {
      const e = err as Error;
      const why = e.name === 'TimeoutError' ? `no answer within ${opts.timeoutMs} ms` : e.message;
      throw new NorthboundError(`northbound ${path}: ${why}`);
    }
    if (res.status === 404 && path.startsWith('/cells/')) return [] as T[];
    if (!res.ok) throw new NorthboundError(`northbound ${path}: HTTP ${res.status}`);
    const body = (await res.json().catch(() => undefined)) as unknown;
    const list = Array.isArray(body) ? body : (body as { items?: unknown })?.items;
    if (!Array.isArray(list)) throw new NorthboundError(`northbound ${path}: expected a JSON array`);
    return list.map((item, i) => {
      const parsed = row.safeParse(item);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new NorthboundError(
          `northbound ${path}: item ${i + 1} is invalid: ${issue?.path.join('.')}: ${issue?.message}`,
        );
      }
      return parsed.data;
    });
  }

  const w = (window: TimeWindow) => ({ from: window.from, to: window.to });
  const ids = (list: string[]) => list.join(',');

  return {
    kind: 'http',
    cells: {
      cell: async (cellId) => (await get(`/cells/${encodeURIComponent(cellId)}`, {}, CellRow))[0],
      siteCells: (siteId) => get('/cells', { siteId }, CellRow),
      near: (lat, lng, radiusM) => get('/cells', { lat, lng, radiusM }, CellRow),
    },
    kpis: {
      kpis: (cellIds, window, limit) => get('/kpis', { cells: ids(cellIds), ...w(window), limit }, KpiRow),
    },
    alarms: {
      alarms: (siteIds, cellIds, window, limit) =>
        get('/alarms', { sites: ids(siteIds), cells: ids(cellIds), ...w(window), limit }, AlarmRow),
    },
    changes: {
      changes: (siteIds, cellIds, window, limit) =>
        get('/changes', { sites: ids(siteIds), cells: ids(cellIds), ...w(window), limit }, ChangeRow),
    },
    interference: {
      interference: (cellIds, window, limit) =>
        get('/interference', { cells: ids(cellIds), ...w(window), limit }, InterferenceRow),
    },
    chr: {
      calls: (who, window, limit) =>
        get('/chr', { msisdn: who.msisdn, imsi: who.imsi, ...w(window), limit }, ChrRow),
    },
  };
}
