// Import of network data files (R3.4): CSV or JSON, validated row by row, all or nothing per file.
// Every row is validated and checked for duplicates (inside the file and against what is already
// imported) before anything is written; one bad row and nothing is imported, and the report names
// each rejected row (row number, CSV line, field, message). Used by the API and the CLI.
import { parse } from 'csv-parse/sync';
import type { z } from 'zod';
import { DATASETS, type DatasetKind } from './datasets';
import { ensureNetworkIndexes, toDoc, type NetworkCollections } from './mongo';

export type ImportFormat = 'csv' | 'json';

export interface RejectedRow {
  /** 1-based number of the data row (the CSV header is row 0). */
  row: number;
  /** Line in the CSV file where the row starts. */
  line?: number;
  field: string;
  message: string;
}

export interface ImportReport {
  kind: DatasetKind;
  format: ImportFormat;
  rows: number;
  imported: number;
  /** At most MAX_REPORTED entries; `rejectedTotal` counts them all. */
  rejected: RejectedRow[];
  rejectedTotal: number;
  ms: number;
}

export const MAX_REPORTED = 1_000;
const BATCH = 1_000;

export interface ValidRow {
  row: number;
  key: string;
  data: Record<string, unknown>;
}

export interface Validation {
  rows: number;
  valid: ValidRow[];
  rejected: RejectedRow[];
}

interface RawRows {
  rows: unknown[];
  lines?: number[];
  rejected: RejectedRow[];
}

/** CSV with a header row naming the columns (docs/network-data.md); checks the columns first. */
export function readCsv(kind: DatasetKind, text: string): RawRows {
  const spec = DATASETS[kind];
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      columns: (header: string[]) => header.map((h) => h.trim()),
      bom: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as typeof records;
  } catch (err) {
    const e = err as Error & { lines?: number };
    return {
      rows: [],
      rejected: [{ row: 0, line: e.lines, field: '(file)', message: `not valid CSV: ${e.message}` }],
    };
  }
  const header = firstLineColumns(text);
  const rejected: RejectedRow[] = [];
  for (const col of header)
    if (!spec.columns.includes(col))
      rejected.push({
        row: 0,
        line: 1,
        field: col,
        message: `unknown column (expected: ${spec.columns.join(', ')})`,
      });
  for (const col of spec.required)
    if (!header.includes(col)) rejected.push({ row: 0, line: 1, field: col, message: 'missing column' });
  if (rejected.length) return { rows: [], rejected };
  return { rows: records.map((r) => r.record), lines: records.map((r) => r.info.lines), rejected };
}

function firstLineColumns(text: string): string[] {
  const [first] = parse(text.replace(/^\uFEFF/, ''), { to_line: 1, trim: true }) as string[][];
  return (first ?? []).map((h) => h.trim()).filter(Boolean);
}

/** A JSON array of row objects. */
export function readJson(text: string | unknown): RawRows {
  let body: unknown = text;
  if (typeof text === 'string') {
    try {
      body = JSON.parse(text) as unknown;
    } catch (err) {
      return {
        rows: [],
        rejected: [{ row: 0, field: '(file)', message: `not valid JSON: ${(err as Error).message}` }],
      };
    }
  }
  if (!Array.isArray(body))
    return { rows: [], rejected: [{ row: 0, field: '(file)', message: 'expected a JSON array of rows' }] };
  return { rows: body, rejected: [] };
}

function issuesOf(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.flatMap((i) => {
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ field: k, message: 'unknown field' }));
    return [{ field: i.path.join('.') || '(row)', message: i.message }];
  });
}

/** Validates every row and finds duplicates of the natural key inside the file. */
export function validateRows(kind: DatasetKind, raw: RawRows): Validation {
  const spec = DATASETS[kind];
  const rejected = [...raw.rejected];
  const valid: ValidRow[] = [];
  const firstRowOf = new Map<string, number>();
  raw.rows.forEach((input, i) => {
    const row = i + 1;
    const line = raw.lines?.[i];
    const at = line === undefined ? { row } : { row, line };
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      rejected.push({ ...at, field: '(row)', message: 'must be an object' });
      return;
    }
    const parsed = spec.row.safeParse(input);
    if (!parsed.success) {
      for (const issue of issuesOf(parsed.error)) rejected.push({ ...at, ...issue });
      return;
    }
    const data = parsed.data as Record<string, unknown>;
    const key = spec.key(data);
    const first = firstRowOf.get(key);
    if (first !== undefined) {
      rejected.push({
        ...at,
        field: spec.keyLabel,
        message: `duplicate of row ${first} (same ${spec.keyLabel}: ${key})`,
      });
      return;
    }
    firstRowOf.set(key, row);
    valid.push({ row, key, data });
  });
  return { rows: raw.rows.length, valid, rejected };
}

function chunks<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

export interface ImportOptions {
  /** Delete the whole dataset first (the synthetic seed only; not all-or-nothing for the old data). */
  replaceAll?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export function readRows(kind: DatasetKind, format: ImportFormat, body: string | unknown): RawRows {
  if (format === 'csv') return readCsv(kind, typeof body === 'string' ? body : '');
  return readJson(body);
}

/** Validates the whole file, then imports it, or nothing. */
export async function importDataset(
  collections: NetworkCollections,
  kind: DatasetKind,
  format: ImportFormat,
  body: string | unknown,
  opts: ImportOptions = {},
): Promise<ImportReport> {
  const started = Date.now();
  const col = collections[kind];
  const spec = DATASETS[kind];
  const v = validateRows(kind, readRows(kind, format, body));

  if (!opts.replaceAll && v.valid.length > 0) {
    for (const batch of chunks(v.valid, BATCH)) {
      const found = await col
        .find({ _id: { $in: batch.map((r) => r.key) } } as never, { projection: { _id: 1 } })
        .toArray();
      const existing = new Set(found.map((d) => String(d._id)));
      for (const r of batch)
        if (existing.has(r.key))
          v.rejected.push({
            row: r.row,
            field: spec.keyLabel,
            message: `already imported (same ${spec.keyLabel}: ${r.key})`,
          });
    }
  }
  const report = (imported: number): ImportReport => ({
    kind,
    format,
    rows: v.rows,
    imported,
    rejected: [...v.rejected].sort((a, b) => a.row - b.row).slice(0, MAX_REPORTED),
    rejectedTotal: v.rejected.length,
    ms: Date.now() - started,
  });
  if (v.rejected.length > 0) return report(0);

  await ensureNetworkIndexes(collections);
  if (opts.replaceAll) await col.deleteMany({});
  const attempted: string[] = [];
  try {
    for (const batch of chunks(v.valid, BATCH)) {
      attempted.push(...batch.map((r) => r.key));
      await col.insertMany(
        batch.map((r) => toDoc(kind, r.data)),
        { ordered: true },
      );
      opts.onProgress?.(attempted.length, v.valid.length);
    }
  } catch (err) {
    // No transactions on FerretDB: undo this file's rows (their keys were checked to be new).
    for (const keys of chunks(attempted, BATCH)) await col.deleteMany({ _id: { $in: keys } } as never);
    throw err;
  }
  return report(attempted.length);
}
