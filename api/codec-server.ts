// The codec server of the Temporal Web UI (S3): POST <api>/codec/decode and /codec/encode with
// Temporal's JSON shape { payloads: [{ metadata: { key: base64 }, data: base64 }] }. Authorised
// people read personal data in the UI; nobody else can turn a history's ciphertext into text.
// CORS is open to the Temporal UI's origin only (TEMPORAL_UI_URL), with the X-Namespace header it
// sends. Authentication unless CODEC_AUTH=off (the local dev UI has no login).
import type { Payload, PayloadCodec } from '@temporalio/common';
import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Logger } from 'pino';
import { PayloadDecryptionError } from '../platform/codec';
import { corsAllowList } from './cors';
import { HttpError } from './errors';
import { guard } from './guard';

const base64 = z
  .string()
  .max(8 * 1024 * 1024)
  .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
const JsonPayload = z.object({
  metadata: z.record(z.string().max(256), base64).nullish(),
  data: base64.nullish(),
});
const Body = z.object({ payloads: z.array(JsonPayload).max(10_000) });
type JsonPayload = z.infer<typeof JsonPayload>;

export function fromJson({ metadata, data }: JsonPayload): Payload {
  return {
    metadata: metadata
      ? Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')]))
      : undefined,
    data: data ? Buffer.from(data, 'base64') : undefined,
  };
}

export function toJson({ metadata, data }: Payload): JsonPayload {
  return {
    metadata: metadata
      ? Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v).toString('base64')]))
      : undefined,
    data: data ? Buffer.from(data).toString('base64') : undefined,
  };
}

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** The Temporal Web UI's URL: its origin is the only one allowed by CORS. */
  temporalUiUrl: string;
  /** Authenticates the request (sets req.actor); undefined = CODEC_AUTH=off. */
  authenticate?: RequestHandler;
  logger: Logger;
}

export function codecRoutes(opts: CodecServerOptions): Router {
  const r = Router();
  r.use(
    corsAllowList({
      origins: [opts.temporalUiUrl],
      methods: ['POST', 'OPTIONS'],
      headers: ['content-type', 'x-namespace', 'authorization'],
      credentials: true,
    }),
  );
  r.use(express.json({ limit: '16mb' }));
  const endpoint = (name: 'decode' | 'encode'): RequestHandler[] => [
    ...(opts.authenticate ? [opts.authenticate, guard('POST', `/codec/${name}`)] : []),
    (req, res, next) => {
      const { payloads } = Body.parse(req.body);
      opts.codec[name](payloads.map(fromJson)).then(
        (out) => {
          opts.logger.info(
            { user: req.actor?.user ?? '(codec auth off)', namespace: req.get('x-namespace'), n: out.length },
            `codec ${name}`,
          );
          res.json({ payloads: out.map(toJson) });
        },
        (err: unknown) =>
          next(
            err instanceof PayloadDecryptionError || err instanceof Error
              ? new HttpError(400, 'undecodable_payload', `a payload cannot be ${name}d`)
              : err,
          ),
      );
    },
  ];
  r.post('/decode', ...endpoint('decode'));
  r.post('/encode', ...endpoint('encode'));
  return r;
}
