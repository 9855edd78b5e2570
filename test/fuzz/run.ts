// `npm run fuzz`: thousands of malformed requests, generated from /openapi.json with fast-check, to
// every operation of a running ClosedLoop API. Starts its own local stack (temp dir, free ports,
// rate limits lifted) unless FUZZ_API_URL points at one (then the dev API keys are used).
//   FUZZ_RUNS=5000 FUZZ_SEED=7 npm run fuzz
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStack, type Stack } from '../../infra/stack/stack';
import { runFuzz, summary } from './harness';

async function main(): Promise<void> {
  const numRuns = Number(process.env.FUZZ_RUNS ?? 3000);
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 100_000);
  let stack: Stack | undefined;
  let dataDir: string | undefined;
  let baseUrl = process.env.FUZZ_API_URL;
  if (!baseUrl) {
    dataDir = mkdtempSync(path.join(tmpdir(), 'closedloop-fuzz-'));
    console.log('starting a local stack for the fuzzing run …');
    stack = await startStack({
      dataDir,
      ports: 'auto',
      quiet: true,
      appEnv: { LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '1000000' },
    });
    baseUrl = stack.urls.api;
  }
  try {
    console.log(`fuzzing ${baseUrl} with ${numRuns} requests (seed ${seed}) …`);
    const started = Date.now();
    const run = await runFuzz(
      {
        baseUrl,
        keys: { intake: 'dev-intake-key', supervisor: 'dev-supervisor-key', handler: 'dev-handler-key' },
      },
      { numRuns, seed, concurrency: 4, onProgress: (n) => process.stdout.write(`  ${n} sent\n`) },
    );
    console.log(`\n${summary(run)}\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);
    if (run.report.failures.length || run.stateChanged.length) process.exitCode = 1;
    if (stack) console.log(`API log: ${path.join(stack.logDir, 'api.log')}`);
  } finally {
    await stack?.stop();
    if (dataDir && !process.env.KEEP_TEST_DATA) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
