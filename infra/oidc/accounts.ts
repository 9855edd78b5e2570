// The people of the embedded identity provider (S9.1): the seeded users of the local stack with the
// directory groups an operator's identity provider would give them, and the group map that turns
// those groups into ClosedLoop roles, teams and departments (S9.2, OIDC_GROUP_MAP). Roles are never
// claims of their own here, as in a real directory: they come only through the map.
import { SEED_USERS } from '../../api/dev-auth';
import type { GroupMap } from '../../api/jwt';

/** The one password of every seeded person (dev only; printed by `npm run dev`). */
export const DEV_PASSWORD = 'closedloop';

/** The client id of the console in the embedded provider (a public client: PKCE, no secret). */
export const CONSOLE_CLIENT_ID = 'closedloop-console';

/**
 * The standalone Temporal UI (ui-server, S9.4) in the embedded provider: a confidential client (the
 * ui-server exchanges the code on its server side with this secret; it sends no PKCE).
 */
export const TEMPORAL_UI_CLIENT_ID = 'closedloop-temporal-ui';
/** Dev only: the embedded provider's secret for the Temporal UI (the deployment sets its own). */
export const TEMPORAL_UI_CLIENT_SECRET = 'dev-temporal-ui-secret';

/** What the dev stack configures as OIDC_GROUP_MAP. */
export const DEV_GROUP_MAP: GroupMap = {
  'cl-handlers': { roles: ['handler'] },
  'cl-team-haidian': { team: 'haidian' },
  'cl-supervisors': { roles: ['supervisor'] },
  'cl-opt-centre': { roles: ['interface'] },
  'cl-leaders': { roles: ['leader'] },
  'cl-dept-network': { departments: ['network'] },
  'cl-vip-managers': { roles: ['vipManager'] },
  'cl-analysts': { roles: ['analyst'] },
  'cl-admins': { roles: ['admin'] },
  'cl-privacy': { roles: ['privacy'] },
};

/** Directory groups of each seeded person; `staff` is a group every employee has and maps to nothing. */
const GROUPS: Readonly<Record<string, readonly string[]>> = {
  'handler.li': ['staff', 'cl-handlers', 'cl-team-haidian'],
  'handler.zhao': ['staff', 'cl-handlers', 'cl-team-haidian'],
  'supervisor.wang': ['staff', 'cl-supervisors'],
  'interface.chen': ['staff', 'cl-opt-centre'],
  'leader.liu': ['staff', 'cl-leaders'],
  'dept.network': ['staff', 'cl-dept-network'],
  'vip.manager': ['staff', 'cl-vip-managers'],
  'analyst.sun': ['staff', 'cl-analysts'],
  'admin.root': ['staff', 'cl-admins'],
  'privacy.officer': ['staff', 'cl-privacy'],
};

export interface Account {
  name: string;
  email: string;
  groups: readonly string[];
}

/** The seeded people plus one employee without any ClosedLoop group (refused with 403: S9.2). */
export const ACCOUNTS: Readonly<Record<string, Account>> = {
  ...Object.fromEntries(
    Object.entries(SEED_USERS).map(([user, seed]) => [
      user,
      { name: seed.name, email: `${user}@operator.example`, groups: GROUPS[user] ?? ['staff'] },
    ]),
  ),
  'staff.zhou': {
    name: '周 (employee without a ClosedLoop group)',
    email: 'staff.zhou@operator.example',
    groups: ['staff'],
  },
};
