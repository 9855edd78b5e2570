// SLA policy sets (R4.1): read by everyone who works complaints, changed by admins; every version kept.
import { Router } from 'express';
import type { PolicyStore } from '../../activities/policy-store';
import { unknownLadderRoles } from '../../domain/policy/escalation';
import { canBeLadderRung, ladderRoleNames } from '../access';
import { actorOf } from '../auth';
import { conflict, HttpError } from '../errors';
import { serve } from '../guard';
import { PolicySetSchema } from '../schemas';

export function policyRoutes(store: PolicyStore): Router {
  const r = Router();
  serve(r, '/v1/policies', 'getPolicies', (_req, res, next) => {
    Promise.all([store.active(), store.history()]).then(
      ([active, history]) => res.json({ active, history }),
      next,
    );
  });
  serve(r, '/v1/policies', 'savePolicySet', (req, res, next) => {
    const body = PolicySetSchema.parse(req.body);
    refuseUnknownLadderRoles(body.escalation ?? []);
    store
      .save(body, actorOf(req).user)
      .then((out) => {
        if ('conflict' in out) throw conflict(out.conflict);
        if ('problems' in out)
          throw new HttpError(422, 'invalid_policy', out.problems.join('; '), out.problems);
        res.status(201).json(out);
      })
      .catch(next);
  });
  return r;
}

/** A ladder whose rung nobody can sign in as, see or acknowledge is refused (R5.7): 400 naming it. */
function refuseUnknownLadderRoles(ladder: { level: number; role: string }[]): void {
  const unknown = unknownLadderRoles(ladder, canBeLadderRung);
  if (unknown.length === 0) return;
  const allowed = ladderRoleNames().join(', ');
  const details = unknown.map((role) => ({
    field: `escalation[${ladder.findIndex((l) => l.role === role)}].role`,
    message: `"${role}" is not a role that can sign in, see its worklist and acknowledge (${allowed})`,
  }));
  throw new HttpError(
    400,
    'validation_failed',
    details.map((d) => `${d.field}: ${d.message}`).join('; '),
    details,
  );
}
