// The escalation ladder as data (R5.1–R5.3, R5.6): who is reached at each level and how soon they
// must acknowledge before the escalation climbs to the next level.
import { frozen } from './frozen';

export interface EscalationLevel {
  level: number;
  /** Who is reached, zh-CN and en. */
  title: string;
  /** The role that acknowledges it; its members are e-mailed (ROLE_EMAILS). */
  role: string;
  /** How long the person has to acknowledge before the next level is reached. */
  ackWithin: string;
}

export const DEFAULT_LADDER: EscalationLevel[] = frozen([
  { level: 1, title: '班组长 team lead', role: 'supervisor', ackWithin: '2h' },
  {
    level: 2,
    title: '优化中心接口人 optimisation-centre interface person',
    role: 'interface',
    ackWithin: '4h',
  },
  {
    level: 3,
    title: '网络部 / 分公司领导 network department / branch leader',
    role: 'leader',
    ackWithin: '8h',
  },
]);

export type EscalationSource =
  | 'manual'
  | 'clockBreached'
  | 'unacknowledged'
  | 'customerNotSatisfied'
  | 'customerUnreachable'
  | 'major'
  /** A hot complaint not solved within the hot policy's solveWithin (R4.7). */
  | 'hotUnsolved';

type Rung = { level: number; role: string };

/**
 * The rung for a level (R5.7). A level the ladder does not have (a ladder with gaps, or one changed
 * since the level was chosen) goes to the nearest rung above it, and past the top to the top: an
 * escalation never lands below the level it was meant for. It used to fall back to level 1, so a
 * missing level 3 reached the team lead again instead of someone higher. Not an error: this runs
 * inside the workflow, where a throw would stall the complaint's every step until a new deploy.
 */
export function levelOf<L extends Rung>(ladder: L[], level: number): L {
  const sorted = [...ladder].sort((a, b) => a.level - b.level);
  return sorted.find((l) => l.level === level) ?? sorted.find((l) => l.level > level) ?? sorted.at(-1)!;
}

/** What levelOf did before R5.7 (a missing level below the top went to the first rung): for replay. */
export function legacyLevelOf<L extends Rung>(ladder: L[], level: number): L {
  const top = ladder[ladder.length - 1]!;
  return ladder.find((l) => l.level === level) ?? (level > top.level ? top : ladder[0]!);
}

/** The ladder's roles the access table does not know (R5.7): a rung nobody could sign in as. */
export function unknownLadderRoles(ladder: Rung[], known: (role: string) => boolean): string[] {
  return [...new Set(ladder.map((l) => l.role).filter((role) => !known(role)))];
}

export function topLevel(ladder: Rung[]): number {
  return ladder[ladder.length - 1]!.level;
}

/** The level an automatic escalation goes to: one above the current, at most the top. */
export function nextLevel(ladder: Rung[], current: number): number {
  return Math.min(current + 1, topLevel(ladder));
}

/** The customer does not accept the result: the interface person at once (R5.1). */
export function levelForCustomerNotSatisfied(ladder: Rung[], current: number): number {
  const iface = ladder.find((l) => l.role === 'interface')?.level ?? nextLevel(ladder, current);
  return Math.max(current, iface);
}
