// The operations of every resource besides complaints: one declaration each (path, roles, schemas,
// summary). The routes in api/routes/* apply them by path (api/guard.ts); the access table and
// /openapi.json come from them.
import { z } from 'zod';
import { DATASET_KINDS, DATASETS } from '../../activities/evidence/datasets';
import { CSV_TABLES } from '../../activities/reports/csv';
import * as G from '../guarantee-schemas';
import * as I from '../incident-schemas';
import * as P from '../privacy-schemas';
import {
  ReportAnalysisSchema,
  ReportApprovalSchema,
  ReportIdParam,
  ReportListQuery,
  ReportRequestSchema,
} from '../report-schemas';
import { PolicySetSchema, TicketIdParam, WorklistParam, WorklistQuerySchema } from '../schemas';
import { VipIdParam, VipProfileSchema } from '../vip-schemas';
import { DEV, empty, json, media, op, PUBLIC, roles, ROLES, TWILIO, type Operation } from './define';
import {
  AREA_CHANGERS,
  AREA_READERS,
  CODEC_ROLES,
  INCIDENT_ACTORS,
  PRIVACY_ROLES,
  READERS,
  REPORT_ROLES,
  REPORT_WRITERS,
  VIP_KEEPERS,
} from './roles';
import * as V from './views';

// ---------------------------------------------------------------------------------------------
// The signed-in person, worklists, policies

export const getMe = op({
  operationId: 'getMe',
  method: 'GET',
  path: '/v1/me',
  tags: ['console'],
  summary: 'Who is signed in: user, roles, team, and the routes their roles allow',
  description:
    'permissions lists `METHOD /path` of every route of the access table the roles allow; the console ' +
    'offers only those actions. Assignment (which complaints) is still checked on each call.',
  // every role: whoever signs in may ask who they are
  ...roles(ROLES),
  note: 'who is signed in and the routes their roles allow (the console offers only those actions)',
  responses: { 200: json('the principal', V.MeSchema) },
});

const worklists: Operation[] = [
  op({
    operationId: 'getWorklist',
    method: 'GET',
    path: '/v1/worklists/{name}',
    tags: ['worklists'],
    summary: 'A worklist ordered by the nearest deadline',
    ...roles(['handler', 'department', 'supervisor', 'interface', 'leader', 'vipManager', 'admin']),
    note: 'mine, team, due-soon, breached, escalated-to-me, hot, care-callback; each filtered to the caller',
    params: z.object({ name: WorklistParam }),
    query: WorklistQuerySchema,
    responses: { 200: json('the worklist', V.WorklistSchema) },
  }),
  op({
    operationId: 'getHotComplaints',
    method: 'GET',
    path: '/v1/hot-complaints',
    tags: ['worklists'],
    summary: 'The open hot and difficult complaints (热点、难点, R4.7), nearest solve-by first',
    description:
      'Each with why it is hot, since when, the clocks past their deadline and the time left to the ' +
      "hot policy's solveWithin; the interface person gets the same list by e-mail every day.",
    ...roles(['interface', 'supervisor', 'admin', 'leader']),
    note: 'the hot list (R4.7): why, since when, overdue clocks, time left to solve',
    responses: { 200: json('the hot list', V.HotListSchema) },
  }),
];

const policies: Operation[] = [
  op({
    operationId: 'getPolicies',
    method: 'GET',
    path: '/v1/policies',
    tags: ['policies'],
    summary: 'The active SLA policy set and its versions',
    ...roles([...READERS, 'analyst']),
    responses: { 200: json('the active set and the history of versions', V.PoliciesSchema) },
  }),
  op({
    operationId: 'savePolicySet',
    method: 'POST',
    path: '/v1/policies',
    tags: ['policies'],
    summary: 'Store a new version of the SLA policy set (admin); 422 names what is wrong',
    ...roles(['admin']),
    note: 'a new version of the SLA policy set',
    body: PolicySetSchema,
    responses: { 201: json('the new version', V.PolicySavedSchema) },
    errors: [422],
  }),
];

// ---------------------------------------------------------------------------------------------
// Audit trail (S5)

const auditParams = z.object({ ticketId: TicketIdParam.describe('ticket id: CHANNEL-externalId') });
const audit: Operation[] = [
  op({
    operationId: 'getAuditTrail',
    method: 'GET',
    path: '/v1/admin/audit/{ticketId}',
    tags: ['audit'],
    summary: 'The audit trail of one complaint (hash chain)',
    ...roles(['admin']),
    params: auditParams,
    responses: { 200: json('entries in order', V.AuditTrailSchema) },
  }),
  op({
    operationId: 'verifyAuditTrail',
    method: 'GET',
    path: '/v1/admin/audit/{ticketId}/verify',
    tags: ['audit'],
    summary: 'Verify the audit chain of one complaint',
    ...roles(['admin']),
    params: auditParams,
    responses: {
      200: json('whether every hash and link holds, and what does not', V.AuditVerificationSchema),
    },
  }),
];

// ---------------------------------------------------------------------------------------------
// Network data (R3.4)

const columnsText = DATASET_KINDS.map((kind) => {
  const d = DATASETS[kind];
  const optional = d.columns.filter((c) => !d.required.includes(c));
  return `- \`${kind}\` (key ${d.keyLabel}): ${d.required.join(', ')}${optional.length ? `; optional ${optional.join(', ')}` : ''}`;
}).join('\n');

const networkData: Operation[] = [
  op({
    operationId: 'importNetworkData',
    method: 'POST',
    path: '/v1/network-data/{kind}',
    tags: ['network-data'],
    summary: 'Import a network data file (CSV or JSON), all rows or none',
    description:
      'Every row is validated and checked for duplicates (same natural key in the file or already imported) ' +
      'before anything is written; one bad row and nothing is imported (422 with every rejected row in `details`). ' +
      'JSON bodies are limited to 256 kB; CSV to 16 MB; `npm run network:import` has no limit. ' +
      `Formats with examples: docs/network-data.md. Columns:\n${columnsText}`,
    ...roles(['admin', 'analyst']),
    note: 'import network data (R3.4): all rows or none',
    params: z.object({ kind: z.enum(DATASET_KINDS) }),
    body: z.array(z.looseObject({})),
    otherBodies: {
      'text/csv': { type: 'string', description: 'a header row naming the columns, then one row per record' },
    },
    responses: { 201: json('imported', V.NetworkImportSchema) },
    errors: [413, 415, 422],
  }),
  op({
    operationId: 'countNetworkData',
    method: 'GET',
    path: '/v1/network-data',
    tags: ['network-data'],
    summary: 'Rows imported per network dataset',
    ...roles(['handler', 'supervisor', 'interface', 'analyst', 'admin']),
    responses: { 200: json('rows per dataset', V.NetworkCountsSchema) },
  }),
];

// ---------------------------------------------------------------------------------------------
// Reports (R9): aggregated figures, no personal data

const reportParams = z.object({
  id: ReportIdParam.describe('report id: weekly-2026-W48 or monthly-2026-11'),
});
const reports: Operation[] = [
  op({
    operationId: 'produceReport',
    method: 'POST',
    path: '/v1/reports',
    tags: ['reports'],
    summary: 'Produce a weekly or monthly report now (R9.1, R9.2)',
    description:
      'Runs the report workflow for the period (the last completed one when absent): aggregates, stores and, ' +
      'unless deliver is false, e-mails it to the interface people with the HTML and the CSV tables. A run of ' +
      'the same period already in progress is joined. 201 with the result, or 202 while it still runs after 60 s.',
    ...roles(REPORT_ROLES),
    note: 'produces a report on demand (the report workflow) and e-mails it unless deliver is false',
    body: ReportRequestSchema,
    responses: {
      201: json('produced: id, revision, figures in brief, delivery, links', V.ReportProducedSchema),
      202: json(
        'still running, or (draft: true) a draft waiting for its analysis and release: id, workflowId, links',
        V.ReportProducedSchema,
      ),
    },
  }),
  op({
    operationId: 'writeReportAnalysis',
    method: 'PUT',
    path: '/v1/reports/{id}/analysis',
    tags: ['reports'],
    summary:
      "The interface person's written analysis and rectification measures of a draft's hot topics (R9.4)",
    description:
      'Replaces what was written before; it is sent with the report and tracked in the next period’s. ' +
      '400 when a topic is not a hot topic of the report; 409 when the report is not a draft (sent, or produced to be sent at once).',
    ...roles(REPORT_WRITERS),
    note: 'writes the analysis and measures into a report draft (R9.4)',
    params: reportParams,
    body: ReportAnalysisSchema,
    responses: { 200: json('the draft', V.ReportRunSchema) },
  }),
  op({
    operationId: 'approveReport',
    method: 'POST',
    path: '/v1/reports/{id}/approve',
    tags: ['reports'],
    summary: 'Approve a report draft: it is sent at once to its addressees (R9.4)',
    description: '409 when the report is not a draft.',
    ...roles(REPORT_WRITERS),
    note: 'approves a report draft, which sends it (R9.4)',
    params: reportParams,
    body: ReportApprovalSchema,
    responses: { 200: json('the run, now sending', V.ReportRunSchema) },
  }),
  op({
    operationId: 'listReports',
    method: 'GET',
    path: '/v1/reports',
    tags: ['reports'],
    summary: 'Stored reports, the most recently produced first',
    ...roles(REPORT_ROLES),
    query: ReportListQuery,
    responses: { 200: json('reports', V.ReportListSchema) },
  }),
  op({
    operationId: 'getReport',
    method: 'GET',
    path: '/v1/reports/{id}',
    tags: ['reports'],
    summary:
      'One report as JSON: overview, hot topics, last period’s hot topics, handling figures, comparison',
    ...roles(REPORT_ROLES),
    params: reportParams,
    responses: { 200: json('the report', V.ReportSchema) },
  }),
  op({
    operationId: 'getReportPage',
    method: 'GET',
    path: '/v1/reports/{id}.html',
    tags: ['reports'],
    summary: 'One report as an HTML page with charts (inline SVG) and tables',
    ...roles(REPORT_ROLES),
    params: reportParams,
    responses: { 200: media('the page', 'text/html') },
  }),
  op({
    operationId: 'getReportTable',
    method: 'GET',
    path: '/v1/reports/{id}/{table}.csv',
    tags: ['reports'],
    summary: 'One table of a report as CSV (UTF-8 with BOM)',
    ...roles(REPORT_ROLES),
    params: reportParams.extend({ table: z.enum(CSV_TABLES) }),
    responses: { 200: media('the table', 'text/csv') },
  }),
];

// ---------------------------------------------------------------------------------------------
// Guarantee areas around VIP places (R7.3): cells, thresholds and test plans, no personal data

const areaParams = z.object({ id: G.AreaIdParam.describe('area id') });
const areaAction = (
  action: 'pause' | 'resume' | 'end',
  operationId: string,
  summary: string,
  body: z.ZodType,
) =>
  op({
    operationId,
    method: 'POST',
    path: `/v1/guarantee-areas/{id}/${action}`,
    tags: ['guarantee-areas'],
    summary,
    description: "409 when the area's state does not allow it (already paused, not paused, ended).",
    ...roles(AREA_CHANGERS),
    params: areaParams,
    body,
    responses: { 200: json('the area after the action', V.AreaSchema) },
  });
const guaranteeAreas: Operation[] = [
  op({
    operationId: 'createGuaranteeArea',
    method: 'POST',
    path: '/v1/guarantee-areas',
    tags: ['guarantee-areas'],
    summary: 'Create a guarantee area (重点保障区域) and start watching it (R7.3)',
    description:
      "Starts one long-running workflow per area (guarantee-area-<areaId>): it checks the cells' KPIs every " +
      'watchInterval, e-mails (and texts) the responsible people when a threshold is crossed and when it ' +
      'recovers, and creates the periodic test tasks. Idempotent by areaId: 201 when created, 200 with the ' +
      'existing area otherwise (an ended area keeps its id). Absent fields take the defaults.',
    ...roles(AREA_CHANGERS),
    note: 'starts the area workflow (idempotent by areaId)',
    body: G.GuaranteeAreaCreateSchema,
    responses: {
      201: json('created', V.AreaCreatedSchema),
      200: json('the area existed already', V.AreaCreatedSchema),
    },
  }),
  op({
    operationId: 'listGuaranteeAreas',
    method: 'GET',
    path: '/v1/guarantee-areas',
    tags: ['guarantee-areas'],
    summary: 'Guarantee areas from the read model',
    ...roles(AREA_READERS),
    query: G.GuaranteeAreaListQuery,
    responses: { 200: json('areas', V.AreaListSchema) },
  }),
  op({
    operationId: 'getGuaranteeArea',
    method: 'GET',
    path: '/v1/guarantee-areas/{id}',
    tags: ['guarantee-areas'],
    summary: 'One guarantee area: status, last check, open alerts, alert history, next test due',
    description: "The workflow's live state; an ended area from the read model.",
    ...roles(AREA_READERS),
    params: areaParams,
    responses: { 200: json('the area', V.AreaSchema) },
  }),
  op({
    operationId: 'changeGuaranteeArea',
    method: 'PATCH',
    path: '/v1/guarantee-areas/{id}',
    tags: ['guarantee-areas'],
    summary: 'Change cells, thresholds, intervals, alert policy, who is told, or the test plan',
    description: 'Takes effect at once (the next check runs now). 409 when the area has ended.',
    ...roles(AREA_CHANGERS),
    note: 'cells, thresholds, intervals, alert policy, recipients, test plan',
    params: areaParams,
    body: G.GuaranteeAreaChangeSchema,
    responses: { 200: json('the area after the change', V.AreaSchema) },
  }),
  areaAction('pause', 'pauseGuaranteeArea', 'Pause watching and tests (with a reason)', G.PauseAreaSchema),
  areaAction(
    'resume',
    'resumeGuaranteeArea',
    'Resume watching (checks at once; tests missed while paused are skipped)',
    G.ResumeAreaSchema,
  ),
  areaAction('end', 'endGuaranteeArea', 'End the area: its workflow completes', G.EndAreaSchema),
  op({
    operationId: 'listGuaranteeTests',
    method: 'GET',
    path: '/v1/guarantee-areas/{id}/tests',
    tags: ['guarantee-areas'],
    summary: 'The periodic test tasks of an area, newest first',
    ...roles(AREA_READERS),
    note: 'periodic test tasks; departments see them too (their engineers run the tests)',
    params: areaParams,
    query: G.GuaranteeTestListQuery,
    responses: { 200: json('test tasks', V.AreaTestsSchema) },
  }),
];

// Test tasks of the guarantee areas (R7.4): a worklist across areas and the result that closes one

const guaranteeTests: Operation[] = [
  op({
    operationId: 'listGuaranteeTestTasks',
    method: 'GET',
    path: '/v1/guarantee-tests',
    tags: ['guarantee-areas'],
    summary: 'Periodic test tasks of every area, nearest due first (R7.4)',
    description:
      'The VIP manager (and supervisor, interface, admin) sees every task and may filter by assignee; ' +
      'anyone else sees only the tasks assigned to them (their user id or one of their roles).',
    ...roles(AREA_READERS),
    note: "managers see every area's test tasks; others only those assigned to them",
    query: G.TestTaskListQuery,
    responses: { 200: json('test tasks', G.TestTaskListSchema) },
  }),
  op({
    operationId: 'recordGuaranteeTestResult',
    method: 'POST',
    path: '/v1/guarantee-tests/{taskId}/result',
    tags: ['guarantee-areas'],
    summary: "Record a test task's result (measurements, conclusion, photo links): it closes the task (R7.4)",
    description:
      "The task's assignee, or an area manager. 409 when the task is not open (done already, or its " +
      'area has ended); the result says whether it came after the due time.',
    ...roles([...AREA_CHANGERS, 'department']),
    note: 'the assignee of the task, or an area manager',
    params: z.object({ taskId: G.TestTaskIdParam.describe('<areaId>:<itemId>:<slot>') }),
    body: G.TestResultSchema,
    responses: { 200: json('the closed task', G.TestResultRecordedSchema) },
  }),
];

// ---------------------------------------------------------------------------------------------
// Sudden mass complaints (R8): everyone who works complaints sees them; the incident owner side acts

const incidentParams = z.object({
  id: I.IncidentIdParam.describe('incident id, e.g. INC-site:460-00-12345-202611270830'),
});
const incidentAction = (
  action: 'owner' | 'checklist' | 'resolve' | 'close',
  operationId: string,
  summary: string,
  body: z.ZodType,
  note?: string,
) =>
  op({
    operationId,
    method: 'POST',
    path: `/v1/incidents/{id}/${action}`,
    tags: ['incidents'],
    summary,
    ...roles(INCIDENT_ACTORS),
    ...(note ? { note } : {}),
    params: incidentParams,
    body,
    responses: { 200: json('the incident after the action', V.IncidentSchema) },
  });
const incidents: Operation[] = [
  op({
    operationId: 'listIncidents',
    method: 'GET',
    path: '/v1/incidents',
    tags: ['incidents'],
    summary: 'Mass incidents, newest first (R8); stage=ACTIVE for those not closed',
    description:
      'stage and complaintCount of an open incident as its workflow has them now (live: true), else from the read model.',
    ...roles([...READERS, 'analyst']),
    query: I.IncidentListQuery,
    responses: { 200: json('incidents', V.IncidentListSchema) },
  }),
  op({
    operationId: 'getIncident',
    method: 'GET',
    path: '/v1/incidents/{id}',
    tags: ['incidents'],
    summary: 'One incident: area, linked complaints, checklist, area evidence, timeline',
    ...roles([...READERS, 'analyst']),
    params: incidentParams,
    responses: { 200: json('the incident', V.IncidentSchema) },
  }),
  incidentAction('owner', 'takeIncidentOwnership', 'Take ownership of the incident', I.TakeOwnershipSchema),
  incidentAction(
    'checklist',
    'checkIncidentItem',
    'Tick or untick an item of the contingency plan (R8.3); evidence ticks changes, alarms, interference and KPIs by itself',
    I.CheckItemSchema,
  ),
  incidentAction(
    'resolve',
    'resolveIncident',
    'Resolve the incident: every linked customer gets the reply (R8.4); 409 while the checklist is not worked through',
    I.ResolveIncidentSchema,
    'every linked customer is answered through their complaint (R8.4)',
  ),
  incidentAction(
    'close',
    'closeIncident',
    'Close with the root cause and preventive measures (R8.5); 409 unless RESOLVED',
    I.CloseIncidentSchema,
    'needs the root cause and preventive measures; they go into the knowledge base (R8.5)',
  ),
  op({
    operationId: 'searchKnowledge',
    method: 'GET',
    path: '/v1/knowledge',
    tags: ['incidents'],
    summary: 'Knowledge base of closed incidents: root causes and preventive measures (R8.5)',
    ...roles([...READERS, 'analyst']),
    note: 'closed incidents: root causes and preventive measures by site, cell, region or text',
    query: I.KnowledgeQuery,
    responses: { 200: json('closed incidents', V.KnowledgeSchema) },
  }),
];

// ---------------------------------------------------------------------------------------------
// VIP profiles (R7.1): personal data, kept by the VIP managers

const vipParams = z.object({ id: VipIdParam.describe('vip-<uuid>') });
const vips: Operation[] = [
  op({
    operationId: 'createVip',
    method: 'POST',
    path: '/v1/vips',
    tags: ['vips'],
    summary: 'Create a VIP profile (R7.1); intake recognises the VIP by the callback number (R7.2)',
    description: '409 when the number has a profile already.',
    ...roles(VIP_KEEPERS),
    body: VipProfileSchema,
    responses: { 201: json('the profile', V.VipSchema) },
  }),
  op({
    operationId: 'listVips',
    method: 'GET',
    path: '/v1/vips',
    tags: ['vips'],
    summary: 'VIP profiles with masked numbers',
    ...roles(VIP_KEEPERS),
    note: 'numbers masked in the list',
    responses: { 200: json('profiles (numbers masked)', V.VipListSchema) },
  }),
  op({
    operationId: 'getVip',
    method: 'GET',
    path: '/v1/vips/{id}',
    tags: ['vips'],
    summary: 'One VIP profile',
    ...roles(VIP_KEEPERS),
    params: vipParams,
    responses: { 200: json('the profile', V.VipSchema) },
  }),
  op({
    operationId: 'replaceVip',
    method: 'PUT',
    path: '/v1/vips/{id}',
    tags: ['vips'],
    summary: 'Replace a VIP profile',
    ...roles(VIP_KEEPERS),
    params: vipParams,
    body: VipProfileSchema,
    responses: { 200: json('the profile', V.VipSchema) },
  }),
  op({
    operationId: 'deleteVip',
    method: 'DELETE',
    path: '/v1/vips/{id}',
    tags: ['vips'],
    summary: 'Delete a VIP profile',
    ...roles(VIP_KEEPERS),
    params: vipParams,
    responses: { 204: empty('deleted') },
  }),
];

// ---------------------------------------------------------------------------------------------
// Personal data (issue 22, S8): retention as policy data, sweeps, and people's requests

const privacyParams = z.object({
  id: P.PrivacyRequestIdParam.describe('request id, e.g. PR-20261205-1a2b3c4d'),
});
const privacy: Operation[] = [
  op({
    operationId: 'getRetention',
    method: 'GET',
    path: '/v1/admin/retention',
    tags: ['privacy'],
    summary: 'The retention policy of personal data, its versions and the namespace retention (S8.1)',
    ...roles(PRIVACY_ROLES),
    note: "the retention policy per kind of personal data, its versions, and Temporal's retention of closed histories",
    responses: { 200: json('active policy, history, temporal', V.RetentionSchema) },
  }),
  op({
    operationId: 'saveRetention',
    method: 'POST',
    path: '/v1/admin/retention',
    tags: ['privacy'],
    summary: 'Store a new version of the retention policy; 422 names what is wrong',
    description:
      'Durations per kind of personal data after a complaint was closed, overrides per complaint type (the ' +
      "longest matching wins), and Temporal's retention of closed histories, which is applied to the namespace at once.",
    ...roles(PRIVACY_ROLES),
    note: 'a new version of the retention policy; also sets the namespace retention of closed histories',
    body: P.RetentionPolicySchema,
    responses: { 201: json('the new version', V.RetentionSavedSchema) },
    errors: [422],
  }),
  op({
    operationId: 'triggerRetentionSweep',
    method: 'POST',
    path: '/v1/admin/retention/sweeps',
    tags: ['privacy'],
    summary: 'Run the retention sweep now (triggers its Temporal Schedule)',
    description: '202 at once; the outcome appears in GET /v1/admin/retention/sweeps.',
    ...roles(PRIVACY_ROLES),
    note: 'triggers the retention Schedule now (after a sweep still running)',
    body: P.SweepRequestSchema,
    responses: { 202: json('triggered', V.SweepTriggeredSchema) },
  }),
  op({
    operationId: 'listRetentionSweeps',
    method: 'GET',
    path: '/v1/admin/retention/sweeps',
    tags: ['privacy'],
    summary: 'Recent sweeps with what they removed (counts only)',
    ...roles(PRIVACY_ROLES),
    query: P.ListLimitQuery,
    responses: { 200: json('sweeps', V.ItemsSchema) },
  }),
  op({
    operationId: 'startPrivacyRequest',
    method: 'POST',
    path: '/v1/admin/privacy/requests',
    tags: ['privacy'],
    summary: "A person's request: export or erase what is kept about a phone number (S8.2)",
    description:
      'Starts a durable workflow: find (complaints, contacts, recordings, signatures, VIP profile, audit ' +
      'entries, workflows), then export one JSON document or erase — except what a legal hold keeps (an open ' +
      'or dispute-prone complaint). The number is kept only while the request runs.',
    ...roles(PRIVACY_ROLES),
    note: 'export or erase what is kept about a phone number, with the reason; a durable workflow per request',
    body: P.PrivacyRequestSchema,
    responses: { 202: json('started', V.PrivacyRequestStartedSchema) },
  }),
  op({
    operationId: 'listPrivacyRequests',
    method: 'GET',
    path: '/v1/admin/privacy/requests',
    tags: ['privacy'],
    summary: 'Requests, newest first (numbers shown by their last two digits only)',
    ...roles(PRIVACY_ROLES),
    note: 'requests without their numbers (only the last two digits)',
    query: P.ListLimitQuery,
    responses: { 200: json('requests', V.ItemsSchema) },
  }),
  op({
    operationId: 'getPrivacyRequest',
    method: 'GET',
    path: '/v1/admin/privacy/requests/{id}',
    tags: ['privacy'],
    summary: 'One request: state, what was found, erased and held, and its audit trail',
    ...roles(PRIVACY_ROLES),
    note: 'its state, what was found, erased and held, and its audit trail',
    params: privacyParams,
    responses: { 200: json('the request', V.PrivacyRequestSchema) },
  }),
  op({
    operationId: 'getPrivacyExport',
    method: 'GET',
    path: '/v1/admin/privacy/requests/{id}/export',
    tags: ['privacy'],
    summary: 'The JSON document of an export request (until it expires)',
    ...roles(PRIVACY_ROLES),
    note: 'the JSON document of an export request, until it expires',
    params: privacyParams,
    responses: { 200: json('the document (attachment)', V.PrivacyExportSchema) },
  }),
];

// ---------------------------------------------------------------------------------------------
// Infrastructure: health, codec server, dev issuer, Twilio status callback

const CodecBody = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string(), z.string().describe('base64')).optional(),
      data: z.string().describe('base64').optional(),
    }),
  ),
});
const TokenBody = z.object({
  user: z.string().describe('a seeded user, e.g. handler.li'),
  expiresInSec: z.number().int().min(1).max(86_400).optional(),
});

export const healthz = op({
  operationId: 'getHealth',
  method: 'GET',
  path: '/healthz',
  tags: ['operations'],
  summary: 'Ready when Temporal and MongoDB answer',
  ...PUBLIC,
  responses: {
    200: json('ready', V.HealthSchema),
    503: json('not ready: names what did not answer', V.HealthSchema),
  },
});

/** D5: liveness for an orchestrator (restart when it fails): the process answers, nothing more. */
export const livez = op({
  operationId: 'getLiveness',
  method: 'GET',
  path: '/livez',
  tags: ['operations'],
  summary: 'Alive: the process answers (no dependency is asked)',
  ...PUBLIC,
  responses: { 200: json('alive', V.HealthSchema) },
});

/** D5: readiness for the load balancer: Temporal and MongoDB answer and the process is not draining. */
export const readyz = op({
  operationId: 'getReadiness',
  method: 'GET',
  path: '/readyz',
  tags: ['operations'],
  summary: 'Ready for traffic: Temporal and MongoDB answer and the process is not shutting down',
  ...PUBLIC,
  responses: {
    200: json('ready', V.HealthSchema),
    503: json('not ready: names what did not answer, or that the process is shutting down', V.HealthSchema),
  },
});

const infrastructure: Operation[] = [
  op({
    operationId: 'twilioMessageStatus',
    method: 'POST',
    path: '/webhooks/twilio/message-status',
    tags: ['webhooks'],
    summary: 'Twilio message status callback (signed)',
    ...TWILIO,
    note: 'valid X-Twilio-Signature, checked first; once per I-Twilio-Idempotency-Token, see "Twilio webhooks (S4)" (all /webhooks/twilio routes)',
    otherBodies: { 'application/x-www-form-urlencoded': { type: 'object' } },
    responses: { 204: empty('recorded') },
  }),
  op({
    operationId: 'codecDecode',
    method: 'POST',
    path: '/codec/decode',
    tags: ['codec'],
    summary: 'Codec server: decrypt payloads for the Temporal Web UI',
    auth: 'codec',
    roles: CODEC_ROLES,
    scope: 'none',
    note: 'Temporal Web UI codec server; CORS for TEMPORAL_UI_URL only',
    body: CodecBody,
    responses: { 200: json('the decoded payloads', V.CodecPayloadsSchema) },
  }),
  op({
    operationId: 'codecEncode',
    method: 'POST',
    path: '/codec/encode',
    tags: ['codec'],
    summary: 'Codec server: encrypt payloads',
    auth: 'codec',
    roles: CODEC_ROLES,
    scope: 'none',
    body: CodecBody,
    responses: { 200: json('the encoded payloads', V.CodecPayloadsSchema) },
  }),
  op({
    operationId: 'devJwks',
    method: 'GET',
    path: '/dev/jwks.json',
    tags: ['dev'],
    summary: 'Dev identity provider: its JWKS (DEV_AUTH=on only)',
    ...DEV,
    note: 'only with DEV_AUTH=on',
    responses: { 200: json('JWKS', V.JwksSchema) },
  }),
  op({
    operationId: 'devToken',
    method: 'POST',
    path: '/dev/token',
    tags: ['dev'],
    summary: 'Dev identity provider: a token for a seeded user (DEV_AUTH=on only)',
    ...DEV,
    note: 'only with DEV_AUTH=on: mints a token for a seeded user',
    body: TokenBody,
    responses: { 200: json('the token', V.DevTokenSchema) },
  }),
];

export const RESOURCE_OPERATIONS = {
  worklists,
  policies,
  audit,
  networkData,
  reports,
  guaranteeAreas,
  guaranteeTests,
  incidents,
  vips,
  privacy,
  infrastructure,
};
