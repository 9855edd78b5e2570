// The ports of a local stack, from what its services declare (Service.ports): the dev defaults,
// each checked free first so that a second `npm run dev` fails with a clear message, or free ports
// for tests and tools running beside it.
import { HOST } from './common';
import { describePortUser, freePort, isPortFree } from './processes';
import type { PortSpec } from './service';

export type PortMode = 'fixed' | 'auto';

/** A port the stack assigns; `check` = a service of this stack binds it, so it must be free. */
export interface PortClaim {
  spec: PortSpec;
  check: boolean;
}

export async function choosePorts(
  mode: PortMode,
  claims: ReadonlyMap<string, PortClaim>,
): Promise<Record<string, number>> {
  const entries = [...claims];
  if (mode === 'fixed') {
    await assertFixedPortsFree(entries.filter(([, claim]) => claim.check));
    return Object.fromEntries(entries.map(([name, { spec }]) => [name, spec.fixed]));
  }
  // Children that print their address get port 0 (no race); the rest get a port that is free now.
  const ports = await Promise.all(
    entries.map(
      async ([name, { spec }]) => [name, spec.auto !== 'free' ? 0 : await freePort(HOST, spec.max)] as const,
    ),
  );
  return Object.fromEntries(ports);
}

async function assertFixedPortsFree(claims: [string, PortClaim][]): Promise<void> {
  const busy = await Promise.all(
    claims.map(async ([, { spec }]) => ((await isPortFree(spec.fixed, HOST)) ? undefined : spec)),
  );
  const problems = await Promise.all(
    busy
      .filter((spec): spec is PortSpec => spec !== undefined)
      .map(async (spec) => {
        const user = await describePortUser(spec.fixed);
        return `port ${spec.fixed} (${spec.label}) is already in use${user ? ` by ${user}` : ''}`;
      }),
  );
  if (problems.length > 0) {
    throw new Error(
      `cannot start the local stack:\n- ${problems.join('\n- ')}\n` +
        'Is another `npm run dev` still running? Stop it (Ctrl-C in its terminal) or free these ports.',
    );
  }
}
