// S10: a read of the read model answers within its deadline (503 + Retry-After) instead of hanging;
// what the slow route sends afterwards goes nowhere; actions and excepted media are not cut short.
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { readDeadline } from '../../api/request-deadline';

let server: Server;
let base: string;
const lateErrors: unknown[] = [];

beforeAll(async () => {
  const app = express();
  app.use(
    '/diag',
    readDeadline({
      ms: 150,
      diagnose: async () => ({
        ok: false,
        temporal: 'up',
        mongodb: 'down',
        message: 'the database (MongoDB) did not answer within 500 ms',
      }),
    }),
  );
  app.use(readDeadline({ ms: 150, except: /^\/(recordings|diag)\// }));
  const slow = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const reply: express.RequestHandler = (req, res, next) => {
    slow(Number(req.query.ms ?? 0))
      .then(() => res.status(200).set('X-Late', '1').json({ ok: true, path: req.path }))
      .catch(next);
  };
  app.get('/read', reply);
  app.get('/diag/read', reply);
  app.get('/recordings/1', reply);
  app.post('/act', reply);
  app.use(((err, _req, _res, next) => {
    lateErrors.push(err);
    next(err);
  }) as express.ErrorRequestHandler);
  server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((r) => server.close(r)));

describe('S10 reads answer within their deadline', () => {
  it('S10 a slow read gets 503 with Retry-After naming the deadline; a fast one is untouched', async () => {
    const started = Date.now();
    const late = await fetch(`${base}/read?ms=600`);
    expect(Date.now() - started).toBeLessThan(550);
    expect(late.status).toBe(503);
    expect(late.headers.get('retry-after')).toBe('1');
    expect(late.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await late.json()).toMatchObject({
      error: 'deadline_exceeded',
      message: expect.stringMatching(/GET \/read did not answer within 150 ms \(the server is overloaded\)/),
    });
    const fast = await fetch(`${base}/read?ms=0`);
    expect(fast.status).toBe(200);
    expect(await fast.json()).toEqual({ ok: true, path: '/read' });
  });

  it('S10 when a dependency does not answer, the late answer names it', async () => {
    const late = await fetch(`${base}/diag/read?ms=600`);
    expect(late.status).toBe(503);
    expect(await late.json()).toMatchObject({
      error: 'unavailable',
      message: expect.stringMatching(
        /GET \/diag\/read did not answer within 150 ms: the database \(MongoDB\) did not answer/,
      ),
    });
  });

  it("S10 the slow route's own answer, when it comes, goes nowhere and raises no error", async () => {
    await (await fetch(`${base}/read?ms=300`)).text();
    await new Promise((r) => setTimeout(r, 400));
    expect(lateErrors).toEqual([]);
    expect((await fetch(`${base}/read?ms=0`)).status).toBe(200);
  });

  it('S10 actions and excepted media keep their own time-outs', async () => {
    const act = await fetch(`${base}/act?ms=300`, { method: 'POST' });
    expect(act.status).toBe(200);
    const media = await fetch(`${base}/recordings/1?ms=300`);
    expect(media.status).toBe(200);
  });
});
