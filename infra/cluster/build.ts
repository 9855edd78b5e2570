// The real Temporal server for the production-shaped cluster (issue 18, D2/D3): `temporal-server`
// (go.temporal.io/server/cmd/server) and `temporal-sql-tool` (cmd/tools/sql) built with
// `go install` from the Go module proxy, plus the module's PostgreSQL schema directories, in the
// tool cache next to FerretDB (infra/stack/provision.ts):
//   <root>/temporal-server-v1.32.1-go1.26.8-linux-amd64/{bin/temporal-server,bin/temporal-sql-tool,schema/}
// The entry counts as done only when its `.ok` marker exists (written last); a lock file next to it
// keeps two processes (two test files, `npm run cluster` beside CI) from building at once. The
// first build takes minutes: progress lines every 15 s; later runs reuse it.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { cacheRoot, findOnPath, ProvisionError } from '../stack/provision';

/** The 1.32 line the dev server embeds; v1.32.1 declares Go 1.26.8 (v1.32.2 would need a newer Go). */
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
export const TEMPORAL_SERVER_VERSION = 'v1.32.1';

const LOCK_WAIT_MS = 40 * 60_000;
const STALE_LOCK_MS = 45 * 60_000;
const HEARTBEAT_MS = 15_000;

export interface TemporalServerBuild {
  version: string;
  /** `temporal-server` (start --service=frontend|history|matching|worker). */
  server: string;
  /** `temporal-sql-tool` (create-database, setup-schema, update-schema). */
  sqlTool: string;
  /** The module's schema/postgresql/v12 (temporal/, visibility/ with their versioned/ dirs). */
  postgresSchemaDir: string;
}

interface Marker extends TemporalServerBuild {
  builtAt: string;
  goVersion: string;
}

/** The cached build, built on first use. */
export async function ensureTemporalServer(
  log: (m: string) => void = defaultLog,
): Promise<TemporalServerBuild> {
  const go = findOnPath('go');
  if (!go) {
    throw new ProvisionError(
      'go is not on PATH: the production-shaped cluster builds the Temporal server from the Go module ' +
        `proxy (${TEMPORAL_SERVER_MODULE}@${TEMPORAL_SERVER_VERSION} needs Go 1.26.8 or newer).`,
    );
  }
  const goVersion = execFileSync(go, ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
  const key = `${TEMPORAL_SERVER_VERSION}-${goVersion}-${process.platform}-${process.arch}`;
  const dir = path.join(cacheRoot(), `temporal-server-${key}`);
  const cached = await readMarker(dir);
  if (cached) {
    log(`temporal-server: using cached ${cached.server}`);
    return cached;
  }
  await mkdir(path.dirname(dir), { recursive: true });
  return withLock(`${dir}.lock`, log, async () => {
    const meanwhile = await readMarker(dir);
    if (meanwhile) {
      log(`temporal-server: built meanwhile by another process: ${meanwhile.server}`);
      return meanwhile;
    }
    const started = Date.now();
    await rm(dir, { recursive: true, force: true });
    await mkdir(path.join(dir, 'bin'), { recursive: true });
    log(
      `temporal-server: building ${TEMPORAL_SERVER_MODULE}@${TEMPORAL_SERVER_VERSION} (cmd/server, ` +
        `cmd/tools/sql) with ${goVersion} into ${dir}; the first build downloads the modules and ` +
        'compiles ~1500 packages: several minutes, niced',
    );
    await goInstall(go, dir, log);
    const bin = path.join(dir, 'bin');
    await rename(path.join(bin, 'server'), path.join(bin, 'temporal-server'));
    await rename(path.join(bin, 'sql'), path.join(bin, 'temporal-sql-tool'));
    const moduleDir = execFileSync(
      go,
      ['mod', 'download', '-json', `${TEMPORAL_SERVER_MODULE}@${TEMPORAL_SERVER_VERSION}`],
      { encoding: 'utf8', cwd: dir, env: goEnv() },
    );
    const source = (JSON.parse(moduleDir) as { Dir?: string }).Dir;
    if (!source) throw new ProvisionError('temporal-server: go mod download gave no module directory');
    const schema = path.join(dir, 'schema', 'postgresql', 'v12');
    await cp(path.join(source, 'schema', 'postgresql', 'v12'), schema, { recursive: true });
    const marker: Marker = {
      version: TEMPORAL_SERVER_VERSION,
      server: path.join(bin, 'temporal-server'),
      sqlTool: path.join(bin, 'temporal-sql-tool'),
      postgresSchemaDir: schema,
      builtAt: new Date().toISOString(),
      goVersion,
    };
    const tmp = path.join(dir, `.ok.tmp-${process.pid}`);
    await writeFile(tmp, `${JSON.stringify(marker, null, 2)}\n`);
    await rename(tmp, path.join(dir, '.ok'));
    log(`temporal-server: built in ${elapsed(started)}: ${marker.server}`);
    return marker;
  });
}

/** No toolchain download (GOTOOLCHAIN=local): the machine's Go must satisfy the module's `go` line. */
function goEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-buildvcs=false' };
}

/** `go install -v` of both commands, niced, with a progress line every 15 s (packages compiled so far). */
function goInstall(go: string, dir: string, log: (m: string) => void): Promise<void> {
  const started = Date.now();
  const args = [
    'install',
    '-v',
    '-trimpath',
    `${TEMPORAL_SERVER_MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`,
    `${TEMPORAL_SERVER_MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`,
  ];
  const nice = findOnPath('nice');
  const [command, argv] = nice ? [nice, ['-n', '19', go, ...args]] : [go, args];
  let packages = 0;
  let downloads = 0;
  const tail: string[] = [];
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, argv, {
      cwd: dir,
      env: { ...goEnv(), GOBIN: path.join(dir, 'bin') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setInterval(
      () =>
        log(
          `temporal-server: still building … ${elapsed(started)}, ${downloads} modules downloaded, ` +
            `${packages} packages compiled`,
        ),
      HEARTBEAT_MS,
    );
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        if (line.startsWith('go: downloading')) downloads += 1;
        else packages += 1;
        tail.push(line);
        if (tail.length > 20) tail.shift();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => {
      clearInterval(timer);
      reject(new ProvisionError(`temporal-server: cannot run ${go}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearInterval(timer);
      if (code === 0) return resolve();
      reject(
        new ProvisionError(
          `temporal-server: go install ${signal ? `was killed by ${signal}` : `exited with code ${code}`} ` +
            `after ${elapsed(started)}. Last output:\n${tail.join('\n')}\n` +
            'Check that the Go module proxy is reachable (GOPROXY) and that `go version` is 1.26.8 or newer.',
        ),
      );
    });
  });
}

async function readMarker(dir: string): Promise<Marker | undefined> {
  try {
    const marker = JSON.parse(await readFile(path.join(dir, '.ok'), 'utf8')) as Marker;
    const complete = [marker.server, marker.sqlTool, marker.postgresSchemaDir].every((p) => existsSync(p));
    return complete ? marker : undefined;
  } catch {
    return undefined;
  }
}

// The lock: a file created with O_EXCL holding the builder's pid; stale when that process is gone
// (same host) or older than the longest build.
async function withLock<T>(lockPath: string, log: (m: string) => void, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let announced = false;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), startedAt: Date.now() }));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await staleLock(lockPath)) {
      log(`temporal-server: removing stale lock ${lockPath}`);
      await rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new ProvisionError(
        `temporal-server: timed out waiting for ${lockPath}; delete it if no build runs`,
      );
    }
    if (!announced) {
      log('temporal-server: another process is building it; waiting …');
      announced = true;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

async function staleLock(lockPath: string): Promise<boolean> {
  try {
    const holder = JSON.parse(await readFile(lockPath, 'utf8')) as {
      pid: number;
      host: string;
      startedAt: number;
    };
    if (Date.now() - holder.startedAt > STALE_LOCK_MS) return true;
    if (holder.host !== hostname()) return false;
    try {
      process.kill(holder.pid, 0);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code !== 'EPERM';
    }
  } catch {
    const info = await stat(lockPath).catch(() => undefined);
    return info !== undefined && Date.now() - info.mtimeMs > 60_000;
  }
}

function elapsed(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(0)} s`;
}

function defaultLog(message: string): void {
  process.stderr.write(`[provision] ${message}\n`);
}
