// `npm run dev` as a newcomer and a service manager use it (issue 24): started in the background
// from a script (SIGINT ignored, as a shell does for `cmd &`), the README's tour run as written
// against it, then stopped by a signal to npm's pid or to its process group — everything stops,
// the data stays. Fixed dev ports, as `npm run dev` has; its own data directory.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const API = 'http://127.0.0.1:3000';
/**
 * The dev stack's fixed ports: API, Temporal, its UI, MongoDB and PostgreSQL, mail (SMTP, inbox),
 * Twilio simulator, dispatcher simulator.
 */
const PORTS = [3000, 7233, 8233, 27017, 5433, 1025, 1080, 3010, 3030];
/** The EMOS-like dispatcher simulator the tour's step 7 reads (infra/dispatcher-sim). */
const DISPATCHER = 'http://127.0.0.1:3030';
/** The ticket the tour files over TMF621 in step 7. */
const TMF_TICKET = 'EMOS-EMOS-2026-000003';
let work: string;

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'closedloop-dev-tour-'));
  chmodSync(work, 0o755); // PostgreSQL (FerretDB's backend, as in npm run dev) runs as its own user
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

interface Started {
  npmPid: number;
  pgid: number;
  log: string;
  exited: Promise<void>;
}

/** `npm run dev > log 2>&1 &` from a non-interactive shell of its own process group, as a script would. */
async function startInBackground(name: string): Promise<Started> {
  const log = path.join(work, `${name}.log`);
  const pidFile = path.join(work, `${name}.pid`);
  const shell = spawn('bash', ['-c', `npm run dev > '${log}' 2>&1 & echo $! > '${pidFile}'; wait`], {
    cwd: REPO,
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, CLOSEDLOOP_DATA_DIR: path.join(work, 'data') },
  });
  const exited = new Promise<void>((resolve) => shell.on('exit', () => resolve()));
  const npmPid = await until(() => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0), 10_000);
  await until(
    () => /^ready$/m.test(text(log)),
    240_000,
    () => `ready in ${log}:\n${text(log).slice(-3000)}`,
  );
  return { npmPid, pgid: shell.pid!, log, exited };
}

/** What the dispatcher simulator's received.json shows (infra/dispatcher-sim/server.ts `Received`). */
interface DispatcherReceived {
  events: {
    eventId: string;
    eventType: string;
    listener: string;
    deliveries: number;
    body: { event?: { troubleTicket?: { id?: string; status?: string } } };
  }[];
  replies: {
    key: string;
    channel: string;
    deliveries: number;
    authorized: boolean;
    body: Record<string, unknown>;
  }[];
}

const dispatcherReceived = async (): Promise<DispatcherReceived> =>
  (await fetch(`${DISPATCHER}/received.json`)).json() as Promise<DispatcherReceived>;

const text = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');

async function until<T>(
  get: () => T | Promise<T>,
  ms: number,
  what: () => string = () => 'condition',
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

/** Sends the signal, then expects npm, the shell and every dev port gone and the orderly stop logged. */
async function stopWith(s: Started, signal: NodeJS.Signals, target: 'npm' | 'group'): Promise<void> {
  process.kill(target === 'npm' ? s.npmPid : -s.pgid, signal);
  await until(
    () => !alive(s.npmPid),
    90_000,
    () => `npm (${s.npmPid}) to exit after ${signal}`,
  );
  await s.exited;
  const open = (await Promise.all(PORTS.map(async (p) => ((await listening(p)) ? p : 0)))).filter(Boolean);
  expect(open).toEqual([]);
  expect(text(s.log)).toMatch(/stopping ClosedLoop/);
  expect(text(s.log)).toMatch(/stopped; data kept in/);
}

/** The bash blocks of the README's tour, in order. */
function tourBlocks(): string[] {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const tour = readme.split('## A five-minute tour')[1]!.split(/\n## /)[0]!;
  return [...tour.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!.replace(/^ {3}/gm, ''));
}

/**
 * Runs the tour's commands in one bash session (as a reader pasting them would), with `curl` noting
 * each answer's status and `npm` running in the repository. `npm run dev` itself is already running.
 */
function runTour(blocks: string[]): { codes: number[]; expected: (number | '2xx')[]; output: string } {
  const statuses = path.join(work, 'tour-statuses');
  const prologue = [
    'set -eo pipefail',
    `npm() { if [ "$1 $2" = "run dev" ]; then return 0; fi; command npm --prefix '${REPO}' "$@"; }`,
    `curl() { local out; out=$(command curl -w '\\n%{http_code}' "$@"); printf '%s\\n' "\${out%$'\\n'*}"; printf '%s\\n' "\${out##*$'\\n'}" >> '${statuses}'; }`,
  ];
  const script = [...prologue, ...blocks].join('\n');
  writeFileSync(path.join(work, 'tour.sh'), script);
  const r = spawnSync('bash', [path.join(work, 'tour.sh')], {
    cwd: work,
    encoding: 'utf8',
    timeout: 300_000,
  });
  const output = `${r.stdout}\n${r.stderr}`;
  if (r.status !== 0)
    throw new Error(`the tour's commands failed (exit ${r.status}):\n${output.slice(-4000)}`);
  const codes = text(statuses).trim().split('\n').map(Number);
  // Every curl line of the tour answers 2xx unless the README says otherwise (`# 409: …`).
  const expected = blocks
    .join('\n')
    .split('\n')
    .filter((l) => /(^|[\s(])curl /.test(l))
    .map((l) => {
      const said = /# (\d{3})\b/.exec(l);
      return said ? Number(said[1]) : ('2xx' as const);
    });
  return { codes, expected, output };
}

describe('npm run dev on a fresh data directory, started in the background', () => {
  it('the README tour runs as written; SIGINT to npm stops everything; data is kept', async () => {
    const s = await startInBackground('first');
    const banner = text(s.log);
    // Every seeded identity and how to get a token for it (issue 24: no admin credential at hand).
    for (const user of ['handler.li', 'supervisor.wang', 'interface.chen', 'analyst.sun', 'admin.root'])
      expect(banner).toContain(user);
    expect(banner).toContain(`${API}/dev/token`);

    const tour = runTour(tourBlocks());
    expect(tour.codes).toHaveLength(tour.expected.length);
    const mismatched = tour.codes
      .map((code, i) => ({ i, code, expected: tour.expected[i]! }))
      .filter((c) => (c.expected === '2xx' ? c.code < 200 || c.code > 299 : c.code !== c.expected));
    expect(mismatched).toEqual([]);
    // Step 6 escalated the second complaint, not the closed first one (an escalation is a signal:
    // it shows once the workflow has taken it).
    const escalated = await until(
      async () => {
        const res = await fetch(`${API}/v1/complaints/EMOS-EMOS-2026-000002`, {
          headers: { authorization: 'Bearer dev-supervisor-key' },
        });
        const view = res.ok ? ((await res.json()) as { escalations: { level: number }[] }) : undefined;
        return view?.escalations.some((e) => e.level === 2);
      },
      30_000,
      () => 'the second complaint escalated to level 2',
    );
    expect(escalated).toBe(true);

    // Step 7 shows a newcomer the dispatcher hearing back: after the tour resolved and closed the
    // TMF ticket, the simulator holds its hub events and its work-order reply, once per step, with
    // what the tour's PATCHes and final reply said.
    const got = (await until(
      async () => {
        const r = await dispatcherReceived();
        const replies = r.replies.filter((x) => x.body.ticketId === TMF_TICKET);
        const events = r.events.filter((e) => e.body.event?.troubleTicket?.id === TMF_TICKET);
        const closed = events.some((e) => e.body.event?.troubleTicket?.status === 'closed');
        return replies.length >= 2 && closed ? { replies, events } : undefined;
      },
      60_000,
      () => `the work-order replies and events of ${TMF_TICKET} at ${DISPATCHER}/received.json`,
    ))!;
    expect(got.replies.map((r) => r.key).sort()).toEqual([
      `${TMF_TICKET}:reply:close:1`,
      `${TMF_TICKET}:reply:resolve:1`,
    ]);
    for (const r of got.replies) {
      expect(r).toMatchObject({ channel: 'EMOS', deliveries: 1, authorized: true });
      expect(r.body).toMatchObject({
        '@type': 'WorkOrderReply',
        externalId: 'EMOS-2026-000003',
        checked: '话统与告警',
        found: '服务小区驻波比告警',
        summary: '更换跳线后信号恢复正常，已复测',
        rootCause: '天馈跳线老化导致驻波比告警',
        actions: '更换跳线并复测',
      });
    }
    expect(got.replies.find((r) => r.key.includes(':close:'))!.body).toMatchObject({
      step: 'close',
      status: 'closed',
      customerTold: '电话告知客户已修复',
      customerConfirmed: true,
      satisfied: true,
    });
    expect(got.replies.find((r) => r.key.includes(':resolve:'))!.body).toMatchObject({ step: 'resolve' });
    // The hub events reached the tour's listener: every status change after it subscribed, once each.
    for (const e of got.events) expect(e).toMatchObject({ listener: 'emos', deliveries: 1 });
    const statuses = got.events
      .filter((e) => e.eventType === 'TroubleTicketStatusChangeEvent')
      .sort((a, b) => Number(a.eventId.split(':').at(-1)) - Number(b.eventId.split(':').at(-1)))
      .map((e) => e.body.event?.troubleTicket?.status);
    expect(statuses).toEqual(['inProgress', 'resolved', 'closed']);
    expect(got.events.map((e) => e.eventType)).toContain('TroubleTicketResolvedEvent');
    // What the reader saw: the tour printed the simulator's received.json (its content depends on
    // the README's `sleep 3` against a loaded machine, so only its shape is checked here; the poll
    // above proves the replies arrived).
    const printed = tour.output.split('\n').find((l) => l.startsWith('{"events":'));
    expect(printed).toBeDefined();
    expect(JSON.parse(printed!)).toMatchObject({ events: expect.any(Array), replies: expect.any(Array) });

    await stopWith(s, 'SIGINT', 'npm');
  }, 900_000);

  it('SIGTERM to npm stops it; the next start finds the tour complaint again', async () => {
    const s = await startInBackground('second');
    const res = await fetch(`${API}/v1/complaints/EMOS-EMOS-2026-000001`, {
      headers: { authorization: 'Bearer dev-handler-key' },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { stage: string }).stage).toBe('CLOSED');
    await stopWith(s, 'SIGTERM', 'npm');
  }, 300_000);

  it('SIGINT to the process group stops it as Ctrl-C does', async () => {
    const s = await startInBackground('third');
    await stopWith(s, 'SIGINT', 'group');
  }, 300_000);
});
