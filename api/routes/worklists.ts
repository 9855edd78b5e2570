// Worklists (issue 3): mine, my team's, due soon, breached, escalated to me, hot — by nearest deadline.
import { Router } from 'express';
import { actorOf } from '../auth';
import type { ComplaintService } from '../complaints-service';
import { serve } from '../guard';
import { WorklistParam, WorklistQuerySchema } from '../schemas';

export function worklistRoutes(svc: ComplaintService): Router {
  const r = Router();
  serve(r, '/v1/worklists', 'getWorklist', (req, res, next) => {
    svc
      // The team comes with the principal (actorOf keeps only user and roles, as the workflow records them).
      .worklist(
        WorklistParam.parse(req.params.name),
        { ...actorOf(req), ...(req.actor?.team ? { team: req.actor.team } : {}) },
        WorklistQuerySchema.parse(req.query),
      )
      .then((out) => res.json(out), next);
  });
  return r;
}
