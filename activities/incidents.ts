// Activities of sudden mass complaints (R8): reporting a complaint to its area's watch
// (signal-with-start, so a burst of simultaneous complaints meets one workflow), the incident read
// model, telling departments and leaders at once by e-mail and SMS, and the knowledge base that
// keeps each closed incident's root cause and preventive measures for later pre-diagnoses (R8.5).
import type { Client } from '@temporalio/client';
import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import type { Logger } from 'pino';
import type { PolicySet } from '../domain/policy/sla';
import {
  areaOf,
  areaWatchWorkflowId,
  DEFAULT_MASS_INCIDENT_POLICY,
  type AreaScope,
  type MassIncidentPolicy,
} from '../domain/policy/mass-incident';
import {
  AREA_WATCH_WORKFLOW_TYPE,
  COMPLAINT_FILED_SIGNAL,
  type AreaPlace,
  type ComplaintFiled,
  type IncidentView,
} from '../domain/incident';
import type { ComplaintInput } from '../domain/complaint';
import type { NetworkSources } from './evidence';
import { locateCells } from './evidence/locate';
import { modelOn, type Models } from './models';
import { createSmsOutbox, type NotificationDeps } from './notifications';
import { upsertIfNewer } from './projection';
import type { EmailTemplate, SendEmailInput, SendEmailResult } from './types';

export interface IncidentDoc {
  _id: string;
  version: number;
  areaKey: string;
  scope: AreaScope;
  region: string;
  stage: string;
  complaintCount: number;
  startedAt: Date;
  notifiedAt?: Date;
  owner?: string;
  view: Record<string, unknown>;
  updatedAt: Date;
}

export interface KnowledgeDoc {
  _id: string; // the incident id
  areaKey: string;
  region: string;
  siteIds: string[];
  cellIds: string[];
  rootCause: string;
  preventiveMeasures: string[];
  lessons?: string;
  complaintCount: number;
  closedBy: string;
  closedAt: Date;
  text: string;
}

export interface IncidentModels {
  Incident: Model<IncidentDoc>;
  Knowledge: Model<KnowledgeDoc>;
}

const incidentSchema = new Schema<IncidentDoc>(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    areaKey: String,
    scope: String,
    region: String,
    stage: String,
    complaintCount: Number,
    startedAt: Date,
    notifiedAt: Date,
    owner: String,
    view: { type: Schema.Types.Mixed },
    updatedAt: Date,
  },
  { versionKey: false, minimize: false, collection: 'incidents' },
);
incidentSchema.index({ stage: 1, startedAt: -1 });
incidentSchema.index({ areaKey: 1, startedAt: -1 });

const knowledgeSchema = new Schema<KnowledgeDoc>(
  {
    _id: { type: String, required: true },
    areaKey: String,
    region: String,
    siteIds: [String],
    cellIds: [String],
    rootCause: String,
    preventiveMeasures: [String],
    lessons: String,
    complaintCount: Number,
    closedBy: String,
    closedAt: Date,
    text: String,
  },
  { versionKey: false, collection: 'knowledge' },
);
knowledgeSchema.index({ siteIds: 1 });
knowledgeSchema.index({ cellIds: 1 });
knowledgeSchema.index({ region: 1, closedAt: -1 });

export function createIncidentModels(connection: Connection = mongoose.connection): IncidentModels {
  return {
    Incident: modelOn<IncidentDoc>(connection, 'Incident', incidentSchema),
    Knowledge: modelOn<KnowledgeDoc>(connection, 'Knowledge', knowledgeSchema),
  };
}

export interface ReportToAreaInput {
  ticketId: string;
  /** When Temporal accepted the complaint (ms since the epoch). */
  at: number;
  location: ComplaintInput['location'];
}

export interface ReportToAreaResult {
  areaKey?: string;
  /** The cell the complaint was counted for when it gave none (R8.6): found from its coordinates or address. */
  locatedCellId?: string;
  /** Why the complaint was not reported (recognition off, no area). */
  skipped?: string;
}

export interface KnownIssue {
  incidentId: string;
  areaKey: string;
  rootCause: string;
  preventiveMeasures: string[];
  closedAt: string;
}

export interface NotifyIncidentInput {
  incidentId: string;
  /** Part of every idempotency key: started, resolved, closed, reminder-3 … */
  purpose: string;
  template: Extract<EmailTemplate, `incident${string}`>;
  roles: string[];
  vars: Record<string, string>;
  /** The one-line SMS text for the roles' phones (staff text, zh-CN). */
  sms: string;
}

export interface NotifyIncidentResult {
  emails: number;
  sms: number;
  failed: string[];
  /** When the last message of this notification left (ISO). */
  at: string;
}

export interface IncidentActivities {
  reportToAreaWatch(input: ReportToAreaInput): Promise<ReportToAreaResult>;
  projectIncident(view: IncidentView): Promise<{ applied: boolean }>;
  notifyIncident(input: NotifyIncidentInput): Promise<NotifyIncidentResult>;
  recordIncidentKnowledge(
    doc: Omit<KnowledgeDoc, '_id' | 'closedAt' | 'text'> & {
      incidentId: string;
      closedAt: string;
    },
  ): Promise<void>;
  knownIssues(area: Pick<AreaPlace, 'cellIds' | 'siteIds' | 'region'>): Promise<KnownIssue[]>;
}

export interface IncidentDeps {
  models: Models;
  incidents: IncidentModels;
  network: NetworkSources;
  policies: { active(): Promise<PolicySet> };
  /** The Temporal client the watch is signalled with (made lazily by the worker). */
  temporal: () => Promise<Client>;
  taskQueue: string;
  /** MASS_INCIDENTS=off turns recognition off for this deployment. */
  enabled: boolean;
  rolePhones: Record<string, string[]>;
  sendEmail(input: SendEmailInput): Promise<SendEmailResult>;
  logger: Logger;
  notification: NotificationDeps['config'];
  twilio: NotificationDeps['twilio'];
}

/** The site of a cell id MCC-MNC-site-sector when the cell table does not know the cell. */
export function siteOfCellId(cellId: string): string | undefined {
  const parts = cellId.split('-');
  return parts.length >= 4 ? parts.slice(0, -1).join('-') : undefined;
}

/** What reporting a complaint to its area's watch needs; the worker's activity and the API share it. */
export interface AreaReporterDeps {
  /** The cell table; with `near`, a complaint without a cell is located before it is counted (R8.6). */
  network: {
    cells: Pick<NetworkSources['cells'], 'cell' | 'siteCells'> &
      Partial<Pick<NetworkSources['cells'], 'near'>>;
  };
  policies: { active(): Promise<PolicySet> };
  temporal: () => Promise<Client>;
  taskQueue: string;
  enabled: boolean;
}

/**
 * Reports a complaint to its area's watch (R8.1) by signal-with-start on the area's workflow id.
 * The API calls it right after it has started the complaint workflow, so a burst reaches the watch
 * as fast as it arrives; the complaint workflow calls it again as an activity, the durable path if
 * the API's report was lost. The watch counts each ticket once.
 */
export function createAreaReporter(
  deps: AreaReporterDeps,
): (input: ReportToAreaInput) => Promise<ReportToAreaResult> {
  const { network } = deps;

  /**
   * R8.6: a complaint without a cell is located by the same lookup the evidence step uses
   * (coordinates to the serving cell), so it counts for its cell and site, not for its whole region.
   * Done here, not in the complaint workflow, because the intake reports the complaint too: both
   * reports must name the same area, or one complaint would count in two watches.
   */
  async function locatedCell(location: ComplaintInput['location']): Promise<string | undefined> {
    const cells = network.cells;
    const { near } = cells;
    if (location.cellId || !near) return undefined;
    const table = {
      cell: (id: string) => cells.cell(id),
      siteCells: (site: string) => cells.siteCells(site),
      near: (lat: number, lng: number, radiusM: number) => near.call(cells, lat, lng, radiusM),
    };
    return (await locateCells(table, location)).servingCellId;
  }

  async function placeOf(location: ComplaintInput['location'], policy: MassIncidentPolicy) {
    const located = await locatedCell(location);
    const cellId = location.cellId ?? located;
    const cell = cellId ? await network.cells.cell(cellId) : undefined;
    const siteId = cell?.siteId ?? (cellId ? siteOfCellId(cellId) : undefined);
    const area = areaOf({ cellId, siteId, region: location.region }, policy.rules);
    if (!area) return undefined;
    let cellIds: string[] = [];
    if (area.scope === 'cell' && cellId) cellIds = [cellId];
    if (area.scope === 'site' && siteId) {
      const sectors = await network.cells.siteCells(siteId);
      cellIds = sectors.length > 0 ? sectors.map((c) => c.cellId) : cellId ? [cellId] : [];
    }
    const place: AreaPlace = {
      scope: area.scope,
      key: area.key,
      region: location.region,
      cellIds,
      siteIds: siteId && area.scope !== 'region' ? [siteId] : [],
    };
    return { place, rule: area.rule, located };
  }

  return async function reportToAreaWatch(input: ReportToAreaInput): Promise<ReportToAreaResult> {
    if (!deps.enabled) return { skipped: 'mass-incident recognition is off (MASS_INCIDENTS=off)' };
    const policy = (await deps.policies.active()).massIncident ?? DEFAULT_MASS_INCIDENT_POLICY;
    if (!policy.enabled) return { skipped: 'mass-incident recognition is off in the policy set' };
    const found = await placeOf(input.location, policy);
    if (!found) return { skipped: 'no burst rule for this place' };
    const signal: ComplaintFiled = {
      ticketId: input.ticketId,
      at: input.at,
      area: found.place,
      rule: found.rule,
      policy,
    };
    const client = await deps.temporal();
    // One watch per area: Temporal starts it for the first complaint and signals it for the rest,
    // however many arrive at the same moment.
    await client.workflow.signalWithStart(AREA_WATCH_WORKFLOW_TYPE, {
      workflowId: areaWatchWorkflowId(found.place.key),
      taskQueue: deps.taskQueue,
      args: [{ areaKey: found.place.key }],
      signal: COMPLAINT_FILED_SIGNAL,
      signalArgs: [signal],
    });
    return { areaKey: found.place.key, ...(found.located ? { locatedCellId: found.located } : {}) };
  };
}

export function createIncidentActivities(deps: IncidentDeps): IncidentActivities {
  const { incidents, logger } = deps;
  const sms = createSmsOutbox({ ...deps, config: deps.notification });

  const reportToAreaWatch = createAreaReporter(deps);

  async function projectIncident(view: IncidentView): Promise<{ applied: boolean }> {
    const doc: IncidentDoc = {
      _id: view.incidentId,
      version: view.version,
      areaKey: view.areaKey,
      scope: view.area.scope,
      region: view.area.region,
      stage: view.stage,
      complaintCount: view.complaintCount,
      startedAt: new Date(view.startedAt),
      notifiedAt: view.notifiedAt ? new Date(view.notifiedAt) : undefined,
      owner: view.owner,
      view: view as unknown as Record<string, unknown>,
      updatedAt: new Date(),
    };
    return { applied: await upsertIfNewer(incidents.Incident, doc) };
  }

  async function notifyIncident(input: NotifyIncidentInput): Promise<NotifyIncidentResult> {
    const failed: string[] = [];
    let emails = 0;
    let texts = 0;
    // Every recipient has its own key: a retry after a partial failure sends only what is missing.
    await Promise.all(
      input.roles.map(async (role) => {
        try {
          await deps.sendEmail({
            idempotencyKey: `${input.incidentId}:mail:${input.purpose}:${role}`,
            ticketId: input.incidentId,
            toRole: role,
            template: input.template,
            vars: input.vars,
          });
          emails += 1;
        } catch (err) {
          failed.push(`e-mail ${role}: ${(err as Error).message}`);
        }
        for (const to of deps.rolePhones[role] ?? []) {
          try {
            await sms.send({
              idempotencyKey: `${input.incidentId}:sms:${input.purpose}:${role}:${to}`,
              ticketId: input.incidentId,
              to,
              body: input.sms,
            });
            texts += 1;
          } catch (err) {
            failed.push(`SMS ${role}: ${(err as Error).message}`);
          }
        }
      }),
    );
    // Nothing reached anyone: let Temporal retry with backoff.
    if (emails + texts === 0 && failed.length > 0) throw new Error(failed.join('; '));
    if (failed.length > 0)
      logger.warn({ incidentId: input.incidentId, failed }, 'incident notification partly failed');
    return { emails, sms: texts, failed, at: new Date().toISOString() };
  }

  async function recordIncidentKnowledge(
    entry: Parameters<IncidentActivities['recordIncidentKnowledge']>[0],
  ): Promise<void> {
    const { incidentId, closedAt, ...rest } = entry;
    const text = [rest.rootCause, ...rest.preventiveMeasures, rest.lessons ?? ''].join('\n');
    await incidents.Knowledge.updateOne(
      { _id: incidentId },
      { $set: { ...rest, closedAt: new Date(closedAt), text } },
      { upsert: true },
    );
  }

  async function knownIssues(area: Pick<AreaPlace, 'cellIds' | 'siteIds' | 'region'>): Promise<KnownIssue[]> {
    const or: Record<string, unknown>[] = [];
    if (area.siteIds.length) or.push({ siteIds: { $in: area.siteIds } });
    if (area.cellIds.length) or.push({ cellIds: { $in: area.cellIds } });
    // A region-wide incident has no cells: it is found by its area key.
    if (or.length === 0 && area.region) or.push({ areaKey: `region:${area.region}` });
    if (or.length === 0) return [];
    const docs = await incidents.Knowledge.find({ $or: or }).sort({ closedAt: -1 }).limit(5).lean();
    return docs.map((d) => ({
      incidentId: d._id,
      areaKey: d.areaKey,
      rootCause: d.rootCause,
      preventiveMeasures: d.preventiveMeasures,
      closedAt: d.closedAt.toISOString(),
    }));
  }

  return { reportToAreaWatch, projectIncident, notifyIncident, recordIncidentKnowledge, knownIssues };
}
