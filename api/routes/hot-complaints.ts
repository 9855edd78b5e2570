// The hot list (R4.7): the open hot and difficult complaints from the read model.
import { Router } from 'express';
import { readHotList } from '../../activities/hot-complaints';
import type { Models } from '../../activities/models';
import { serve } from '../guard';

export function hotComplaintRoutes(
  models: Models,
  links: (ticketId: string) => Record<string, string>,
): Router {
  const r = Router();
  serve(r, '/v1/hot-complaints', 'getHotComplaints', (_req, res, next) => {
    const now = Date.now();
    readHotList(models, now)
      .then((items) =>
        res.json({
          at: new Date(now).toISOString(),
          items: items.map((i) => ({ ...i, links: links(i.ticketId) })),
        }),
      )
      .catch(next);
  });
  return r;
}
