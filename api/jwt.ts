// People authenticate with JWTs from the operator's identity provider (S1): signature against its
// JWKS, issuer, audience and expiry are checked by jose. Claims: `sub` (or `preferred_username`)
// is the user, `roles` the roles (intake, handler, department:<name>, supervisor, interface,
// vipManager, analyst, admin, privacy), `team` the handling team.
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { HttpError } from './errors';
import type { Principal } from './access';

export interface JwtVerifierOptions {
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  /** Seconds of clock skew tolerated (default 30). */
  clockToleranceSec?: number;
}

export type JwtVerifier = (token: string) => Promise<Principal>;

const ROLE =
  /^(intake|handler|supervisor|interface|vipManager|analyst|admin|privacy|department:[a-z0-9_-]{1,40})$/;
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'];

/** Looks like a compact JWS: three base64url parts. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

export function principalFromClaims(payload: JWTPayload): Principal {
  const user =
    typeof payload.preferred_username === 'string' ? payload.preferred_username : (payload.sub ?? '');
  if (!user) throw new HttpError(401, 'unauthenticated', 'the token names no user (sub)');
  const roles = Array.isArray(payload.roles)
    ? payload.roles.filter((r): r is string => typeof r === 'string' && ROLE.test(r))
    : [];
  const team = typeof payload.team === 'string' && payload.team ? payload.team : undefined;
  return { user, roles, ...(team ? { team } : {}), via: 'jwt' };
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
      return principalFromClaims(payload);
    } catch (err) {
      if (err instanceof HttpError) throw err;
      if (err instanceof errors.JWKSTimeout || !(err instanceof errors.JOSEError))
        throw new HttpError(503, 'idp_unavailable', 'the identity provider keys cannot be fetched now');
      throw new HttpError(401, 'unauthenticated', describeJwtError(err));
    }
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
