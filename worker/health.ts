// The worker's liveness and readiness listener (D5): GET /livez answers 200 while the process runs
// (also while it bundles and connects at start, which may take a while); GET /readyz answers 200
// only while both task queues are polled, 503 before (starting) and after SIGTERM (draining), so an
// orchestrator neither kills a starting worker nor counts a draining one. Its own small listener
// (WORKER_HEALTH_ADDRESS): the SDK's Prometheus endpoint (WORKER_METRICS_ADDRESS) serves only /metrics.
import { createServer, type Server } from 'node:http';
import { parseListenAddress } from '../platform/ops-config';

export type WorkerPhase = 'starting' | 'polling' | 'draining';

export interface HealthState {
  phase(): WorkerPhase;
}

export function startHealthListener(address: string, state: HealthState): Promise<Server> {
  const listen = parseListenAddress(address);
  if (!listen) throw new Error(`WORKER_HEALTH_ADDRESS: not host:port: ${address}`);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const phase = state.phase();
    const answer = (status: number, body: Record<string, unknown>) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(405, { error: 'method_not_allowed' });
    if (path === '/livez') return answer(200, { ok: true, phase });
    if (path === '/readyz')
      return answer(phase === 'polling' ? 200 : 503, { ok: phase === 'polling', phase });
    return answer(404, { error: 'not_found' });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
