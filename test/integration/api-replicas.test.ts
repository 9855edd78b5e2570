// D6 API replicas (issue 18): two API processes on one database share the rate limits; a forwarded
// address is believed only from a listed proxy (TRUST_PROXY); every answer, error body and log line
// carries the request id.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort, ManagedProcess, waitForHttp } from '../../infra/stack/processes';
import { KEYS, startTestStack, type TestStack } from '../support/stack';

const LIMIT = 8;
let stack: TestStack;
let apiB: ManagedProcess;
let urlA: string;
let urlB: string;

beforeAll(async () => {
  stack = await startTestStack({ RATE_LIMIT_PER_MINUTE: String(LIMIT) });
  urlA = stack.urls.api;
  // A second replica on the same database and Temporal; it sits "behind" a proxy on 127.0.0.1.
  const port = await freePort();
  urlB = `http://127.0.0.1:${port}`;
  apiB = ManagedProcess.start({
    name: 'api-b',
    command: process.execPath,
    args: [
      '--import',
      pathToFileURL(require.resolve('tsx')).href,
      path.join(__dirname, '../../api/server.ts'),
    ],
    env: {
      ...process.env,
      ...stack.env,
      RATE_LIMIT_PER_MINUTE: String(LIMIT),
      API_PORT: String(port),
      TRUST_PROXY: '127.0.0.1',
    },
    logFile: path.join(stack.logDir, 'api-b.log'),
    cwd: path.join(__dirname, '../..'),
  });
  await waitForHttp(`${urlB}/healthz`, 120_000, apiB);
}, 600_000);

afterAll(async () => {
  await apiB?.stop();
  await stack?.dispose();
}, 120_000);

/** Windows are aligned to the minute: start a counting test well inside one. */
async function awayFromMinuteEdge(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 40_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 500));
}

const me = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${KEYS.handler}`, ...headers } });

describe('D6 API replicas', () => {
  it('D6 two API processes on one database share one rate limit per key', async () => {
    await awayFromMinuteEdge();
    const statuses: number[] = [];
    const remaining: (string | null)[] = [];
    for (let i = 0; i < LIMIT; i++) {
      const res = await me(i % 2 ? urlB : urlA);
      statuses.push(res.status);
      remaining.push(res.headers.get('ratelimit'));
      await res.arrayBuffer();
    }
    expect(statuses).toEqual(Array(LIMIT).fill(200));
    // Each answer counts the other replica's requests too: remaining goes 7, 6, … 0 across both.
    expect(remaining.map((h) => Number(/remaining=(\d+)/.exec(h ?? '')?.[1]))).toEqual(
      Array.from({ length: LIMIT }, (_, i) => LIMIT - 1 - i),
    );
    for (const url of [urlA, urlB]) {
      const res = await me(url);
      expect(res.status).toBe(429);
      const body = (await res.json()) as { error: string; requestId: string };
      expect(body.error).toBe('rate_limited');
      expect(body.requestId).toBe(res.headers.get('x-request-id'));
    }
  });

  it('D6 a forwarded address from a peer that is not a listed proxy is ignored; from a listed proxy it is the client', async () => {
    await awayFromMinuteEdge();
    // Without credentials requests are counted per client address (then refused 401 by the guard).
    const anonymous = (url: string, forwardedFor: string) =>
      fetch(`${url}/v1/me`, { headers: { 'x-forwarded-for': forwardedFor } }).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      });
    // API A trusts no proxy: a client choosing a new X-Forwarded-For each time is still one client.
    const direct: number[] = [];
    for (let i = 0; i <= LIMIT; i++) direct.push(await anonymous(urlA, `198.51.100.${i + 1}`));
    expect(direct.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(401));
    expect(direct[LIMIT]).toBe(429);
    // API B trusts 127.0.0.1: there the forwarded addresses are distinct clients, none limited.
    const proxied: number[] = [];
    for (let i = 0; i <= LIMIT; i++) proxied.push(await anonymous(urlB, `203.0.113.${i + 1}`));
    expect(proxied).toEqual(Array(LIMIT + 1).fill(401));
  });

  it('D6 an idle connection is kept longer than a load balancer keeps it (65 s), so the API never closes one a request is on its way on', async () => {
    const health = await fetch(`${urlA}/healthz`);
    expect(health.headers.get('keep-alive')).toBe('timeout=65');
  });

  it('D6 request ids: in every answer, in error bodies, taken from a listed proxy only, and in the log lines', async () => {
    await awayFromMinuteEdge();
    const health = await fetch(`${urlA}/healthz`);
    expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const refused = await fetch(`${urlA}/v1/complaints/NO-SUCH`, {
      headers: { authorization: 'Bearer wrong-key-123', 'x-request-id': 'client-chosen' },
    });
    expect(refused.status).toBe(401);
    const body = (await refused.json()) as { requestId: string };
    const id = refused.headers.get('x-request-id')!;
    expect(id).not.toBe('client-chosen');
    expect(body.requestId).toBe(id);
    // Behind the listed proxy, its id is kept end to end.
    const viaProxy = await fetch(`${urlB}/v1/complaints/NO-SUCH`, {
      // (its own client address: 127.0.0.1's bucket was used up by the test before)
      headers: { 'x-request-id': 'lb-req-42', 'x-forwarded-for': '192.0.2.77' },
    });
    expect(viaProxy.headers.get('x-request-id')).toBe('lb-req-42');
    expect(((await viaProxy.json()) as { requestId: string }).requestId).toBe('lb-req-42');
    // The request's log line names it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const logA = readFileSync(path.join(stack.logDir, 'api.log'), 'utf8');
    const line = logA
      .split('\n')
      .find((l) => l.includes(`"requestId":"${id}"`) && l.includes('"msg":"request"'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ status: 401, path: '/v1/complaints/NO-SUCH' });
    const logB = readFileSync(path.join(stack.logDir, 'api-b.log'), 'utf8');
    expect(logB).toContain('"requestId":"lb-req-42"');
  });
});
