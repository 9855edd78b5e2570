// What the complaint routes do: start workflows, send updates and signals, read the read model.
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { countMatching, type Models } from '../activities/models';
import {
  COMPLAINT_WORKFLOW_TYPE,
  complaintWorkflowId,
  escalateSignal,
  getComplaintQuery,
  ticketIdFor,
  type Acting,
  type ActionAnswer,
  type Actor,
  type ComplaintInput,
  type ComplaintView,
  type EscalationInput,
} from '../workflows/complaint/contract';
import * as SA from '../workflows/search-attributes';
import type { ComplaintLike } from './access';
import { HttpError, notFound } from './errors';
import type { z } from 'zod';
import type { IntakeBody, ListQuerySchema, WorklistParam, WorklistQuerySchema } from './schemas';

/** What the active policy set defines that requests are checked against (policy data, not code). */
export interface PolicyVocabulary {
  /** The departments a complaint can be transferred to. */
  departments: readonly string[];
  /** The levels of the escalation ladder. */
  levels: readonly number[];
}

export interface ServiceDeps {
  client: Client;
  models: Models;
  taskQueue: string;
  temporalUiUrl: string;
  namespace: string;
  /**
   * Called once a complaint workflow has been started (not for a retried intake): tells the area's
   * mass-incident watch at once (R8.1). Must not throw; the workflow reports itself as well.
   */
  onStarted?: (input: ComplaintInput, startedAt: number) => void;
  /** The active policy set's departments and ladder; without it any is passed on to the workflow. */
  vocabulary?: () => Promise<PolicyVocabulary>;
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
      deps.onStarted?.(input, Date.now());
      return { created: true, ticketId, workflowId, links: links(ticketId) };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        return { created: false, ticketId, workflowId, links: links(ticketId) };
      }
      throw err;
    }
  }

  /**
   * The view from the read model (only `fields` when given); while the first projection is still on
   * its way, the workflow answers.
   */
  async function readView(ticketId: string, fields?: Record<string, 1>): Promise<ComplaintView> {
    const doc = await models.ComplaintView.findById(ticketId, fields).lean();
    if (doc) return doc.view as unknown as ComplaintView;
    return handle(ticketId).query(getComplaintQuery);
  }

  async function get(ticketId: string): Promise<ComplaintView & { links: IntakeResult['links'] }> {
    return { ...(await readView(ticketId)), links: links(ticketId) };
  }

  /**
   * What the access check of an action reads (api/access.ts, ComplaintLike): those fields of the
   * view, not its timeline and evidence (issue 23: an action read the whole view, and decoded it,
   * only to check who may act).
   */
  function accessOf(ticketId: string): Promise<ComplaintLike> {
    return readView(ticketId, ACCESS_FIELDS);
  }

  /** `scope`: the caller's assignment filter from api/access.ts (undefined = every complaint). */
  async function list(q: z.infer<typeof ListQuerySchema>, scope?: Record<string, unknown>) {
    const filter: Record<string, unknown> = { ...scope };
    if (q.stage) filter.stage = q.stage;
    if (q.channel) filter.channel = q.channel;
    if (q.region) filter.region = q.region;
    if (q.breached) filter.slaBreached = q.breached === 'true';
    const [docs, total] = await Promise.all([
      models.Complaint.find(filter).sort({ receivedAt: -1 }).skip(q.offset).limit(q.limit).lean(),
      countMatching(models.Complaint, filter),
    ]);
    const items = docs.map(({ _id, ...rest }) => ({ ticketId: _id, ...rest, links: links(_id) }));
    return { items, total, limit: q.limit, offset: q.offset };
  }

  async function ensureExists(ticketId: string): Promise<void> {
    if (await models.Complaint.exists({ _id: ticketId })) return;
    try {
      await handle(ticketId).describe();
    } catch (err) {
      // Only Temporal's "no such workflow" is a 404; a Temporal that does not answer now (a history
      // service restarting, a deadline) goes to the error middleware, which answers a retryable 503.
      if (err instanceof WorkflowNotFoundError) throw notFound(`complaint ${ticketId}`);
      throw err;
    }
  }

  /**
   * A department or escalation level in a request must be one the active policy set defines: the
   * lists are data (admins change them with /v1/policies), so the schemas check only their form.
   */
  async function checkVocabulary(input: unknown): Promise<void> {
    if (!deps.vocabulary || typeof input !== 'object' || input === null) return;
    const { department, departments, level } = input as {
      department?: unknown;
      departments?: unknown;
      level?: unknown;
    };
    if (department === undefined && departments === undefined && level === undefined) return;
    const known = await deps.vocabulary();
    if (typeof department === 'string' && !known.departments.includes(department))
      throw invalidField(
        'department',
        `not a department of the active policy set (${known.departments.join(', ')})`,
      );
    // Several departments in parallel (R2.3): each one must be the policy set's.
    const unknown = Array.isArray(departments)
      ? departments.filter((d) => typeof d === 'string' && !known.departments.includes(d))
      : [];
    if (unknown.length > 0)
      throw invalidField(
        'departments',
        `${unknown.join(', ')}: not a department of the active policy set (${known.departments.join(', ')})`,
      );
    if (typeof level === 'number' && !known.levels.includes(level))
      throw invalidField('level', `not a level of the escalation ladder (${known.levels.join(', ')})`);
  }

  /** A human action: the workflow update `def` with the acting person; answers the complaint as GET does. */
  async function act<I>(
    def: UpdateDefinition<ActionAnswer, [Acting<I>], string>,
    ticketId: string,
    actor: Actor,
    input: I,
  ): Promise<ComplaintView & { links: IntakeResult['links'] }> {
    await checkVocabulary(input);
    await ensureExists(ticketId);
    const answer = await handle(ticketId).executeUpdate(def, { args: [{ actor, input }] });
    return { ...(await viewAfter(ticketId, answer)), links: links(ticketId) };
  }

  /**
   * The view that contains an action: the read model, projected before the update answered (issue
   * 23: the answer names the version). A worker of the release before answers with the whole view;
   * a read model behind the answer (it should not be) is bypassed by asking the workflow.
   */
  async function viewAfter(ticketId: string, answer: ActionAnswer | ComplaintView): Promise<ComplaintView> {
    if ('timeline' in answer) return answer;
    const doc = await models.ComplaintView.findById(ticketId).lean();
    if (doc && doc.version >= answer.version) return doc.view as unknown as ComplaintView;
    return handle(ticketId).query(getComplaintQuery);
  }

  async function escalate(ticketId: string, actor: Actor, input: EscalationInput) {
    await checkVocabulary(input);
    await ensureExists(ticketId);
    // The workflow ignores an escalation of a closed complaint (a signal cannot be refused), so
    // the API says so instead of answering 202 for nothing.
    const summary = await models.Complaint.findById(ticketId, { stage: 1 }).lean();
    if (summary?.stage === 'CLOSED')
      throw new HttpError(
        409,
        'action_refused',
        `complaint ${ticketId} is closed: there is nothing to escalate`,
      );
    await handle(ticketId).signal(escalateSignal, { actor, input });
    return { accepted: true as const, ticketId };
  }

  /** Worklists ordered by the nearest deadline (issue 3): what a person should work on next. */
  async function worklist(
    name: z.infer<typeof WorklistParam>,
    actor: Actor & { team?: string },
    q: z.infer<typeof WorklistQuerySchema>,
  ) {
    const open = { stage: { $ne: 'CLOSED' } };
    const filters: Record<typeof name, () => Record<string, unknown>> = {
      mine: () => ({ ...open, assignee: actor.user }),
      team: () => {
        if (!actor.team) throw new HttpError(400, 'no_team', 'your account belongs to no team');
        return { ...open, team: actor.team };
      },
      'due-soon': () => ({ ...open, nextDueAt: { $lte: new Date(Date.now() + q.withinHours * 3_600_000) } }),
      breached: () => ({ ...open, slaBreached: true }),
      'escalated-to-me': () => ({ ...open, awaitingAckRole: { $in: actor.roles } }),
      hot: () => ({ ...open, hot: true }),
      // Closed complaints whose care callback nobody answered: a person calls and records it (R6.3).
      'care-callback': () => ({ careCallbackAwaitingPerson: true }),
      // Several departments verifying in parallel: the interface person's open coordination (R2.3).
      coordination: () => ({ ...open, coordinationOpen: true }),
    };
    const filter = filters[name]();
    const due = await models.Complaint.find({ nextDueAt: { $ne: null }, ...filter })
      .sort({ nextDueAt: 1 })
      .limit(q.limit)
      .lean();
    // Complaints with no running clock (nothing due) come after those with a deadline.
    const rest =
      due.length < q.limit && name !== 'due-soon'
        ? await models.Complaint.find({ ...filter, nextDueAt: null })
            .sort({ receivedAt: 1 })
            .limit(q.limit - due.length)
            .lean()
        : [];
    const items = [...due, ...rest].map(({ _id, ...doc }) => ({ ticketId: _id, ...doc, links: links(_id) }));
    return { worklist: name, items };
  }

  return {
    intake,
    get,
    accessOf,
    list,
    worklist,
    escalate,
    act,
    /** A complaint's links (self, Temporal UI), for lists built elsewhere (the hot list, R4.7). */
    links,
  };
}

export type ComplaintService = ReturnType<typeof createComplaintService>;

/** The view's fields ComplaintLike names (api/access.ts), as a read-model projection. */
const ACCESS_FIELDS: Record<string, 1> = Object.fromEntries(
  [
    'ticketId',
    'stage',
    'assignee',
    'team',
    'triage',
    'input.location.region',
    'input.customer.vipLevel',
    'input.submittedBy',
    'verificationRequests',
  ].map((f) => [`view.${f}`, 1]),
);

/** A 400 naming one field, as a failed schema check would. */
function invalidField(field: string, message: string): HttpError {
  return new HttpError(400, 'validation_failed', `${field}: ${message}`, [{ field, message }]);
}
