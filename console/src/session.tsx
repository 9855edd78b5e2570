// Who is signed in (GET /v1/me) and what their roles allow, for every page.
import { createContext, useContext } from 'react';
import type { Me } from './api';

export interface Session {
  me: Me;
  /** May the roles call `METHOD /path` of the access table (e.g. `POST /v1/complaints/{id}/triage`)? */
  can(permission: string): boolean;
  hasRole(role: string): boolean;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}

export function sessionOf(me: Me, signOut: () => void): Session {
  const perms = new Set(me.permissions);
  return {
    me,
    can: (p) => perms.has(p),
    hasRole: (r) => me.roles.includes(r),
    signOut,
  };
}

/** The page a person starts on: their own worklist, the dashboard, or the reports. */
export function homeOf(s: Session): string {
  if (s.hasRole('supervisor') || s.hasRole('interface') || s.hasRole('admin')) return '/dashboard';
  if (s.can('GET /v1/worklists/{name}')) return s.me.team ? '/worklists/team' : '/worklists/mine';
  if (s.can('GET /v1/reports')) return '/reports';
  if (s.can('GET /v1/admin/privacy/requests')) return '/privacy';
  return '/worklists/mine';
}
