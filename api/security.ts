// Everything issue 8 adds to the API, built once from the validated config and mounted by app.ts:
// security headers, CORS, rate limits, API keys and JWTs, the dev issuer, the codec server, Twilio
// replay protection and the audit trail.
import express, { type Express, type RequestHandler, type Router } from 'express';
import { createLocalJWKSet } from 'jose';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { createAuditStore, type AuditStore } from '../activities/audit';
import { createPayloadCodec } from '../platform/data-converter';
import type { Config } from '../platform/config';
import { authenticate } from './auth';
import { codecRoutes } from './codec-server';
import { corsAllowList } from './cors';
import { createDevIssuer, DEV_AUDIENCE_DEFAULT, type DevIssuer } from './dev-auth';
import { applyTrustProxy, rateLimitPerKey, securityHeaders } from './edge';
import { DatabaseRateLimitStore } from './rate-limit-store';
import {
  createJwtVerifier,
  discoveredJwks,
  oidcClaimMapping,
  verifierByIssuer,
  type JwtVerifier,
} from './jwt';
import { withSecurity } from './openapi-security';
import { auditRecorder, auditRoutes } from './routes/audit';
import type { ActionRecorder } from './routes/complaints';
import { rejectReplayedWebhooks, webhookReceiptModel } from './webhook-replay';

export interface Security {
  /** Mounts headers, CORS, rate limits, the dev issuer and the codec server; call first. */
  applyEdge(app: Express): void;
  authenticate: RequestHandler;
  /** The per-key rate limit that /v1 has at the edge, for routers with their own error shape (TMF). */
  rateLimit: RequestHandler;
  webhookReplay: RequestHandler;
  recordAction: ActionRecorder;
  auditRoutes: Router;
  audit: AuditStore;
  devIssuer?: DevIssuer;
  openapi<T extends object>(doc: T): T;
}

export function createSecurity(deps: { config: Config; mongo: Connection; logger: Logger }): Security {
  const { config, logger } = deps;
  const devIssuer = config.DEV_AUTH
    ? createDevIssuer({
        issuer: `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}/dev`,
        audience: config.OIDC_AUDIENCE || DEV_AUDIENCE_DEFAULT,
      })
    : undefined;
  if (devIssuer)
    logger.warn({ issuer: devIssuer.issuer }, 'DEV_AUTH=on: the dev identity provider is serving tokens');
  const verifyJwt = verifierByIssuer(jwtVerifiers(config, devIssuer));

  const auth = authenticate(config.API_KEYS, verifyJwt);
  const audit = createAuditStore(deps.mongo);
  // D6: counted in the database, so API replicas share one limit per key.
  const limit = rateLimitPerKey(config.RATE_LIMIT_PER_MINUTE, new DatabaseRateLimitStore(deps.mongo, logger));

  return {
    applyEdge(app) {
      applyTrustProxy(app, config.TRUST_PROXY);
      app.use(securityHeaders());
      app.use(
        '/v1',
        corsAllowList({
          origins: config.CORS_ORIGINS,
          methods: ['GET', 'POST', 'PATCH', 'OPTIONS'],
          headers: ['authorization', 'content-type'],
        }),
        limit,
      );
      if (devIssuer) app.use('/dev', limit, express.json({ limit: '4kb' }), devIssuer.routes());
      app.use(
        '/codec',
        limit,
        codecRoutes({
          codec: createPayloadCodec({ keys: config.PAYLOAD_KEYS, currentKeyId: config.PAYLOAD_KEY_ID }),
          temporalUiUrl: config.TEMPORAL_UI_URL,
          authenticate: config.CODEC_AUTH ? auth : undefined,
          audit,
          logger,
        }),
      );
    },
    authenticate: auth,
    rateLimit: limit,
    webhookReplay: rejectReplayedWebhooks(webhookReceiptModel(deps.mongo)),
    recordAction: auditRecorder(audit, logger),
    auditRoutes: auditRoutes(audit),
    audit,
    devIssuer,
    openapi: (doc) => withSecurity(doc, { devAuth: config.DEV_AUTH, codecAuth: config.CODEC_AUTH }),
  };
}

/** The operator's OpenID Connect provider (S9) and, with DEV_AUTH=on, the dev issuer, by issuer. */
function jwtVerifiers(config: Config, devIssuer: DevIssuer | undefined): Map<string, JwtVerifier> {
  const verifiers = new Map<string, JwtVerifier>();
  if (config.OIDC_ISSUER)
    verifiers.set(
      config.OIDC_ISSUER,
      createJwtVerifier({
        keys: discoveredJwks(config.OIDC_ISSUER, config.OIDC_JWKS_URL),
        issuer: config.OIDC_ISSUER,
        audience: config.OIDC_AUDIENCE,
        claims: oidcClaimMapping(config),
      }),
    );
  // The dev issuer's tokens carry ClosedLoop's own `roles` and `team` claims (the default mapping).
  if (devIssuer)
    verifiers.set(
      devIssuer.issuer,
      createJwtVerifier({
        keys: async (header) => createLocalJWKSet(await devIssuer.jwks())(header),
        issuer: devIssuer.issuer,
        audience: devIssuer.audience,
      }),
    );
  return verifiers;
}
