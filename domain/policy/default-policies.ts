// The built-in SLA policy set (R4.1): data, not code. Operators replace it through the policy API
// (stored in MongoDB, admin role) or with POLICY_FILE (JSON of the same shape).
import { DEFAULT_CONTACT_POLICY } from './contact-policy';
import { DEFAULT_LADDER } from './escalation';
import { DEFAULT_HOT_POLICY } from './hot';
import { DEFAULT_MASS_INCIDENT_POLICY } from './mass-incident';
import type { PolicySet } from './sla';
import { frozen } from './frozen';

export const DEFAULT_POLICY_SET: PolicySet = frozen({
  version: 1,
  calendars: {
    // 08:30–17:30 Monday to Friday, Beijing time; national holidays of the year are data too.
    'business-cn': {
      kind: 'business',
      days: [1, 2, 3, 4, 5],
      from: '08:30',
      to: '17:30',
      utcOffsetMinutes: 480,
      holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07', '2027-01-01'],
    },
  },
  departments: ['data', 'network', 'billing', 'core', 'transmission'],
  repeatWindow: '30d',
  careCallbackAfter: '7d',
  contact: DEFAULT_CONTACT_POLICY,
  escalation: DEFAULT_LADDER,
  massIncident: DEFAULT_MASS_INCIDENT_POLICY,
  // Hot and difficult complaints (R4.7): solved within 72 h of becoming hot or escalated, digest to
  // the interface person at 08:30 Beijing time; clocks not tightened unless the operator sets it.
  hot: DEFAULT_HOT_POLICY,
  policies: [
    {
      id: 'standard',
      version: 1,
      description: 'Ordinary complaints from every channel',
      match: {},
      clocks: {
        acceptance: { target: '4h', warnAt: [0.5] },
        firstReply: { target: '48h', warnAt: [0.75] },
        handling: { target: '72h', warnAt: [0.5, 0.8] },
        verification: { target: '24h', warnAt: [0.5, 0.8] },
        // Several departments in parallel (R2.3): the interface person has a little longer than they do.
        coordination: { target: '32h', warnAt: [0.5, 0.8] },
      },
      verificationByDepartment: { billing: { target: '16h', warnAt: [0.5], calendar: 'business-cn' } },
    },
    {
      id: 'urgent',
      version: 1,
      description: 'Urgent forwards from the optimisation centre (优化中心紧急转派) and urgent tickets',
      match: { urgency: 'URGENT' },
      clocks: {
        acceptance: { target: '30m', warnAt: [0.5] },
        firstReply: { target: '4h', warnAt: [0.5] },
        handling: { target: '24h', warnAt: [0.5, 0.8] },
        verification: { target: '8h', warnAt: [0.5] },
        coordination: { target: '12h', warnAt: [0.5] },
      },
    },
    {
      id: 'leader-assigned',
      version: 1,
      description: 'Tickets assigned by branch leaders (分公司领导下派)',
      match: { channels: ['LEADER_ASSIGNED'] },
      clocks: {
        acceptance: { target: '2h', warnAt: [0.5] },
        firstReply: { target: '24h', warnAt: [0.75] },
        handling: { target: '48h', warnAt: [0.5, 0.8] },
        verification: { target: '12h', warnAt: [0.5] },
        coordination: { target: '16h', warnAt: [0.5] },
      },
    },
    {
      id: 'vip',
      version: 1,
      description: 'VIP customers (level 1 and above) get tighter limits',
      match: { minVipLevel: 1 },
      clocks: {
        acceptance: { target: '30m', warnAt: [0.5] },
        firstReply: { target: '2h', warnAt: [0.5] },
        handling: { target: '24h', warnAt: [0.5, 0.8] },
        verification: { target: '8h', warnAt: [0.5] },
        coordination: { target: '12h', warnAt: [0.5] },
      },
    },
  ],
});
