// What every benchmark prints first (issue 9): the machine and the versions it measured, so that a
// figure can be compared with a re-run elsewhere. The load average says whether the machine was quiet.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import type { Stack } from '../../infra/stack/stack';
import { ensureMongo, ensureTemporalCli } from '../../infra/stack/provision';

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 10_000 }, (_err, stdout) => resolve(String(stdout ?? '').trim()));
  });
}

export interface MachineInfo {
  cores: number;
  cpu: string;
  memoryGiB: number;
  os: string;
  node: string;
  temporalCli: string;
  temporalServer: string;
  mongo: string;
  loadAverage: number[];
  lines: string[];
}

export async function describeMachine(stack: Stack): Promise<MachineInfo> {
  const cpus = os.cpus();
  const cli = (await run(await ensureTemporalCli(), ['--version'])).split('\n')[0] ?? '?';
  const connection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  let temporalServer = '?';
  try {
    const info = await connection.workflowService.getSystemInfo({});
    temporalServer = info.serverVersion || '?';
  } finally {
    await connection.close();
  }
  const mongo = await mongoVersion(stack.env.MONGODB_URI!, stack.urls.postgres !== undefined);
  const info: Omit<MachineInfo, 'lines'> = {
    cores: cpus.length,
    cpu: cpus[0]?.model ?? 'cpu',
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    os: `${os.platform()} ${os.release()}`,
    node: process.version,
    temporalCli: cli,
    temporalServer,
    mongo,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  const lines = [
    `machine: ${info.cores} × ${info.cpu}, ${info.memoryGiB} GiB, ${info.os}`,
    `versions: Node ${info.node}; ${info.temporalCli.replace(/^temporal version/, 'Temporal CLI')}, frontend reports ${info.temporalServer}, dev server on SQLite; ${info.mongo}`,
    `load average at start (1/5/15 min): ${info.loadAverage.join(' / ')} — other processes share these cores`,
  ];
  return { ...info, lines };
}

async function mongoVersion(uri: string, onPostgres: boolean): Promise<string> {
  // The wrapper build reports no version of its own: take it (and PostgreSQL's) from the route.
  const route = await ensureMongo();
  const built = route.kind === 'ferretdb' ? /ferretdb-(v[\d.]+)/.exec(route.bin)?.[1] : undefined;
  const pg = route.kind === 'ferretdb' && route.postgres ? `PostgreSQL ${route.postgres.version}` : 'SQLite';
  const conn = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5_000 });
  try {
    await conn.asPromise();
    const info = (await conn.db!.admin().command({ buildInfo: 1 })) as {
      version?: string;
      ferretdbVersion?: string;
    };
    if (info.ferretdbVersion)
      return `FerretDB ${built ?? info.ferretdbVersion} on ${onPostgres ? pg : 'SQLite'} (MongoDB wire version ${info.version})`;
    return `MongoDB ${info.version}`;
  } catch {
    return 'MongoDB ?';
  } finally {
    await conn.close().catch(() => undefined);
  }
}

/** CPU seconds used so far by a process (utime + stime from /proc), or NaN. */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

/** Resident set size of a process in MiB (VmRSS from /proc/<pid>/status), or NaN. */
export function rssMiB(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return kb / 1024;
  } catch {
    return NaN;
  }
}

/** Direct children of a process (Linux /proc), e.g. PostgreSQL's backends under the postmaster. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return out;
}

/**
 * CPU seconds used so far by each process of the local stack (from its registry file
 * <dataDir>/stack.json; PostgreSQL with its backends), plus this process ('bench').
 */
export function stackCpu(dataDir: string): Record<string, number> {
  const out: Record<string, number> = { bench: cpuSeconds(process.pid) };
  for (const [name, pid] of stackProcesses(dataDir)) {
    let s = cpuSeconds(pid);
    if (Number.isNaN(s)) continue;
    if (name === 'postgres') s += childrenOf(pid).reduce((sum, p) => sum + (cpuSeconds(p) || 0), 0);
    out[name.replace(/-\d+$/, '')] = (out[name.replace(/-\d+$/, '')] ?? 0) + s;
  }
  return out;
}

/**
 * The local stack's processes by name, each with its newest pid (a restarted part keeps its name),
 * from its registry file <dataDir>/stack.json; empty when there is none yet.
 */
export function stackProcesses(dataDir: string): Map<string, number> {
  const latest = new Map<string, number>();
  try {
    const { children } = JSON.parse(readFileSync(path.join(dataDir, 'stack.json'), 'utf8')) as {
      children: { name: string; pid: number }[];
    };
    for (const c of children) latest.set(c.name, c.pid);
  } catch {
    /* not written yet */
  }
  return latest;
}

/** CPU seconds per process between two stackCpu() samples, largest first. */
export function cpuDelta(before: Record<string, number>, after: Record<string, number>): [string, number][] {
  return Object.keys(after)
    .map((k): [string, number] => [k, (after[k] ?? 0) - (before[k] ?? 0)])
    .filter(([, v]) => v > 0.05)
    .sort((a, b) => b[1] - a[1]);
}

/** Work counters of the read model's PostgreSQL database (FerretDB's backend), cumulative. */
export type DatabaseWork = Record<
  'transactions' | 'rowsRead' | 'rowsInserted' | 'rowsUpdated' | 'rowsDeleted',
  number
>;

/** The stack's PostgreSQL behind FerretDB (its URL and database); undefined on SQLite or MongoDB. */
function postgresOf(stack: Stack): { url: string; db: string } | undefined {
  const url = stack.urls.postgres;
  return url ? { url, db: new URL(url).pathname.slice(1) } : undefined;
}

/** Runs SQL on the stack's PostgreSQL (psql on PATH); rows of fields. */
async function psqlRows(url: string, sql: string): Promise<string[][]> {
  const out = await new Promise<string>((resolve, reject) =>
    execFile(
      'psql',
      ['-XAtq', '-F', '\x1f', '-R', '\x1e', url, '-c', sql],
      { maxBuffer: 64 << 20 },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    ),
  );
  return out
    .split('\x1e')
    .map((r) => r.trim())
    .filter(Boolean)
    .map((r) => r.split('\x1f'));
}

/**
 * PostgreSQL's counters of the database behind FerretDB (`pg_stat_database`): every FerretDB
 * request is one transaction or more, so their difference over a run is how many requests the run
 * made of the database — a count, not a timing, so it does not move with the machine's speed.
 * PostgreSQL 15's backends publish their counters at most once a second while busy and within 10 s
 * once idle, so this waits 11 s first. Undefined without PostgreSQL (SQLite or a MongoDB URI).
 */
export async function settledDatabaseWork(stack: Stack): Promise<DatabaseWork | undefined> {
  const pg = postgresOf(stack);
  if (!pg) return undefined;
  await new Promise((r) => setTimeout(r, 11_000));
  const [row] = await psqlRows(
    pg.url,
    'SELECT xact_commit, tup_returned + tup_fetched, tup_inserted, tup_updated, tup_deleted ' +
      `FROM pg_stat_database WHERE datname = '${pg.db}'`,
  );
  const [transactions, rowsRead, rowsInserted, rowsUpdated, rowsDeleted] = row!.map(Number);
  return { transactions, rowsRead, rowsInserted, rowsUpdated, rowsDeleted } as DatabaseWork;
}

/** STACK_PG_STATEMENTS=on (infra/stack/services/postgres.ts): the statement counts, when kept. */
function statementsOf(stack: Stack): { url: string; db: string } | undefined {
  return process.env.STACK_PG_STATEMENTS === 'on' ? postgresOf(stack) : undefined;
}

/** Starts `databaseStatements`' count afresh (nothing without STACK_PG_STATEMENTS=on). */
export async function resetDatabaseStatements(stack: Stack): Promise<void> {
  const pg = statementsOf(stack);
  if (pg) await psqlRows(pg.url, 'SELECT pg_stat_statements_reset()');
}

/**
 * The statements FerretDB sent to PostgreSQL since `resetDatabaseStatements`, most called first,
 * with the tables named by their collections (FerretDB's `_ferretdb_database_metadata`). Needs a
 * stack started with STACK_PG_STATEMENTS=on; undefined otherwise.
 */
export async function databaseStatements(
  stack: Stack,
): Promise<{ calls: number; rows: number; query: string }[] | undefined> {
  const pg = statementsOf(stack);
  if (!pg) return undefined;
  const names = new Map<string, string>();
  for (const [schema] of await psqlRows(
    pg.url,
    "SELECT table_schema FROM information_schema.tables WHERE table_name = '_ferretdb_database_metadata'",
  ))
    for (const [collection, table] of await psqlRows(
      pg.url,
      `SELECT _jsonb->>'_id', _jsonb->>'table' FROM "${schema}"._ferretdb_database_metadata`,
    ))
      names.set(table!, collection!);
  const rows = await psqlRows(
    pg.url,
    'SELECT calls, rows, query FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid ' +
      `WHERE d.datname = '${pg.db}' ORDER BY calls DESC LIMIT 60`,
  );
  return rows.map(([calls, n, query]) => ({
    calls: Number(calls),
    rows: Number(n),
    query: query!
      .replace(/\s+/g, ' ')
      .replace(/"?([a-z0-9_]+_[0-9a-f]{8})"?/g, (m, t: string) => names.get(t) ?? m),
  }));
}

/**
 * BENCH_WORKER_CPU_PROF=<dir>: the stack's worker and API run with V8 CPU profiles of every thread,
 * written at their exit (summarise with test/bench/cpu-profile-summary.ts); put into `appEnv`.
 */
export function cpuProfileEnv(): Record<string, string> {
  const dir = process.env.BENCH_WORKER_CPU_PROF;
  return dir ? { STACK_NODE_ARGS: `--cpu-prof --cpu-prof-dir=${dir}` } : {};
}
