// The local stack's service registry (issue 17 item 6): services start once what they depend on is
// healthy, independent ones together, stop dependents first, and a failed start stops everything
// that did start and names every failure.
import { belowEphemeral, freePort } from '../../infra/stack/processes';
import { ServiceRegistry } from '../../infra/stack/registry';
import type { Running, Service, ServiceContext, StackSetup } from '../../infra/stack/service';

const setup = { tools: {}, startApp: true } as unknown as StackSetup;

/** A service that records its start and stop in `log`, publishes `env`, and may fail to start. */
function fake(
  name: string,
  dependsOn: string[],
  log: string[],
  opts: { fail?: boolean; env?: Record<string, string>; enabled?: boolean; startMs?: number } = {},
): Service {
  return {
    name,
    dependsOn,
    enabled: () => opts.enabled ?? true,
    async start(ctx: ServiceContext): Promise<Running> {
      log.push(`start ${name} sees ${JSON.stringify(ctx.env)}`);
      await new Promise((r) => setTimeout(r, opts.startMs ?? 1));
      if (opts.fail) throw new Error(`${name} would not start`);
      log.push(`up ${name}`);
      return { env: opts.env, stop: async () => void log.push(`stop ${name}`) };
    },
  };
}

const contextFor = (_s: Service, deps: { env: Record<string, string> }) =>
  ({ env: deps.env }) as unknown as ServiceContext;

describe('local stack registry', () => {
  test('starts in dependency order, passes what dependencies published, stops dependents first', async () => {
    const log: string[] = [];
    const registry = new ServiceRegistry(
      [
        fake('worker', ['db', 'temporal'], log),
        fake('db', [], log, { env: { MONGODB_URI: 'mongodb://x' } }),
        fake('temporal', [], log, { env: { TEMPORAL_ADDRESS: 'h:1' } }),
      ],
      setup,
    );
    await registry.startAll(contextFor);
    // db and temporal start together (both before either is up); worker after both, with their env
    expect(log.slice(0, 2).sort()).toEqual(['start db sees {}', 'start temporal sees {}']);
    expect(log.indexOf('start worker sees {"MONGODB_URI":"mongodb://x","TEMPORAL_ADDRESS":"h:1"}')).toBe(4);
    expect(registry.published().env).toEqual({ MONGODB_URI: 'mongodb://x', TEMPORAL_ADDRESS: 'h:1' });
    log.length = 0;
    await registry.stopAll();
    expect(log[0]).toBe('stop worker');
    expect(log.slice(1).sort()).toEqual(['stop db', 'stop temporal']);
  });

  test('a failed start stops what started and names every failure', async () => {
    const log: string[] = [];
    const registry = new ServiceRegistry(
      [
        fake('db', [], log),
        fake('mail', [], log, { fail: true }),
        fake('twilio', [], log, { fail: true }),
        fake('api', ['db', 'mail'], log),
      ],
      setup,
    );
    await expect(registry.startAll(contextFor)).rejects.toThrow(
      /did not start:\n- mail would not start\n- twilio would not start/,
    );
    expect(log).toContain('stop db');
    expect(log.some((l) => l.startsWith('start api'))).toBe(false);
  });

  test('a disabled dependency is skipped; unknown dependencies, duplicates and cycles are refused', async () => {
    const log: string[] = [];
    const registry = new ServiceRegistry(
      [fake('mongo', [], log, { enabled: false }), fake('api', ['mongo'], log)],
      setup,
    );
    await registry.startAll(contextFor);
    expect(log).toEqual(['start api sees {}', 'up api']);
    expect(() => new ServiceRegistry([fake('api', ['nope'], log)], setup)).toThrow(
      /unknown dependencies api → nope/,
    );
    expect(() => new ServiceRegistry([fake('a', [], log), fake('a', [], log)], setup)).toThrow(
      /more than one service enabled as a/,
    );
    const cyclic = new ServiceRegistry([fake('a', ['b'], log), fake('b', ['a'], log)], setup);
    await expect(cyclic.startAll(contextFor)).rejects.toThrow(/a dependency cycle among a, b/);
  });
});

describe('local stack ports', () => {
  it('a free port for a child is picked below the kernel ephemeral range, where outgoing connections cannot take it, and never twice', async () => {
    const max = belowEphemeral();
    const ports = await Promise.all(Array.from({ length: 40 }, () => freePort()));
    expect(new Set(ports).size).toBe(40);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThanOrEqual(max);
    }
    const low = await freePort('127.0.0.1', 20_050);
    expect(low).toBeLessThanOrEqual(20_050);
  });
});
