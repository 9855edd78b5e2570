// Standalone dispatcher simulator: `tsx infra/dispatcher-sim/main.ts`.
// Env: DISPATCHER_SIM_HOST (127.0.0.1), DISPATCHER_SIM_PORT (3030), DISPATCHER_SIM_AUTH (the
// credential the work-order reply endpoint expects in Authorization; none = any).
import { startDispatcherSim } from './server';

async function main(): Promise<void> {
  const port = Number(process.env.DISPATCHER_SIM_PORT ?? 3030);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('DISPATCHER_SIM_PORT: a TCP port');
  const sim = await startDispatcherSim({
    host: process.env.DISPATCHER_SIM_HOST || '127.0.0.1',
    port,
    expectedAuth: process.env.DISPATCHER_SIM_AUTH || undefined,
  });
  console.log(`dispatcher-sim ready on ${sim.url}`);
  const shutdown = () => void sim.close().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
