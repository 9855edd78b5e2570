// People authenticate with access tokens (JWTs) from the operator's OpenID Connect provider (S1, S9):
// signature against its JWKS (found through its discovery document), issuer, audience and expiry
// are checked by jose. Who the person is and what they may do come from the token's claims through
// configured mapping (S9.2): OIDC_USER_CLAIM names the user, OIDC_ROLES_CLAIM holds the groups or
// roles, OIDC_GROUP_MAP turns groups into ClosedLoop roles, teams and departments. A token whose
// mapping yields no role is refused with 403 naming the reason, not let in to be refused per route.
import {
  createRemoteJWKSet,
  decodeJwt,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { CLOSEDLOOP_ROLE, type GroupMap } from '../platform/security-config';
import { HttpError } from './errors';
import type { Principal } from './access';

export type { GroupMap };

/** How the claims of a token become a Principal (S9.2). */
export interface ClaimMapping {
  /** The claim naming the user; `sub` when it is absent. */
  userClaim: string;
  /** The claim (or dotted path, e.g. `realm_access.roles`) holding the person's groups or roles. */
  rolesClaim: string;
  /** A claim naming the handling team directly (a group in the map may give one too). */
  teamClaim: string;
  /** Group → grant. Empty: the roles claim holds ClosedLoop role names themselves. */
  groupMap: GroupMap;
}

/** ClosedLoop's own claims (`roles`, `team`), as the dev issuer mints them. */
export const DEFAULT_CLAIM_MAPPING: ClaimMapping = {
  userClaim: 'preferred_username',
  rolesClaim: 'roles',
  teamClaim: 'team',
  groupMap: {},
};

export interface JwtVerifierOptions {
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  /** Seconds of clock skew tolerated (default 30). */
  clockToleranceSec?: number;
  claims?: ClaimMapping;
}

export type JwtVerifier = (token: string) => Promise<Principal>;

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'];

/** Looks like a compact JWS: three base64url parts. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

/** A claim by its name, else by a dotted path into nested objects (a name may itself hold dots). */
export function claimAt(payload: JWTPayload, name: string): unknown {
  if (name in payload) return payload[name];
  let value: unknown = payload;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** The claim's values as strings: providers send a list, some a single string or a space-separated one. */
function valuesOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((v): v is string => typeof v === 'string');
  if (typeof claim === 'string') return claim.split(/[\s,]+/).filter(Boolean);
  return [];
}

interface Grants {
  roles: string[];
  team?: string;
}

/** The roles and team that the values of the roles claim grant under the mapping. */
export function grantsOf(values: readonly string[], groupMap: GroupMap): Grants {
  // Without a map the claim holds ClosedLoop role names; with one only the map counts, so that a
  // directory group that happens to be called `admin` grants nothing by accident.
  if (Object.keys(groupMap).length === 0) return { roles: values.filter((v) => CLOSEDLOOP_ROLE.test(v)) };
  const roles = new Set<string>();
  let team: string | undefined;
  for (const value of values) {
    const grant = groupMap[value];
    if (!grant) continue;
    grant.roles?.forEach((r) => roles.add(r));
    grant.departments?.forEach((d) => roles.add(`department:${d}`));
    team ??= grant.team;
  }
  return { roles: [...roles], ...(team ? { team } : {}) };
}

function noRoleReason(mapping: ClaimMapping, values: readonly string[]): string {
  const held = values.length ? `holds ${values.slice(0, 10).join(', ')}` : 'is missing or empty';
  const rule = Object.keys(mapping.groupMap).length
    ? 'none of which OIDC_GROUP_MAP maps to a ClosedLoop role'
    : 'and no ClosedLoop role name';
  return `no ClosedLoop role: the token's "${mapping.rolesClaim}" claim ${held}, ${rule}`;
}

export function principalFromClaims(payload: JWTPayload, mapping = DEFAULT_CLAIM_MAPPING): Principal {
  const named = claimAt(payload, mapping.userClaim);
  const user = typeof named === 'string' && named ? named : (payload.sub ?? '');
  if (!user) throw new HttpError(401, 'unauthenticated', 'the token names no user (sub)');
  const values = valuesOf(claimAt(payload, mapping.rolesClaim));
  const grants = grantsOf(values, mapping.groupMap);
  if (grants.roles.length === 0) throw new HttpError(403, 'no_role', noRoleReason(mapping, values));
  const direct = claimAt(payload, mapping.teamClaim);
  const team = typeof direct === 'string' && direct ? direct : grants.team;
  return { user, roles: grants.roles, ...(team ? { team } : {}), via: 'jwt' };
}

export function createJwtVerifier(opts: JwtVerifierOptions): JwtVerifier {
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, opts.keys, {
        issuer: opts.issuer,
        audience: opts.audience,
        algorithms: ALGORITHMS,
        clockTolerance: opts.clockToleranceSec ?? 30,
        requiredClaims: ['exp', 'iat'],
      });
      return principalFromClaims(payload, opts.claims);
    } catch (err) {
      if (err instanceof HttpError) throw err;
      if (err instanceof errors.JWKSTimeout || !(err instanceof errors.JOSEError))
        throw new HttpError(503, 'idp_unavailable', 'the identity provider keys cannot be fetched now');
      throw new HttpError(401, 'unauthenticated', describeJwtError(err));
    }
  };
}

/**
 * One verifier per accepted issuer (the operator's provider, and the dev issuer in the local stack),
 * chosen by the token's unverified `iss`; the chosen verifier then checks everything.
 */
export function verifierByIssuer(verifiers: ReadonlyMap<string, JwtVerifier>): JwtVerifier | undefined {
  if (verifiers.size === 0) return undefined;
  return async (token) => {
    let iss: string | undefined;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      throw new HttpError(401, 'unauthenticated', 'the token is not valid');
    }
    const verify = iss ? verifiers.get(iss) : undefined;
    if (!verify) throw new HttpError(401, 'unauthenticated', "the token's iss claim is not accepted");
    return verify(token);
  };
}

/** A client-safe reason: never the key material or the library's internals. */
function describeJwtError(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'the token has expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `the token's ${err.claim} claim is not accepted`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is not valid';
  if (err instanceof errors.JWKSNoMatchingKey) return 'the token was not signed by a known key';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'the token algorithm is not accepted';
  return 'the token is not valid';
}

/** The remote JWKS of the identity provider (fetched, cached and refreshed by jose). */
export function remoteJwks(url: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(url), { timeoutDuration: 5000, cooldownDuration: 30_000 });
}

/**
 * The provider's keys through its discovery document (`<issuer>/.well-known/openid-configuration`),
 * looked up at the first token rather than at start, so that the API starts while the provider is
 * down; a failed look-up is retried with the next token (answered 503 meanwhile).
 */
export function discoveredJwks(issuer: string, jwksUrl = ''): JWTVerifyGetKey {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  const load = async (): Promise<JWTVerifyGetKey> => {
    if (jwksUrl) return remoteJwks(jwksUrl);
    const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`discovery ${url}: HTTP ${res.status}`);
    const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (typeof doc.jwks_uri !== 'string') throw new Error(`discovery ${url}: no jwks_uri`);
    return remoteJwks(doc.jwks_uri);
  };
  return async (header, token) => {
    keys ??= load().catch((err: unknown) => {
      keys = undefined;
      throw err;
    });
    return (await keys)(header, token);
  };
}

/** The claim mapping the configuration gives (OIDC_USER_CLAIM, OIDC_ROLES_CLAIM, OIDC_TEAM_CLAIM, OIDC_GROUP_MAP). */
export function oidcClaimMapping(config: {
  OIDC_USER_CLAIM: string;
  OIDC_ROLES_CLAIM: string;
  OIDC_TEAM_CLAIM: string;
  OIDC_GROUP_MAP: GroupMap;
}): ClaimMapping {
  return {
    userClaim: config.OIDC_USER_CLAIM,
    rolesClaim: config.OIDC_ROLES_CLAIM,
    teamClaim: config.OIDC_TEAM_CLAIM,
    groupMap: config.OIDC_GROUP_MAP,
  };
}
