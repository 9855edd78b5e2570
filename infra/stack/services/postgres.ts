// PostgreSQL, FerretDB's backend when provision.ts found a server: cluster in
// <dataDir>/postgres/data (initdb on the first start, kept across restarts), unix socket in
// <dataDir>/postgres/run (or a temp dir under /tmp when that path is too long for a unix socket),
// TCP on 127.0.0.1 only, trust auth, fsync off (local dev data). As root it runs as the `postgres`
// user (see provision.ts). When that user cannot reach the data dir, it starts nothing and
// FerretDB runs on SQLite.
import { execFile } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { isAlive, processCmdline } from '../child-registry';
import { childBase, HOST, readyOrStop } from '../common';
import { type ManagedProcess, waitUntil } from '../processes';
import { mongoBackendOverride, type PostgresServer } from '../provision';
import type { Running, Service, ServiceContext } from '../service';

const PG_SUPERUSER = 'postgres';
const PG_DATABASE = 'ferretdb';
const PG_READY_MS = 60_000;
const PG_STOP_MS = 30_000;
/** sun_path holds 108 bytes including the terminating NUL. */
const UNIX_SOCKET_PATH_MAX = 107;

/**
 * PostgreSQL's max_connections: FerretDB's pool (80), the production-shaped cluster's Temporal
 * processes when they share this server (frontend, two history, matching, internal worker: 10
 * persistence + 4 visibility connections each, infra/cluster/config.ts: 70), 3 reserved for
 * superusers, psql and headroom.
 */
const PG_MAX_CONNECTIONS = 200;

export const postgres: Service = {
  name: 'postgres',
  dependsOn: [],
  enabled: ({ tools }) => tools.mongo.kind === 'ferretdb' && tools.mongo.postgres !== undefined,
  ports: { postgres: { fixed: 5433, label: "PostgreSQL (FerretDB's backend)", auto: 'free' } },
  start: async (ctx) => {
    const pg = ctx.tools.mongo.kind === 'ferretdb' ? ctx.tools.mongo.postgres : undefined;
    if (!pg) throw new Error('postgres: the MongoDB route has no PostgreSQL server');
    // Nothing started, nothing published: FerretDB then runs on SQLite.
    if (!postgresUsable(ctx, pg)) return { stop: async () => undefined };
    return startPostgres(ctx, pg, ctx.port('postgres'));
  },
};

/**
 * False (after saying why) when the server's user cannot reach the data dir, so that FerretDB
 * falls back to SQLite; throws instead when CLOSEDLOOP_MONGO_BACKEND=postgresql forces PostgreSQL.
 */
function postgresUsable(ctx: ServiceContext, pg: PostgresServer): boolean {
  if (!pg.runAs) return true;
  const blocked = unsearchableDir(path.dirname(ctx.dataDir), pg.runAs.uid, pg.runAs.gid);
  if (!blocked) return true;
  const problem =
    `user ${pg.runAs.user} (PostgreSQL refuses to run as root) cannot reach ${ctx.dataDir}: ` +
    `${blocked} is not searchable by it`;
  if (mongoBackendOverride() === 'postgresql') {
    throw new Error(`${problem}. Make it searchable (chmod o+x ${blocked}) or use another data dir.`);
  }
  ctx.say(`mongodb: ${problem}; using FerretDB on SQLite (chmod o+x ${blocked} for PostgreSQL)`);
  return false;
}

/** The first directory from / down to `dir` that uid/gid cannot search (no x bit for them), if any. */
function unsearchableDir(dir: string, uid: number, gid: number): string | undefined {
  const chain: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    chain.unshift(d);
    if (path.dirname(d) === d) break;
  }
  return chain.find((d) => !searchableBy(d, uid, gid));
}

function searchableBy(dir: string, uid: number, gid: number): boolean {
  const st = statSync(dir);
  if (st.uid === uid) return (st.mode & 0o100) !== 0;
  if (st.gid === gid) return (st.mode & 0o010) !== 0;
  return (st.mode & 0o001) !== 0;
}

/** Starts (and on the first start initdb's) the cluster and creates FerretDB's database; publishes its URL. */
async function startPostgres(ctx: ServiceContext, pg: PostgresServer, port: number): Promise<Running> {
  const root = path.join(ctx.dataDir, 'postgres');
  const pgdata = path.join(root, 'data');
  mkdirSync(root, { recursive: true });
  const socket = socketDir(root, port);
  grantToServerUser(ctx, pg, [root, socket.dir]);
  if (existsSync(path.join(pgdata, 'PG_VERSION'))) {
    assertClusterVersion(root, pgdata, pg);
  } else {
    noteSqliteData(ctx);
    await initdb(ctx, pg, root, pgdata);
  }
  const statementArgs = statementStatsArgs(pg);
  const serverArgs = [
    ...['-D', pgdata, '-p', String(port), '-k', socket.dir],
    ...['-c', `listen_addresses=${HOST}`, '-c', 'fsync=off', '-c', 'log_checkpoints=off'],
    ...['-c', `max_connections=${PG_MAX_CONNECTIONS}`],
    ...statementArgs,
  ];
  const proc = ctx.children.spawn({
    ...childBase(ctx, 'postgres'),
    // Log file only: FerretDB's expected duplicate-key errors (idempotent inserts) would read as alarms.
    console: false,
    ...asServerUser(pg, path.join(pg.bindir, 'postgres'), serverArgs),
    env: postgresEnv(),
    stopGraceMs: PG_STOP_MS,
  });
  const server: { postmasterPid?: number } = {};
  const stop = () => stopPostgres(proc, server.postmasterPid, socket);
  await readyOrStop(stop, async () => {
    await waitUntil(
      `PostgreSQL on ${HOST}:${port} to answer`,
      async () => (await psql(pg, port, 'postgres', 'SELECT 1')) === '1',
      PG_READY_MS,
      proc,
      200,
    );
    server.postmasterPid = trackPostmaster(ctx, pgdata, proc);
    const exists = `SELECT 1 FROM pg_database WHERE datname = '${PG_DATABASE}'`;
    if ((await psql(pg, port, 'postgres', exists)) !== '1') {
      await psql(pg, port, 'postgres', `CREATE DATABASE ${PG_DATABASE}`);
    }
    if (statementArgs.length)
      await psql(pg, port, PG_DATABASE, 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  });
  const url = `postgres://${PG_SUPERUSER}@${HOST}:${port}/${PG_DATABASE}`;
  ctx.say(`postgresql ${pg.version} ready on ${url} (data ${pgdata}, socket dir ${socket.dir})`);
  return { urls: { postgres: url }, stop };
}

/**
 * STACK_PG_STATEMENTS=on (benchmarks: test/bench/machine.ts `databaseStatements`): the server counts
 * its statements (`pg_stat_statements`, when this PostgreSQL has the module), so that a benchmark can
 * say which of FerretDB's requests a complaint costs. Off by default: it costs the server a little.
 */
function statementStatsArgs(pg: PostgresServer): string[] {
  if (process.env.STACK_PG_STATEMENTS !== 'on') return [];
  if (!existsSync(path.join(pg.bindir, '..', 'lib', 'pg_stat_statements.so'))) return [];
  return ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.max=10000'];
}

function socketDir(root: string, port: number): { dir: string; temporary: boolean } {
  const dir = path.join(root, 'run');
  if (Buffer.byteLength(path.join(dir, `.s.PGSQL.${port}`)) <= UNIX_SOCKET_PATH_MAX) {
    mkdirSync(dir, { recursive: true });
    return { dir, temporary: false };
  }
  return { dir: mkdtempSync('/tmp/closedloop-pg-'), temporary: true };
}

/** As root: the server's user owns its directories and can search the data dir (o+x, no listing). */
function grantToServerUser(ctx: ServiceContext, pg: PostgresServer, dirs: string[]): void {
  if (!pg.runAs) return;
  const { uid, gid, user } = pg.runAs;
  if (!searchableBy(ctx.dataDir, uid, gid)) {
    chmodSync(ctx.dataDir, (statSync(ctx.dataDir).mode & 0o7777) | 0o001);
    ctx.say(`postgresql: made ${ctx.dataDir} searchable (o+x) for user ${user}`);
  }
  dirs.forEach((dir) => chownSync(dir, uid, gid));
}

/** Command and args that run a PostgreSQL program as the server's user (directly unless we are root). */
function asServerUser(
  pg: PostgresServer,
  program: string,
  args: string[],
): { command: string; args: string[] } {
  if (!pg.runAs) return { command: program, args };
  const [command, ...prefix] = pg.runAs.command as [string, ...string[]];
  return { command, args: [...prefix, program, ...args] };
}

/** The environment of PostgreSQL programs: none of our PG* settings, the C locale. */
function postgresEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PG')));
  return { ...env, LC_ALL: 'C' };
}

async function initdb(ctx: ServiceContext, pg: PostgresServer, root: string, pgdata: string): Promise<void> {
  const started = Date.now();
  // Into a side directory first, so that a half-made cluster is never taken for a finished one.
  const tmp = path.join(root, 'data.init');
  rmSync(tmp, { recursive: true, force: true });
  const args = ['-D', tmp, '-U', PG_SUPERUSER, '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'];
  const { command, args: argv } = asServerUser(pg, path.join(pg.bindir, 'initdb'), args);
  const logFile = path.join(ctx.logDir, 'postgres-initdb.log');
  mkdirSync(ctx.logDir, { recursive: true });
  const result = await runTool(command, argv, postgresEnv(), 120_000);
  writeFileSync(logFile, `$ ${[command, ...argv].join(' ')}\n${result.output}`);
  if (!result.ok) {
    throw new Error(
      `initdb of ${pgdata} failed (log: ${logFile}):\n${result.output.trim().split('\n').slice(-15).join('\n')}\n` +
        'Set CLOSEDLOOP_MONGO_BACKEND=sqlite to run FerretDB on SQLite instead.',
    );
  }
  renameSync(tmp, pgdata);
  ctx.say(`postgresql: initdb ${pgdata} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

function assertClusterVersion(root: string, pgdata: string, pg: PostgresServer): void {
  const version = readFileSync(path.join(pgdata, 'PG_VERSION'), 'utf8').trim();
  if (version === pg.version) return;
  throw new Error(
    `${pgdata} holds a PostgreSQL ${version} cluster, but the server found is PostgreSQL ${pg.version} ` +
      `(${pg.bindir}). It holds only local data: delete ${root} to start afresh, ` +
      'or set CLOSEDLOOP_MONGO_BACKEND=sqlite.',
  );
}

/** FerretDB on SQLite's data is not carried over to PostgreSQL: say so on the first PostgreSQL start. */
function noteSqliteData(ctx: ServiceContext): void {
  const dir = path.join(ctx.dataDir, 'ferretdb');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.sqlite')) : [];
  if (files.length === 0) return;
  ctx.say(
    `mongodb: ${dir} holds data of FerretDB on SQLite from earlier runs; it is not copied to PostgreSQL ` +
      '(CLOSEDLOOP_MONGO_BACKEND=sqlite uses it again)',
  );
}

/**
 * The postmaster's pid (from postmaster.pid), registered for the orphan cleanup with SIGINT. It is
 * the child's own pid unless runuser sits in between.
 */
function trackPostmaster(ctx: ServiceContext, pgdata: string, proc: ManagedProcess): number | undefined {
  let pid: number | undefined;
  try {
    pid = Number(readFileSync(path.join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    pid = proc.pid;
  }
  const cmdline = pid ? processCmdline(pid) : undefined;
  if (!pid || !cmdline) return proc.pid;
  ctx.children.track({ name: 'postgres', pid, cmdline, stopSignal: 'SIGINT' });
  return pid;
}

/** SIGINT = fast shutdown (clients are disconnected, then a checkpoint); SIGTERM/SIGKILL if it hangs. */
async function stopPostgres(
  proc: ManagedProcess,
  postmasterPid: number | undefined,
  socket: { dir: string; temporary: boolean },
): Promise<void> {
  if (proc.running) {
    // Through runuser, signal the postmaster itself: runuser would send SIGTERM and SIGKILL 2 s later.
    if (postmasterPid !== undefined && postmasterPid !== proc.pid && isAlive(postmasterPid)) {
      process.kill(postmasterPid, 'SIGINT');
    } else {
      proc.kill('SIGINT');
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([proc.exited, new Promise((resolve) => (timer = setTimeout(resolve, PG_STOP_MS)))]);
    clearTimeout(timer);
    await proc.stop(5_000);
  }
  if (socket.temporary) rmSync(socket.dir, { recursive: true, force: true });
}

/** Runs psql against the local server; resolves with its trimmed unaligned output. */
function psql(pg: PostgresServer, port: number, db: string, sql: string): Promise<string> {
  const args = ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', HOST, '-p', String(port)];
  args.push('-U', PG_SUPERUSER, '-d', db, '-c', sql);
  return runTool(
    path.join(pg.bindir, 'psql'),
    args,
    { ...postgresEnv(), PGCONNECT_TIMEOUT: '2' },
    15_000,
  ).then((r) => {
    if (!r.ok) throw new Error(`psql: ${r.output.trim() || 'failed'}`);
    return r.stdout.trim();
  });
}

function runTool(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ ok: boolean; stdout: string; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: timeoutMs, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      const output = `${stdout}${stderr}${err && !stderr ? `${err.message}\n` : ''}`;
      resolve({ ok: !err, stdout, output });
    });
  });
}
