// Issue 8 without servers: the access table and its doc, JWT verification, the edge middlewares,
// the error answers, log masking and the audit hash.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express, { type Express } from 'express';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import pino from 'pino';
import { canonicalJson, entryHash, GENESIS_HASH } from '../../activities/audit';
import {
  ACCESS,
  accessSummaryOf,
  canAccessComplaint,
  listScopeFilter,
  roleNamesOf,
  ruleFor,
} from '../../api/access';
import { renderSecurityDocSource, SECURITY_DOC_PATH } from '../../api/access-doc';
import { authenticate } from '../../api/auth';
import { corsAllowList } from '../../api/cors';
import { rateLimitPerKey, securityHeaders } from '../../api/edge';
import { errorMiddleware, HttpError } from '../../api/errors';
import { guard } from '../../api/guard';
import { createJwtVerifier } from '../../api/jwt';
import { buildOpenApi } from '../../api/openapi';
import { withSecurity } from '../../api/openapi-security';
import { createLogger, maskText } from '../../platform/logger';
import { temporalLogger } from '../../worker/temporal-logger';

const quiet = pino({ level: 'silent' });

async function serve(app: Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => server.close(() => r(undefined))),
  };
}

describe('S2 one access table for every route', () => {
  it('S2 docs/security.md is generated from the table and matches it', () => {
    // Prettier formats the generated page as `npm run docs:security` does (its CLI: Jest cannot load
    // Prettier's ESM plugins in-process).
    const formatted = execFileSync(
      process.execPath,
      [require.resolve('prettier/bin/prettier.cjs'), '--stdin-filepath', SECURITY_DOC_PATH],
      { input: renderSecurityDocSource(), encoding: 'utf8' },
    );
    expect(readFileSync(SECURITY_DOC_PATH, 'utf8')).toBe(formatted);
  });

  it('S2 every operation of the OpenAPI document has a rule, and every documented rule an operation', () => {
    const doc = withSecurity(buildOpenApi('http://x'), { devAuth: true, codecAuth: true }) as {
      paths: Record<string, Record<string, { 'x-roles'?: string[] }>>;
    };
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    for (const op of ops) {
      const [method, path] = op.split(' ') as [string, string];
      expect(() => ruleFor(method, path)).not.toThrow();
      expect(doc.paths[path]![method.toLowerCase()]!['x-roles']).toEqual([...ruleFor(method, path).roles]);
    }
    const documented = ACCESS.filter((r) => !r.undocumented).map((r) => `${r.method} ${r.path}`);
    expect(documented.filter((r) => !ops.includes(r))).toEqual([]);
    expect(() => guard('POST', '/v1/nowhere')).toThrow(/no access rule/);
  });

  it('S2 assignment: handlers by assignee or team, departments by transfer, VIP managers by VIP level', () => {
    const view = {
      ticketId: 'EMOS-1',
      stage: 'TRANSFERRED',
      input: { location: { region: 'haidian' }, customer: { vipLevel: 0 }, submittedBy: 'emos-gateway' },
      triage: { decision: 'TRANSFER', department: 'network', by: 'handler.li' },
    };
    const c = accessSummaryOf(view);
    expect(c).toMatchObject({ team: 'haidian', department: 'network', vipLevel: 0, assignee: undefined });
    const li = { user: 'handler.li', roles: ['handler'], team: 'haidian' };
    const zhou = { user: 'handler.zhou', roles: ['handler'], team: 'chaoyang' };
    expect(canAccessComplaint(li, c)).toBe(true);
    expect(canAccessComplaint(zhou, c)).toBe(false);
    expect(canAccessComplaint({ ...zhou, team: undefined }, { ...c, assignee: 'handler.zhou' })).toBe(true);
    expect(canAccessComplaint({ user: 'n', roles: ['department:network'] }, c)).toBe(true);
    expect(canAccessComplaint({ user: 'd', roles: ['department:data'] }, c)).toBe(false);
    expect(canAccessComplaint({ user: 'v', roles: ['vipManager'] }, c)).toBe(false);
    expect(canAccessComplaint({ user: 'v', roles: ['vipManager'] }, { ...c, vipLevel: 2 })).toBe(true);
    expect(canAccessComplaint({ user: 'emos-gateway', roles: ['intake'] }, c)).toBe(true);
    expect(canAccessComplaint({ user: 'other-gw', roles: ['intake'] }, c)).toBe(false);
    expect(canAccessComplaint({ user: 'a', roles: ['analyst'] }, c)).toBe(false);
    for (const role of ['supervisor', 'interface', 'admin'])
      expect(canAccessComplaint({ user: 'x', roles: [role] }, c)).toBe(true);
    // Only the roles the route grants count: a supervisor who is also a handler elsewhere.
    expect(canAccessComplaint({ user: 's', roles: ['supervisor', 'handler'] }, c, ['handler'])).toBe(false);
    // SELF means the person who triaged took it.
    expect(accessSummaryOf({ ...view, triage: { decision: 'SELF', by: 'handler.li' } }).assignee).toBe(
      'handler.li',
    );
    expect(roleNamesOf({ roles: ['department:network', 'bogus', 'admin'] })).toEqual(
      new Set(['department', 'admin']),
    );
    expect(listScopeFilter(li, ['handler'])).toEqual({
      $or: [{ assignee: 'handler.li' }, { region: 'haidian' }, { team: 'haidian' }],
    });
    expect(listScopeFilter(li, ['supervisor'])).toBeUndefined();
  });
});

describe('S1 people authenticate with JWTs verified against a JWKS', () => {
  let keys: { publicKey: KeyLike; privateKey: KeyLike };
  let other: { publicKey: KeyLike; privateKey: KeyLike };
  let jwk: JWK;
  beforeAll(async () => {
    keys = await generateKeyPair('ES256');
    other = await generateKeyPair('ES256');
    jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'ES256' };
  });
  const sign = (
    claims: Record<string, unknown>,
    o: { key?: KeyLike; iss?: string; aud?: string; exp?: string | number } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('handler.li')
      .setIssuer(o.iss ?? 'https://idp.example')
      .setAudience(o.aud ?? 'closedloop-api')
      .setIssuedAt()
      .setExpirationTime(o.exp ?? '5m')
      .sign(o.key ?? keys.privateKey);
  const verifier = () =>
    createJwtVerifier({
      keys: createLocalJWKSet({ keys: [jwk] }),
      issuer: 'https://idp.example',
      audience: 'closedloop-api',
      clockToleranceSec: 0,
    });

  it('S1 a valid token gives the user, known roles and team', async () => {
    const p = await verifier()(
      await sign({ roles: ['handler', 'root', 'department:network'], team: 'haidian' }),
    );
    expect(p).toEqual({
      user: 'handler.li',
      roles: ['handler', 'department:network'],
      team: 'haidian',
      via: 'jwt',
    });
  });

  it('S1 wrong signature, issuer, audience or an expired token are refused with 401', async () => {
    const v = verifier();
    const cases: [Promise<string>, RegExp][] = [
      [sign({ roles: ['admin'] }, { key: other.privateKey }), /signature/],
      [sign({ roles: ['admin'] }, { iss: 'https://evil.example' }), /iss/],
      [sign({ roles: ['admin'] }, { aud: 'someone-else' }), /aud/],
      [sign({ roles: ['admin'] }, { exp: Math.floor(Date.now() / 1000) - 10 }), /expired/],
    ];
    for (const [token, reason] of cases) {
      const err = await v(await token).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(HttpError);
      expect((err as HttpError).status).toBe(401);
      expect((err as HttpError).message).toMatch(reason);
    }
    const tampered = (await sign({ roles: ['handler'] })).split('.');
    tampered[1] = Buffer.from(JSON.stringify({ sub: 'x', roles: ['admin'] })).toString('base64url');
    await expect(v(tampered.join('.'))).rejects.toMatchObject({ status: 401 });
  });

  it('S1 API keys for systems and JWTs for people go through one middleware', async () => {
    const app = express();
    app.use(authenticate({ 'system-key-123': { user: 'emos-gateway', roles: ['intake'] } }, verifier()));
    app.get('/me', (req, res) => res.json(req.actor));
    app.use(errorMiddleware(quiet));
    const s = await serve(app);
    try {
      const me = (auth?: string) =>
        fetch(`${s.url}/me`, { headers: auth ? { authorization: auth } : {} }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as Record<string, unknown>,
        }));
      expect(await me('Bearer system-key-123')).toEqual({
        status: 200,
        body: { user: 'emos-gateway', roles: ['intake'], via: 'apiKey' },
      });
      expect((await me(`Bearer ${await sign({ roles: ['handler'] })}`)).body).toMatchObject({ via: 'jwt' });
      expect((await me()).status).toBe(401);
      expect((await me('Bearer nope-nope')).status).toBe(401);
      expect((await me(`Bearer ${await sign({}, { key: other.privateKey })}`)).status).toBe(401);
    } finally {
      await s.close();
    }
  });
});

describe('S4 S6 the edge: headers, CORS, rate limits and error answers', () => {
  let s: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    const app = express();
    app.use(securityHeaders());
    app.use(
      '/v1',
      corsAllowList({ origins: ['https://console.example'], methods: ['GET'], headers: ['authorization'] }),
      rateLimitPerKey(3),
    );
    app.get('/v1/ok', (_req, res) => res.json({ ok: true }));
    app.get('/v1/boom', () => {
      throw new Error(
        'connect ECONNREFUSED mongodb://admin:secret@10.0.0.5 at Object.<anonymous> (/srv/x.ts:1:1)',
      );
    });
    app.post('/v1/json', express.json({ limit: '1kb' }), (_req, res) => res.json({}));
    app.use(errorMiddleware(quiet));
    s = await serve(app);
  });
  afterAll(() => s.close());

  it('S6 security headers are set and the server does not name itself', async () => {
    const res = await fetch(`${s.url}/v1/ok`, { headers: { authorization: 'Bearer h-1' } });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age/);
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('S6 rate limits per key answer 429 with Retry-After; another key is not affected', async () => {
    const get = (key: string) => fetch(`${s.url}/v1/ok`, { headers: { authorization: `Bearer ${key}` } });
    for (let i = 0; i < 3; i++) expect((await get('rate-key-a')).status).toBe(200);
    const limited = await get('rate-key-a');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: 'rate_limited' });
    expect((await get('rate-key-b')).status).toBe(200);
  });

  it('S6 strict CORS: only listed origins get CORS headers, preflight included', async () => {
    const pre = (origin: string) =>
      fetch(`${s.url}/v1/ok`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', authorization: 'Bearer cors-1' },
      });
    const ok = await pre('https://console.example');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://console.example');
    const evil = await pre('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('S6 no stack traces or internal messages: a crash is a plain 500, a big body 413, bad JSON 400', async () => {
    const boom = await fetch(`${s.url}/v1/boom`, { headers: { authorization: 'Bearer boom-1' } });
    const text = await boom.text();
    expect(boom.status).toBe(500);
    expect(JSON.parse(text)).toEqual({ error: 'internal', message: 'internal error; it has been logged' });
    expect(text).not.toMatch(/ECONNREFUSED|secret|\.ts:|at Object/);
    const post = (body: string, key: string) =>
      fetch(`${s.url}/v1/json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body,
      });
    expect((await post(JSON.stringify({ x: 'y'.repeat(5000) }), 'big-1')).status).toBe(413);
    const bad = await post('{"x":', 'bad-1');
    expect(bad.status).toBe(400);
    expect(await bad.text()).not.toMatch(/at |SyntaxError|position/);
  });
});

describe('S3 logs mask personal data and credentials', () => {
  it('S3 phone numbers, IMSI, IMEI, bearer tokens, JWTs and secret fields never reach a log line', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger('test', 'info', sink);
    const jwt =
      'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJoYW5kbGVyLmxpIiwicm9sZXMiOlsiYWRtaW4iXX0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    log.info(
      {
        headers: { authorization: 'Bearer dev-supervisor-key', 'x-twilio-signature': 'abc=' },
        to: '+8613800138000',
        imsi: '460001234567890',
        terminal: { imei: '861234567890123' },
        note: `token ${jwt} and Bearer sk-live-123`,
        apiKey: 'dev-intake-key',
        err: new Error('the number +8613912345678 is not valid (Authorization: Bearer abc.def)'),
      },
      'call +8613800138000 with Bearer secret-token-1',
    );
    const out = lines.join('');
    for (const secret of [
      '13800138000',
      '460001234567890',
      '861234567890123',
      '13912345678',
      'dev-supervisor-key',
      'dev-intake-key',
      'sk-live-123',
      'secret-token-1',
      'abc.def',
      'eyJzdWIi',
    ])
      expect(out).not.toContain(secret);
    expect(out).toContain('8000');
    expect(out).toContain('[redacted]');
    expect(maskText('Authorization: Bearer x.y.z')).toBe('Authorization: Bearer [redacted]');
  });

  it('S3 the Temporal SDK log lines (workflow.log, activity logs) go through the masked logger', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const sdk = temporalLogger(createLogger('worker', 'info', sink));
    sdk.warn('intake acknowledgement SMS failed', {
      ticketId: 'EMOS-1',
      error: "The 'To' number +8613800138000 is not a valid phone number",
    });
    sdk.debug('not at info level', {});
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('EMOS-1');
    expect(lines[0]).not.toContain('13800138000');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, msg: 'intake acknowledgement SMS failed' });
  });
});

describe('S5 the audit hash', () => {
  it('S5 canonical JSON sorts keys and drops undefined; the hash covers every field and the previous hash', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: undefined, c: 'x' }] })).toBe('{"a":[2,{"c":"x"}],"b":1}');
    const e = {
      ticketId: 'EMOS-1',
      seq: 1,
      at: '2026-11-27T00:00:00.000Z',
      actor: 'handler.li',
      roles: ['handler'],
      source: 'api' as const,
      action: 'TRIAGE',
      dedupeKey: 'api:1',
      prevHash: GENESIS_HASH,
    };
    const h = entryHash(e);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(entryHash({ ...e })).toBe(h);
    expect(entryHash({ ...e, actor: 'handler.zhao' })).not.toBe(h);
    expect(entryHash({ ...e, prevHash: '1'.repeat(64) })).not.toBe(h);
    expect(entryHash({ ...e, stageAfter: 'TRIAGED' })).not.toBe(h);
  });
});
