// `npm run network:seed`: generates the synthetic network data (generate.ts) ending now and loads
// it into the MongoDB of the running dev stack (MONGODB_URI, default mongodb://127.0.0.1:27017/closedloop),
// replacing the network datasets. Prints progress, the planted scenarios and a complaint to file
// for each. Options: --out <dir> writes the import files (CSV, or JSON with --json) and the
// manifest instead of loading; --seed <n>; --days <n>.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DATASET_KINDS } from '../../activities/evidence/datasets';
import { importDataset } from '../../activities/evidence/import';
import { networkCollections } from '../../activities/evidence/mongo';
import { connectMongo } from '../../activities/models';
import { writeDataset } from './files';
import { generateNetworkData, type Manifest } from './generate';

const DEFAULT_URI = 'mongodb://127.0.0.1:27017/closedloop';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function printScenarios(manifest: Manifest, apiUrl: string): void {
  console.log('\nPlanted scenarios (file one and see its pre-diagnosis on the complaint):');
  for (const s of manifest.scenarios)
    console.log(
      `  ${s.id.padEnd(14)} ${s.servingCellId.padEnd(16)} expect ${s.expectedCause.padEnd(24)} ${s.title}`,
    );
  const first = manifest.scenarios[0]!;
  console.log(
    `\nFor example:\n  curl -sS -X POST ${apiUrl}/v1/complaints -H 'Authorization: Bearer dev-intake-key' ` +
      `-H 'Content-Type: application/json' -d '${JSON.stringify(first.complaint)}'`,
  );
}

async function main(): Promise<void> {
  const seed = arg('seed') ? Number(arg('seed')) : undefined;
  const days = arg('days') ? Number(arg('days')) : undefined;
  const t0 = Date.now();
  const { data, manifest } = generateNetworkData({ seed, days });
  const total = Object.values(manifest.counts).reduce((a, b) => a + b, 0);
  console.log(
    `generated ${total} rows (${DATASET_KINDS.map((k) => `${k} ${manifest.counts[k]}`).join(', ')}) ` +
      `for ${manifest.generatedFor.from} → ${manifest.generatedFor.to} in ${Date.now() - t0} ms`,
  );

  const out = arg('out');
  if (out) {
    const files = writeDataset(out, data, process.argv.includes('--json') ? 'json' : 'csv');
    writeFileSync(path.join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    console.log(`wrote ${files.length} files and manifest.json to ${out}`);
    printScenarios(manifest, 'http://127.0.0.1:3000');
    return;
  }

  const uri = process.env.MONGODB_URI || DEFAULT_URI;
  console.log(`loading into ${uri.replace(/\/\/[^@/]*@/, '//***@')} (replacing the network datasets) …`);
  const mongo = await connectMongo(uri);
  try {
    const collections = networkCollections(mongo);
    for (const kind of DATASET_KINDS) {
      const started = Date.now();
      const report = await importDataset(collections, kind, 'json', data[kind], {
        replaceAll: true,
        onProgress: (done, n) => {
          if (process.stdout.isTTY) process.stdout.write(`\r  ${kind.padEnd(12)} ${done}/${n}`);
          else if (done < n) console.log(`  ${kind.padEnd(12)} ${done}/${n}`);
        },
      });
      if (report.rejectedTotal > 0)
        throw new Error(
          `${kind}: ${report.rejectedTotal} generated rows rejected: ${JSON.stringify(report.rejected.slice(0, 3))}`,
        );
      process.stdout.write(
        `${process.stdout.isTTY ? '\r' : ''}  ${kind.padEnd(12)} ${report.imported} rows in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
    }
  } finally {
    await mongo.close();
  }
  console.log(`seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  printScenarios(manifest, process.env.PUBLIC_BASE_URL || 'http://127.0.0.1:3000');
}

main().catch((err: unknown) => {
  console.error(`network:seed failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
