// VIP profiles (R7.1): the VIP manager keeps them; intake recognises a VIP by the callback number
// (R7.2). Personal data: lists show masked numbers; the full profile only to the VIP roles.
import { randomUUID } from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Connection } from 'mongoose';
import { z } from 'zod';
import { numberHash } from '../../activities/repeat';
import { vipModel } from '../../activities/vip';
import { actorOf } from '../auth';
import { HttpError } from '../errors';
import { guard } from '../guard';

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number such as +8613912345678');
const place = z
  .object({
    label: z.string().trim().min(1).max(100),
    address: z.string().trim().max(300).optional(),
    coordinates: z
      .object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) })
      .strict()
      .optional(),
    cellIds: z
      .array(z.string().regex(/^[0-9A-Za-z-]{3,40}$/))
      .max(50)
      .optional(),
  })
  .strict();

export const VipProfileSchema = z
  .object({
    number: e164,
    name: z.string().trim().max(100).optional(),
    imsi: z
      .string()
      .regex(/^\d{14,15}$/, '14–15 digits')
      .optional(),
    imei: z
      .string()
      .regex(/^\d{14,16}$/, '14–16 digits')
      .optional(),
    terminalModel: z.string().trim().max(100).optional(),
    vipLevel: z.number().int().min(1).max(5),
    office: place.optional(),
    residence: place.optional(),
    activityLocations: z.array(place).max(20).default([]),
    assistants: z
      .array(
        z
          .object({
            name: z.string().trim().min(1).max(100),
            phone: e164.optional(),
            email: z.email().optional(),
          })
          .strict()
          .refine((a) => a.phone || a.email, 'an assistant needs a phone or an e-mail address'),
      )
      .min(1, "at least one leader's assistant to keep informed (R7.2)")
      .max(10),
    active: z.boolean().default(true),
  })
  .strict();

const IdParam = z.string().regex(/^vip-[0-9a-f-]{36}$/, 'a VIP profile id such as vip-…');

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

  r.post(
    '/',
    guard('POST', '/v1/vips'),
    route(async (req, res) => {
      const body = VipProfileSchema.parse(req.body);
      const hash = numberHash(body.number);
      if (await Vip.exists({ numberHash: hash }))
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
  r.get(
    '/',
    guard('GET', '/v1/vips'),
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
  r.get(
    '/:id',
    guard('GET', '/v1/vips/{id}'),
    route(async (req, res) => res.json(out(await load(id(req))))),
  );
  r.put(
    '/:id',
    guard('PUT', '/v1/vips/{id}'),
    route(async (req, res) => {
      const profileId = id(req);
      const before = await load(profileId);
      const body = VipProfileSchema.parse(req.body);
      const hash = numberHash(body.number);
      if (hash !== before.numberHash && (await Vip.exists({ numberHash: hash })))
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
  r.delete(
    '/:id',
    guard('DELETE', '/v1/vips/{id}'),
    route(async (req, res) => {
      const profileId = id(req);
      await load(profileId);
      await Vip.deleteOne({ _id: profileId });
      res.status(204).end();
    }),
  );
  return r;
}
