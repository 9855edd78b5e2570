// Retention and people's requests about their personal data (issue 22, S8), for admins and privacy
// officers: the retention policy (every version kept), the sweeps (its Temporal Schedule, run now
// on demand), and requests to export or erase what is kept about a phone number — each a durable
// workflow with its own audit trail. The number of a request is kept only while it runs.
import { randomUUID } from 'node:crypto';
import {
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import { Router, type Request } from 'express';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { createAuditStore } from '../../activities/audit';
import { createPrivacyModels, createRetentionStore } from '../../activities/privacy/models';
import { applyNamespaceRetention } from '../../activities/privacy/temporal';
import { temporalRetentionMs } from '../../domain/policy/retention';
import {
  PRIVACY_REQUEST_WORKFLOW_TYPE,
  RETENTION_SCHEDULE_ID,
  privacyRequestStatusQuery,
  privacyRequestWorkflowId,
  type PrivacyRequestInput,
} from '../../workflows/privacy/contract';
import { actorOf } from '../auth';
import { conflict, HttpError, notFound } from '../errors';
import { serve } from '../guard';
import {
  ListLimitQuery,
  PrivacyRequestIdParam,
  PrivacyRequestSchema,
  RetentionPolicySchema,
  SweepRequestSchema,
} from '../privacy-schemas';

export interface PrivacyRouteDeps {
  client: Client;
  mongo: Connection;
  taskQueue: string;
  namespace: string;
  logger: Logger;
}

function newRequestId(now = new Date()): string {
  return `PR-${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomUUID().slice(0, 8)}`;
}

export function privacyRoutes(deps: PrivacyRouteDeps): Router {
  const r = Router();
  const pm = createPrivacyModels(deps.mongo);
  const retention = createRetentionStore(deps.mongo);
  const audit = createAuditStore(deps.mongo);

  serve(r, '/v1/admin', 'getRetention', async (_req, res) => {
    const [active, history] = await Promise.all([retention.active(), retention.history()]);
    let temporalHours: number | undefined;
    try {
      const d = await deps.client.workflowService.describeNamespace({ namespace: deps.namespace });
      const s = d.config?.workflowExecutionRetentionTtl?.seconds;
      temporalHours = s === undefined || s === null ? undefined : Number(s) / 3600;
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, 'namespace retention not read');
    }
    res.json({ active, history, temporal: { namespace: deps.namespace, hours: temporalHours } });
  });

  serve(r, '/v1/admin', 'saveRetention', async (req, res) => {
    const body = RetentionPolicySchema.parse(req.body);
    const out = await retention.save(body, actorOf(req).user);
    if ('conflict' in out) throw conflict(out.conflict);
    if ('problems' in out) throw new HttpError(422, 'invalid_policy', out.problems.join('; '), out.problems);
    // Temporal's retention of closed histories follows at once (the sweep sets it again each day).
    const temporal = await applyNamespaceRetention(
      deps.client,
      deps.namespace,
      temporalRetentionMs(out.policy),
    );
    res.status(201).json({ version: out.policy.version, policy: out.policy, temporal });
  });

  serve(r, '/v1/admin', 'triggerRetentionSweep', async (req, res) => {
    const { reason } = SweepRequestSchema.parse(req.body);
    const actor = actorOf(req);
    const at = new Date().toISOString();
    await audit.append({
      ticketId: RETENTION_SCHEDULE_ID,
      at,
      actor: actor.user,
      roles: req.grantedRoles ?? actor.roles,
      source: 'api',
      action: 'SWEEP_REQUESTED',
      detail: reason,
      ip: req.ip,
      dedupeKey: `${RETENTION_SCHEDULE_ID}:requested:${at}:${actor.user}`,
    });
    try {
      // After a sweep that is still running, not beside it.
      await deps.client.schedule.getHandle(RETENTION_SCHEDULE_ID).trigger(ScheduleOverlapPolicy.BUFFER_ONE);
    } catch (err) {
      if (err instanceof ScheduleNotFoundError)
        throw new HttpError(409, 'no_schedule', 'the retention schedule is not there yet: start a worker');
      throw err;
    }
    res
      .status(202)
      .json({ scheduleId: RETENTION_SCHEDULE_ID, triggered: true, requestedAt: new Date(), reason });
  });

  serve(r, '/v1/admin', 'listRetentionSweeps', async (req, res) => {
    const q = ListLimitQuery.parse(req.query);
    const items = await pm.RetentionRun.find().sort({ finishedAt: -1 }).limit(q.limit).lean();
    res.json({ items: items.map(({ _id, ...rest }) => ({ id: _id, ...rest })) });
  });

  serve(r, '/v1/admin', 'startPrivacyRequest', async (req, res) => {
    const body = PrivacyRequestSchema.parse(req.body);
    const actor = actorOf(req);
    const requestId = newRequestId();
    const now = new Date();
    await pm.Request.create({
      _id: requestId,
      kind: body.kind,
      state: 'RECEIVED',
      reason: body.reason,
      requestedBy: actor.user,
      requestedAt: now,
      subject: { number: body.number },
      subjectHint: `…${body.number.slice(-2)}`,
    });
    await audit.append({
      ticketId: requestId,
      at: now.toISOString(),
      actor: actor.user,
      roles: req.grantedRoles ?? actor.roles,
      source: 'api',
      action: `REQUESTED_${body.kind}`,
      detail: body.reason,
      ip: req.ip,
      dedupeKey: `${requestId}:requested`,
    });
    const input: PrivacyRequestInput = { requestId, kind: body.kind, requestedBy: actor.user };
    const workflowId = privacyRequestWorkflowId(requestId);
    await deps.client.workflow.start(PRIVACY_REQUEST_WORKFLOW_TYPE, {
      taskQueue: deps.taskQueue,
      workflowId,
      args: [input],
    });
    res.status(202).json({ requestId, workflowId, state: 'RECEIVED', links: links(requestId) });
  });

  serve(r, '/v1/admin', 'listPrivacyRequests', async (req, res) => {
    const q = ListLimitQuery.parse(req.query);
    const docs = await pm.Request.find({}, { subject: 0 }).sort({ requestedAt: -1 }).limit(q.limit).lean();
    res.json({ items: docs.map(({ _id, ...rest }) => ({ requestId: _id, ...rest, links: links(_id) })) });
  });

  const load = async (req: Request) => {
    const requestId = PrivacyRequestIdParam.parse(req.params.id);
    const doc = await pm.Request.findById(requestId, { subject: 0 }).lean();
    if (!doc) throw notFound(`request ${requestId}`);
    return doc;
  };

  serve(r, '/v1/admin', 'getPrivacyRequest', async (req, res) => {
    const { _id, ...doc } = await load(req);
    // The live state while it runs (the query), else what the workflow recorded.
    let live: unknown;
    if (doc.state !== 'DONE' && doc.state !== 'FAILED')
      live = await deps.client.workflow
        .getHandle(privacyRequestWorkflowId(_id))
        .query(privacyRequestStatusQuery)
        .catch((err: unknown) => {
          if (err instanceof WorkflowNotFoundError) return undefined;
          deps.logger.warn({ err: (err as Error).message, requestId: _id }, 'request status not queried');
          return undefined;
        });
    const [trail, verified] = await Promise.all([audit.list(_id), audit.verify(_id)]);
    res.json({
      requestId: _id,
      ...doc,
      ...(live ? { status: live } : {}),
      trail,
      trailVerified: verified.ok,
      links: links(_id),
    });
  });

  serve(r, '/v1/admin', 'getPrivacyExport', async (req, res) => {
    const doc = await load(req);
    const out = await pm.Export.findById(doc._id).lean();
    if (!out || out.expiresAt.getTime() <= Date.now()) throw notFound(`export of request ${doc._id}`);
    res
      .type('application/json')
      .setHeader('Content-Disposition', `attachment; filename="${doc._id}.json"`)
      .setHeader('Cache-Control', 'no-store')
      .send(out.document);
  });

  return r;
}

function links(requestId: string) {
  const self = `/v1/admin/privacy/requests/${encodeURIComponent(requestId)}`;
  return { self, export: `${self}/export` };
}
