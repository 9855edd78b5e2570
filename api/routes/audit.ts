// Admin routes of the audit trail (S5): the chain of one complaint, and its verification.
import { Router, type Request } from 'express';
import type { Logger } from 'pino';
import type { AuditStore } from '../../activities/audit';
import { serve } from '../guard';
import * as S from '../schemas';
import type { ActionRecorder } from './complaints';

const ticket = (req: Request) => S.TicketIdParam.parse(req.params.ticketId);

export function auditRoutes(store: AuditStore): Router {
  const r = Router();
  serve(r, '/v1/admin/audit', 'getAuditTrail', async (req, res) => {
    const ticketId = ticket(req);
    res.json({ ticketId, entries: await store.list(ticketId) });
  });
  serve(r, '/v1/admin/audit', 'verifyAuditTrail', async (req, res) => {
    res.json(await store.verify(ticket(req)));
  });
  return r;
}

/** Appends one audit entry per accepted human action on a complaint; a failure is logged only. */
export function auditRecorder(store: AuditStore, logger: Logger): ActionRecorder {
  return async (req, e) => {
    const actor = req.actor;
    try {
      await store.append(
        {
          ticketId: e.ticketId,
          at: new Date().toISOString(),
          actor: actor?.user ?? '(unknown)',
          roles: req.grantedRoles ?? actor?.roles ?? [],
          source: 'api',
          action: e.action,
          detail: `${req.method} ${req.originalUrl.split('?')[0]} via ${actor?.via ?? 'none'}`,
          ip: req.ip,
          stageBefore: e.stageBefore,
          stageAfter: e.stageAfter,
        },
        { newChain: e.created === true },
      );
    } catch (err) {
      logger.error({ err, ticketId: e.ticketId, action: e.action }, 'audit append failed');
    }
  };
}
