// A northbound network-data interface simulator (R3.4): serves a data set (by default the
// synthetic one of generate.ts) over the HTTP API that the `http` adapter calls
// (activities/evidence/http.ts, docs/network-data.md), with injectable delays and failures for
// tests. `npm run network:northbound` starts it on NORTHBOUND_PORT (default 3020).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryNetworkSources, type NetworkDataSet } from '../../activities/evidence/memory';
import { generateNetworkData } from './generate';

export interface NorthboundFaults {
  /** Path (e.g. '/interference') → delay in ms before answering. */
  delayMs: Record<string, number>;
  /** Path → HTTP status to answer with instead of data. */
  status: Record<string, number>;
}

export interface NorthboundSim {
  url: string;
  faults: NorthboundFaults;
  /** Requests served, by path. */
  hits: Record<string, number>;
  close(): Promise<void>;
}

export async function startNorthboundSim(
  data: NetworkDataSet,
  port = 0,
  host = '127.0.0.1',
): Promise<NorthboundSim> {
  const sources = createMemoryNetworkSources(data);
  const faults: NorthboundFaults = { delayMs: {}, status: {} };
  const hits: Record<string, number> = {};
  const timers = new Set<NodeJS.Timeout>();
  const list = (s: string | null) => (s ? s.split(',').filter(Boolean) : []);

  async function answer(path: string, q: URLSearchParams): Promise<unknown> {
    const window = { from: q.get('from') ?? '', to: q.get('to') ?? '' };
    const limit = Number(q.get('limit') ?? 1000);
    if (path.startsWith('/cells/')) {
      const cell = await sources.cells.cell(decodeURIComponent(path.slice('/cells/'.length)));
      return cell ? [cell] : undefined;
    }
    switch (path) {
      case '/cells':
        if (q.get('siteId')) return sources.cells.siteCells(q.get('siteId')!);
        return sources.cells.near(Number(q.get('lat')), Number(q.get('lng')), Number(q.get('radiusM')));
      case '/kpis':
        return sources.kpis.kpis(list(q.get('cells')), window, limit);
      case '/alarms':
        return sources.alarms.alarms(list(q.get('sites')), list(q.get('cells')), window, limit);
      case '/changes':
        return sources.changes.changes(list(q.get('sites')), list(q.get('cells')), window, limit);
      case '/interference':
        return sources.interference.interference(list(q.get('cells')), window, limit);
      case '/chr':
        return sources.chr.calls(
          { msisdn: q.get('msisdn') ?? undefined, imsi: q.get('imsi') ?? undefined },
          window,
          limit,
        );
      default:
        return undefined;
    }
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const key = url.pathname.startsWith('/cells/') ? '/cells/{id}' : url.pathname;
    hits[key] = (hits[key] ?? 0) + 1;
    const send = (status: number, body: unknown) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const delay = faults.delayMs[url.pathname] ?? 0;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const forced = faults.status[url.pathname];
      if (forced) return send(forced, { error: 'injected failure' });
      answer(url.pathname, url.searchParams).then(
        (body) => (body === undefined ? send(404, { error: 'not found' }) : send(200, body)),
        (err: Error) => send(500, { error: err.message }),
      );
    }, delay);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${bound}`,
    faults,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (require.main === module) {
  const { data, manifest } = generateNetworkData();
  void startNorthboundSim(data, Number(process.env.NORTHBOUND_PORT ?? 3020)).then((sim) => {
    console.log(
      `northbound simulator on ${sim.url} (${manifest.counts.kpis} KPI rows, data to ${manifest.generatedFor.to})`,
    );
    console.log(`run the worker with NETWORK_DATA_SOURCE=http NETWORK_DATA_URL=${sim.url}`);
  });
}
