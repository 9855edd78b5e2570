// The role groups the declarations share (S2). `department` stands for every department:<name>.
import type { RoleName } from './define';

export const READERS = [
  'intake',
  'handler',
  'department',
  'supervisor',
  'interface',
  'leader',
  'vipManager',
  'admin',
] as const satisfies readonly RoleName[];
export const WORKERS = ['handler', 'supervisor', 'interface'] as const satisfies readonly RoleName[];
export const WORKERS_AND_ADMIN = [...WORKERS, 'admin'] as const;
export const LEADS = ['supervisor', 'interface'] as const satisfies readonly RoleName[];
/**
 * The roles an escalation ladder may name (R5.7): each sees every complaint, has the
 * escalated-to-me worklist and may acknowledge; which rung acknowledges is the workflow's check
 * (the role of the escalation at that level), not this list.
 */
export const LADDER_ROLES = ['supervisor', 'interface', 'leader'] as const satisfies readonly RoleName[];
/** Roles that may read personal data of every complaint (the codec decrypts any history). */
export const CODEC_ROLES = ['supervisor', 'interface', 'admin'] as const satisfies readonly RoleName[];
/** Who reads and produces the weekly and monthly reports (R9). */
export const REPORT_ROLES = [
  'analyst',
  'supervisor',
  'interface',
  'admin',
] as const satisfies readonly RoleName[];
/** Who writes a report draft's analysis and measures and approves it (R9.4): the interface person. */
export const REPORT_WRITERS = ['interface', 'admin'] as const satisfies readonly RoleName[];
/** Who sets up, pauses, changes and ends guarantee areas (R7.3), and who may read them. */
export const AREA_CHANGERS = [
  'vipManager',
  'supervisor',
  'interface',
  'admin',
] as const satisfies readonly RoleName[];
export const AREA_READERS = [...AREA_CHANGERS, 'analyst', 'department'] as const;
/** Who keeps the retention policy and answers people's requests about their data (issue 22, S8). */
export const PRIVACY_ROLES = ['admin', 'privacy'] as const satisfies readonly RoleName[];
/** Who works a mass incident through its contingency plan (R8.3) and resolves and closes it. */
export const INCIDENT_ACTORS = [
  'supervisor',
  'interface',
  'department',
  'admin',
] as const satisfies readonly RoleName[];
export const VIP_KEEPERS = ['vipManager', 'admin'] as const satisfies readonly RoleName[];
