// Network data import (R3.4): POST /v1/network-data/{kind} with a JSON array (application/json) or
// a CSV file (text/csv), validated row by row, all or nothing; GET /v1/network-data counts rows.
// Formats: docs/network-data.md. Roles: the access table (api/access.ts).
import express, { Router, type Request } from 'express';
import type { Connection } from 'mongoose';
import { z } from 'zod';
import { DATASET_KINDS, DATASETS } from '../../activities/evidence/datasets';
import { importDataset, type ImportFormat } from '../../activities/evidence/import';
import { networkCollections } from '../../activities/evidence/mongo';
import { HttpError } from '../errors';
import { serve } from '../guard';

export const DatasetKindParam = z.enum(DATASET_KINDS, { error: `one of ${DATASET_KINDS.join(', ')}` });
/** CSV bodies may be larger than the API's JSON limit (256 kB); bigger JSON files: CSV or the CLI. */
export const CSV_LIMIT = '16mb';

function formatOf(req: Request): ImportFormat {
  if (req.is(['text/csv', 'application/csv'])) return 'csv';
  if (req.is('application/json')) return 'json';
  throw new HttpError(
    415,
    'unsupported_media_type',
    'send the rows as application/json (an array) or text/csv',
  );
}

export function networkDataRoutes(mongo: Connection): Router {
  const r = Router();
  const collections = networkCollections(mongo);

  serve(r, '/v1/network-data', 'countNetworkData', (_req, res, next) => {
    // One count after the other: FerretDB v1 counts by reading every row, and each call has the
    // API's answer deadline (4 s, S10); six at once on two busy cores can make the KPIs' count
    // miss it (seen once in a clean-clone run beside other work: no counts came back).
    (async () => {
      const counts: Record<string, number> = {};
      for (const kind of DATASET_KINDS) counts[kind] = await collections[kind].countDocuments({});
      return counts;
    })().then((counts) => res.json({ counts }), next);
  });

  serve(
    r,
    '/v1/network-data',
    'importNetworkData',
    express.text({ type: ['text/csv', 'application/csv'], limit: CSV_LIMIT }),
    (req, res, next) => {
      const kind = DatasetKindParam.parse(req.params.kind);
      const format = formatOf(req);
      importDataset(collections, kind, format, req.body)
        .then((report) => {
          if (report.rejectedTotal > 0)
            throw new HttpError(
              422,
              'rows_rejected',
              `${report.rejectedTotal} problem(s) in ${report.rows} row(s) of ${kind}; nothing was imported (natural key: ${DATASETS[kind].keyLabel})`,
              report.rejected,
            );
          res.status(201).json(report);
        })
        .catch(next);
    },
  );
  return r;
}
