// `npm run bench:intake`: complaints accepted per second through the API, and p50/p99 latency, at
// rising load; beside it, in the same run and on the same Temporal server, the rate at which a bare
// client starts a no-op workflow (the ceiling for this machine). Then each level once more with the
// worker stopped while the API answers (the worker on other cores, as deployed).
//   BENCH_N=300 BENCH_CONCURRENCY=1,8,32 npm run bench:intake
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startStack } from '../../infra/stack/stack';
import { dataConverterFromEnv } from '../../platform/data-converter';
import { intakeBody } from '../support/fixtures';
import { spreadComplaint } from './data';
import { cpuDelta, cpuProfileEnv, stackCpu, stackProcesses } from './machine';
import { machine, measure, table, type RunFigures } from './stats';

async function main(): Promise<void> {
  const n = Number(process.env.BENCH_N ?? 300);
  const levels = (process.env.BENCH_CONCURRENCY ?? '1,8,32').split(',').map(Number);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'closedloop-bench-'));
  console.log(`machine: ${machine()}`);
  console.log(
    'starting the local stack (Temporal dev server, FerretDB, mail sink, Twilio simulator, worker, API) …',
  );
  // As in the other benchmarks: complaints spread over districts and cells, mass-incident
  // recognition off (bench:burst measures a burst about one site on its own); the per-key rate
  // limit out of the way (600 a minute refused 10 of the 32-in-flight run once intake got faster).
  const stack = await startStack({
    dataDir,
    ports: 'auto',
    quiet: true,
    appEnv: {
      LOG_LEVEL: 'warn',
      MASS_INCIDENTS: 'off',
      RATE_LIMIT_PER_MINUTE: '1000000',
      ...cpuProfileEnv(),
    },
  });
  const connection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  const client = new Client({ connection, dataConverter: dataConverterFromEnv(stack.env) });
  const rows: RunFigures[] = [];
  try {
    // Warm up both paths (first requests pay for connections and JIT).
    let filed = 0;
    for (let i = 0; i < 10; i++, filed++) await fileComplaint(stack.urls.api, filed);
    for (let i = 0; i < 10; i++) await startNoop(client, `warm-${i}`);

    // Each level twice: first with the worker on these two shared cores, then with it stopped
    // (SIGSTOP) while the API answers and let go to catch up afterwards — what intake does when the
    // worker runs on other cores than the API and the server, as in a deployment. The ceiling has
    // no worker either way.
    const workers = [...stackProcesses(dataDir)].filter(([name]) => /^worker(-\d+)?$/.test(name));
    if (workers.length === 0) throw new Error(`no worker in ${dataDir}/stack.json`);
    for (const stopped of [false, true])
      for (const c of levels) {
        // Each pair starts with an idle worker: wait until every complaint filed so far got its SMS.
        await drained(stack.urls.twilioSim, filed);
        if (stopped) workers.forEach(([, pid]) => process.kill(pid, 'SIGSTOP'));
        try {
          const raw = await measure('ceiling: client.workflow.start(no-op)', n, c, (i) =>
            startNoop(client, `${stopped ? 'stopped-' : ''}${c}-${i}`),
          );
          const cpu0 = stackCpu(dataDir);
          const label = stopped
            ? 'API intake, worker stopped (other cores)'
            : 'API intake (validate + start ComplaintWorkflow)';
          const api = await measure(label, n, c, (i) => fileComplaint(stack.urls.api, filed + i));
          const cpu = cpuDelta(cpu0, stackCpu(dataDir));
          filed += api.count - api.errors;
          rows.push(api, raw);
          console.log(
            `in flight ${c}${stopped ? ', worker stopped' : ''}: API ${api.perSecond.toFixed(1)}/s p50 ${api.p50.toFixed(1)} ms p99 ${api.p99.toFixed(1)} ms | ceiling ${raw.perSecond.toFixed(1)}/s p50 ${raw.p50.toFixed(1)} ms p99 ${raw.p99.toFixed(1)} ms | API at ${((100 * api.perSecond) / raw.perSecond).toFixed(0)} % of ceiling`,
          );
          // Where an intake's CPU goes when nothing else runs (bench = the HTTP client).
          if (stopped)
            console.log(
              `  CPU per intake, ms: ${cpu.map(([k, v]) => `${k} ${((1000 * v) / api.count).toFixed(1)}`).join(', ')}`,
            );
        } finally {
          if (stopped) workers.forEach(([, pid]) => process.kill(pid, 'SIGCONT'));
        }
      }
    await drained(stack.urls.twilioSim, filed);
    console.log(`all ${filed} complaints acknowledged by SMS; worker caught up`);
    console.log(`\n${table(rows)}\n`);
    const errors = rows.reduce((s, r) => s + r.errors, 0);
    if (errors) {
      console.error(`${errors} requests failed`);
      process.exitCode = 1;
    }
  } finally {
    await connection.close();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Waits until the worker has caught up: one acknowledgement SMS per complaint filed. */
async function drained(simUrl: string, filed: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    const sent = ((await (await fetch(`${simUrl}/_sim/messages`)).json()) as unknown[]).length;
    if (sent >= filed) return;
    if (Date.now() - started > 300_000) throw new Error(`worker did not catch up: ${sent}/${filed} SMS`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function fileComplaint(api: string, i: number): Promise<void> {
  const res = await fetch(`${api}/v1/complaints`, {
    method: 'POST',
    headers: { authorization: 'Bearer dev-intake-key', 'content-type': 'application/json' },
    body: JSON.stringify(intakeBody(spreadComplaint(i))),
  });
  if (res.status !== 201) throw new Error(`intake answered ${res.status}: ${await res.text()}`);
}

async function startNoop(client: Client, id: string): Promise<void> {
  // No worker polls this queue: this measures only what the server needs to accept a start.
  await client.workflow.start('noopWorkflow', {
    taskQueue: 'bench-noop',
    workflowId: `noop-${process.pid}-${id}`,
    args: [],
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
