// What the web console (issue #10) needs from the API besides the complaint routes:
//   GET /v1/me                                       who is signed in and which routes their roles allow
//   GET /v1/complaints/{id}/recordings/{evidenceId}  a kept call recording (R5.5), for <audio>
// and the console's own static files at /console (built by `npm run build:console`).
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ContactModels } from '../../activities/contact-models';
import { ACCESS, grantedRoles } from '../access';
import type { ConsoleSignIn } from '../auth';
import type { ComplaintService } from '../complaints-service';
import { HttpError, notFound } from '../errors';
import { guard, serve } from '../guard';
import { TicketIdParam } from '../schemas';

/** Every role-guarded route the principal's roles allow, as `METHOD /path` of the access table. */
export function permissionsOf(actor: { roles: string[] }): string[] {
  return ACCESS.filter((rule) => rule.auth === 'roles' && grantedRoles(rule, actor).length > 0).map(
    (rule) => `${rule.method} ${rule.path}`,
  );
}

export function meRoutes(): Router {
  const r = Router();
  serve(r, '/v1/me', 'getMe', (req, res) => {
    const actor = req.actor!;
    res.json({
      user: actor.user,
      roles: actor.roles,
      ...(actor.team ? { team: actor.team } : {}),
      via: actor.via,
      permissions: permissionsOf(actor),
    });
  });
  return r;
}

const EvidenceIdParam = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,200}$/, 'not an evidence id')
  .max(200);

/** Streams a recording the complaint keeps (bytes from evidence_media), only to people who may see it. */
export function recordingRoutes(svc: ComplaintService, contact: ContactModels): Router {
  const r = Router();
  const load = (req: express.Request) => svc.get(TicketIdParam.parse(req.params.id));
  r.get(
    '/:id/recordings/:evidenceId',
    guard('GET', '/v1/complaints/{id}/recordings/{evidenceId}', load),
    (req, res, next) => {
      (async () => {
        const ticketId = TicketIdParam.parse(req.params.id);
        const evidenceId = EvidenceIdParam.parse(req.params.evidenceId);
        const doc = await contact.Evidence.findById(evidenceId).lean();
        if (!doc || doc.ticketId !== ticketId) throw notFound(`recording ${evidenceId}`);
        if (!doc.mediaStored)
          throw new HttpError(404, 'not_stored', 'the recording is too large to be kept here; see its URL');
        const media = await contact.EvidenceMedia.findById(doc.sha256).lean();
        if (!media) throw notFound(`recording ${evidenceId}`);
        const data = Buffer.from(media.data as unknown as Uint8Array);
        res
          .type(doc.contentType || media.contentType || 'audio/wav')
          .set('Cache-Control', 'private, no-store')
          .set('X-Content-SHA256', doc.sha256)
          .send(data);
      })().catch(next);
    },
  );
  return r;
}

/**
 * The console's page: `default-src 'self'` (no CDN, no fonts or tiles from elsewhere), recordings
 * and downloads as blob: URLs made from authenticated fetches, nothing may frame it.
 */
const consoleCsp = (connect: readonly string[]) =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    // The identity provider's discovery, token and JWKS endpoints are fetched by the page (S9).
    ['connect-src', "'self'", ...connect].join(' '),
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');

/**
 * /console: the built files, index.html for every client route, a clear 503 when not built, and
 * /console/auth-config.json: how the page signs people in (S9.1; nothing secret in it).
 */
export function consoleStatic(
  distDir = path.resolve(__dirname, '..', '..', 'console', 'dist'),
  signIn?: ConsoleSignIn,
): Router {
  const r = Router();
  const index = path.join(distDir, 'index.html');
  const csp = consoleCsp(signIn ? [new URL(signIn.issuer).origin] : []);
  r.use((_req, res, next) => {
    res.set('Content-Security-Policy', csp);
    next();
  });
  r.get('/auth-config.json', (_req, res) => {
    res.set('Cache-Control', 'no-cache').json({ oidc: signIn ?? null });
  });
  r.use(
    '/assets',
    express.static(path.join(distDir, 'assets'), { immutable: true, maxAge: '365d' }),
    // A missing asset is a 404, not the page (an old page asking for a replaced build's file).
    (req, _res, next) => next(notFound(`console asset ${req.path}`)),
  );
  r.use(express.static(distDir, { index: false, maxAge: 0 }));
  const page: RequestHandler = (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (!existsSync(index))
      return void res
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The console is not built: run `npm run build:console` (npm run dev does it for you).');
    res.set('Cache-Control', 'no-cache').sendFile(index);
  };
  r.use(page);
  return r;
}
