// `npm run eval:diagnosis`: the pre-diagnosis measured on labelled months (R3.5, docs/diagnosis.md).
// Generates a month of network data with 300 complaints of known cause per seed, runs each through
// the product's evidence path (the evidence activities over the in-memory adapter, then the
// stored evidence and the ranking the workflow keeps) and prints the confusion matrix, top-1 and
// top-3 per cause and, last, `diagnosis: top-1 X % top-3 Y %`. Exit code 1 when R3.5 is not met.
// Options: --seed <n>[,<n>…] (default: the evaluation seeds; the unit test's seed is 25),
// --per-cause <n> (default 50), --wrong (list the complaints whose top-1 is wrong).
// --outcomes <mongodb uri>: instead, how often handlers confirmed the top hypothesis on the real
// complaints of that read model (the cause named when resolving, issue 25).
import { connectMongo, createModels } from '../../activities/models';
import type { ComplaintView, DiagnosisCheck } from '../../workflows/complaint/contract';
import { formatChecks, summariseChecks } from '../../domain/policy/diagnosis-check';
import { EVAL_SEEDS, evaluateSeeds, formatScorecard, meetsR35 } from '../support/diagnosis-eval';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function outcomes(uri: string): Promise<void> {
  const connection = await connectMongo(uri, { waitMs: 5_000 });
  try {
    const { ComplaintView: Views } = createModels(connection);
    // Whole views: a rare run by an analyst, not a hot path.
    const docs = await Views.find({ 'view.resolution.diagnosis': { $exists: true } }).lean();
    const checks = docs.flatMap((d) => {
      const check: DiagnosisCheck | undefined = (d.view as unknown as ComplaintView | undefined)?.resolution
        ?.diagnosis;
      return check ? [check] : [];
    });
    console.log(formatChecks(summariseChecks(checks)));
  } finally {
    await connection.close();
  }
}

async function main(): Promise<void> {
  const uri = arg('outcomes');
  if (uri) return outcomes(uri);
  const seeds = arg('seed')?.split(',').map(Number) ?? [...EVAL_SEEDS];
  if (seeds.some((s) => !Number.isInteger(s)))
    throw new Error('--seed takes whole numbers, e.g. --seed 2511,2512');
  const perCause = arg('per-cause') ? Number(arg('per-cause')) : undefined;
  const started = Date.now();
  const card = await evaluateSeeds(seeds, perCause);
  if (process.argv.includes('--wrong'))
    for (const c of card.cases.filter((x) => !x.top1))
      console.log(
        `wrong: ${c.ticketId} ${c.cause} (${c.variant}) on ${c.servingCellId} → ${c.ranked.slice(0, 3).join(' > ')}${c.gaps ? ` (${c.gaps} gaps)` : ''}`,
      );
  const verdict = meetsR35(card);
  console.log(`evaluated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(verdict.ok ? 'R3.5 met' : `R3.5 not met: ${verdict.failures.join('; ')}`);
  console.log(formatScorecard(card));
  if (!verdict.ok) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(`eval:diagnosis failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(2);
});
