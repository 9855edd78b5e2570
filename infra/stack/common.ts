// Helpers the services of the local stack share: where they listen, how they spawn children, how a
// child is stopped, and how a failed start cleans up after itself.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ManagedProcess } from './processes';
import type { ServiceContext } from './service';

/** Every part listens on loopback only. */
export const HOST = '127.0.0.1';
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** How long a simple child (API, simulators, FerretDB) may take to become healthy. */
export const CHILD_READY_MS = 60_000;

type ChildContext = Pick<ServiceContext, 'logDir' | 'quiet' | 'children'>;

export function say(quiet: boolean | undefined): (message: string) => void {
  return (message) => {
    if (!quiet) process.stderr.write(`[stack] ${message}\n`);
  };
}

/** The ManagedProcess options every child shares: its log file, console echo unless quiet, the repo as cwd. */
export function childBase(
  ctx: Pick<ServiceContext, 'logDir' | 'quiet'>,
  name: string,
): { name: string; logFile: string; console: boolean; cwd: string } {
  return { name, logFile: path.join(ctx.logDir, `${name}.log`), console: !ctx.quiet, cwd: REPO_ROOT };
}

/**
 * Runs a TypeScript entry point as `node --import <tsx loader> <script>`. Unlike the `tsx` CLI
 * (which runs the script in a second node process), the pid is the script's own, so kill('SIGKILL')
 * really kills it, as crash tests need.
 */
export function spawnChild(
  ctx: ChildContext,
  name: string,
  script: string,
  env: Record<string, string>,
): ManagedProcess {
  const loader = pathToFileURL(require.resolve('tsx', { paths: [REPO_ROOT] })).href;
  // STACK_NODE_ARGS: node options that NODE_OPTIONS refuses (--cpu-prof …), for benchmarks.
  const nodeArgs = (env.STACK_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // STACK_COMPILED_DIR: the script's JavaScript from `npm run build` (as the deploy image runs it),
  // for bench:worker-ready; else the TypeScript source under tsx.
  const compiled = env.STACK_COMPILED_DIR
    ? path.join(env.STACK_COMPILED_DIR, script.replace(/\.ts$/, '.js'))
    : undefined;
  return ctx.children.spawn({
    ...childBase(ctx, name),
    command: process.execPath,
    args: compiled
      ? [...nodeArgs, compiled]
      : [...nodeArgs, '--import', loader, path.join(REPO_ROOT, script)],
    env: { ...process.env, ...env },
  });
}

/** Stops a child with `signal` (SIGTERM = the usual stop with its grace period) and waits for its exit. */
export async function stopWith(proc: ManagedProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (signal === 'SIGTERM') {
    await proc.stop();
    return;
  }
  proc.kill(signal);
  await proc.exited;
}

/**
 * Awaits `ready`; when it fails, runs `stop` (what the service had started so far) before passing
 * the error on, because the registry stops only the services whose start succeeded.
 */
export async function readyOrStop<T>(stop: () => Promise<unknown>, ready: () => Promise<T>): Promise<T> {
  try {
    return await ready();
  } catch (err) {
    await stop().catch((stopErr: unknown) => console.error(`[stack] could not stop: ${String(stopErr)}`));
    throw err;
  }
}

/**
 * Awaits `ready`; when the child exited before it was ready (not merely slow), starts it again, up
 * to `attempts` starts in all. For a child that picks ports of its own at start, such as the
 * Temporal CLI's dev server (its history, matching and worker services take free ports it chooses
 * itself): in CI it once exited during start with a Go stack trace through `temporalcli.Execute`
 * (the message itself was cut from the log) and the stack did not start; a port taken between its
 * choice and its bind by another process is the likely cause, and a new start chooses new ports.
 */
export async function readyWithRestarts(
  proc: ManagedProcess,
  ready: () => Promise<void>,
  say: (message: string) => void,
  attempts = 3,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ready();
      return;
    } catch (err) {
      if (attempt >= attempts || proc.running) throw err;
      const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
      say(`${proc.name} exited while starting (${why}); starting it again (${attempt + 1} of ${attempts})`);
      proc.start();
    }
  }
}
