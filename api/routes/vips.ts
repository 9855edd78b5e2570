// VIP profiles (R7.1): the VIP manager keeps them; intake recognises a VIP by the callback number
// (R7.2). Personal data: lists show masked numbers; the full profile only to the VIP roles.
import { randomUUID } from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Connection } from 'mongoose';
import { numberHash } from '../../activities/repeat';
import { vipModel, vipNumberFilter } from '../../activities/vip';
import { actorOf } from '../auth';
import { HttpError } from '../errors';
import { serve } from '../guard';
import { VipIdParam as IdParam, VipProfileSchema } from '../vip-schemas';

const mask = (n: string) => `${n.slice(0, 6)}****${n.slice(-2)}`;

type Handler = (req: Request, res: Response) => Promise<unknown>;
const route =
  (fn: Handler): RequestHandler =>
  (req, res, next) => {
    fn(req, res).catch(next);
  };

export function vipRoutes(mongo: Connection): Router {
  const Vip = vipModel(mongo);
  const r = Router();
  const id = (req: Request) => IdParam.parse(req.params.id);
  const load = async (profileId: string) => {
    const doc = await Vip.findById(profileId).lean();
    if (!doc) throw new HttpError(404, 'not_found', `VIP profile ${profileId}`);
    return doc;
  };
  const out = (doc: object) => {
    const { _id, numberHash: _h, ...rest } = doc as { _id: string; numberHash?: string };
    return { profileId: _id, ...rest };
  };

  serve(
    r,
    '/v1/vips',
    'createVip',
    route(async (req, res) => {
      const body = VipProfileSchema.parse(req.body);
      const hash = numberHash(body.number);
      if (await Vip.exists(vipNumberFilter(body.number)))
        throw new HttpError(409, 'duplicate', 'a VIP profile with this number exists: change it with PUT');
      const doc = {
        _id: `vip-${randomUUID()}`,
        numberHash: hash,
        ...body,
        version: 1,
        updatedBy: actorOf(req).user,
        updatedAt: new Date(),
      };
      await Vip.create(doc);
      res.status(201).json(out(doc));
    }),
  );
  serve(
    r,
    '/v1/vips',
    'listVips',
    route(async (_req, res) => {
      const docs = await Vip.find({}).sort({ updatedAt: -1 }).limit(500).lean();
      res.json({
        items: docs.map((d) => ({
          profileId: d._id,
          number: mask(d.number),
          name: d.name,
          vipLevel: d.vipLevel,
          assistants: d.assistants.length,
          active: d.active,
          updatedAt: d.updatedAt,
        })),
      });
    }),
  );
  serve(
    r,
    '/v1/vips',
    'getVip',
    route(async (req, res) => res.json(out(await load(id(req))))),
  );
  serve(
    r,
    '/v1/vips',
    'replaceVip',
    route(async (req, res) => {
      const profileId = id(req);
      const before = await load(profileId);
      const body = VipProfileSchema.parse(req.body);
      const hash = numberHash(body.number);
      if (await Vip.exists({ ...vipNumberFilter(body.number), _id: { $ne: profileId } }))
        throw new HttpError(409, 'duplicate', 'another VIP profile has this number');
      const doc = {
        ...body,
        numberHash: hash,
        version: before.version + 1,
        updatedBy: actorOf(req).user,
        updatedAt: new Date(),
      };
      await Vip.updateOne({ _id: profileId }, { $set: doc });
      res.json(out({ _id: profileId, ...doc }));
    }),
  );
  serve(
    r,
    '/v1/vips',
    'deleteVip',
    route(async (req, res) => {
      const profileId = id(req);
      await load(profileId);
      await Vip.deleteOne({ _id: profileId });
      res.status(204).end();
    }),
  );
  return r;
}
