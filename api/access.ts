// Who may do what (S2): every route of the API with the roles it allows and whether the person must
// also be assigned to the complaint. The rules are declared with each operation (api/operations);
// the guard, the generated docs/security.md and the route × role test read this table.
import type { Actor } from '../workflows/complaint/contract';
import { OPERATIONS } from './operations';
import { ROLES, type AccessRule, type RoleName } from './operations/define';

export { ROLES, type AccessRule, type Auth, type RoleName, type Scope } from './operations/define';

/** A person or system as the API sees them: the workflow's Actor plus what access needs. */
export interface Principal extends Actor {
  /** The complaint-handling team (handlers), e.g. 'haidian'. */
  team?: string;
  /** How they authenticated. */
  via: 'apiKey' | 'jwt' | 'none';
}

/** Roles that may read personal data of every complaint (the codec decrypts any history). */
export { CODEC_ROLES } from './operations/roles';

/** Routes served but not part of the API document: the docs, the console, the signing page, TwiML. */
const UNDOCUMENTED: readonly AccessRule[] = [
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
];

/**
 * Every route with its rule: the operations' declarations (api/operations) and the undocumented
 * routes. Only the rule fields are kept, so the table reads the same as before the declarations.
 */
export const ACCESS: readonly AccessRule[] = [
  ...UNDOCUMENTED,
  ...OPERATIONS.map(({ method, path, auth, roles, scope, note }): AccessRule => ({
    method,
    path,
    auth,
    roles,
    scope,
    ...(note ? { note } : {}),
  })),
];

/** The rule of one route; a route without a rule is a programming error caught at start. */
export function ruleFor(method: string, path: string): AccessRule {
  const rule = ACCESS.find((r) => r.method === method.toUpperCase() && r.path === path);
  if (!rule) throw new Error(`no access rule for ${method} ${path}: add one to api/access.ts`);
  return rule;
}

/** What a rung of an escalation ladder must be allowed (R5.7): read the complaint, its worklist, acknowledge. */
const RUNG_RULES = [
  ['GET', '/v1/complaints/{id}'],
  ['GET', '/v1/worklists/{name}'],
  ['POST', '/v1/complaints/{id}/escalations/acknowledge'],
] as const;

/**
 * Can a ladder name this role (R5.7)? Only when the table lets it sign in, see what reached it and
 * acknowledge; the ladder's own roles come from policy data, so this is checked when it is saved.
 */
export function canBeLadderRung(role: string): boolean {
  const holder = { roles: [role] };
  return RUNG_RULES.every(([method, path]) => grantedRoles(ruleFor(method, path), holder).length > 0);
}

/** The roles that can be a rung, for the message that refuses another one. */
export function ladderRoleNames(): RoleName[] {
  return ROLES.filter((role) => canBeLadderRung(role));
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
  /** every department asked to verify it, at triage or later (R2.3) */
  departments?: string[];
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
  verificationRequests?: { department: string }[];
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
    departments: [...new Set((c.verificationRequests ?? []).map((r) => r.department))],
    vipLevel: c.input?.customer?.vipLevel ?? 0,
    submittedBy: c.input?.submittedBy,
  };
}

/**
 * May this person act on (or read) this complaint with one of these roles? Supervisors, interface
 * people, leaders (the top of the ladder, R5.7) and admins: every complaint. Handlers: assigned to them or to their team. Departments:
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
      case 'leader':
      case 'admin':
        return true;
      case 'handler':
        return c.assignee === actor.user || (actor.team !== undefined && c.team === actor.team);
      case 'department': {
        const mine = departmentsOf(actor);
        return [c.department, ...(c.departments ?? [])].some((d) => d !== undefined && mine.includes(d));
      }
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
    if (role === 'supervisor' || role === 'interface' || role === 'leader' || role === 'admin')
      return undefined;
    if (role === 'handler') {
      any.push({ assignee: actor.user });
      if (actor.team) any.push({ region: actor.team }, { team: actor.team });
    }
    if (role === 'department')
      any.push(
        { transferredTo: { $in: departmentsOf(actor) } },
        // Asked by a later transfer, or one of several (R2.3), and not answered yet.
        { awaitingDepartments: { $in: departmentsOf(actor) } },
      );
    if (role === 'vipManager') any.push({ vipLevel: { $gte: 1 } });
    if (role === 'intake') any.push({ submittedBy: actor.user });
  }
  return any.length ? { $or: any } : { _id: { $in: [] } };
}
