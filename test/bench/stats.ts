// Small statistics and machine description for the benchmarks.
import os from 'node:os';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export interface RunFigures {
  label: string;
  concurrency: number;
  count: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** Runs `task` `count` times with `concurrency` in flight; measures each call. */
export async function measure(
  label: string,
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<RunFigures> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        try {
          await task(i);
          latencies.push(performance.now() - t);
        } catch (err) {
          errors += 1;
          if (errors <= 3) console.error(`  ${label}: ${(err as Error).message}`);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    label,
    concurrency,
    count,
    errors,
    seconds,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

export function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
}

export function table(rows: RunFigures[]): string {
  const head =
    '| run | in flight | n | errors | per second | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|---:|---:|';
  const lines = rows.map(
    (r) =>
      `| ${r.label} | ${r.concurrency} | ${r.count} | ${r.errors} | ${r.perSecond.toFixed(1)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} |`,
  );
  return [head, ...lines].join('\n');
}
