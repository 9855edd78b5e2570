// Summarises V8 CPU profiles (`node --cpu-prof`, one file per thread) by where the time went:
// self time by function and by package or source area, the top N of each. Used to profile the
// worker during `npm run bench:timers` (issue 23 item 5):
//   BENCH_WORKER_CPU_PROF=<dir> npm run bench:timers -- --n 1000
//   npx tsx test/bench/cpu-profile-summary.ts <dir or .cpuprofile files …> [--top 25]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** The package (node_modules/<name>) or the product's top folder a script belongs to. */
export function areaOf(url: string): string {
  if (!url) return '(native / idle / GC)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node';
  const m = /\/work\/[^/]+\/([^/]+)\//.exec(url) ?? /workflow-bundle-[^/]*\.js/.exec(url);
  return m ? (m[1] ?? 'workflow bundle') : url.split('/').slice(-2).join('/');
}

/** Self time per function and per area (ms), from the samples and their time deltas. */
export function summarise(profile: Profile): {
  totalMs: number;
  byFunction: Map<string, number>;
  byArea: Map<string, number>;
} {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i]!);
    const ms = (deltas[i] ?? 0) / 1000;
    if (!node || ms <= 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    total += ms;
    const fn =
      `${functionName || '(anonymous)'} ${url ? `${url.split('/').slice(-2).join('/')}:${lineNumber + 1}` : ''}`.trim();
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    const area = ['(garbage collector)', '(program)'].includes(functionName) ? functionName : areaOf(url);
    byArea.set(area, (byArea.get(area) ?? 0) + ms);
  }
  return { totalMs: total, byFunction, byArea };
}

function top(map: Map<string, number>, n: number, total: number): string {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([k, ms]) => `| ${k.replace(/\|/g, '\\|')} | ${ms.toFixed(0)} | ${((100 * ms) / total).toFixed(1)} % |`,
    )
    .join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const n = topAt >= 0 ? Number(args[topAt + 1]) : 25;
  const inputs = args.filter((a, i) => !a.startsWith('--') && (topAt < 0 || i !== topAt + 1));
  const files = inputs.flatMap((p) =>
    statSync(p).isDirectory()
      ? readdirSync(p)
          .filter((f) => f.endsWith('.cpuprofile'))
          .map((f) => path.join(p, f))
      : [p],
  );
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    const { totalMs, byFunction, byArea } = summarise(profile);
    const wallS = (profile.endTime - profile.startTime) / 1e6;
    console.log(
      `\n## ${path.basename(file)}: ${(totalMs / 1000).toFixed(1)} s busy of ${wallS.toFixed(0)} s\n`,
    );
    console.log('| area | self ms | share |\n| --- | ---: | ---: |');
    console.log(top(byArea, n, totalMs));
    console.log('\n| function | self ms | share |\n| --- | ---: | ---: |');
    console.log(top(byFunction, n, totalMs));
  }
}

if (require.main === module) main();
