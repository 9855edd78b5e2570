// Finding, exporting and removing personal data in every store that holds it (issue 22, S8).
// One complaint at a time (eraseComplaint, used by the retention sweep and by erasure requests) and
// what is about one number outside its complaints (eraseSubject). Every step is idempotent: a
// retried activity finds the data already gone and changes nothing.
import type { Client } from '@temporalio/client';
import type { Connection } from 'mongoose';
import type { Twilio } from 'twilio';
import { createAuditStore, type AuditStore } from '../audit';
import { createContactModels, type ContactModels } from '../contact-models';
import type { Models } from '../models';
import { numberHashes } from '../../platform/lookup-hash';
import { createSignatureModels, type SignatureModels } from '../signature';
import { vipModel } from '../vip';
import { complaintWorkflowId, type ComplaintView } from '../../domain/complaint';
import {
  COMPLAINT_DATA_KINDS,
  keepNumberHashUntil,
  type ComplaintDataKind,
} from '../../domain/policy/retention';
import type { EraseComplaintInput, EraseComplaintResult } from '../../domain/privacy';
import { createTmfEventModels, type TmfEventModels } from '../tmf-events-models';
import { anonymiseView, ERASED } from './scrub';
import { deleteFinishedExecutions, isRunning } from './temporal';

export interface EraseDeps {
  connection: Connection;
  models: Models;
  twilio: Pick<Twilio, 'recordings'>;
  temporal: () => Promise<Client>;
  namespace: string;
  /** The repeat window of the active SLA policy set (R6.2), in ms. */
  repeatWindowMs: () => Promise<number>;
  logger?: { warn(o: object, m: string): void };
}

/** Where a complaint's retention state is kept: the `privacy` field of its summary document. */
export interface PrivacyMarks {
  /** When each kind was removed (ISO). */
  done?: Partial<Record<ComplaintDataKind, string>>;
  /** The callback number's hash stays until then (the repeat window). */
  hashUntil?: Date;
  /** Every kind removed: the sweep no longer looks at this complaint. */
  complete?: boolean;
}

export interface Stores {
  contact: ContactModels;
  signatures: SignatureModels;
  audit: AuditStore;
  vip: ReturnType<typeof vipModel>;
  tmf: TmfEventModels;
}

export function storesOn(connection: Connection): Stores {
  return {
    contact: createContactModels(connection),
    signatures: createSignatureModels(connection),
    audit: createAuditStore(connection),
    vip: vipModel(connection),
    tmf: createTmfEventModels(connection),
  };
}

/** The contact workflows a complaint started (their ids are in its view). */
export function workflowIdsOf(ticketId: string, view: Pick<ComplaintView, 'contacts'> | undefined): string[] {
  return [complaintWorkflowId(ticketId), ...(view?.contacts ?? []).map((c) => c.workflowId)];
}

function isTwilioNotFound(err: unknown): boolean {
  const e = err as { status?: number; code?: number } | null;
  return e?.status === 404 || e?.code === 20404;
}

export function createEraser(deps: EraseDeps) {
  const { models, connection } = deps;
  const s = storesOn(connection);
  const summaries = models.Complaint.collection;
  const receipts = connection.collection('webhook_receipts');

  async function loadView(ticketId: string): Promise<ComplaintView | undefined> {
    const doc = await models.ComplaintView.findById(ticketId).lean();
    return doc?.view as unknown as ComplaintView | undefined;
  }

  /** The read model's personal fields, the routing of inbound SMS, webhook answers, Temporal. */
  async function complaintPersonal(
    ticketId: string,
    view: ComplaintView | undefined,
    cause: EraseComplaintInput['cause'],
    now: Date,
  ): Promise<{ removed: Record<string, number>; workflowsDeleted: number }> {
    const removed: Record<string, number> = {};
    if (view) {
      const res = await models.ComplaintView.updateOne(
        { _id: ticketId },
        { $set: { view: anonymiseView(view) as unknown as Record<string, unknown>, updatedAt: now } },
      );
      removed.complaint_views = res.modifiedCount;
    }
    // The repeat check needs the number's hash within its window (R6.2); a person who asked to be
    // erased is no longer recognised as a repeat caller.
    const summary = await models.Complaint.findById(ticketId, { closedAt: 1 }).lean();
    const until = summary?.closedAt
      ? keepNumberHashUntil(summary.closedAt.getTime(), await deps.repeatWindowMs())
      : 0;
    if (cause.type === 'retention' && until > now.getTime())
      await summaries.updateOne({ _id: ticketId } as never, {
        $set: { 'privacy.hashUntil': new Date(until) },
      });
    else {
      const res = await summaries.updateOne({ _id: ticketId, callbackHash: { $exists: true } } as never, {
        $unset: { callbackHash: '', 'privacy.hashUntil': '' },
      });
      removed.complaints = res.modifiedCount;
    }
    removed.active_contacts = (await s.contact.ActiveContact.deleteMany({ ticketId })).deletedCount;
    const ids = workflowIdsOf(ticketId, view);
    let receiptsDeleted = 0;
    for (const id of ids.slice(1)) {
      const res = await receipts.deleteMany({ path: { $regex: `/contact/${escapeRegex(id)}/` } });
      receiptsDeleted += res.deletedCount;
    }
    removed.webhook_receipts = receiptsDeleted;
    const client = await deps.temporal();
    const { deleted } = await deleteFinishedExecutions(client, deps.namespace, ids);
    return { removed, workflowsDeleted: deleted };
  }

  /** Recording media here and at the provider; the evidence record keeps only its hash and length. */
  async function recordings(ticketId: string, now: Date): Promise<Record<string, number>> {
    const evidence = await s.contact.Evidence.find({ ticketId }).lean();
    let media = 0;
    let provider = 0;
    for (const e of evidence) {
      if (e.recordingSid) {
        try {
          await deps.twilio.recordings(e.recordingSid).remove();
          provider += 1;
        } catch (err) {
          if (!isTwilioNotFound(err)) throw err;
        }
      }
      // The media is keyed by its hash: another complaint's evidence could hold the same bytes.
      const shared = await s.contact.Evidence.exists({ sha256: e.sha256, ticketId: { $ne: ticketId } });
      if (!shared) media += (await s.contact.EvidenceMedia.deleteOne({ _id: e.sha256 })).deletedCount;
    }
    const res = await s.contact.Evidence.updateMany(
      { ticketId, url: { $exists: true } },
      { $unset: { url: '', callSid: '', recordingSid: '' }, $set: { mediaStored: false, erasedAt: now } },
      { strict: false },
    );
    return { evidence: res.modifiedCount, evidence_media: media, provider_recordings: provider };
  }

  async function signatures(ticketId: string): Promise<Record<string, number>> {
    return {
      signatures: (await s.signatures.Signature.deleteMany({ ticketId })).deletedCount,
      signature_requests: (await s.signatures.Request.deleteMany({ ticketId })).deletedCount,
    };
  }

  async function outboxBodies(ticketId: string): Promise<Record<string, number>> {
    const outbox = await models.Outbox.updateMany(
      { ticketId, body: { $ne: ERASED } },
      { $set: { to: [], body: ERASED }, $unset: { subject: '' } },
    );
    const calls = await s.contact.ContactCall.updateMany(
      { ticketId, message: { $ne: ERASED } },
      { $set: { to: ERASED, message: ERASED } },
    );
    // The TMF621 events and work-order replies sent to the dispatching systems (they quote the
    // place and the work-order reply); the rows keep their ids and delivery states.
    const tmf = await s.tmf.Outbox.updateMany(
      { ticketId, body: { $ne: ERASED } },
      { $set: { body: ERASED } },
    );
    return {
      outbox: outbox.modifiedCount,
      contact_calls: calls.modifiedCount,
      tmf_event_outbox: tmf.modifiedCount,
    };
  }

  /**
   * Removes the given kinds of one complaint's personal data from every store. A complaint whose
   * workflow still runs is left alone (a later projection would write the data back).
   */
  async function eraseComplaint(input: EraseComplaintInput): Promise<EraseComplaintResult> {
    const { ticketId, kinds, cause } = input;
    const now = new Date();
    const client = await deps.temporal();
    if (await isRunning(client, complaintWorkflowId(ticketId)))
      return { ticketId, skipped: 'its workflow still runs', kinds: [], removed: {}, workflowsDeleted: 0 };
    const view = await loadView(ticketId);
    const removed: Record<string, number> = {};
    let workflowsDeleted = 0;
    const add = (r: Record<string, number>) => {
      for (const [k, n] of Object.entries(r)) removed[k] = (removed[k] ?? 0) + n;
    };
    for (const kind of COMPLAINT_DATA_KINDS.filter((k) => kinds.includes(k))) {
      switch (kind) {
        case 'complaintPersonal': {
          const r = await complaintPersonal(ticketId, view, cause, now);
          add(r.removed);
          workflowsDeleted += r.workflowsDeleted;
          break;
        }
        case 'recordings':
          add(await recordings(ticketId, now));
          break;
        case 'signatures':
          add(await signatures(ticketId));
          break;
        case 'outboxBodies':
          add(await outboxBodies(ticketId));
          break;
        case 'auditDetails':
          add({
            audit: await s.audit.eraseDetails(ticketId, {
              at: now.toISOString(),
              by: cause.by,
              reason: `${cause.type} ${cause.ref}`,
            }),
          });
          break;
      }
    }
    // The complaint's retention state, then an entry in its audit chain (no personal detail).
    const set: Record<string, unknown> = {};
    for (const kind of kinds) set[`privacy.done.${kind}`] = now.toISOString();
    await summaries.updateOne({ _id: ticketId } as never, { $set: set });
    const marks = (await summaries.findOne({ _id: ticketId } as never, { projection: { privacy: 1 } })) as {
      privacy?: PrivacyMarks;
    } | null;
    const done = Object.keys(marks?.privacy?.done ?? {});
    if (COMPLAINT_DATA_KINDS.every((k) => done.includes(k)))
      await summaries.updateOne({ _id: ticketId } as never, { $set: { 'privacy.complete': true } });
    await s.audit.append({
      ticketId,
      at: now.toISOString(),
      actor: cause.by,
      roles: [],
      source: 'workflow',
      action: cause.type === 'request' ? 'PERSONAL_DATA_ERASED' : 'PERSONAL_DATA_ANONYMISED',
      detail: `${kinds.join(', ')} (${cause.type} ${cause.ref})`,
      dedupeKey: `privacy:${cause.ref}:${ticketId}:${kinds.join(',')}`,
    });
    return { ticketId, kinds, removed, workflowsDeleted };
  }

  /** What is about the number outside the erased complaints: VIP profile, contacts, messages. */
  async function eraseSubject(
    number: string,
    heldTickets: readonly string[],
  ): Promise<Record<string, number>> {
    const notHeld = { $nin: [...heldTickets] };
    const vip = await s.vip.deleteMany({ numberHash: { $in: numberHashes(number) } });
    const active = await s.contact.ActiveContact.deleteMany({ _id: number, ticketId: notHeld });
    const outbox = await models.Outbox.updateMany(
      { to: number, ticketId: notHeld },
      { $set: { to: [], body: ERASED }, $unset: { subject: '' } },
    );
    const calls = await s.contact.ContactCall.updateMany(
      { to: number, ticketId: notHeld },
      { $set: { to: ERASED, message: ERASED } },
    );
    return {
      vip_profiles: vip.deletedCount,
      active_contacts: active.deletedCount,
      outbox: outbox.modifiedCount,
      contact_calls: calls.modifiedCount,
    };
  }

  return { eraseComplaint, eraseSubject, loadView, stores: s };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
