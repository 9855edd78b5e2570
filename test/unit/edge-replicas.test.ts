// D6 API replicas behind a load balancer (issue 18): TRUST_PROXY explicit (off by default, a list of
// proxy addresses when on, a hop count refused at start), a request id on every request, response,
// error body and log line.
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { applyTrustProxy, requestLog } from '../../api/edge';
import { errorMiddleware, HttpError } from '../../api/errors';
import { ConfigError, loadConfig } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { runInRequest } from '../../platform/request-context';
import { parseTrustProxy } from '../../platform/trust-proxy';

const BASE = {
  SUPERVISOR_EMAILS: 'sup@example.com',
  TWILIO_ACCOUNT_SID: 'AC' + '0'.repeat(32),
  TWILIO_AUTH_TOKEN: 'secret-token',
  TWILIO_FROM_NUMBER: '+8610086000',
  PAYLOAD_KEYS: JSON.stringify({ k1: Buffer.alloc(32, 7).toString('base64') }),
  PAYLOAD_KEY_ID: 'k1',
};

describe('D6 TRUST_PROXY is explicit', () => {
  it('D6 off by default; a list of addresses and CIDR ranges when on', () => {
    expect(loadConfig(BASE).TRUST_PROXY).toBe('');
    expect(parseTrustProxy('')).toEqual({ proxies: [] });
    expect(parseTrustProxy('10.0.0.5, 10.0.1.0/24,fd00::/8,loopback')).toEqual({
      proxies: ['10.0.0.5', '10.0.1.0/24', 'fd00::/8', 'loopback'],
    });
  });

  it.each(['1', '2', 'true', 'TRUE'])(
    'D6 TRUST_PROXY=%s is refused at start with a message saying to list the proxies',
    (value) => {
      expect(() => loadConfig({ ...BASE, TRUST_PROXY: value })).toThrow(ConfigError);
      expect(() => loadConfig({ ...BASE, TRUST_PROXY: value })).toThrow(
        /TRUST_PROXY: .*list the proxies' addresses/,
      );
    },
  );

  it.each(['proxy.internal', '10.0.0.0/33', '10.0.0.1/8/2', '300.1.1.1'])(
    'D6 TRUST_PROXY=%s (not an address or range) is refused',
    (value) => {
      expect(() => loadConfig({ ...BASE, TRUST_PROXY: value })).toThrow(
        /TRUST_PROXY: not an IP address or CIDR range/,
      );
    },
  );
});

describe('D6 forwarded addresses and request ids', () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger('api-test', 'info', sink);
  const servers: { close: () => void }[] = [];

  async function serve(trustProxy: string): Promise<string> {
    const app = express();
    app.use(requestLog(logger));
    applyTrustProxy(app, trustProxy);
    app.get('/ip', (req, res) => {
      // A module that logs with the process's logger, not the request's: the line names the request.
      setTimeout(() => {
        logger.info({ ip: req.ip }, 'deep in a handler');
        res.json({ ip: req.ip, id: req.id });
      }, 5);
    });
    app.get('/refused', () => {
      throw new HttpError(409, 'conflict', 'no');
    });
    app.get('/boom', () => {
      throw new Error('unexpected');
    });
    // A step that fails after the answer went out (the route's answer is complete).
    app.get('/late-error', (_req, res, next) => {
      res.json({ port: res.socket?.remotePort });
      next(new Error('failed after answering'));
    });
    app.use(errorMiddleware(logger));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  afterAll(() => servers.forEach((s) => s.close()));

  it('D6 an error after the answer was sent is logged and keeps the keep-alive connection (Express would destroy it under the next request)', async () => {
    const url = await serve('');
    const ports = new Set<number>();
    lines.length = 0;
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${url}/late-error`);
      expect(res.status).toBe(200);
      ports.add(((await res.json()) as { port: number }).port);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // One connection carried all three: none was closed after its answer.
    expect(ports.size).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lines.filter((l) => l.msg === 'error after the answer was sent')).toHaveLength(3);
    expect(lines.filter((l) => l.msg === 'error after the answer was sent')[0]).toMatchObject({
      method: 'GET',
      path: '/late-error',
    });
  });

  it('D6 without TRUST_PROXY a forwarded address and an incoming X-Request-Id are ignored', async () => {
    const url = await serve('');
    const res = await fetch(`${url}/ip`, {
      headers: { 'x-forwarded-for': '203.0.113.9', 'x-request-id': 'chosen-by-client' },
    });
    const body = (await res.json()) as { ip: string; id: string };
    expect(body.ip).toBe('127.0.0.1');
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-request-id')).toBe(body.id);
  });

  it('D6 a listed proxy: its X-Forwarded-For and X-Request-Id are used; a peer not listed is not believed', async () => {
    const trusted = await serve('127.0.0.1');
    const res = await fetch(`${trusted}/ip`, {
      headers: { 'x-forwarded-for': '203.0.113.9', 'x-request-id': 'lb-4711' },
    });
    expect(await res.json()).toEqual({ ip: '203.0.113.9', id: 'lb-4711' });
    expect(res.headers.get('x-request-id')).toBe('lb-4711');
    // An id that could break a log line is replaced.
    const odd = await fetch(`${trusted}/ip`, { headers: { 'x-request-id': 'a b"c' } });
    expect(((await odd.json()) as { id: string }).id).toMatch(/^[0-9a-f-]{36}$/);
    const other = await serve('10.9.9.9');
    const res2 = await fetch(`${other}/ip`, {
      headers: { 'x-forwarded-for': '203.0.113.9', 'x-request-id': 'lb-4712' },
    });
    const body2 = (await res2.json()) as { ip: string; id: string };
    expect(body2.ip).toBe('127.0.0.1');
    expect(body2.id).not.toBe('lb-4712');
  });

  it('D6 every error body carries the request id of its X-Request-Id header, and every log line of the request names it', async () => {
    const url = await serve('');
    for (const [path, status] of [
      ['/refused', 409],
      ['/boom', 500],
      ['/nowhere', 404],
    ] as const) {
      const res = await fetch(`${url}${path}`);
      expect(res.status).toBe(status);
      if (status === 404) continue; // Express's own 404 page (the API adds its not-found route)
      const body = (await res.json()) as { requestId?: string };
      expect(body.requestId).toBe(res.headers.get('x-request-id'));
      expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
    lines.length = 0;
    const res = await fetch(`${url}/ip`);
    const id = res.headers.get('x-request-id');
    await res.json();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const mine = lines.filter((l) => l.requestId === id);
    expect(mine.map((l) => l.msg).sort()).toEqual(['deep in a handler', 'request']);
    expect(mine.find((l) => l.msg === 'request')).toMatchObject({ method: 'GET', path: '/ip', status: 200 });
    // No line is written twice with the id, and none of this request's lines lacks it.
    expect(lines.filter((l) => l.msg === 'deep in a handler' && l.requestId !== id)).toEqual([]);
  });

  it('D6 a request id whose last group is all digits is written as it is, while a number in the line is still masked', () => {
    // A random UUID ends in 11+ digits about once in 130 requests; the phone-number mask took it.
    const id = '0b9a1c2e-1f3d-4c5e-8a7b-138001380001';
    lines.length = 0;
    runInRequest(id, () => logger.info({ note: 'call 13800138000' }, 'deep in a handler'));
    expect(lines).toEqual([expect.objectContaining({ requestId: id, note: 'call *******8000' })]);
  });
});
