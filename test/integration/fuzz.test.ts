// The short fuzzing run of CI (S6): a few hundred malformed requests generated from /openapi.json
// to every operation. `npm run fuzz` is the long run.
import { runFuzz, summary } from '../fuzz/harness';
import { KEYS, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'warn' });
}, 600_000);

afterAll(async () => {
  await stack?.dispose();
}, 60_000);

it('S6 malformed and hostile requests to every operation cause no 5xx, no hang and no state change', async () => {
  const run = await runFuzz(
    { baseUrl: stack.urls.api, keys: KEYS },
    {
      numRuns: Number(process.env.FUZZ_RUNS ?? 400),
      seed: Number(process.env.FUZZ_SEED ?? 1),
      concurrency: 4,
    },
  );
  console.log(summary(run));
  expect(run.report.requests).toBe(Number(process.env.FUZZ_RUNS ?? 400));
  expect(run.report.failures).toEqual([]);
  expect(run.stateChanged).toEqual([]);
  // Every operation of the document was exercised.
  const doc = (await (await fetch(`${stack.urls.api}/openapi.json`)).json()) as {
    paths: Record<string, object>;
  };
  const ops = Object.entries(doc.paths).flatMap(([p, m]) =>
    Object.keys(m).map((x) => `${x.toUpperCase()} ${p}`),
  );
  expect(Object.keys(run.report.byOperation).sort()).toEqual(ops.sort());
}, 300_000);
