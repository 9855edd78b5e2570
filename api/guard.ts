// Applies the access table (./access) to a request: the roles a route allows, then the person's
// assignment to the complaint it names (S2). 401 without credentials, 403 when denied.
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import {
  accessSummaryOf,
  canAccessComplaint,
  grantedRoles,
  listScopeFilter,
  ruleFor,
  type AccessRule,
  type ComplaintAccess,
  type ComplaintLike,
  type RoleName,
} from './access';
import { HttpError } from './errors';
import { operationById } from './operations';
import { expressPath } from './operations/define';

declare module 'express-serve-static-core' {
  interface Request {
    /** The complaint named in the path, as access saw it (set by a 'complaint' rule). */
    complaintAccess?: ComplaintAccess;
    /** The list filter of the person's assignment (set by a 'list' rule); undefined = all. */
    listScope?: Record<string, unknown>;
    /** The table roles that granted this request. */
    grantedRoles?: RoleName[];
  }
}

export type ComplaintLoader = (req: Request) => Promise<ComplaintLike>;

export function forbidden(message: string): HttpError {
  return new HttpError(403, 'forbidden', message);
}

/** Checks one rule of the table; `load` reads the complaint for rules scoped to a complaint. */
export function requireRule(rule: AccessRule, load?: ComplaintLoader): RequestHandler {
  if (rule.scope === 'complaint' && !load)
    throw new Error(`${rule.method} ${rule.path}: a complaint-scoped rule needs a loader`);
  return (req: Request, _res: Response, next: NextFunction) => {
    const actor = req.actor;
    if (!actor) return next(new HttpError(401, 'unauthenticated', 'no credentials'));
    const granted = grantedRoles(rule, actor);
    if (granted.length === 0)
      return next(forbidden(`this action needs one of the roles: ${rule.roles.join(', ')}`));
    req.grantedRoles = granted;
    if (rule.scope === 'list') {
      req.listScope = listScopeFilter(actor, granted);
      return next();
    }
    if (rule.scope !== 'complaint' || !load) return next();
    load(req).then((complaint) => {
      const summary = accessSummaryOf(complaint);
      if (!canAccessComplaint(actor, summary, granted))
        return next(forbidden('this complaint is not assigned to you, your team or your department'));
      req.complaintAccess = summary;
      next();
    }, next);
  };
}

/** The rule of `method path` from the table (throws at start when a route has none). */
export function guard(method: AccessRule['method'], path: string, load?: ComplaintLoader): RequestHandler {
  return requireRule(ruleFor(method, path), load);
}

/**
 * Serves the declared operation `operationId` (api/operations) on a router mounted at `mount`: its
 * method and path come from the declaration, its rule is checked first. A declaration that does
 * not exist, or does not lie below `mount`, fails at start.
 */
export function serve(r: Router, mount: string, operationId: string, ...handlers: RequestHandler[]): void {
  const o = operationById(operationId);
  if (!o.path.startsWith(mount)) throw new Error(`${operationId} (${o.path}) is not below ${mount}`);
  const method = o.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  r[method](expressPath(o.path, mount), requireRule(o), ...handlers);
}
