// Everything kept about one phone number (issue 22, S8.2): the complaints it filed or is named in,
// the calls, messages and inbound-SMS routing to it, recordings, signatures, the VIP profile, the
// audit entries of those complaints and their workflow executions — found, and exported as one
// JSON document.
import type { Client } from '@temporalio/client';
import type { Models } from '../models';
import { numberHashes } from '../../platform/lookup-hash';
import type { ComplaintView } from '../../domain/complaint';
import { legalHold } from '../../domain/policy/retention';
import type { FoundComplaint, FoundSummary } from '../../domain/privacy';
import { workflowIdsOf, type Stores } from './erase';
import { isRunning } from './temporal';

/** Media larger than this in total is listed in the export, not embedded. */
const MAX_EMBEDDED_BYTES = 8 * 1024 * 1024;

/** Bytes as the driver returns them (a Buffer, or BSON Binary with its bytes in `buffer`). */
function bytesOf(value: unknown): Buffer | undefined {
  if (Buffer.isBuffer(value)) return value;
  const inner = (value as { buffer?: unknown } | null)?.buffer;
  if (inner instanceof Uint8Array) return Buffer.from(inner);
  return value instanceof Uint8Array ? Buffer.from(value) : undefined;
}

export interface FinderDeps {
  models: Models;
  stores: Stores;
  temporal: () => Promise<Client>;
}

export function createFinder(deps: FinderDeps) {
  const { models, stores: s } = deps;

  /** Ticket ids of the complaints the number filed (by its hash) or is named in (calling, called). */
  async function ticketsOf(number: string): Promise<string[]> {
    const byHash = await models.Complaint.find(
      { callbackHash: { $in: numberHashes(number) } },
      { _id: 1 },
    ).lean();
    const named = await Promise.all(
      (['callback', 'calling', 'called'] as const).map((field) =>
        models.ComplaintView.find({ [`view.input.numbers.${field}`]: number }, { _id: 1 }).lean(),
      ),
    );
    return [...new Set([...byHash, ...named.flat()].map((d) => d._id))].sort();
  }

  async function views(ticketIds: string[]): Promise<Map<string, ComplaintView>> {
    const docs = await models.ComplaintView.find({ _id: { $in: ticketIds } }).lean();
    return new Map(docs.map((d) => [d._id, d.view as unknown as ComplaintView]));
  }

  async function find(number: string): Promise<FoundSummary> {
    const ids = await ticketsOf(number);
    const byId = await views(ids);
    const client = await deps.temporal();
    const complaints: FoundComplaint[] = [];
    let workflows = 0;
    for (const ticketId of ids) {
      const view = byId.get(ticketId);
      const stage = view?.stage ?? 'UNKNOWN';
      const hold = legalHold({
        stage,
        disputeProne: view?.disputeProne !== undefined,
        workflowRunning:
          stage === 'CLOSED' ? await isRunning(client, workflowIdsOf(ticketId, view)[0]!) : undefined,
      });
      complaints.push({ ticketId, stage, ...(hold ? { hold } : {}) });
      workflows += workflowIdsOf(ticketId, view).length;
    }
    const inTickets = { ticketId: { $in: ids } };
    const [calls, active, outbox, recordings, signatures, vip, audit] = await Promise.all([
      s.contact.ContactCall.countDocuments({ to: number }),
      s.contact.ActiveContact.countDocuments({ _id: number }),
      models.Outbox.countDocuments({ to: number }),
      s.contact.Evidence.countDocuments({ ...inTickets, url: { $exists: true } }),
      s.signatures.Signature.countDocuments(inTickets),
      s.vip.exists({ numberHash: { $in: numberHashes(number) } }),
      s.audit.Audit.countDocuments(inTickets),
    ]);
    return {
      complaints,
      contacts: calls + active,
      outbox,
      recordings,
      signatures,
      vipProfile: vip !== null,
      auditEntries: audit,
      workflows,
    };
  }

  /** The JSON document of everything kept about the number (the person's copy, PIPL art. 45). */
  async function exportAll(number: string, requestId: string): Promise<Record<string, unknown>> {
    const ids = await ticketsOf(number);
    const inTickets = { ticketId: { $in: ids } };
    const [summaries, full, calls, active, outbox, evidence, signatures, signatureRequests, vip] =
      await Promise.all([
        models.Complaint.find({ _id: { $in: ids } }).lean(),
        views(ids),
        s.contact.ContactCall.find({ to: number }).lean(),
        s.contact.ActiveContact.find({ _id: number }).lean(),
        models.Outbox.find({ to: number }).lean(),
        s.contact.Evidence.find(inTickets).lean(),
        s.signatures.Signature.find(inTickets).lean(),
        s.signatures.Request.find(inTickets, { token: 0 }).lean(),
        s.vip.findOne({ numberHash: { $in: numberHashes(number) } }, { numberHash: 0 }).lean(),
      ]);
    let budget = MAX_EMBEDDED_BYTES;
    const embed = (bytes: Buffer | undefined | null) => {
      if (!bytes || bytes.length > budget) return undefined;
      budget -= bytes.length;
      return bytes.toString('base64');
    };
    const recordings = [];
    for (const e of evidence) {
      const media = e.mediaStored ? await s.contact.EvidenceMedia.findById(e.sha256).lean() : null;
      const data = media ? embed(bytesOf(media.data)) : undefined;
      recordings.push({ ...e, ...(data ? { mediaBase64: data } : { media: 'not embedded' }) });
    }
    const client = await deps.temporal();
    const workflows = [];
    for (const ticketId of ids)
      for (const workflowId of workflowIdsOf(ticketId, full.get(ticketId)))
        workflows.push({ workflowId, running: await isRunning(client, workflowId) });
    const audit: Record<string, unknown> = {};
    for (const ticketId of ids) audit[ticketId] = await s.audit.list(ticketId);
    return {
      about: { number },
      requestId,
      generatedAt: new Date().toISOString(),
      note: 'Everything ClosedLoop keeps about this number (issue 22). Media in base64.',
      complaints: ids.map((ticketId) => ({
        ticketId,
        summary: summaries.find((d) => d._id === ticketId),
        view: full.get(ticketId),
      })),
      contacts: { calls, inboundSmsRouting: active },
      messages: outbox,
      recordings,
      signatures: signatures.map(({ png, ...rest }) => ({
        ...rest,
        pngBase64: embed(bytesOf(png)),
      })),
      signatureRequests,
      vipProfile: vip,
      auditEntries: audit,
      workflows,
    };
  }

  return { find, exportAll, ticketsOf };
}
