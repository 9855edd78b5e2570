// Who may do what (S2), in one place: every route of the API with the roles it allows and whether
// the person must also be assigned to the complaint. The routes, the OpenAPI document, the
// generated docs/security.md and the route × role test all read this table.
import type { Actor } from '../workflows/complaint/contract';

/** Role names as the table uses them; `department` stands for every `department:<name>` role. */
export const ROLES = [
  'intake',
  'handler',
  'department',
  'supervisor',
  'interface',
  'vipManager',
  'analyst',
  'admin',
  /** the privacy officer: retention and people's requests about their data (issue 22, S8) */
  'privacy',
] as const;
export type RoleName = (typeof ROLES)[number];

/** A person or system as the API sees them: the workflow's Actor plus what access needs. */
export interface Principal extends Actor {
  /** The complaint-handling team (handlers), e.g. 'haidian'. */
  team?: string;
  /** How they authenticated. */
  via: 'apiKey' | 'jwt' | 'none';
}

export type Auth =
  /** no credentials needed */
  | 'public'
  /** Twilio's X-Twilio-Signature over URL and form fields (S4) */
  | 'twilio'
  /** the dev issuer, only with DEV_AUTH=on */
  | 'dev'
  /** Bearer API key or JWT with one of the roles */
  | 'roles'
  /** like 'roles', unless CODEC_AUTH=off (the local dev UI has no login) */
  | 'codec';

export type Scope =
  /** no complaint involved, or the role sees every complaint */
  | 'none'
  /** the complaint named in the path must be in the person's assignment (canAccessComplaint) */
  | 'complaint'
  /** lists only the complaints in the person's assignment (listScopeFilter) */
  | 'list';

export interface AccessRule {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI path, e.g. /v1/complaints/{id}/triage */
  path: string;
  auth: Auth;
  roles: readonly RoleName[];
  scope: Scope;
  /** What the rule means, for docs/security.md. */
  note?: string;
  /** Served but not in /openapi.json (the docs page itself). */
  undocumented?: boolean;
}

const READERS = [
  'intake',
  'handler',
  'department',
  'supervisor',
  'interface',
  'vipManager',
  'admin',
] as const;
const WORKERS = ['handler', 'supervisor', 'interface'] as const;
const WORKERS_AND_ADMIN = [...WORKERS, 'admin'] as const;
/** Roles that may read personal data of every complaint (the codec decrypts any history). */
export const CODEC_ROLES = ['supervisor', 'interface', 'admin'] as const;
/** Who reads and produces the weekly and monthly reports (R9). */
const REPORT_ROLES = ['analyst', 'supervisor', 'interface', 'admin'] as const;
/** Who sets up, pauses, changes and ends guarantee areas (R7.3), and who may read them. */
const AREA_CHANGERS = ['vipManager', 'supervisor', 'interface', 'admin'] as const;
const AREA_READERS = [...AREA_CHANGERS, 'analyst', 'department'] as const;
/** Who keeps the retention policy and answers people's requests about their data (issue 22, S8). */
const PRIVACY_ROLES = ['admin', 'privacy'] as const;
/** Who works a mass incident through its contingency plan (R8.3) and resolves and closes it. */
const INCIDENT_ACTORS = ['supervisor', 'interface', 'department', 'admin'] as const;

export const ACCESS: readonly AccessRule[] = [
  { method: 'GET', path: '/healthz', auth: 'public', roles: [], scope: 'none' },
  { method: 'GET', path: '/openapi.json', auth: 'public', roles: [], scope: 'none', undocumented: true },
  { method: 'GET', path: '/docs', auth: 'public', roles: [], scope: 'none', undocumented: true },
  {
    method: 'GET',
    path: '/console',
    auth: 'public',
    roles: [],
    scope: 'none',
    undocumented: true,
    note: "the web console (issue #10): static files and client routes under /console; every call it makes goes to /v1 with the person's token",
  },
  // The customer's signature page (R5.5): the one-time token in the SMS link is the credential.
  ...(
    [
      ['GET', '/sign/{token}', 'the reply and a signing pad; 404 unknown, 410 used or expired link'],
      ['POST', '/sign/{token}', 'stores the signature (PNG, SHA-256) once and tells the complaint'],
      ['GET', '/sign/assets/sign.js', undefined],
      ['GET', '/sign/assets/sign.css', undefined],
    ] as const
  ).map(([method, path, note]): AccessRule => ({
    method,
    path,
    auth: 'public',
    roles: [],
    scope: 'none',
    undocumented: true,
    note,
  })),
  {
    method: 'POST',
    path: '/webhooks/twilio/message-status',
    auth: 'twilio',
    roles: [],
    scope: 'none',
    note: 'valid X-Twilio-Signature, checked first; once per I-Twilio-Idempotency-Token, see "Twilio webhooks (S4)" (all /webhooks/twilio routes)',
  },
  ...['twiml', 'gather', 'call-status', 'recording-status'].map((hook): AccessRule => ({
    method: 'POST',
    path: `/webhooks/twilio/contact/{workflowId}/${hook}`,
    auth: 'twilio',
    roles: [],
    scope: 'none',
    undocumented: true,
  })),
  {
    method: 'POST',
    path: '/webhooks/twilio/sms-inbound',
    auth: 'twilio',
    roles: [],
    scope: 'none',
    undocumented: true,
  },
  {
    method: 'POST',
    path: '/codec/decode',
    auth: 'codec',
    roles: CODEC_ROLES,
    scope: 'none',
    note: 'Temporal Web UI codec server; CORS for TEMPORAL_UI_URL only',
  },
  { method: 'POST', path: '/codec/encode', auth: 'codec', roles: CODEC_ROLES, scope: 'none' },
  {
    method: 'GET',
    path: '/dev/jwks.json',
    auth: 'dev',
    roles: [],
    scope: 'none',
    note: 'only with DEV_AUTH=on',
  },
  {
    method: 'POST',
    path: '/dev/token',
    auth: 'dev',
    roles: [],
    scope: 'none',
    note: 'only with DEV_AUTH=on: mints a token for a seeded user',
  },
  { method: 'POST', path: '/v1/complaints', auth: 'roles', roles: ['intake'], scope: 'none' },
  { method: 'GET', path: '/v1/complaints', auth: 'roles', roles: READERS, scope: 'list' },
  { method: 'GET', path: '/v1/complaints/{id}', auth: 'roles', roles: READERS, scope: 'complaint' },
  {
    method: 'GET',
    path: '/v1/complaints/{id}/signatures/{sig}',
    auth: 'roles',
    roles: READERS,
    scope: 'complaint',
    note: "the customer's signature image (R5.5), with its SHA-256 in X-Content-SHA256",
  },
  {
    method: 'POST',
    path: '/v1/complaints/{id}/signature-requests',
    auth: 'roles',
    roles: WORKERS,
    scope: 'complaint',
    note: 'texts the customer a one-time link to read the result and sign (R5.5)',
  },
  {
    method: 'GET',
    path: '/v1/complaints/{id}/major-report.html',
    auth: 'roles',
    roles: READERS,
    scope: 'complaint',
    note: 'the written report of a major complaint as a printable page (R5.3), linked from its e-mail',
  },
  {
    method: 'GET',
    path: '/v1/complaints/{id}/recordings/{evidenceId}',
    auth: 'roles',
    roles: WORKERS_AND_ADMIN,
    scope: 'complaint',
    note: 'a call recording kept as evidence (R5.5): personal data, for the people who work the complaint',
  },
  {
    method: 'GET',
    path: '/v1/me',
    auth: 'roles',
    roles: ROLES,
    scope: 'none',
    note: 'who is signed in and the routes their roles allow (the console offers only those actions)',
  },
  { method: 'POST', path: '/v1/complaints/{id}/triage', auth: 'roles', roles: WORKERS, scope: 'complaint' },
  {
    method: 'POST',
    path: '/v1/complaints/{id}/verification',
    auth: 'roles',
    roles: ['department', 'supervisor', 'interface'],
    scope: 'complaint',
  },
  { method: 'POST', path: '/v1/complaints/{id}/findings', auth: 'roles', roles: WORKERS, scope: 'complaint' },
  {
    method: 'POST',
    path: '/v1/complaints/{id}/on-site-tests',
    auth: 'roles',
    roles: WORKERS,
    scope: 'complaint',
    note: 'offers slots to the customer by SMS; the customer picks one (R3.3)',
  },
  {
    method: 'POST',
    path: '/v1/complaints/{id}/on-site-tests/result',
    auth: 'roles',
    roles: WORKERS,
    scope: 'complaint',
    note: 'from the start of the chosen slot on',
  },
  { method: 'POST', path: '/v1/complaints/{id}/resolve', auth: 'roles', roles: WORKERS, scope: 'complaint' },
  { method: 'POST', path: '/v1/complaints/{id}/replies', auth: 'roles', roles: WORKERS, scope: 'complaint' },
  { method: 'POST', path: '/v1/complaints/{id}/close', auth: 'roles', roles: WORKERS, scope: 'complaint' },
  {
    method: 'POST',
    path: '/v1/complaints/{id}/escalations',
    auth: 'roles',
    roles: ['supervisor', 'interface'],
    scope: 'complaint',
  },
  ...(
    [
      ['assign', ['supervisor', 'interface'], 'reassign the handler (history kept)'],
      [
        'escalations/acknowledge',
        ['supervisor', 'interface', 'admin'],
        'the role the escalation reached (checked again by the workflow)',
      ],
      ['clocks/pause', WORKERS, 'pause an SLA clock with a reason'],
      ['clocks/resume', WORKERS, undefined],
      ['clocks/extend', ['supervisor', 'interface'], 'move a deadline with a reason'],
      ['policy', ['supervisor'], 'apply the current policy set to a running complaint'],
      ['major', ['supervisor', 'interface'], 'mark major: owned by the interface person (R5.3)'],
      ['major-report', ['interface'], 'the written report of a major complaint'],
      ['contact', WORKERS, 'reply through the contact workflow: phone first, SMS confirmed'],
      ['dispute-prone', WORKERS, 'the final opinion must then be kept as evidence (R5.5)'],
      [
        'evidence/regather',
        [...WORKERS, 'department'],
        'gather the network evidence again for another window (R3.1, R3.2), at most 31 days',
      ],
    ] as const
  ).map(([action, roles, note]): AccessRule => ({
    method: 'POST',
    path: `/v1/complaints/{id}/${action}`,
    auth: 'roles',
    roles,
    scope: 'complaint',
    ...(note ? { note } : {}),
  })),
  {
    method: 'GET',
    path: '/v1/worklists/{name}',
    auth: 'roles',
    roles: ['handler', 'department', 'supervisor', 'interface', 'vipManager', 'admin'],
    scope: 'none',
    note: 'mine, team, due-soon, breached, escalated-to-me, hot; each filtered to the caller',
  },
  { method: 'GET', path: '/v1/policies', auth: 'roles', roles: [...READERS, 'analyst'], scope: 'none' },
  {
    method: 'POST',
    path: '/v1/policies',
    auth: 'roles',
    roles: ['admin'],
    scope: 'none',
    note: 'a new version of the SLA policy set',
  },
  { method: 'GET', path: '/v1/admin/audit/{ticketId}', auth: 'roles', roles: ['admin'], scope: 'none' },
  {
    method: 'POST',
    path: '/v1/network-data/{kind}',
    auth: 'roles',
    roles: ['admin', 'analyst'],
    scope: 'none',
    note: 'import network data (R3.4): all rows or none',
  },
  {
    method: 'GET',
    path: '/v1/network-data',
    auth: 'roles',
    roles: ['handler', 'supervisor', 'interface', 'analyst', 'admin'],
    scope: 'none',
  },
  {
    method: 'GET',
    path: '/v1/admin/audit/{ticketId}/verify',
    auth: 'roles',
    roles: ['admin'],
    scope: 'none',
  },
  // Weekly and monthly reports (R9): aggregated figures, no personal data.
  {
    method: 'POST',
    path: '/v1/reports',
    auth: 'roles',
    roles: REPORT_ROLES,
    scope: 'none',
    note: 'produces a report on demand (the report workflow) and e-mails it unless deliver is false',
  },
  { method: 'GET', path: '/v1/reports', auth: 'roles', roles: REPORT_ROLES, scope: 'none' },
  { method: 'GET', path: '/v1/reports/{id}', auth: 'roles', roles: REPORT_ROLES, scope: 'none' },
  { method: 'GET', path: '/v1/reports/{id}.html', auth: 'roles', roles: REPORT_ROLES, scope: 'none' },
  { method: 'GET', path: '/v1/reports/{id}/{table}.csv', auth: 'roles', roles: REPORT_ROLES, scope: 'none' },
  // Guarantee areas around VIP places (R7.3): cells, thresholds and test plans, no personal data.
  {
    method: 'POST',
    path: '/v1/guarantee-areas',
    auth: 'roles',
    roles: AREA_CHANGERS,
    scope: 'none',
    note: 'starts the area workflow (idempotent by areaId)',
  },
  { method: 'GET', path: '/v1/guarantee-areas', auth: 'roles', roles: AREA_READERS, scope: 'none' },
  { method: 'GET', path: '/v1/guarantee-areas/{id}', auth: 'roles', roles: AREA_READERS, scope: 'none' },
  {
    method: 'PATCH',
    path: '/v1/guarantee-areas/{id}',
    auth: 'roles',
    roles: AREA_CHANGERS,
    scope: 'none',
    note: 'cells, thresholds, intervals, alert policy, recipients, test plan',
  },
  ...(['pause', 'resume', 'end'] as const).map((action): AccessRule => ({
    method: 'POST',
    path: `/v1/guarantee-areas/{id}/${action}`,
    auth: 'roles',
    roles: AREA_CHANGERS,
    scope: 'none',
  })),
  {
    method: 'GET',
    path: '/v1/guarantee-areas/{id}/tests',
    auth: 'roles',
    roles: AREA_READERS,
    scope: 'none',
    note: 'periodic test tasks; departments see them too (their engineers run the tests)',
  },
  // Sudden mass complaints (R8): everyone who works complaints sees them; the incident owner side acts.
  { method: 'GET', path: '/v1/incidents', auth: 'roles', roles: [...READERS, 'analyst'], scope: 'none' },
  { method: 'GET', path: '/v1/incidents/{id}', auth: 'roles', roles: [...READERS, 'analyst'], scope: 'none' },
  ...(['owner', 'checklist', 'resolve', 'close'] as const).map((action): AccessRule => ({
    method: 'POST',
    path: `/v1/incidents/{id}/${action}`,
    auth: 'roles',
    roles: INCIDENT_ACTORS,
    scope: 'none',
    note:
      action === 'resolve'
        ? 'every linked customer is answered through their complaint (R8.4)'
        : action === 'close'
          ? 'needs the root cause and preventive measures; they go into the knowledge base (R8.5)'
          : undefined,
  })),
  // VIP profiles (R7.1): personal data, kept by the VIP managers.
  ...(
    [
      ['POST', '/v1/vips'],
      ['GET', '/v1/vips'],
      ['GET', '/v1/vips/{id}'],
      ['PUT', '/v1/vips/{id}'],
      ['DELETE', '/v1/vips/{id}'],
    ] as const
  ).map(([method, path]): AccessRule => ({
    method,
    path,
    auth: 'roles',
    roles: ['vipManager', 'admin'],
    scope: 'none',
    note: method === 'GET' && path === '/v1/vips' ? 'numbers masked in the list' : undefined,
  })),
  // Personal data (issue 22, S8): retention as policy data, sweeps, and people's requests.
  {
    method: 'GET',
    path: '/v1/admin/retention',
    auth: 'roles',
    roles: PRIVACY_ROLES,
    scope: 'none',
    note: "the retention policy per kind of personal data, its versions, and Temporal's retention of closed histories",
  },
  {
    method: 'POST',
    path: '/v1/admin/retention',
    auth: 'roles',
    roles: PRIVACY_ROLES,
    scope: 'none',
    note: 'a new version of the retention policy; also sets the namespace retention of closed histories',
  },
  {
    method: 'POST',
    path: '/v1/admin/retention/sweeps',
    auth: 'roles',
    roles: PRIVACY_ROLES,
    scope: 'none',
    note: 'triggers the retention Schedule now (after a sweep still running)',
  },
  { method: 'GET', path: '/v1/admin/retention/sweeps', auth: 'roles', roles: PRIVACY_ROLES, scope: 'none' },
  {
    method: 'POST',
    path: '/v1/admin/privacy/requests',
    auth: 'roles',
    roles: PRIVACY_ROLES,
    scope: 'none',
    note: 'export or erase what is kept about a phone number, with the reason; a durable workflow per request',
  },
  {
    method: 'GET',
    path: '/v1/admin/privacy/requests',
    auth: 'roles',
    roles: PRIVACY_ROLES,
    scope: 'none',
    note: 'requests without their numbers (only the last two digits)',
  },
  {
    method: 'GET',
    path: '/v1/admin/privacy/requests/{id}',
    auth: 'roles',
    roles: PRIVACY_ROLES,
    scope: 'none',
    note: 'its state, what was found, erased and held, and its audit trail',
  },
  {
    method: 'GET',
    path: '/v1/admin/privacy/requests/{id}/export',
    auth: 'roles',
    roles: PRIVACY_ROLES,
    scope: 'none',
    note: 'the JSON document of an export request, until it expires',
  },
  {
    method: 'GET',
    path: '/v1/knowledge',
    auth: 'roles',
    roles: [...READERS, 'analyst'],
    scope: 'none',
    note: 'closed incidents: root causes and preventive measures by site, cell, region or text',
  },
];

/** The rule of one route; a route without a rule is a programming error caught at start. */
export function ruleFor(method: string, path: string): AccessRule {
  const rule = ACCESS.find((r) => r.method === method.toUpperCase() && r.path === path);
  if (!rule) throw new Error(`no access rule for ${method} ${path}: add one to api/access.ts`);
  return rule;
}

/** The table's role names a principal holds (department:<name> counts as department). */
export function roleNamesOf(actor: Pick<Actor, 'roles'>): Set<RoleName> {
  const names = new Set<RoleName>();
  for (const role of actor.roles) {
    if (role.startsWith('department:')) names.add('department');
    else if ((ROLES as readonly string[]).includes(role)) names.add(role as RoleName);
  }
  return names;
}

export function departmentsOf(actor: Pick<Actor, 'roles'>): string[] {
  return actor.roles.filter((r) => r.startsWith('department:')).map((r) => r.slice('department:'.length));
}

/** The roles of the principal that this rule allows (empty = forbidden). */
export function grantedRoles(rule: AccessRule, actor: Pick<Actor, 'roles'>): RoleName[] {
  const held = roleNamesOf(actor);
  return rule.roles.filter((r) => held.has(r));
}

// ---------------------------------------------------------------------------------------------
// Assignment: which complaints a person may see and change

/** What access needs to know about one complaint. */
export interface ComplaintAccess {
  ticketId: string;
  stage: string;
  /** the person it is assigned to */
  assignee?: string;
  /** the handling team */
  team?: string;
  /** the support department it was transferred to */
  department?: string;
  vipLevel: number;
  /** the system or person that filed it */
  submittedBy?: string;
}

/** Loose shape of a complaint as the API reads it (the view, possibly with read-model fields). */
export interface ComplaintLike {
  ticketId: string;
  stage: string;
  assignee?: string;
  team?: string;
  input?: { location?: { region?: string }; customer?: { vipLevel?: number }; submittedBy?: string };
  triage?: { decision?: string; department?: string; assignee?: string; by?: string };
}

/**
 * The one place that knows where the assignment fields come from. Until the read model carries
 * `assignee` and `team` itself, they are derived: the assignee named at triage (or the person who
 * took it with SELF), and the region as the team.
 */
export function accessSummaryOf(c: ComplaintLike): ComplaintAccess {
  const t = c.triage;
  return {
    ticketId: c.ticketId,
    stage: c.stage,
    assignee: c.assignee ?? t?.assignee ?? (t?.decision === 'SELF' ? t.by : undefined),
    team: c.team ?? c.input?.location?.region,
    department: t?.decision === 'TRANSFER' ? t.department : undefined,
    vipLevel: c.input?.customer?.vipLevel ?? 0,
    submittedBy: c.input?.submittedBy,
  };
}

/**
 * May this person act on (or read) this complaint with one of these roles? Supervisors, interface
 * people and admins: every complaint. Handlers: assigned to them or to their team. Departments:
 * transferred to them. VIP managers: VIP complaints. Intake systems: what they filed.
 */
export function canAccessComplaint(
  actor: Pick<Principal, 'user' | 'roles' | 'team'>,
  c: ComplaintAccess,
  roles: readonly RoleName[] = [...roleNamesOf(actor)],
): boolean {
  return roles.some((role) => {
    switch (role) {
      case 'supervisor':
      case 'interface':
      case 'admin':
        return true;
      case 'handler':
        return c.assignee === actor.user || (actor.team !== undefined && c.team === actor.team);
      case 'department':
        return c.department !== undefined && departmentsOf(actor).includes(c.department);
      case 'vipManager':
        return c.vipLevel > 0;
      case 'intake':
        return c.submittedBy !== undefined && c.submittedBy === actor.user;
      case 'analyst':
      case 'privacy':
        return false;
    }
  });
}

/**
 * The MongoDB filter on the complaint list (read-model summary fields) that keeps only what the
 * person may see; undefined = everything. Summary fields not yet in the read model (assignee,
 * transferredTo, submittedBy) simply match nothing until the projection writes them.
 */
export function listScopeFilter(
  actor: Pick<Principal, 'user' | 'roles' | 'team'>,
  roles: readonly RoleName[],
): Record<string, unknown> | undefined {
  const any: Record<string, unknown>[] = [];
  for (const role of roles) {
    if (role === 'supervisor' || role === 'interface' || role === 'admin') return undefined;
    if (role === 'handler') {
      any.push({ assignee: actor.user });
      if (actor.team) any.push({ region: actor.team }, { team: actor.team });
    }
    if (role === 'department') any.push({ transferredTo: { $in: departmentsOf(actor) } });
    if (role === 'vipManager') any.push({ vipLevel: { $gte: 1 } });
    if (role === 'intake') any.push({ submittedBy: actor.user });
  }
  return any.length ? { $or: any } : { _id: { $in: [] } };
}
