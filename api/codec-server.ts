// The codec server of the Temporal Web UI (S3, S9.4): POST <api>/codec/decode and /codec/encode
// with Temporal's JSON shape { payloads: [{ metadata: { key: base64 }, data: base64 }] }. Only the
// roles that may read personal data of every complaint (CODEC_ROLES: supervisor, interface, admin)
// turn a history's ciphertext into text; anyone else is refused with 403, and each refusal is
// audited, as is each reading (the audit chain `CODEC-<namespace>`, one entry per person, outcome
// and minute: a history page asks dozens of times). The Temporal UI signs people in through the
// OpenID Connect provider and forwards their access token (codec.passAccessToken): the API verifies
// it as every other token (api/jwt.ts). CORS is open to the Temporal UI's origin only
// (TEMPORAL_UI_URL), with the X-Namespace and Authorization-Extras headers it sends. Authentication
// unless CODEC_AUTH=off (the dev server's UI has no login).
import type { Payload, PayloadCodec } from '@temporalio/common';
import express, { Router, type NextFunction, type Request, type RequestHandler } from 'express';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import type { Logger } from 'pino';
import type { AuditStore } from '../activities/audit';
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
  /** Where readings and refusals are recorded (S9.4); absent = the log only. */
  audit?: Pick<AuditStore, 'append'>;
  logger: Logger;
}

type CodecOp = 'decode' | 'encode';

/** The audit chain of the codec server for a namespace (a valid ticket id: GET /v1/admin/audit/CODEC-default). */
export function codecAuditChain(namespace: string | undefined): string {
  const ns = (namespace ?? '').replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 60);
  return `CODEC-${/^[A-Za-z0-9]/.test(ns) ? ns : `ns${ns}`}`;
}

/** Who a refused request came from: the verified actor, else the name in a token whose roles were refused. */
function claimedUser(req: Request): string {
  if (req.actor) return req.actor.user;
  const token = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
  try {
    const claims = token ? decodeJwt(token) : {};
    const name = claims.preferred_username ?? claims.sub;
    return typeof name === 'string' && name ? name : '(unknown)';
  } catch {
    return '(unknown)';
  }
}

/** Per codec server: the dedupe keys appended in the current minute (repeats skip the database). */
const appended = new WeakMap<CodecServerOptions, { minute: string; keys: Set<string> }>();

/** Appends one codec entry; the dedupe key keeps one per person, outcome and minute. A failure is logged only. */
function auditCodec(opts: CodecServerOptions, req: Request, action: string, detail: string): Promise<void> {
  if (!opts.audit) return Promise.resolve();
  const ticketId = codecAuditChain(req.get('x-namespace'));
  const user = claimedUser(req);
  const at = new Date().toISOString();
  const minute = at.slice(0, 16);
  const dedupeKey = `${ticketId}:${action}:${user}:${minute}`;
  let recent = appended.get(opts);
  if (recent?.minute !== minute) appended.set(opts, (recent = { minute, keys: new Set() }));
  if (recent.keys.has(dedupeKey)) return Promise.resolve();
  recent.keys.add(dedupeKey);
  return opts.audit
    .append({
      ticketId,
      at,
      actor: user,
      roles: req.grantedRoles ?? req.actor?.roles ?? [],
      source: 'api',
      action,
      detail,
      ip: req.ip,
      dedupeKey,
    })
    .then(
      () => undefined,
      (err: unknown) => {
        recent.keys.delete(dedupeKey);
        opts.logger.error({ err, ticketId, action }, 'codec audit append failed');
      },
    );
}

/**
 * Runs the authentication and access chain; a 403 from it (no ClosedLoop role, or a role that may
 * not read personal data) is audited before it goes to the error middleware.
 */
function auditedAccess(opts: CodecServerOptions, name: CodecOp, chain: RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    const run = (i: number): void => {
      const step = chain[i];
      if (!step) return next();
      const after: NextFunction = (err?: unknown) => {
        if (!err) return run(i + 1);
        if (err instanceof HttpError && err.status === 403) {
          const action = `CODEC_${name.toUpperCase()}_REFUSED`;
          opts.logger.warn({ user: claimedUser(req), code: err.code }, `codec ${name} refused`);
          return void auditCodec(opts, req, action, `${err.code}: ${err.message}`).then(() => next(err));
        }
        next(err);
      };
      Promise.resolve(step(req, res, after)).catch(after);
    };
    run(0);
  };
}

export function codecRoutes(opts: CodecServerOptions): Router {
  const r = Router();
  r.use(
    corsAllowList({
      origins: [opts.temporalUiUrl],
      methods: ['POST', 'OPTIONS'],
      headers: ['content-type', 'x-namespace', 'authorization', 'authorization-extras'],
      credentials: true,
    }),
  );
  r.use(express.json({ limit: '16mb' }));
  const endpoint = (name: CodecOp): RequestHandler[] => [
    ...(opts.authenticate
      ? [auditedAccess(opts, name, [opts.authenticate, guard('POST', `/codec/${name}`)])]
      : []),
    (req, res, next) => {
      const { payloads } = Body.parse(req.body);
      opts.codec[name](payloads.map(fromJson)).then(
        async (out) => {
          opts.logger.info(
            { user: req.actor?.user ?? '(codec auth off)', namespace: req.get('x-namespace'), n: out.length },
            `codec ${name}`,
          );
          if (req.actor)
            await auditCodec(opts, req, `CODEC_${name.toUpperCase()}D`, `${out.length} payload(s)`);
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
