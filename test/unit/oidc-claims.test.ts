// S9.2: roles, teams and departments come from the provider's claims through configured mapping;
// no mapped role is a 403 that says why. Pure logic: the claim mapping, its configuration, the
// issuer choice, and the embedded provider's seeded groups against the seeded roles.
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { ROLES } from '../../api/access';
import { SEED_USERS } from '../../api/dev-auth';
import { HttpError } from '../../api/errors';
import {
  claimAt,
  createJwtVerifier,
  DEFAULT_CLAIM_MAPPING,
  oidcClaimMapping,
  principalFromClaims,
  verifierByIssuer,
  type ClaimMapping,
} from '../../api/jwt';
import { ACCOUNTS, DEV_GROUP_MAP } from '../../infra/oidc/accounts';
import { loadConfig } from '../../platform/config';
import { CLOSEDLOOP_ROLE } from '../../platform/security-config';

const BASE_ENV = {
  SUPERVISOR_EMAILS: 'sup@example.com',
  TWILIO_ACCOUNT_SID: 'AC' + '0'.repeat(32),
  TWILIO_AUTH_TOKEN: 'secret-token',
  TWILIO_FROM_NUMBER: '+8610086000',
  PAYLOAD_KEYS: JSON.stringify({ a: Buffer.alloc(32, 7).toString('base64') }),
  PAYLOAD_KEY_ID: 'a',
};

/** Keycloak-shaped: realm roles nested under realm_access, mapped by OIDC_GROUP_MAP. */
const KEYCLOAK: ClaimMapping = {
  userClaim: 'preferred_username',
  rolesClaim: 'realm_access.roles',
  teamClaim: 'team',
  groupMap: {
    'cl-handler': { roles: ['handler'] },
    'team-chaoyang': { team: 'chaoyang' },
    'dept-net': { departments: ['network', 'core'] },
    supervisors: { roles: ['supervisor', 'handler'] },
  },
};

function refusal(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('S9.2 claim mapping', () => {
  it('S9.2 groups in a nested claim map to roles, a team and departments (department:<name>)', () => {
    const p = principalFromClaims(
      {
        sub: 'f3a1',
        preferred_username: 'li.gong',
        realm_access: { roles: ['offline_access', 'cl-handler', 'team-chaoyang', 'dept-net'] },
      },
      KEYCLOAK,
    );
    expect(p).toEqual({
      user: 'li.gong',
      roles: ['handler', 'department:network', 'department:core'],
      team: 'chaoyang',
      via: 'jwt',
    });
  });

  it('S9.2 with a map, a group named like a ClosedLoop role grants nothing unless the map says so', () => {
    const err = refusal(() =>
      principalFromClaims({ sub: 'x', realm_access: { roles: ['admin', 'staff'] } }, KEYCLOAK),
    );
    expect(err.status).toBe(403);
    expect(err.code).toBe('no_role');
    expect(err.message).toBe(
      'no ClosedLoop role: the token\'s "realm_access.roles" claim holds admin, staff, none of which OIDC_GROUP_MAP maps to a ClosedLoop role',
    );
  });

  it('S9.2 a token without the roles claim is refused with 403 naming the claim', () => {
    const err = refusal(() => principalFromClaims({ sub: 'x' }, KEYCLOAK));
    expect([err.status, err.code]).toEqual([403, 'no_role']);
    expect(err.message).toMatch(/"realm_access\.roles" claim is missing or empty/);
  });

  it('S9.2 without a map the claim holds ClosedLoop role names (unknown names dropped); user falls back to sub', () => {
    expect(
      principalFromClaims({ sub: 'u1', roles: ['analyst', 'root', 'department:data'], team: 'haidian' }),
    ).toEqual({ user: 'u1', roles: ['analyst', 'department:data'], team: 'haidian', via: 'jwt' });
    expect(refusal(() => principalFromClaims({ sub: 'u1', roles: ['root'] })).status).toBe(403);
    expect(refusal(() => principalFromClaims({ roles: ['admin'] })).status).toBe(401);
  });

  it('S9.2 Entra-shaped claims: a single string or a space-separated list, a namespaced claim with dots', () => {
    const mapping: ClaimMapping = {
      ...DEFAULT_CLAIM_MAPPING,
      rolesClaim: 'https://closedloop.example/groups',
      groupMap: { 'GUID-1': { roles: ['analyst'] }, 'GUID-2': { roles: ['privacy'] } },
    };
    expect(claimAt({ 'https://closedloop.example/groups': 'a' }, mapping.rolesClaim)).toBe('a');
    expect(
      principalFromClaims({ sub: 's', 'https://closedloop.example/groups': 'GUID-1 GUID-2' }, mapping).roles,
    ).toEqual(['analyst', 'privacy']);
  });

  it("S9.2 the embedded provider: each seeded person's groups map to exactly their seeded roles and team; staff.zhou to none", () => {
    const mapping: ClaimMapping = { ...DEFAULT_CLAIM_MAPPING, rolesClaim: 'groups', groupMap: DEV_GROUP_MAP };
    for (const [user, seed] of Object.entries(SEED_USERS)) {
      const p = principalFromClaims(
        { sub: user, preferred_username: user, groups: [...ACCOUNTS[user]!.groups] },
        mapping,
      );
      expect({ user, roles: p.roles, team: p.team }).toEqual({ user, roles: seed.roles, team: seed.team });
    }
    const zhou = ACCOUNTS['staff.zhou']!;
    expect(
      refusal(() => principalFromClaims({ sub: 'staff.zhou', groups: [...zhou.groups] }, mapping)).code,
    ).toBe('no_role');
  });
});

describe('S9.2 configuration of the mapping', () => {
  it('S9.2 every role of the access table is a role a token or OIDC_GROUP_MAP may grant', () => {
    const names = ROLES.map((r) => (r === 'department' ? 'department:network' : r));
    expect(names.filter((r) => !CLOSEDLOOP_ROLE.test(r))).toEqual([]);
    expect(CLOSEDLOOP_ROLE.test('root')).toBe(false);
  });

  it('S9.2 OIDC_* variables are parsed and checked once at start, naming the variable', () => {
    const ok = loadConfig({
      ...BASE_ENV,
      OIDC_ISSUER: 'https://login.example/realms/op',
      OIDC_AUDIENCE: 'closedloop-api',
      OIDC_CLIENT_ID: 'closedloop-console',
      OIDC_ROLES_CLAIM: 'realm_access.roles',
      OIDC_GROUP_MAP: JSON.stringify(KEYCLOAK.groupMap),
    });
    expect(oidcClaimMapping(ok)).toEqual(KEYCLOAK);
    expect(ok.OIDC_SCOPES).toBe('openid profile email offline_access');
    expect(() => loadConfig({ ...BASE_ENV, OIDC_ISSUER: 'https://login.example' })).toThrow(
      /OIDC_AUDIENCE: required when OIDC_ISSUER is set/,
    );
    expect(() => loadConfig({ ...BASE_ENV, OIDC_CLIENT_ID: 'c' })).toThrow(
      /OIDC_ISSUER: required when OIDC_CLIENT_ID is set/,
    );
    expect(() => loadConfig({ ...BASE_ENV, OIDC_GROUP_MAP: '{"g":{"roles":["root"]}}' })).toThrow(
      /OIDC_GROUP_MAP\.g\.roles\.0: not a ClosedLoop role/,
    );
    expect(() => loadConfig({ ...BASE_ENV, OIDC_GROUP_MAP: '{"g":{"role":"admin"}}' })).toThrow(
      /OIDC_GROUP_MAP/,
    );
    expect(() => loadConfig({ ...BASE_ENV, OIDC_GROUP_MAP: 'not json' })).toThrow(
      /OIDC_GROUP_MAP: must be JSON/,
    );
  });
});

describe("S9.1 tokens of several issuers (the operator's provider, the dev issuer)", () => {
  let key: { publicKey: KeyLike; privateKey: KeyLike };
  let jwk: JWK;
  beforeAll(async () => {
    key = await generateKeyPair('RS256');
    jwk = { ...(await exportJWK(key.publicKey)), kid: 'k', alg: 'RS256' };
  });
  const sign = (iss: string, claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k' })
      .setSubject('s')
      .setIssuer(iss)
      .setAudience('api://closedloop')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key.privateKey);

  it("S9.1 each token is verified by its issuer's verifier with that issuer's mapping; others are refused", async () => {
    const keys = createLocalJWKSet({ keys: [jwk] });
    const verify = verifierByIssuer(
      new Map([
        [
          'https://idp.example',
          createJwtVerifier({
            keys,
            issuer: 'https://idp.example',
            audience: 'api://closedloop',
            claims: KEYCLOAK,
          }),
        ],
        [
          'http://dev.local/dev',
          createJwtVerifier({ keys, issuer: 'http://dev.local/dev', audience: 'api://closedloop' }),
        ],
      ]),
    )!;
    await expect(
      verify(await sign('https://idp.example', { realm_access: { roles: ['cl-handler'] } })),
    ).resolves.toMatchObject({
      roles: ['handler'],
    });
    await expect(verify(await sign('http://dev.local/dev', { roles: ['admin'] }))).resolves.toMatchObject({
      roles: ['admin'],
    });
    // The dev issuer's ClosedLoop-named roles do not count under the provider's group map.
    await expect(verify(await sign('https://idp.example', { roles: ['admin'] }))).rejects.toMatchObject({
      status: 403,
      code: 'no_role',
    });
    await expect(verify(await sign('https://evil.example', { roles: ['admin'] }))).rejects.toMatchObject({
      status: 401,
      message: "the token's iss claim is not accepted",
    });
    expect(verifierByIssuer(new Map())).toBeUndefined();
  });
});
