// `npm run network:import -- <kind> <file>`: imports one CSV or JSON file into MONGODB_URI, all
// rows or none, and prints the report (rejected rows with row number, line, field and message).
// Exit code 0 when imported, 1 when rejected, 2 on a usage or connection error.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DATASET_KINDS, isDatasetKind } from '../../activities/evidence/datasets';
import { importDataset } from '../../activities/evidence/import';
import { networkCollections } from '../../activities/evidence/mongo';
import { connectMongo } from '../../activities/models';

const DEFAULT_URI = 'mongodb://127.0.0.1:27017/closedloop';

async function main(): Promise<number> {
  const [kind, file] = process.argv.slice(2);
  if (!kind || !file || !isDatasetKind(kind)) {
    console.error(`usage: npm run network:import -- <${DATASET_KINDS.join('|')}> <file.csv|file.json>`);
    return 2;
  }
  const format = path.extname(file).toLowerCase() === '.json' ? 'json' : 'csv';
  const text = readFileSync(file, 'utf8');
  const uri = process.env.MONGODB_URI || DEFAULT_URI;
  const mongo = await connectMongo(uri);
  try {
    const report = await importDataset(networkCollections(mongo), kind, format, text, {
      onProgress: (done, total) => process.stderr.write(`\r${kind}: ${done}/${total} rows written`),
    });
    process.stderr.write('\n');
    if (report.rejectedTotal > 0) {
      console.error(`${file}: ${report.rejectedTotal} problem(s) in ${report.rows} rows; nothing imported`);
      for (const r of report.rejected)
        console.error(
          `  row ${r.row}${r.line !== undefined ? ` (line ${r.line})` : ''} ${r.field}: ${r.message}`,
        );
      if (report.rejectedTotal > report.rejected.length)
        console.error(`  … and ${report.rejectedTotal - report.rejected.length} more`);
      return 1;
    }
    console.log(`${file}: imported ${report.imported} ${kind} rows in ${report.ms} ms`);
    return 0;
  } finally {
    await mongo.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`network:import failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
