// `npm run soak` (S10, issue 26): under a sustained month-like load the product never stops
// answering. Starts the local stack, then files a seeded month of complaints per round (300 by
// default, at the month's own daily pace, compressed into SOAK_MONTH_SECONDS) with four bursts about
// one site that become mass incidents; simulated handlers, customers and incident owners act on
// every one of them, while a watcher asks /healthz, every dependency and the read model about once
// a second. Prints per round what was filed, closed, left waiting, the incidents, evidence gaps,
// intake latency, duplicates, losses and freezes; exits 1 on any freeze, loss, duplicate or
// complaint not at its expected end.
//   npm run soak                                  one month in 10 minutes
//   SOAK_MINUTES=60 npm run soak                  months back to back until an hour has passed
//   SOAK_MONTH_SECONDS=300 SOAK_ROUNDS=2 npm run soak   (or --month-seconds 300 --rounds 2)
// Also SOAK_COMPLAINTS, SOAK_BURSTS, SOAK_BURST_MIN/MAX, SOAK_SEED, SOAK_FREEZE_MS, SOAK_SETTLE_SECONDS.
import { describeMachine } from '../bench/machine';
import {
  formatRound,
  planMonth,
  problemsOf,
  Soak,
  SOAK_DEFAULTS,
  soakStackEnv,
  type RoundReport,
  type SoakOptions,
} from '../support/soak';
import { startTestStack } from '../support/stack';

/** `--month-seconds 300`, `--month-seconds=300` or SOAK_MONTH_SECONDS=300. */
function setting(name: string): number | undefined {
  const flag = `--${name.toLowerCase().replace(/_/g, '-')}`;
  const i = process.argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
  const raw =
    i < 0
      ? process.env[`SOAK_${name}`]
      : process.argv[i]!.includes('=')
        ? process.argv[i]!.split('=')[1]
        : process.argv[i + 1];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} / SOAK_${name}: a number, got '${raw}'`);
  return n;
}

async function main(): Promise<void> {
  const d = SOAK_DEFAULTS;
  const o: SoakOptions = {
    seed: setting('SEED') ?? d.seed,
    complaints: setting('COMPLAINTS') ?? d.complaints,
    bursts: setting('BURSTS') ?? d.bursts,
    burstSize: [setting('BURST_MIN') ?? d.burstSize[0], setting('BURST_MAX') ?? d.burstSize[1]],
    monthSeconds: setting('MONTH_SECONDS') ?? d.monthSeconds,
    settleMs: (setting('SETTLE_SECONDS') ?? d.settleMs / 1000) * 1000,
    freezeMs: setting('FREEZE_MS') ?? d.freezeMs,
  };
  const minutes = setting('MINUTES');
  const rounds = setting('ROUNDS') ?? (minutes !== undefined ? Infinity : 1);
  console.log(
    `soak: ${o.complaints} complaints and ${o.bursts} bursts of ${o.burstSize.join('–')} a month, one month in ${o.monthSeconds} s, ` +
      `${minutes !== undefined ? `for ${minutes} min` : `${rounds} round(s)`}, seed ${o.seed}, freeze = no answer in ${o.freezeMs} ms`,
  );
  console.log('starting the local stack …');
  const stack = await startTestStack({ ...soakStackEnv(), LOG_LEVEL: 'warn' });
  // Ctrl-C or a kill stops the stack it started (its API, worker and services), not only this
  // process: without this the stack's children outlived an interrupted soak.
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.on(sig, () => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${sig}: stopping the stack …`);
      void stack
        .dispose()
        .catch((err: unknown) => console.error(err))
        .finally(() => process.exit(130));
    });
  const started = Date.now();
  const reports: RoundReport[] = [];
  let soak: Soak | undefined;
  let failed = false;
  try {
    (await describeMachine(stack)).lines.forEach((l) => console.log(l));
    soak = await Soak.start(stack, o, (m) => console.log(`  ${new Date().toISOString().slice(11, 19)} ${m}`));
    for (let round = 0; round < rounds; round++) {
      // Months back to back until the time asked for has passed: it is a lower bound, the last
      // month always finishes (an hour's soak is at least an hour of load).
      if (minutes !== undefined && Date.now() - started >= minutes * 60_000) break;
      let r: RoundReport;
      try {
        r = await soak.round(planMonth(o, round, soak.cells));
      } catch (err) {
        console.log(`round ${round + 1} could not be counted: ${(err as Error).stack ?? String(err)}`);
        failed = true;
        break;
      }
      reports.push(r);
      formatRound(r, Number.isFinite(rounds) ? rounds : undefined).forEach((l) => console.log(l));
      const problems = problemsOf(r);
      console.log(problems.length ? `  NOT CLEAN: ${problems.join(', ')}` : '  clean');
    }
  } finally {
    await soak?.stop();
    await stack.dispose();
  }
  console.log(
    '\n| round | seconds | filed | closed | waiting | not at end | incidents | intake p50 / p95 / max ms | duplicates | lost | freezes | watcher samples |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |');
  for (const r of reports) {
    const samples = Math.min(...Object.values(r.watch.probes).map((p) => p.samples));
    console.log(
      `| ${r.round + 1} | ${r.seconds.toFixed(0)} | ${r.filed.total} | ${r.closed} | ${r.waiting} | ${r.notAtEnd.length} | ${r.incidents.started}/${r.incidents.expected} | ${r.intakeMs.p50.toFixed(0)} / ${r.intakeMs.p95.toFixed(0)} / ${r.intakeMs.max.toFixed(0)} | ${r.duplicates.sms + r.duplicates.mail} | ${r.lost.length} | ${r.watch.freezes.length} | ${samples} |`,
    );
  }
  const dirty = reports.filter((r) => problemsOf(r).length > 0);
  console.log(
    `\n${reports.length} month(s) in ${((Date.now() - started) / 60_000).toFixed(1)} min: ${dirty.length ? `${dirty.length} not clean` : 'every one clean'}`,
  );
  // Calls that never came back (a frozen part) must not keep the process alive.
  process.exit(failed || dirty.length || reports.length === 0 ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
