// The complaint read model in MongoDB, written idempotently with a version number:
// a late retry of an older projection never overwrites newer state.
import type { ComplaintView } from '../workflows/complaint/contract';
import { isDuplicateKey, type ComplaintDoc, type Models } from './models';
import { periodKeys } from './period-keys';

export function toDocument(view: ComplaintView): ComplaintDoc {
  const receivedAt = new Date(view.input.receivedAt);
  const running = view.clocks.filter((c) => c.state === 'running' || c.state === 'breached');
  const nextDue = running.map((c) => Date.parse(c.dueAt)).sort((a, b) => a - b)[0];
  return {
    _id: view.ticketId,
    version: view.version,
    workflowId: view.workflowId,
    stage: view.stage,
    channel: view.input.channel,
    externalId: view.input.externalId,
    category: view.input.category,
    urgency: view.input.urgency,
    region: view.input.location.region,
    vipLevel: view.input.customer.vipLevel,
    slaBreached: view.slaBreached,
    escalationLevel: view.escalationLevel,
    receivedAt,
    ...periodKeys(receivedAt),
    closedAt: view.closedAt ? new Date(view.closedAt) : undefined,
    nextDueAt: nextDue === undefined ? undefined : new Date(nextDue),
    view: view as unknown as Record<string, unknown>,
    updatedAt: new Date(),
  };
}

export function createProjectionActivities({ models }: { models: Models }) {
  async function projectComplaint(view: ComplaintView): Promise<{ applied: boolean }> {
    const doc = toDocument(view);
    try {
      const res = await models.Complaint.updateOne(
        { _id: doc._id, version: { $lt: doc.version } },
        { $set: doc },
        { upsert: true },
      );
      return { applied: res.modifiedCount + res.upsertedCount > 0 };
    } catch (err) {
      // The document exists with the same or a newer version: this projection is stale.
      if (isDuplicateKey(err)) return { applied: false };
      throw err;
    }
  }
  return { projectComplaint };
}
