// Spawning and health checks for the embedded local stack: free ports, TCP/HTTP readiness, and
// ManagedProcess (a child process whose output goes to a log file and optionally to the console
// with a coloured prefix; stop() = SIGTERM, then SIGKILL after a grace period).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, type WriteStream } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcessOptions {
  /** Short name used in prefixes, log lines and error messages, e.g. `temporal`. */
  name: string;
  command: string;
  args?: string[];
  /** The complete environment of the child (default: this process's environment). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Output is appended to this file (its directory is created). */
  logFile?: string;
  /** Also echo output to this process's stdout with a coloured `name |` prefix. */
  console?: boolean;
  /** Time between SIGTERM and SIGKILL in stop(); default 10 s. */
  stopGraceMs?: number;
}

const COLOURS = [36, 35, 33, 32, 34, 91, 96, 95];
const HISTORY_LINES = 200;
const live = new Set<ManagedProcess>();
let colourIndex = 0;
let exitHookInstalled = false;

/** A child process with a log file, readiness helpers and a guaranteed stop. */
export class ManagedProcess {
  readonly name: string;
  readonly logFile: string | undefined;
  private child: ChildProcess | undefined;
  private exitPromise: Promise<ExitInfo> = Promise.resolve({ code: null, signal: null });
  private exitInfo: ExitInfo | undefined;
  private log: WriteStream | undefined;
  private readonly history: string[] = [];
  private readonly lineListeners = new Set<(line: string) => void>();
  private readonly prefix: string;

  constructor(private readonly opts: ManagedProcessOptions) {
    this.name = opts.name;
    this.logFile = opts.logFile;
    this.prefix = colourPrefix(opts.name);
  }

  /** Creates and starts a process. */
  static start(opts: ManagedProcessOptions): ManagedProcess {
    const proc = new ManagedProcess(opts);
    proc.start();
    return proc;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Resolves when the current child has exited (never rejects). */
  get exited(): Promise<ExitInfo> {
    return this.exitPromise;
  }

  get running(): boolean {
    return this.child !== undefined && this.exitInfo === undefined;
  }

  /** The command line, for messages. */
  get commandLine(): string {
    return [this.opts.command, ...(this.opts.args ?? [])].join(' ');
  }

  /** Spawns the child. Throws if it is already running. */
  start(): void {
    if (this.running) throw new Error(`${this.name} is already running (pid ${this.pid})`);
    installExitHook();
    this.exitInfo = undefined;
    this.history.length = 0;
    this.openLog();
    const child = spawn(this.opts.command, this.opts.args ?? [], {
      cwd: this.opts.cwd,
      env: this.opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: false,
    });
    this.child = child;
    this.exitPromise = this.trackExit(child);
    this.forward(child.stdout, 'out');
    this.forward(child.stderr, 'err');
    live.add(this);
    this.writeLog(`--- ${new Date().toISOString()} started pid ${child.pid ?? '?'}: ${this.commandLine}`);
  }

  /** SIGTERM, then SIGKILL after the grace period. Resolves once the child has exited. */
  async stop(graceMs = this.opts.stopGraceMs ?? 10_000): Promise<ExitInfo | undefined> {
    if (!this.running) return this.exitInfo;
    this.kill('SIGTERM');
    const timer = setTimeout(() => {
      this.writeLog(`--- ${this.name} did not stop within ${graceMs} ms: SIGKILL`);
      this.kill('SIGKILL');
    }, graceMs);
    const info = await this.exitPromise;
    clearTimeout(timer);
    return info;
  }

  /** Sends a signal to the child (default SIGKILL), if it is running. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.running) this.child?.kill(signal);
  }

  /** Stops the child (if running) and starts it again with the same options. */
  async restart(): Promise<void> {
    await this.stop();
    this.start();
  }

  /** The last lines of output (both streams), for error messages. */
  recentOutput(lines = 30): string {
    return this.history.slice(-lines).join('\n');
  }

  /**
   * Resolves with the first output line (already seen or still to come) that matches `pattern`.
   * Rejects when the child exits first or after `timeoutMs`.
   */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const seen = this.history.map((l) => l.match(pattern)).find((m) => m !== null);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        this.lineListeners.delete(onLine);
      };
      const onLine = (line: string): void => {
        const match = line.match(pattern);
        if (match) {
          cleanup();
          resolve(match);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(this.failure(`did not print ${pattern} within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.lineListeners.add(onLine);
      void this.exitPromise.then((info) => {
        cleanup();
        reject(this.failure(`exited (${describeExit(info)}) before printing ${pattern}`));
      });
    });
  }

  /** An Error naming this process, what went wrong, its log file and its last output lines. */
  failure(what: string): Error {
    const where = this.logFile ? ` (log: ${this.logFile})` : '';
    const output = this.recentOutput(20);
    return new Error(
      `${this.name} ${what}${where}\n  command: ${this.commandLine}` +
        (output ? `\n  last output:\n${indent(output, '    ')}` : ''),
    );
  }

  private trackExit(child: ChildProcess): Promise<ExitInfo> {
    return new Promise((resolve) => {
      const done = (info: ExitInfo): void => {
        if (this.child !== child || this.exitInfo) return;
        this.exitInfo = info;
        live.delete(this);
        this.writeLog(`--- ${new Date().toISOString()} exited: ${describeExit(info)}`);
        this.log?.end();
        this.log = undefined;
        resolve(info);
      };
      child.on('error', (err) => {
        this.remember(`cannot start ${this.opts.command}: ${err.message}`);
        done({ code: null, signal: null });
      });
      child.on('exit', (code, signal) => done({ code, signal }));
    });
  }

  private forward(stream: NodeJS.ReadableStream | null, kind: 'out' | 'err'): void {
    if (!stream) return;
    let buffered = '';
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split(/\r?\n/);
      buffered = lines.pop() ?? '';
      lines.forEach((line) => this.onLine(line, kind));
    });
    stream.on('end', () => {
      if (buffered) this.onLine(buffered, kind);
    });
  }

  private onLine(line: string, kind: 'out' | 'err'): void {
    this.remember(line);
    this.writeLog(kind === 'err' ? `! ${line}` : line);
    if (this.opts.console) process.stdout.write(`${this.prefix}${line}\n`);
    this.lineListeners.forEach((listener) => listener(line));
  }

  private remember(line: string): void {
    this.history.push(line);
    if (this.history.length > HISTORY_LINES) this.history.shift();
  }

  private openLog(): void {
    if (!this.logFile) return;
    mkdirSync(path.dirname(this.logFile), { recursive: true });
    this.log = createWriteStream(this.logFile, { flags: 'a' });
  }

  private writeLog(line: string): void {
    this.log?.write(`${line}\n`);
  }

  /** Used by the exit hook: the parent is going away, so signal the child synchronously. */
  signalOnParentExit(): void {
    this.kill('SIGTERM');
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => live.forEach((proc) => proc.signalOnParentExit()));
}

function colourPrefix(name: string): string {
  const label = `${name.padEnd(10)} |`;
  const colour = COLOURS[colourIndex++ % COLOURS.length];
  return process.stdout.isTTY ? `\x1b[${colour}m${label}\x1b[0m ` : `${label} `;
}

function describeExit(info: ExitInfo): string {
  if (info.signal) return `killed by ${info.signal}`;
  return info.code === null ? 'could not start' : `exit code ${info.code}`;
}

function indent(text: string, pad: string): string {
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// Ports and readiness

/**
 * A TCP port that is free on `host` right now and stays likely free until a child binds it: picked
 * at random below the kernel's ephemeral range (net.ipv4.ip_local_port_range), where outgoing
 * connections never take a local port, and never one this process handed out before. A port the
 * kernel assigns for `listen(0)` comes from the ephemeral range, so in the seconds before the child
 * binds it any outgoing connection can take it (a CI run lost a test stack so: the worker's metrics
 * exporter found its port in use).
 */
export async function freePort(host = '127.0.0.1', max = BELOW_EPHEMERAL): Promise<number> {
  const low = Math.min(FREE_PORT_LOW, max);
  for (let i = 0; i < 500; i++) {
    const port = low + Math.floor(Math.random() * (max - low + 1));
    if (handedOut.has(port)) continue;
    handedOut.add(port); // before the check: concurrent callers never get the same port
    if (await isPortFree(port, host)) return port;
    handedOut.delete(port);
  }
  throw new Error(`no free port between ${low} and ${max}`);
}

const FREE_PORT_LOW = 20_000;
const handedOut = new Set<number>();

/** The highest port below the ephemeral range (Linux: read from /proc once; elsewhere IANA's 49152). */
export function belowEphemeral(): number {
  try {
    const first = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
    );
    if (Number.isInteger(first) && first > FREE_PORT_LOW + 1000) return first - 1;
  } catch {
    // not Linux
  }
  return 49_151;
}

const BELOW_EPHEMERAL = belowEphemeral();

/** True when nothing listens on host:port (checked by binding it briefly). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** Best-effort description of the process listening on a TCP port (via `ss` or `lsof`), or ''. */
export async function describePortUser(port: number): Promise<string> {
  const ss = await run('ss', ['-ltnpH', `sport = :${port}`]);
  const users = /users:\(\((.*)\)\)/.exec(ss);
  if (users?.[1]) return users[1].replace(/\),\(/g, '; ');
  const lsof = await run('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc']);
  const pid = /^p(\d+)/m.exec(lsof)?.[1];
  const cmd = /^c(.+)$/m.exec(lsof)?.[1];
  return pid ? `"${cmd ?? '?'}",pid=${pid}` : '';
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 3000 }, (_err, stdout) =>
      resolve(typeof stdout === 'string' ? stdout : ''),
    );
  });
}

/** Polls until `check` resolves true; rejects after `timeoutMs` or when `abortOn` exits. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  abortOn?: ManagedProcess,
  intervalMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    if (abortOn && !abortOn.running) throw abortOn.failure(`exited while waiting for ${what}`);
    try {
      if (await check()) return;
    } catch (err) {
      lastError = (err as Error).message;
    }
    if (Date.now() > deadline) {
      const reason = `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`;
      const detail = lastError ? ` (last error: ${lastError})` : '';
      throw abortOn ? abortOn.failure(reason + detail) : new Error(reason + detail);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Resolves once a TCP connection to host:port succeeds. */
export function waitForTcp(
  host: string,
  port: number,
  timeoutMs: number,
  abortOn?: ManagedProcess,
): Promise<void> {
  return waitUntil(`TCP ${host}:${port}`, () => canConnect(host, port), timeoutMs, abortOn);
}

/** Resolves once GET `url` answers with a 2xx status. */
export function waitForHttp(url: string, timeoutMs: number, abortOn?: ManagedProcess): Promise<void> {
  return waitUntil(`HTTP 2xx from ${url}`, () => httpOk(url), timeoutMs, abortOn);
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return true;
}
