// The stack's record of its child processes, <dataDir>/stack.json: one stack per data dir, and
// processes left behind by a stack that died without stopping (e.g. SIGKILL) are stopped at the
// next start.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { ManagedProcess, waitUntil } from './processes';

export interface RegistryEntry {
  name: string;
  pid: number;
  cmdline: string;
  /** What stops it when left over (default SIGTERM; PostgreSQL: SIGINT = fast shutdown). */
  stopSignal?: NodeJS.Signals;
}

interface RegistryFile {
  ownerPid: number;
  host: string;
  startedAt: string;
  children: RegistryEntry[];
}

export class ChildRegistry {
  private readonly children: RegistryEntry[] = [];
  private readonly startedAt = new Date().toISOString();

  private constructor(private readonly file: string) {}

  static async claim(dataDir: string, log: (m: string) => void): Promise<ChildRegistry> {
    const file = path.join(dataDir, 'stack.json');
    const previous = readRegistry(file);
    if (
      previous &&
      previous.ownerPid !== process.pid &&
      previous.host === hostname() &&
      isAlive(previous.ownerPid)
    ) {
      throw new Error(
        `another local stack (pid ${previous.ownerPid}, started ${previous.startedAt}) is using ${dataDir}. ` +
          'Stop it first (Ctrl-C in its terminal), or use another data dir.',
      );
    }
    if (previous) await reapLeftovers(previous.children, log);
    const registry = new ChildRegistry(file);
    registry.save();
    return registry;
  }

  spawn(opts: ConstructorParameters<typeof ManagedProcess>[0]): ManagedProcess {
    const proc = ManagedProcess.start(opts);
    if (proc.pid !== undefined) {
      this.children.push({ name: proc.name, pid: proc.pid, cmdline: proc.commandLine });
      this.save();
    }
    return proc;
  }

  /** Registers a child started again by ManagedProcess.start() (a new pid), for the orphan cleanup. */
  trackRestart(proc: ManagedProcess): void {
    if (proc.pid !== undefined) this.track({ name: proc.name, pid: proc.pid, cmdline: proc.commandLine });
  }

  /** Registers (or replaces, same pid) a process the stack did not spawn itself, e.g. the postmaster. */
  track(entry: RegistryEntry): void {
    const others = this.children.filter((c) => c.pid !== entry.pid);
    this.children.splice(0, this.children.length, ...others, entry);
    this.save();
  }

  release(): void {
    rmSync(this.file, { force: true });
  }

  private save(): void {
    const content: RegistryFile = {
      ownerPid: process.pid,
      host: hostname(),
      startedAt: this.startedAt,
      children: this.children,
    };
    writeFileSync(this.file, `${JSON.stringify(content, null, 2)}\n`);
  }
}

function readRegistry(file: string): RegistryFile | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RegistryFile;
  } catch {
    return undefined;
  }
}

async function reapLeftovers(children: RegistryEntry[], log: (m: string) => void): Promise<void> {
  const leftovers = children.filter((c) => processCmdline(c.pid) === c.cmdline);
  for (const child of leftovers) {
    log(`stopping ${child.name} (pid ${child.pid}) left over from an earlier run`);
    process.kill(child.pid, child.stopSignal ?? 'SIGTERM');
  }
  await waitUntil(
    'leftover processes to exit',
    async () => leftovers.every((c) => processCmdline(c.pid) !== c.cmdline),
    10_000,
  ).catch(() => leftovers.forEach((c) => isAlive(c.pid) && process.kill(c.pid, 'SIGKILL')));
}

/** The command line of a running process (Linux /proc), or undefined. */
export function processCmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
