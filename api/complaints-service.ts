// What the complaint routes do: start workflows, send updates and signals, read the read model.
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { Models } from '../activities/models';
import {
  COMPLAINT_WORKFLOW_TYPE,
  closeUpdate,
  complaintWorkflowId,
  escalateSignal,
  getComplaintQuery,
  recordFindingsUpdate,
  recordReplyUpdate,
  recordVerificationUpdate,
  resolveUpdate,
  ticketIdFor,
  triageUpdate,
  type Actor,
  type ComplaintInput,
  type ComplaintView,
} from '../workflows/complaint/contract';
import * as SA from '../workflows/search-attributes';
import { notFound } from './errors';
import type { z } from 'zod';
import type {
  CloseSchema,
  FindingsSchema,
  IntakeBody,
  ListQuerySchema,
  ReplySchema,
  ResolveSchema,
  TriageSchema,
  VerificationSchema,
} from './schemas';

export interface ServiceDeps {
  client: Client;
  models: Models;
  taskQueue: string;
  temporalUiUrl: string;
  namespace: string;
}

export interface IntakeResult {
  created: boolean;
  ticketId: string;
  workflowId: string;
  links: { self: string; temporalUi: string };
}

export function createComplaintService(deps: ServiceDeps) {
  const { client, models } = deps;

  const links = (ticketId: string) => ({
    self: `/v1/complaints/${encodeURIComponent(ticketId)}`,
    temporalUi: `${deps.temporalUiUrl}/namespaces/${deps.namespace}/workflows/${encodeURIComponent(complaintWorkflowId(ticketId))}`,
  });

  const handle = (ticketId: string): WorkflowHandle =>
    client.workflow.getHandle(complaintWorkflowId(ticketId));

  /** R1.3/R1.4: starts the workflow at once; the same channel ticket is always one complaint. */
  async function intake(body: IntakeBody, actor: Actor, now = new Date()): Promise<IntakeResult> {
    const ticketId = ticketIdFor(body.channel, body.externalId);
    const workflowId = complaintWorkflowId(ticketId);
    const input: ComplaintInput = {
      ...body,
      ticketId,
      urgency: body.urgency ?? (body.channel === 'OPT_CENTER_URGENT' ? 'URGENT' : 'NORMAL'),
      terminal: body.terminal ?? {},
      customer: body.customer ?? { vipLevel: 0, language: 'zh-CN' },
      receivedAt: now.toISOString(),
      submittedBy: actor.user,
    };
    try {
      await client.workflow.start(COMPLAINT_WORKFLOW_TYPE, {
        taskQueue: deps.taskQueue,
        workflowId,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
        typedSearchAttributes: [
          { key: SA.TicketId, value: ticketId },
          { key: SA.ExternalTicketId, value: body.externalId },
          { key: SA.Channel, value: body.channel },
          { key: SA.ComplaintStage, value: 'RECEIVED' },
          { key: SA.VipLevel, value: input.customer.vipLevel },
          { key: SA.Region, value: body.location.region },
          { key: SA.SlaBreached, value: false },
          { key: SA.SlaState, value: 'OK' },
        ],
        memo: { category: body.category, urgency: input.urgency, channel: body.channel },
      });
      return { created: true, ticketId, workflowId, links: links(ticketId) };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        return { created: false, ticketId, workflowId, links: links(ticketId) };
      }
      throw err;
    }
  }

  /** The read model; while the first projection is still on its way, the workflow answers. */
  async function get(ticketId: string): Promise<ComplaintView & { links: IntakeResult['links'] }> {
    const doc = await models.Complaint.findById(ticketId).lean();
    if (doc) return { ...(doc.view as unknown as ComplaintView), links: links(ticketId) };
    const view = await handle(ticketId).query(getComplaintQuery);
    return { ...view, links: links(ticketId) };
  }

  async function list(q: z.infer<typeof ListQuerySchema>) {
    const filter: Record<string, unknown> = {};
    if (q.stage) filter.stage = q.stage;
    if (q.channel) filter.channel = q.channel;
    if (q.region) filter.region = q.region;
    if (q.breached) filter.slaBreached = q.breached === 'true';
    const [docs, total] = await Promise.all([
      models.Complaint.find(filter, { view: 0 })
        .sort({ receivedAt: -1 })
        .skip(q.offset)
        .limit(q.limit)
        .lean(),
      models.Complaint.countDocuments(filter),
    ]);
    const items = docs.map(({ _id, ...rest }) => ({ ticketId: _id, ...rest, links: links(_id) }));
    return { items, total, limit: q.limit, offset: q.offset };
  }

  async function ensureExists(ticketId: string): Promise<void> {
    if (await models.Complaint.exists({ _id: ticketId })) return;
    try {
      await handle(ticketId).describe();
    } catch {
      throw notFound(`complaint ${ticketId}`);
    }
  }

  const update =
    <T>(def: { name: string }) =>
    async (ticketId: string, actor: Actor, input: T): Promise<ComplaintView> => {
      await ensureExists(ticketId);
      return handle(ticketId).executeUpdate<ComplaintView, [{ actor: Actor; input: T }]>(def.name, {
        args: [{ actor, input }],
      });
    };

  async function escalate(ticketId: string, actor: Actor, input: { level: number; reason: string }) {
    await ensureExists(ticketId);
    await handle(ticketId).signal(escalateSignal, { actor, input });
    return { accepted: true, ticketId };
  }

  return {
    intake,
    get,
    list,
    escalate,
    triage: update<z.infer<typeof TriageSchema>>(triageUpdate),
    verify: update<z.infer<typeof VerificationSchema>>(recordVerificationUpdate),
    findings: update<z.infer<typeof FindingsSchema>>(recordFindingsUpdate),
    resolve: update<z.infer<typeof ResolveSchema>>(resolveUpdate),
    reply: update<z.infer<typeof ReplySchema>>(recordReplyUpdate),
    close: update<z.infer<typeof CloseSchema>>(closeUpdate),
  };
}

export type ComplaintService = ReturnType<typeof createComplaintService>;
