// Authentication (S1): `Authorization: Bearer <credential>`. Systems send an API key (API_KEYS);
// people send a JWT from the identity provider, verified in ./jwt. Which roles each route allows,
// and the assignment rule, are in ./access (S2); ./guard applies them.
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Actor } from '../workflows/complaint/contract';
import type { Principal } from './access';
import { HttpError } from './errors';
import { looksLikeJwt, type JwtVerifier } from './jwt';

export type Role =
  'intake' | 'handler' | 'supervisor' | 'interface' | 'admin' | 'analyst' | 'vipManager' | 'privacy';

declare module 'express-serve-static-core' {
  interface Request {
    actor?: Principal;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function authenticate(
  keys: Record<string, { user: string; roles: string[]; team?: string }>,
  verifyJwt?: JwtVerifier,
): RequestHandler {
  const entries = Object.entries(keys);
  return (req: Request, _res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      return next(new HttpError(401, 'unauthenticated', 'send Authorization: Bearer <api key or token>'));
    const credential = match[1] ?? '';
    const found = entries.find(([key]) => safeEqual(key, credential));
    if (found) {
      const { user, roles, team } = found[1];
      req.actor = { user, roles, ...(team ? { team } : {}), via: 'apiKey' };
      return next();
    }
    if (!verifyJwt || !looksLikeJwt(credential))
      return next(new HttpError(401, 'unauthenticated', 'unknown API key'));
    verifyJwt(credential).then((principal) => {
      req.actor = principal;
      next();
    }, next);
  };
}

export function allow(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const actor = req.actor;
    if (!actor) return next(new HttpError(401, 'unauthenticated', 'no credentials'));
    if (!actor.roles.some((r) => roles.includes(r as Role)))
      return next(new HttpError(403, 'forbidden', `this action needs one of the roles: ${roles.join(', ')}`));
    next();
  };
}

/** The acting person as the workflow records it (user and roles only). */
export function actorOf(req: Request): Actor {
  if (!req.actor) throw new HttpError(401, 'unauthenticated', 'no credentials');
  return { user: req.actor.user, roles: req.actor.roles };
}

/** What the console needs to sign people in through the identity provider (S9.1). */
export interface ConsoleSignIn {
  issuer: string;
  clientId: string;
  scopes: string;
}

/** The console's sign-in settings, when OIDC_ISSUER and OIDC_CLIENT_ID are configured. */
export function consoleSignIn(config: {
  OIDC_ISSUER: string;
  OIDC_CLIENT_ID: string;
  OIDC_SCOPES: string;
}): ConsoleSignIn | undefined {
  if (!config.OIDC_ISSUER || !config.OIDC_CLIENT_ID) return undefined;
  return { issuer: config.OIDC_ISSUER, clientId: config.OIDC_CLIENT_ID, scopes: config.OIDC_SCOPES };
}
