// The privacy activities (issue 22, S8), built from their clients: the retention sweep's steps and
// the steps of a person's request. No personal value is passed in or returned: the request's number
// is read from its record by id, and results are ids and counts.
import { ApplicationFailure } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import type { Connection } from 'mongoose';
import type { Twilio } from 'twilio';
import type { Models } from '../models';
import { parseDuration } from '../../domain/policy/durations';
import {
  dueKinds,
  shortestRetentionMs,
  temporalRetentionMs,
  validateRetentionPolicy,
} from '../../domain/policy/retention';
import type { PolicySet } from '../../domain/policy/sla';
import type { RetentionCandidate } from '../../domain/privacy';
import { createEraser, type PrivacyMarks } from './erase';
import { createFinder } from './find';
import { createPrivacyModels, createRetentionStore } from './models';
import { applyNamespaceRetention } from './temporal';
import type { PrivacyActivities } from './types';

export interface PrivacyDeps {
  models: Models;
  twilio: Pick<Twilio, 'recordings'>;
  /** The Temporal client (namespace retention, workflow deletion, running checks). */
  temporal?: () => Promise<Client>;
  namespace: string;
  /** The active SLA policy set: its repeat window decides how long a number's hash is kept. */
  policies: { active(): Promise<PolicySet> };
  logger?: { warn(o: object, m: string): void };
}

const noTemporal = () => Promise.reject(new Error('no Temporal client configured'));

export function createPrivacyActivities(deps: PrivacyDeps): PrivacyActivities {
  const connection: Connection = deps.models.Complaint.db;
  const temporal = deps.temporal ?? noTemporal;
  const pm = createPrivacyModels(connection);
  const retention = createRetentionStore(connection);
  const eraser = createEraser({
    connection,
    models: deps.models,
    twilio: deps.twilio,
    temporal,
    namespace: deps.namespace,
    repeatWindowMs: async () => parseDuration((await deps.policies.active()).repeatWindow ?? '30d'),
    logger: deps.logger,
  });
  const finder = createFinder({ models: deps.models, stores: eraser.stores, temporal });

  async function subjectOf(requestId: string): Promise<string> {
    const doc = await pm.Request.findById(requestId).lean();
    if (!doc) throw ApplicationFailure.nonRetryable(`request ${requestId} not found`, 'RequestNotFound');
    if (!doc.subject?.number)
      throw ApplicationFailure.nonRetryable(`request ${requestId} no longer holds its number`, 'SubjectGone');
    return doc.subject.number;
  }

  return {
    async loadRetentionPolicy() {
      const policy = await retention.active();
      const problems = validateRetentionPolicy(policy);
      if (problems.length)
        throw ApplicationFailure.nonRetryable(problems.join('; '), 'InvalidRetentionPolicy');
      return policy;
    },

    async applyTemporalRetention({ policy }) {
      return applyNamespaceRetention(await temporal(), deps.namespace, temporalRetentionMs(policy));
    },

    async findRetentionCandidates({ policy, now, after, limit }) {
      const nowMs = Date.parse(now);
      const cutoff = new Date(nowMs - shortestRetentionMs(policy));
      const from = after ? new Date(after.closedAt) : undefined;
      const docs = (await deps.models.Complaint.collection
        .find(
          {
            stage: 'CLOSED',
            closedAt: from ? { $gte: from, $lte: cutoff } : { $lte: cutoff },
            'privacy.complete': { $ne: true },
          } as never,
          { projection: { _id: 1, closedAt: 1, category: 1, channel: 1, major: 1, privacy: 1 } },
        )
        .sort({ closedAt: 1, _id: 1 })
        .limit(limit + 1)
        .toArray()) as unknown as {
        _id: string;
        closedAt: Date;
        category: string;
        channel: string;
        major?: boolean;
        privacy?: PrivacyMarks;
      }[];
      // Complaints closed at the cursor's instant up to its ticket were on the page before.
      const page = docs
        .filter((d) => !after || d.closedAt.getTime() > Date.parse(after.closedAt) || d._id > after.ticketId)
        .slice(0, limit);
      const views = await deps.models.ComplaintView.find(
        { _id: { $in: page.map((d) => d._id) } },
        { 'view.disputeProne': 1 },
      ).lean<{ _id: string; view: { disputeProne?: unknown } }[]>();
      const disputed = new Set(views.filter((v) => v.view?.disputeProne).map((v) => v._id));
      const candidates: RetentionCandidate[] = [];
      for (const d of page) {
        const kinds = dueKinds(
          policy,
          {
            category: d.category,
            channel: d.channel,
            disputeProne: disputed.has(d._id),
            major: d.major === true,
            closedAtMs: d.closedAt.getTime(),
            done: Object.keys(d.privacy?.done ?? {}),
          },
          nowMs,
        );
        if (kinds.length) candidates.push({ ticketId: d._id, closedAt: d.closedAt.toISOString(), kinds });
      }
      const last = page.at(-1);
      return {
        candidates,
        scanned: page.length,
        ...(docs.length > limit && last
          ? { next: { closedAt: last.closedAt.toISOString(), ticketId: last._id } }
          : {}),
      };
    },

    eraseComplaintData: (input) => eraser.eraseComplaint(input),

    async dropExpiredNumberHashes({ now }) {
      const res = await deps.models.Complaint.collection.updateMany(
        { 'privacy.hashUntil': { $lte: new Date(now) } } as never,
        { $unset: { callbackHash: '', 'privacy.hashUntil': '' } },
      );
      return res.modifiedCount;
    },

    async expireVipProfiles({ policy, now }) {
      const before = new Date(Date.parse(now) - parseDuration(policy.other.vipProfiles));
      const res = await eraser.stores.vip.deleteMany({ active: false, updatedAt: { $lte: before } });
      return res.deletedCount;
    },

    async expireExports({ now }) {
      return (await pm.Export.deleteMany({ expiresAt: { $lte: new Date(now) } })).deletedCount;
    },

    async recordSweep({ workflowId, trigger, startedAt, result }) {
      await pm.RetentionRun.updateOne(
        { _id: `${workflowId}/${result.runId}` },
        {
          $set: {
            workflowId,
            trigger,
            startedAt: new Date(startedAt),
            finishedAt: new Date(),
            result,
          },
        },
        { upsert: true },
      );
    },

    async findPersonalData({ requestId }) {
      const found = await finder.find(await subjectOf(requestId));
      await pm.Request.updateOne({ _id: requestId }, { $set: { 'status.found': found } });
      return found;
    },

    async exportPersonalData({ requestId }) {
      const number = await subjectOf(requestId);
      const policy = await retention.active();
      const document = JSON.stringify(await finder.exportAll(number, requestId), null, 2);
      const expiresAt = new Date(Date.now() + parseDuration(policy.other.exports));
      const bytes = Buffer.byteLength(document);
      await pm.Export.updateOne(
        { _id: requestId },
        { $set: { document, bytes, createdAt: new Date(), expiresAt } },
        { upsert: true },
      );
      await pm.Request.updateOne({ _id: requestId }, { $set: { exportExpiresAt: expiresAt } });
      return { bytes, expiresAt: expiresAt.toISOString() };
    },

    async eraseSubjectData({ requestId, heldTickets }) {
      const number = await subjectOf(requestId);
      const removed = await eraser.eraseSubject(number, heldTickets);
      // Earlier exports about this number go too (they are copies of what was just erased).
      const exports = await pm.Request.find({ _id: { $ne: requestId }, kind: 'EXPORT' }, { _id: 1 }).lean();
      const about = [];
      for (const e of exports) {
        const doc = await pm.Export.findById(e._id, { document: 1 }).lean();
        if (doc && (JSON.parse(doc.document) as { about?: { number?: string } }).about?.number === number)
          about.push(e._id);
      }
      removed.privacy_exports = (await pm.Export.deleteMany({ _id: { $in: about } })).deletedCount;
      return removed;
    },

    async recordRequestStep({ requestId, key, at, by, action, detail, state }) {
      await eraser.stores.audit.append({
        ticketId: requestId,
        at,
        actor: by,
        roles: [],
        source: 'workflow',
        action,
        detail,
        dedupeKey: key,
      });
      // DONE and FAILED are set by finishRequest, with the outcome.
      if (state !== 'DONE' && state !== 'FAILED')
        await pm.Request.updateOne({ _id: requestId }, { $set: { state } });
    },

    async finishRequest({ requestId, status, error }) {
      await pm.Request.updateOne(
        { _id: requestId },
        {
          $set: { state: status.state, status, finishedAt: new Date(), ...(error ? { error } : {}) },
          // A finished request no longer needs the number; a failed one keeps it to be asked again.
          ...(status.state === 'DONE' ? { $unset: { subject: '' } } : {}),
        },
      );
    },
  };
}
