// The built-in SLA policy set (R4.1). Operators replace it with POLICY_FILE (JSON of the same shape).
import type { PolicySet } from './sla';

export const DEFAULT_POLICY_SET: PolicySet = {
  version: 1,
  policies: [
    {
      id: 'standard',
      version: 1,
      description: 'Ordinary complaints from every channel',
      match: {},
      clocks: {
        firstReply: { target: '48h', warnAt: [0.75] },
        handling: { target: '72h', warnAt: [0.5, 0.8] },
      },
    },
    {
      id: 'urgent',
      version: 1,
      description: 'Urgent forwards from the optimisation centre (优化中心紧急转派) and urgent tickets',
      match: { urgency: 'URGENT' },
      clocks: {
        firstReply: { target: '4h', warnAt: [0.5] },
        handling: { target: '24h', warnAt: [0.5, 0.8] },
      },
    },
    {
      id: 'leader-assigned',
      version: 1,
      description: 'Tickets assigned by branch leaders (分公司领导下派)',
      match: { channels: ['LEADER_ASSIGNED'] },
      clocks: {
        firstReply: { target: '24h', warnAt: [0.75] },
        handling: { target: '48h', warnAt: [0.5, 0.8] },
      },
    },
    {
      id: 'vip',
      version: 1,
      description: 'VIP customers (level 1 and above) get tighter limits',
      match: { minVipLevel: 1 },
      clocks: {
        firstReply: { target: '2h', warnAt: [0.5] },
        handling: { target: '24h', warnAt: [0.5, 0.8] },
      },
    },
  ],
};
