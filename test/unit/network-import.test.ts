// Import validation of network data files (R3.4): wrong columns, bad numbers and duplicates are
// rejected with row numbers, and nothing of such a file is imported.
import { DATASET_KINDS, normaliseMsisdn } from '../../activities/evidence/datasets';
import { importDataset, readCsv, readJson, validateRows } from '../../activities/evidence/import';
import type { NetworkCollections } from '../../activities/evidence/mongo';
import { toCsv } from '../../infra/network-data/files';
import { generateNetworkData } from '../../infra/network-data/generate';

const KPI_HEADER =
  'cellId,hour,rrcSetupSuccessRate,erabSetupSuccessRate,dropRate,prbUtilisationDl,throughputDlMbps,rsrpP10,rsrpP50,sinrP50,ulInterferenceDbm';
const kpiLine = (cell: string, hour: string, drop = '0.31') =>
  `${cell},${hour},99.52,99.61,${drop},45.2,23.4,-104.1,-90.3,13.2,-111.4`;

/** An in-memory stand-in for the MongoDB collections: records every write. */
function fakeCollections(existing: string[] = []) {
  const stored = new Map<string, Record<string, unknown>>(existing.map((k) => [k, { _id: k }]));
  const writes: string[] = [];
  const col = {
    find: (filter: { _id: { $in: string[] } }) => ({
      toArray: async () => filter._id.$in.filter((k) => stored.has(k)).map((k) => ({ _id: k })),
    }),
    insertMany: async (docs: { _id: string }[]) => {
      for (const d of docs) {
        stored.set(d._id, d);
        writes.push(d._id);
      }
    },
    deleteMany: async () => ({}),
    createIndex: async () => 'ok',
  };
  const collections = Object.fromEntries(DATASET_KINDS.map((k) => [k, col])) as unknown as NetworkCollections;
  return { collections, stored, writes };
}

describe('R3.4 import files are validated row by row', () => {
  it('R3.4 a CSV with wrong columns is rejected as a whole: unknown and missing columns named', () => {
    const raw = readCsv(
      'kpis',
      `cellId,hour,rrcSuccess,dropRate\n460-00-1-1,2026-11-20T08:00:00+08:00,99,0.3\n`,
    );
    expect(raw.rows).toEqual([]);
    expect(raw.rejected).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          row: 0,
          line: 1,
          field: 'rrcSuccess',
          message: expect.stringMatching(/unknown column/),
        }),
        expect.objectContaining({ row: 0, line: 1, field: 'rrcSetupSuccessRate', message: 'missing column' }),
        expect.objectContaining({ row: 0, line: 1, field: 'ulInterferenceDbm', message: 'missing column' }),
      ]),
    );
  });

  it('R3.4 bad numbers, ranges and times are rejected with row number, CSV line and field', () => {
    const csv = [
      KPI_HEADER,
      kpiLine('460-00-1-1', '2026-11-20T08:00:00+08:00'),
      kpiLine('460-00-1-1', '2026-11-20T09:00:00+08:00', 'abc'),
      kpiLine('460-00-1-1', '2026-11-20T10:00:00+08:00', ''),
      kpiLine('460-00-1-1', '2026-11-20T11:00:00+08:00', '120'),
      kpiLine('460-00-1-1', '2026-11-20T11:30:00+08:00'),
      kpiLine('460-00-1-1', '20.11.2026 12:00'),
    ].join('\n');
    const v = validateRows('kpis', readCsv('kpis', csv));
    expect(v.rows).toBe(6);
    expect(v.valid.map((r) => r.row)).toEqual([1]);
    expect(v.rejected).toEqual([
      { row: 2, line: 3, field: 'dropRate', message: 'must be a number' },
      { row: 3, line: 4, field: 'dropRate', message: 'required' },
      { row: 4, line: 5, field: 'dropRate', message: 'must be at most 100' },
      { row: 5, line: 6, field: 'hour', message: 'must be the start of an hour (minutes and seconds 0)' },
      { row: 6, line: 7, field: 'hour', message: expect.stringMatching(/ISO 8601 time with offset/) },
    ]);
  });

  it('R3.4 duplicate rows (same natural key) are rejected, naming the first occurrence', () => {
    const csv = [
      KPI_HEADER,
      kpiLine('460-00-1-1', '2026-11-20T08:00:00+08:00'),
      kpiLine('460-00-1-2', '2026-11-20T08:00:00+08:00'),
      kpiLine('460-00-1-1', '2026-11-20T00:00:00Z', '0.5'),
    ].join('\n');
    const v = validateRows('kpis', readCsv('kpis', csv));
    expect(v.rejected).toEqual([
      {
        row: 3,
        line: 4,
        field: 'cellId + hour',
        message: 'duplicate of row 1 (same cellId + hour: 460-00-1-1|2026-11-20T00:00:00.000Z)',
      },
    ]);
  });

  it('R3.4 JSON rows: unknown fields, wrong types and cross-field rules are named; a non-array is rejected', () => {
    const v = validateRows(
      'alarms',
      readJson([
        { id: 'A1', siteId: 'S1', severity: 'major', type: 'VSWR', raisedAt: '2026-11-20T08:00:00+08:00' },
        {
          id: 'A2',
          siteId: 'S1',
          severity: 'fatal',
          type: 'X',
          raisedAt: '2026-11-20T08:00:00+08:00',
          colour: 'red',
        },
        {
          id: 'A3',
          siteId: 'S1',
          severity: 'minor',
          type: 'X',
          raisedAt: '2026-11-20T08:00:00+08:00',
          clearedAt: '2026-11-20T07:00:00+08:00',
        },
        'not an object',
      ]),
    );
    expect(v.valid.map((r) => r.row)).toEqual([1]);
    expect(v.rejected).toEqual([
      { row: 2, field: 'severity', message: 'critical, major, minor, warning' },
      { row: 2, field: 'colour', message: 'unknown field' },
      { row: 3, field: 'clearedAt', message: 'cleared before it was raised' },
      { row: 4, field: '(row)', message: 'must be an object' },
    ]);
    expect(readJson('{"id":1}').rejected).toEqual([
      { row: 0, field: '(file)', message: 'expected a JSON array of rows' },
    ]);
    expect(readJson('[{').rejected[0]).toMatchObject({ row: 0, field: '(file)' });
  });

  it('R3.4 CSV lists use ";", quoted cells may hold commas, phone numbers are normalised to E.164', () => {
    const changes = validateRows(
      'changes',
      readCsv(
        'changes',
        'id,kind,siteIds,cellIds,startedAt,endedAt,description\n' +
          'C1,cutover,460-00-1;460-00-2,,2026-11-20T01:00:00+08:00,,"BBU 割接, 传输切换"\n',
      ),
    );
    expect(changes.rejected).toEqual([]);
    expect(changes.valid[0]!.data).toMatchObject({
      siteIds: ['460-00-1', '460-00-2'],
      cellIds: [],
      description: 'BBU 割接, 传输切换',
    });
    expect(normaliseMsisdn('13800138000')).toBe('+8613800138000');
    expect(normaliseMsisdn('8613800138000')).toBe('+8613800138000');
    expect(normaliseMsisdn('12345')).toBeUndefined();
  });

  it('R3.4 generated rows of every dataset are valid and survive a CSV round trip unchanged', () => {
    const { data } = generateNetworkData({ end: new Date('2026-11-27T21:00:00Z'), days: 3 });
    for (const kind of DATASET_KINDS) {
      const rows = (data[kind] as object[]).filter((_, i) => i % 20 === 0);
      const v = validateRows(kind, readCsv(kind, toCsv(kind, rows)));
      expect({ kind, rejected: v.rejected.slice(0, 3) }).toEqual({ kind, rejected: [] });
      expect(v.valid.map((r) => r.data)).toEqual(rows);
    }
  });
});

describe('R3.4 all or nothing per file', () => {
  it('R3.4 one bad row and nothing of the file is written; the report lists the rejected rows', async () => {
    const fake = fakeCollections();
    const csv = [
      KPI_HEADER,
      kpiLine('460-00-1-1', '2026-11-20T08:00:00+08:00'),
      kpiLine('460-00-1-1', 'x'),
    ].join('\n');
    const report = await importDataset(fake.collections, 'kpis', 'csv', csv);
    expect(report).toMatchObject({ kind: 'kpis', format: 'csv', rows: 2, imported: 0, rejectedTotal: 1 });
    expect(report.rejected[0]).toMatchObject({ row: 2, line: 3, field: 'hour' });
    expect(fake.writes).toEqual([]);
  });

  it('R3.4 rows already imported are rejected (nothing written); a clean file is written whole', async () => {
    const fake = fakeCollections(['460-00-1-1|2026-11-20T00:00:00.000Z']);
    const csv = [
      KPI_HEADER,
      kpiLine('460-00-1-1', '2026-11-20T07:00:00+08:00'),
      kpiLine('460-00-1-1', '2026-11-20T08:00:00+08:00'),
    ].join('\n');
    const refused = await importDataset(fake.collections, 'kpis', 'csv', csv);
    expect(refused.rejected).toEqual([
      { row: 2, field: 'cellId + hour', message: expect.stringMatching(/^already imported/) },
    ]);
    expect(fake.writes).toEqual([]);
    const clean = await importDataset(
      fake.collections,
      'kpis',
      'csv',
      [KPI_HEADER, kpiLine('460-00-1-1', '2026-11-20T07:00:00+08:00')].join('\n'),
    );
    expect(clean).toMatchObject({ rows: 1, imported: 1, rejectedTotal: 0 });
    expect(fake.writes).toEqual(['460-00-1-1|2026-11-19T23:00:00.000Z']);
    expect(fake.stored.get('460-00-1-1|2026-11-19T23:00:00.000Z')).toMatchObject({
      siteId: '460-00-1',
      dayKey: '2026-11-20',
      localHour: 7,
    });
  });
});
