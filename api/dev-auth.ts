// A dev identity provider inside the API, for the local stack only (DEV_AUTH=on): it serves its
// JWKS and mints short-lived tokens for the seeded users, so that tests and the README tour go
// through the same JWT verification as production. Its signing key lives in memory: a restart of
// the API invalidates every dev token.
import { Router } from 'express';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { z } from 'zod';
import { HttpError } from './errors';

export interface SeedUser {
  roles: string[];
  team?: string;
  name: string;
}

/** The seeded people of the local stack. */
export const SEED_USERS: Readonly<Record<string, SeedUser>> = {
  'handler.li': { roles: ['handler'], team: 'haidian', name: '李工 (handler, team haidian)' },
  'handler.zhao': { roles: ['handler'], team: 'haidian', name: '赵工 (handler, team haidian)' },
  'supervisor.wang': { roles: ['supervisor'], name: '王主管 (supervisor)' },
  'interface.chen': { roles: ['interface'], name: '陈 (optimisation-centre interface person)' },
  'leader.liu': { roles: ['leader'], name: '刘总 (network department / branch leader, 分公司领导)' },
  'dept.network': { roles: ['department:network'], name: '网络部 (network department)' },
  'vip.manager': { roles: ['vipManager'], name: 'VIP account manager' },
  'analyst.sun': { roles: ['analyst'], name: '孙 (analyst)' },
  'admin.root': { roles: ['admin'], name: 'administrator' },
  'privacy.officer': { roles: ['privacy'], name: '个人信息保护负责人 (privacy officer)' },
};

export const DEV_AUDIENCE_DEFAULT = 'closedloop-api';

export interface DevIssuer {
  issuer: string;
  audience: string;
  jwks(): Promise<{ keys: JWK[] }>;
  mint(user: string, expiresInSec?: number): Promise<string>;
  routes(): Router;
}

const TokenRequest = z
  .object({
    user: z.string().min(1).max(100),
    expiresInSec: z.number().int().min(1).max(86_400).optional(),
  })
  .strict();

export function createDevIssuer(opts: { issuer: string; audience: string }): DevIssuer {
  const kid = `dev-${Date.now().toString(36)}`;
  const pair: Promise<{ publicKey: KeyLike; privateKey: KeyLike }> = generateKeyPair('ES256');
  let publicJwk: Promise<JWK> | undefined;
  const jwks = async () => {
    publicJwk ??= pair.then(async ({ publicKey }) => ({
      ...(await exportJWK(publicKey)),
      kid,
      alg: 'ES256',
      use: 'sig',
    }));
    return { keys: [await publicJwk] };
  };

  async function mint(user: string, expiresInSec = 3600): Promise<string> {
    const seed = SEED_USERS[user];
    if (!seed) throw new HttpError(404, 'unknown_user', `no seeded user ${user}`);
    const { privateKey } = await pair;
    return new SignJWT({ roles: seed.roles, ...(seed.team ? { team: seed.team } : {}), name: seed.name })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
      .setSubject(user)
      .setIssuer(opts.issuer)
      .setAudience(opts.audience)
      .setIssuedAt()
      .setExpirationTime(`${expiresInSec}s`)
      .sign(privateKey);
  }

  function routes(): Router {
    const r = Router();
    r.get('/jwks.json', (_req, res, next) => {
      jwks().then((body) => res.json(body), next);
    });
    r.post('/token', (req, res, next) => {
      const { user, expiresInSec } = TokenRequest.parse(req.body ?? {});
      const ttl = expiresInSec ?? 3600;
      mint(user, ttl).then(
        (token) => res.json({ access_token: token, token_type: 'Bearer', expires_in: ttl, user }),
        next,
      );
    });
    return r;
  }

  return { issuer: opts.issuer, audience: opts.audience, jwks, mint, routes };
}
