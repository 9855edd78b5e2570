// A complaint worker on the Temporal time-skipping test server with recording fake activities
// (workflow tests check the workflow's logic; the integration suite runs the real activities).
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import pino from 'pino';
import { createEvidenceActivities } from '../../activities/evidence/activities';
import { createMemoryNetworkSources, type NetworkDataSet } from '../../activities/evidence/memory';
import type { EvidenceActivities } from '../../activities/evidence/types';
import type { ComplaintActivities, SendEmailInput, SendSmsInput } from '../../activities/types';
import type { TmfEventActivities } from '../../activities/tmf-events-types';
import {
  complaintWorkflowId,
  getComplaintQuery,
  recordFindingsUpdate,
  recordReplyUpdate,
  resolveUpdate,
  type ActionAnswer,
  type Actor,
  type ComplaintInput,
  type ComplaintView,
} from '../../workflows/complaint/contract';
import { DEFAULT_POLICY_SET } from '../../domain/policy/default-policies';
import { selectPolicy, type PolicySet } from '../../domain/policy/sla';
import { classifyEarlier } from '../../domain/policy/repeat';
import { createFakeContact, type FakeContact } from './fake-contact';
import type { VipActivities, VipMatch } from '../../activities/vip';
import {
  createAreaReporter,
  type IncidentActivities,
  type NotifyIncidentInput,
} from '../../activities/incidents';
import { INCIDENT_TASK_QUEUE, type IncidentView } from '../../workflows/incident/contract';
import { DEFAULT_MASS_INCIDENT_POLICY, type MassIncidentPolicy } from '../../domain/policy/mass-incident';
import { complaintInput } from './fixtures';
import { applyChange } from '../../domain/projection-change';
import { createTimeSkippingEnv, terminateWhenSettled, workflowBundle } from './time-skipping';

export const handler: Actor = { user: 'handler.li', roles: ['handler'] };
export const supervisor: Actor = { user: 'supervisor.wang', roles: ['supervisor', 'handler'] };
export const iface: Actor = { user: 'interface.chen', roles: ['interface'] };
export const H = 3_600_000;

/** What the fake mass-incident activities saw (R8); `enabled` turns the area watch on. */
export interface IncidentFakes {
  enabled: boolean;
  policy: MassIncidentPolicy;
  notified: NotifyIncidentInput[];
  knowledge: Parameters<IncidentActivities['recordIncidentKnowledge']>[0][];
  views: IncidentView[];
  /**
   * Network data a test plants (empty by default): the area reporter locates complaints in its cells
   * (R8.6) and the area evidence reads its alarms and changes (R8.3), through the product's code.
   */
  network: NetworkDataSet;
}

export interface Harness {
  env: TestWorkflowEnvironment;
  incidents: IncidentFakes;
  /** VIP profiles by callback number, as the fake lookupVip finds them (R7.1). */
  vips: Map<string, VipMatch>;
  emails: SendEmailInput[];
  sms: SendSmsInput[];
  projections: ComplaintView[];
  /** Scripted customers for the contact child workflow (default: answers and presses 1). */
  contact: FakeContact;
  /** The policy set the fake selectPolicy reads; tests may replace it to simulate an edit. */
  policySet: { current: PolicySet };
  start(input?: ComplaintInput): Promise<WorkflowHandle>;
  act<T>(handle: WorkflowHandle, def: { name: string }, actor: Actor, input: T): Promise<ComplaintView>;
  until(
    handle: WorkflowHandle,
    ok: (v: ComplaintView) => boolean,
    timeoutMs?: number,
  ): Promise<ComplaintView>;
  mailsFor(ticketId: string): SendEmailInput[];
  /** Terminates every complaint a test started and left running (so timers do not pile up). */
  cleanup(): Promise<void>;
  close(): Promise<void>;
}

/** `workerOptions`: for the complaint worker (the workflow-heap benchmark runs it in debug mode). */
export async function startHarness(
  taskQueue: string,
  workerOptions: Pick<WorkerOptions, 'debugMode' | 'maxCachedWorkflows'> = {},
): Promise<Harness> {
  const env = await createTimeSkippingEnv();
  const emails: Harness['emails'] = [];
  const sms: SendSmsInput[] = [];
  const projections: ComplaintView[] = [];
  /** The fake read model's view of a complaint: its newest projection. */
  const lastViewOf = (ticketId: string): ComplaintView | undefined => {
    for (let i = projections.length - 1; i >= 0; i--)
      if (projections[i]!.ticketId === ticketId) return projections[i];
    return undefined;
  };
  const policySet = { current: DEFAULT_POLICY_SET };
  const contact = createFakeContact(() => env.client, { calls: ['answer'], digits: '1' });
  const incidents: IncidentFakes = {
    enabled: false,
    policy: DEFAULT_MASS_INCIDENT_POLICY,
    notified: [],
    knowledge: [],
    views: [],
    network: { cells: [], kpis: [], alarms: [], changes: [], interference: [], chr: [] },
  };
  const planted = createMemoryNetworkSources(incidents.network);
  const plantedEvidence = createEvidenceActivities({ sources: planted, logger: pino({ level: 'silent' }) });
  const incidentActivities: IncidentActivities = {
    // The product's reporter over the planted cells (none unless a test plants them): the site
    // comes from the cell id, a complaint without one is located by its coordinates (R8.6).
    reportToAreaWatch: createAreaReporter({
      network: { cells: planted.cells },
      policies: { active: () => Promise.resolve({ ...policySet.current, massIncident: incidents.policy }) },
      temporal: () => Promise.resolve(env.client),
      taskQueue: INCIDENT_TASK_QUEUE,
      get enabled() {
        return incidents.enabled;
      },
    }),
    projectIncident: async (view) => {
      incidents.views.push(view);
      return { applied: true };
    },
    notifyIncident: async (input) => {
      incidents.notified.push(input);
      return { emails: input.roles.length, sms: 0, failed: [], at: new Date().toISOString() };
    },
    recordIncidentKnowledge: async (doc) => void incidents.knowledge.push(doc),
    knownIssues: async () => [],
  };
  const vips = new Map<string, VipMatch>();
  const activities: ComplaintActivities &
    FakeContact['activities'] &
    EvidenceActivities &
    IncidentActivities &
    VipActivities &
    TmfEventActivities = {
    ...contact.activities,
    // TMF621 events (issue 19): no hub is subscribed in workflow tests.
    publishTicketEvent: async () => ({ hubs: 0, delivered: 0, dead: [] }),
    ...incidentActivities,
    lookupVip: async ({ number }) => vips.get(number) ?? null,
    // An empty network: every source answers with nothing (the evidence tests plant real data).
    locateCells: async (location) => ({
      method: 'cellId',
      servingCellId: location.cellId,
      neighbours: [],
      gaps: [],
    }),
    evidenceKpis: async () => [],
    evidenceAlarms: (q) => plantedEvidence.evidenceAlarms(q),
    evidenceChanges: (q) => plantedEvidence.evidenceChanges(q),
    evidenceInterference: async () => [],
    evidenceChr: async () => [],
    selectPolicy: async (c) => selectPolicy(policySet.current, c),
    // The same rule as activities/repeat.ts (domain/policy/repeat.ts), over the views projected so far.
    findEarlierComplaints: async (q) => {
      const latest = new Map(projections.map((p) => [p.ticketId, p]));
      const candidates = [...latest.values()]
        .map((p) => ({
          ticketId: p.ticketId,
          stage: p.stage,
          receivedAt: p.input.receivedAt,
          closedAt: p.closedAt,
          rootCause: p.resolution?.rootCause,
          massIncidentId: p.incident?.incidentId,
          sameNumber: p.input.numbers.callback === q.callback,
          sameCell: q.cellId !== undefined && p.input.location.cellId === q.cellId,
        }))
        .filter((c) => c.sameNumber || c.sameCell);
      return classifyEarlier(candidates, { ticketId: q.ticketId, since: q.since }).repeats;
    },
    projectComplaint: async (view) => {
      projections.push(view);
      return { applied: true };
    },
    // The read model in memory: each change applied to the ticket's last view (domain/projection-change.ts),
    // so the tests read the same whole views as before; a delta that does not fit asks for a resync.
    projectComplaintChange: async (change) => {
      const ticketId = 'full' in change ? change.full.ticketId : change.delta.ticketId;
      const view = applyChange(lastViewOf(ticketId), change);
      if (!view) return { applied: false, resync: true };
      projections.push(view);
      return { applied: true };
    },
    sendSms: async (input) => {
      sms.push(input);
      return { sid: `SM${String(sms.length).padStart(32, '0')}`, status: 'queued', alreadySent: false };
    },
    sendEmail: async (input) => {
      emails.push(input);
      return { messageId: `<${input.idempotencyKey}@test>`, alreadySent: false };
    },
  };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
    ...workerOptions,
  });
  // The mass-incident lane (workflows/incident/contract.ts INCIDENT_TASK_QUEUE), like the real worker.
  const lane = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: INCIDENT_TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    activities,
  });
  const running = Promise.all([worker.run(), lane.run()]);
  const started: WorkflowHandle[] = [];

  const until: Harness['until'] = async (handle, ok, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await handle.query(getComplaintQuery);
      if (ok(view)) return view;
      if (Date.now() > deadline)
        throw new Error(`condition not reached; last view: ${JSON.stringify(view).slice(0, 800)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  return {
    env,
    incidents,
    vips,
    emails,
    sms,
    projections,
    contact,
    policySet,
    start: async (input = complaintInput()) => {
      const handle = await env.client.workflow.start('complaintWorkflow', {
        taskQueue,
        workflowId: complaintWorkflowId(input.ticketId),
        args: [input],
      });
      started.push(handle);
      // Terminating, by a test or by cleanup, waits for the run to settle first (terminateWhenSettled).
      const terminate = handle.terminate.bind(handle);
      handle.terminate = (reason) => terminateWhenSettled(env.client, handle, () => terminate(reason));
      return handle;
    },
    async cleanup() {
      const all = started.splice(0);
      await Promise.all(all.map((w) => w.terminate('test cleanup').catch(() => undefined)));
    },
    // The update answers with the version that contains the action; the view is the read model's,
    // projected before the answer (as the API reads it: api/complaints-service.ts viewAfter).
    act: async (handle, def, actor, input) => {
      const answer = await handle.executeUpdate<ActionAnswer, [{ actor: Actor; input: typeof input }]>(
        def.name,
        { args: [{ actor, input }] },
      );
      const view = lastViewOf(answer.ticketId);
      if (!view || view.version < answer.version)
        throw new Error(`the read model is behind the answer: ${view?.version} < ${answer.version}`);
      return view;
    },
    until,
    mailsFor: (ticketId) => emails.filter((e) => e.ticketId === ticketId),
    async close() {
      worker.shutdown();
      lane.shutdown();
      await running;
      await env.teardown();
    },
  };
}

export const clockOf = (v: ComplaintView, name: string) => v.clocks.find((c) => c.name === name)!;

/** Expects an update to be refused by its validator and returns the reason. */
export async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return String((err as WorkflowUpdateFailedError).cause?.message);
}

/** Findings, resolution and a final phone reply the customer accepts or not. */
export async function resolveAndReply(
  h: Harness,
  handle: WorkflowHandle,
  satisfied: boolean,
): Promise<ComplaintView> {
  await h.act(handle, recordFindingsUpdate, handler, {
    checked: '话统、告警、干扰',
    found: '上行干扰 -98 dBm',
  });
  await h.act(handle, resolveUpdate, handler, {
    summary: '清除干扰源后指标恢复',
    rootCause: '外部干扰',
    actions: '协调无委清除',
  });
  return h.act(handle, recordReplyUpdate, handler, {
    kind: 'FINAL',
    method: 'PHONE',
    summary: satisfied ? '客户确认已恢复' : '客户表示仍然掉线',
    customerConfirmed: true,
    satisfied,
  });
}
