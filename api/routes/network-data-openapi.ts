// OpenAPI paths of the network data import (R3.4), built from the dataset specs that validate it.
import { DATASET_KINDS, DATASETS } from '../../activities/evidence/datasets';

const columnsText = DATASET_KINDS.map((kind) => {
  const d = DATASETS[kind];
  const optional = d.columns.filter((c) => !d.required.includes(c));
  return `- \`${kind}\` (key ${d.keyLabel}): ${d.required.join(', ')}${optional.length ? `; optional ${optional.join(', ')}` : ''}`;
}).join('\n');

const rejectedRows = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      row: { type: 'integer', description: '1-based data row; 0 = the CSV header or the whole file' },
      line: { type: 'integer', description: 'line in the CSV file' },
      field: { type: 'string' },
      message: { type: 'string' },
    },
    required: ['row', 'field', 'message'],
  },
};

export function networkDataOpenApi(errors: Record<string, unknown>) {
  return {
    '/v1/network-data': {
      get: {
        summary: 'Rows imported per network dataset',
        responses: {
          '200': { description: '{ counts: { cells, kpis, alarms, changes, interference, chr } }' },
          ...errors,
        },
      },
    },
    '/v1/network-data/{kind}': {
      post: {
        summary: 'Import a network data file (CSV or JSON), all rows or none',
        description:
          'Every row is validated and checked for duplicates (same natural key in the file or already imported) ' +
          'before anything is written; one bad row and nothing is imported (422 with every rejected row). ' +
          'JSON bodies are limited to 256 kB; CSV to 16 MB; `npm run network:import` has no limit. ' +
          `Formats with examples: docs/network-data.md. Columns:\n${columnsText}`,
        parameters: [
          { name: 'kind', in: 'path', required: true, schema: { type: 'string', enum: [...DATASET_KINDS] } },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { type: 'array', items: { type: 'object' } } },
            'text/csv': {
              schema: {
                type: 'string',
                description: 'a header row naming the columns, then one row per record',
              },
            },
          },
        },
        responses: {
          '201': {
            description: 'imported: { kind, format, rows, imported, rejected: [], rejectedTotal: 0, ms }',
          },
          ...errors,
          '413': { description: 'the body is too large' },
          '415': { description: 'neither application/json nor text/csv' },
          '422': {
            description: 'rows rejected, nothing imported; `details` lists them',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    error: { type: 'string' },
                    message: { type: 'string' },
                    details: rejectedRows,
                  },
                },
              },
            },
          },
        },
      },
    },
  };
}
