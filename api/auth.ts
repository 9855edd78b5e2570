// API-key authentication (S1, first cut): `Authorization: Bearer <key>`; keys come from API_KEYS.
// Every route declares the roles it allows (S2).
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Actor } from '../workflows/complaint/contract';
import { HttpError } from './errors';

export type Role = 'intake' | 'handler' | 'supervisor' | 'interface' | 'admin' | 'analyst' | 'vipManager';

declare module 'express-serve-static-core' {
  interface Request {
    actor?: Actor;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function authenticate(keys: Record<string, { user: string; roles: string[] }>): RequestHandler {
  const entries = Object.entries(keys);
  return (req: Request, _res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return next(new HttpError(401, 'unauthenticated', 'send Authorization: Bearer <api key>'));
    const found = entries.find(([key]) => safeEqual(key, match[1] ?? ''));
    if (!found) return next(new HttpError(401, 'unauthenticated', 'unknown API key'));
    req.actor = { user: found[1].user, roles: found[1].roles };
    next();
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

export function actorOf(req: Request): Actor {
  if (!req.actor) throw new HttpError(401, 'unauthenticated', 'no credentials');
  return req.actor;
}
