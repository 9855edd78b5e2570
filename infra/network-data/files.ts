// Writing the network datasets as the import files of docs/network-data.md (CSV and JSON).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DATASET_KINDS, DATASETS, type DatasetKind } from '../../activities/evidence/datasets';
import type { NetworkDataSet } from '../../activities/evidence/memory';

function csvCell(v: unknown): string {
  const s = v === undefined || v === null ? '' : Array.isArray(v) ? v.join(';') : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(kind: DatasetKind, rows: object[]): string {
  const { columns } = DATASETS[kind];
  const lines = [columns.join(',')];
  for (const row of rows)
    lines.push(columns.map((c) => csvCell((row as Record<string, unknown>)[c])).join(','));
  return `${lines.join('\n')}\n`;
}

/** Writes `<kind>.csv` (or `.json`) for every dataset; returns the paths. */
export function writeDataset(dir: string, data: NetworkDataSet, format: 'csv' | 'json'): string[] {
  mkdirSync(dir, { recursive: true });
  return DATASET_KINDS.map((kind) => {
    const file = path.join(dir, `${kind}.${format}`);
    writeFileSync(
      file,
      format === 'csv' ? toCsv(kind, data[kind]) : `${JSON.stringify(data[kind], null, 1)}\n`,
    );
    return file;
  });
}
