// The six importable datasets (R3.4): one zod schema per row that accepts both a CSV row (every
// value a string) and a JSON object, its natural key (duplicates are rejected) and its columns.
// The formats are documented with examples in docs/network-data.md.
import { z } from 'zod';
import {
  ALARM_SEVERITIES,
  CALL_RESULTS,
  CHANGE_KINDS,
  type Alarm,
  type Cell,
  type ChangeEvent,
  type ChrRecord,
  type InterferenceSample,
  type KpiSample,
} from '../../domain/evidence';

export const DATASET_KINDS = ['cells', 'kpis', 'alarms', 'changes', 'interference', 'chr'] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** A number from JSON or from a CSV cell: '' is missing, 'abc' is "must be a number". */
const num = (min: number, max: number) =>
  z.preprocess(
    (v) => {
      const b = blankToUndefined(v);
      return typeof b === 'string' ? Number(b.trim()) : b;
    },
    z
      .number({ error: (iss) => (iss.input === undefined ? 'required' : 'must be a number') })
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`),
  );
const optNum = (min: number, max: number) =>
  z.preprocess(
    (v) => {
      const b = blankToUndefined(v);
      return typeof b === 'string' ? Number(b.trim()) : b;
    },
    z
      .number({ error: 'must be a number' })
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`)
      .optional(),
  );
const int = (min: number, max: number) => num(min, max).pipe(z.number().int('must be a whole number'));

const str = (max = 200) =>
  z.preprocess(
    blankToUndefined,
    z
      .string({ error: (iss) => (iss.input === undefined ? 'required' : 'must be text') })
      .trim()
      .max(max, `at most ${max} characters`),
  );
const optStr = (max = 500) =>
  z.preprocess(blankToUndefined, z.string({ error: 'must be text' }).trim().max(max).optional());

const idPattern = /^[0-9A-Za-z][0-9A-Za-z._:-]{0,63}$/;
const id = (what: string) =>
  str(64).pipe(
    z.string().regex(idPattern, `${what}: letters, digits and . _ : - only, at most 64 characters`),
  );
const cellId = str(40).pipe(z.string().regex(/^[0-9A-Za-z-]{3,40}$/, 'a cell id such as 460-00-12345-1'));

/** ISO 8601 instant with an offset (e.g. 2026-11-20T08:00:00+08:00), normalised to UTC. */
const instant = str(40).pipe(
  z.iso
    .datetime({ offset: true, error: 'an ISO 8601 time with offset, e.g. 2026-11-20T08:00:00+08:00' })
    .transform((s) => new Date(s).toISOString()),
);
const optInstant = z.preprocess(blankToUndefined, instant.optional());
const hour = instant.refine(
  (s) => s.endsWith(':00:00.000Z'),
  'must be the start of an hour (minutes and seconds 0)',
);

/** A list: a JSON array, or in CSV one cell with the values separated by ';'. */
const list = <T extends z.ZodType<string>>(item: T, min = 0) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(';')
            .map((x) => x.trim())
            .filter(Boolean)
        : (v ?? []),
    z.array(item).min(min, min ? `at least ${min} value(s), separated by ';' in CSV` : undefined),
  );
const cellIdList = list(z.string().regex(/^[0-9A-Za-z-]{3,40}$/, 'a cell id such as 460-00-12345-1'));

/** '+8613800138000', '8613800138000' or '13800138000' → '+8613800138000'. */
export function normaliseMsisdn(raw: string): string | undefined {
  const digits = raw.replace(/[\s-]/g, '');
  if (/^\+[1-9]\d{6,14}$/.test(digits)) return digits;
  if (/^1\d{10}$/.test(digits)) return `+86${digits}`;
  if (/^861\d{10}$/.test(digits)) return `+${digits}`;
  return undefined;
}
const msisdn = z.preprocess(
  blankToUndefined,
  z
    .string()
    .transform((s, ctx) => {
      const n = normaliseMsisdn(s);
      if (!n)
        ctx.addIssue({ code: 'custom', message: 'a phone number: E.164 (+8613800138000) or 11 digits' });
      return n ?? s;
    })
    .optional(),
);
const imsi = z.preprocess(
  blankToUndefined,
  z
    .string()
    .regex(/^\d{15}$/, 'an IMSI has 15 digits')
    .optional(),
);

export const CellRow = z
  .object({
    cellId,
    siteId: id('siteId'),
    sector: int(0, 32),
    lat: num(-90, 90),
    lng: num(-180, 180),
    azimuth: num(0, 359.99),
    beamwidth: optNum(1, 360),
    band: str(20),
    technology: z.preprocess(blankToUndefined, z.enum(['LTE', 'NR'], { error: 'LTE or NR' })),
    region: str(40).pipe(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a region code such as haidian')),
    name: optStr(100),
  })
  .strict() satisfies z.ZodType<Cell>;

const rate = () => num(0, 100);
export const KpiRow = z
  .object({
    cellId,
    hour,
    rrcSetupSuccessRate: rate(),
    erabSetupSuccessRate: rate(),
    dropRate: rate(),
    prbUtilisationDl: rate(),
    throughputDlMbps: num(0, 10_000),
    rsrpP10: num(-156, -30),
    rsrpP50: num(-156, -30),
    sinrP50: num(-30, 50),
    ulInterferenceDbm: num(-140, -40),
  })
  .strict()
  .refine((r) => r.rsrpP10 <= r.rsrpP50, {
    path: ['rsrpP10'],
    message: 'rsrpP10 must not exceed rsrpP50',
  }) satisfies z.ZodType<KpiSample>;

export const AlarmRow = z
  .object({
    id: id('id'),
    siteId: id('siteId'),
    cellIds: cellIdList,
    severity: z.preprocess(
      blankToUndefined,
      z.enum(ALARM_SEVERITIES, { error: ALARM_SEVERITIES.join(', ') }),
    ),
    type: str(80),
    text: optStr(500),
    raisedAt: instant,
    clearedAt: optInstant,
  })
  .strict()
  .refine((r) => !r.clearedAt || r.clearedAt >= r.raisedAt, {
    path: ['clearedAt'],
    message: 'cleared before it was raised',
  }) satisfies z.ZodType<Alarm>;

export const ChangeRow = z
  .object({
    id: id('id'),
    kind: z.preprocess(blankToUndefined, z.enum(CHANGE_KINDS, { error: CHANGE_KINDS.join(', ') })),
    siteIds: list(z.string().regex(idPattern, 'a site id'), 1),
    cellIds: cellIdList,
    startedAt: instant,
    endedAt: optInstant,
    description: str(500),
  })
  .strict()
  .refine((r) => !r.endedAt || r.endedAt >= r.startedAt, {
    path: ['endedAt'],
    message: 'ended before it started',
  }) satisfies z.ZodType<ChangeEvent>;

export const InterferenceRow = z
  .object({ cellId, hour, ulNoiseDbm: num(-140, -40), source: optStr(200) })
  .strict() satisfies z.ZodType<InterferenceSample>;

export const ChrRow = z
  .object({
    callId: id('callId'),
    imsi,
    msisdn,
    startedAt: instant,
    endedAt: optInstant,
    result: z.preprocess(blankToUndefined, z.enum(CALL_RESULTS, { error: CALL_RESULTS.join(', ') })),
    failedStep: optStr(80),
    causeCode: optStr(80),
    cellId,
  })
  .strict()
  .refine((r) => r.imsi || r.msisdn, {
    path: ['msisdn'],
    message: 'give the msisdn or the imsi',
  }) satisfies z.ZodType<ChrRecord>;

export interface DatasetSpec {
  kind: DatasetKind;
  /** MongoDB collection of the default adapter. */
  collection: string;
  row: z.ZodType;
  /** Natural key: two rows with the same key are duplicates. */
  key(row: Record<string, unknown>): string;
  keyLabel: string;
  columns: string[];
  required: string[];
}

function spec(
  kind: DatasetKind,
  collection: string,
  row: z.ZodType,
  shape: Record<string, z.ZodType>,
  keyFields: string[],
): DatasetSpec {
  const columns = Object.keys(shape);
  const required = columns.filter((c) => !shape[c]!.safeParse(undefined).success);
  return {
    kind,
    collection,
    row,
    key: (r) => keyFields.map((f) => String(r[f])).join('|'),
    keyLabel: keyFields.join(' + '),
    columns,
    required,
  };
}

export const DATASETS: Record<DatasetKind, DatasetSpec> = {
  cells: spec('cells', 'network_cells', CellRow, CellRow.shape, ['cellId']),
  kpis: spec('kpis', 'network_kpis', KpiRow, KpiRow.shape, ['cellId', 'hour']),
  alarms: spec('alarms', 'network_alarms', AlarmRow, AlarmRow.shape, ['id']),
  changes: spec('changes', 'network_changes', ChangeRow, ChangeRow.shape, ['id']),
  interference: spec('interference', 'network_interference', InterferenceRow, InterferenceRow.shape, [
    'cellId',
    'hour',
  ]),
  chr: spec('chr', 'network_chr', ChrRow, ChrRow.shape, ['callId']),
};

export function isDatasetKind(s: string): s is DatasetKind {
  return (DATASET_KINDS as readonly string[]).includes(s);
}
