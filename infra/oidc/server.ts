// The embedded OpenID Connect provider of the local stack (S9.1): npm `oidc-provider` (OpenID
// Certified) with the seeded people of ./accounts, a login page of its own, discovery, JWKS, the
// authorization code flow with PKCE (required: the console is a public client), refresh tokens and
// RP-initiated logout (end_session). Access tokens are JWTs for one resource, the ClosedLoop API
// (OIDC_AUDIENCE), carrying `preferred_username`, `name` and `groups`: the API maps the groups to
// roles (OIDC_GROUP_MAP) exactly as it would with Keycloak or Entra ID.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import {
  ACCOUNTS,
  CONSOLE_CLIENT_ID,
  DEV_PASSWORD,
  TEMPORAL_UI_CLIENT_ID,
  TEMPORAL_UI_CLIENT_SECRET,
} from './accounts';

export interface OidcServerOptions {
  host: string;
  /** 0 = any free port (the issuer URL is known once bound). */
  port: number;
  /** The resource (audience) of access tokens: the ClosedLoop API, an absolute URI. */
  audience: string;
  /** Where the console lives, e.g. http://127.0.0.1:3000: its redirect URIs are under /console/. */
  consoleOrigins: readonly string[];
  /**
   * The standalone Temporal UI's sign-in callbacks (https://…/auth/sso/callback, S9.4): it is
   * registered as a confidential client when there are any.
   */
  temporalUiCallbacks?: readonly string[];
  /** Keeps the signing key and cookie secret between runs; absent = new ones each start. */
  dataDir?: string;
  accessTokenTtlSec?: number;
  log?: (message: string) => void;
}

export interface OidcServer {
  issuer: string;
  close(): Promise<void>;
}

/** The scopes the provider offers; `groups` puts the directory groups into tokens. */
const SCOPES = ['openid', 'profile', 'email', 'groups', 'offline_access'];

/** The signing key and cookie secret, kept in dataDir so that a restart keeps sessions valid. */
async function secrets(dataDir: string | undefined): Promise<{ jwk: JWK; cookieKey: string }> {
  const file = dataDir ? path.join(dataDir, 'keys.json') : undefined;
  if (file)
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as { jwk: JWK; cookieKey: string };
    } catch {
      /* first start: make them */
    }
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `oidc-${Date.now().toString(36)}`;
  const made = {
    jwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' },
    cookieKey: randomBytes(32).toString('base64url'),
  };
  if (file && dataDir) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(made), { mode: 0o600 });
  }
  return made;
}

function configuration(opts: OidcServerOptions, jwk: JWK, cookieKey: string): Configuration {
  const origins = new Set(opts.consoleOrigins.map((o) => new URL(o).origin));
  const consoleUris = (suffix: string) =>
    opts.consoleOrigins.map((o) => `${o.replace(/\/+$/, '')}/console/${suffix}`);
  return {
    clients: [
      {
        client_id: CONSOLE_CLIENT_ID,
        client_name: 'ClosedLoop console',
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: consoleUris('signin-callback'),
        post_logout_redirect_uris: consoleUris('signed-out'),
      },
      // The Temporal UI signs people in on its server side (code flow, client secret) and forwards
      // their access token, a JWT for the API like the console's, to the codec server (S9.4).
      ...(opts.temporalUiCallbacks?.length
        ? [
            {
              client_id: TEMPORAL_UI_CLIENT_ID,
              client_secret: TEMPORAL_UI_CLIENT_SECRET,
              client_name: 'Temporal UI',
              token_endpoint_auth_method: 'client_secret_basic' as const,
              application_type: 'web' as const,
              grant_types: ['authorization_code', 'refresh_token'],
              response_types: ['code' as const],
              redirect_uris: [...opts.temporalUiCallbacks],
            },
          ]
        : []),
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [cookieKey] },
    scopes: SCOPES,
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email'],
      groups: ['groups'],
    },
    findAccount: (_ctx, id) => {
      const account = ACCOUNTS[id];
      if (!account) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, preferred_username: id, ...account, groups: [...account.groups] }),
      };
    },
    // Public clients (the console) must use PKCE; the Temporal UI's server authenticates with its secret.
    pkce: { required: (_ctx, client) => client.tokenEndpointAuthMethod === 'none' },
    // The console's page calls the token endpoint from its own origin (and nothing else may).
    clientBasedCORS: (_ctx, origin) => origins.has(origin),
    ttl: {
      AccessToken: opts.accessTokenTtlSec ?? 600,
      IdToken: opts.accessTokenTtlSec ?? 600,
      RefreshToken: 8 * 3600,
      Session: 8 * 3600,
      Grant: 8 * 3600,
      Interaction: 600,
    },
    // A refresh token for the console's silent renewal (S9.3) without offline_access (which this
    // provider grants only with prompt=consent): it lives as long as the sign-in session, so that
    // signing out at the provider ends renewal too.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // The API reads who the person is and their groups from the access token itself.
    extraTokenClaims: (_ctx, token) => {
      const accountId = 'accountId' in token ? token.accountId : undefined;
      const account = typeof accountId === 'string' ? ACCOUNTS[accountId] : undefined;
      return account
        ? { preferred_username: accountId, name: account.name, groups: [...account.groups] }
        : {};
    },
    // A first-party client: no consent page; the grant covers the scopes asked for and the API.
    loadExistingGrant: (ctx) => grantFor(ctx, opts.audience),
    renderError: (ctx, out) => {
      ctx.type = 'html';
      const lines = Object.entries(out).map(
        ([k, v]) => `<p><strong>${escape(k)}</strong>: ${escape(String(v))}</p>`,
      );
      ctx.body = page('Error', `<h1>The request could not be completed</h1>${lines.join('')}`);
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.type = 'html';
          ctx.body = logoutPage(ctx.host, form);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = page('Signed out', '<h1>You are signed out.</h1>');
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => opts.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== opts.audience) throw new errors.InvalidTarget(`unknown resource ${resource}`);
          return {
            scope: 'api',
            audience: opts.audience,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
  };
}

async function grantFor(ctx: KoaContextWithOIDC, audience: string) {
  const { session, client } = ctx.oidc;
  if (!session?.accountId || !client) return undefined;
  const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
  const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
  if (existing) return existing;
  const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
  grant.addOIDCScope(SCOPES.join(' '));
  grant.addOIDCClaims(['sub', 'name', 'preferred_username', 'email', 'groups']);
  grant.addResourceScope(audience, 'api');
  await grant.save();
  return grant;
}

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:.8rem 0}' +
  'input{display:block;width:100%;padding:.4rem;font-size:1rem}button{margin:1rem .5rem 0 0;padding:.5rem 1.2rem;font-size:1rem}' +
  '.error{color:#b00020}small{color:#555}';

/** Every page of the provider: nothing loaded from elsewhere (the library's own pages import web fonts). */
function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)} — ClosedLoop identity provider</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head><body>${body}</body></html>`;
}

/** The login page: a plain form (no script), the seeded people listed because this is the dev stack. */
function loginPage(uid: string, user: string, error?: string): string {
  const people = Object.entries(ACCOUNTS)
    .map(([id, a]) => `<li><code>${escape(id)}</code> — ${escape(a.name)}</li>`)
    .join('');
  return page(
    'Sign in',
    `<h1>Sign in</h1><p><small>ClosedLoop local identity provider (OpenID Connect). Password of every seeded person: <code>${DEV_PASSWORD}</code></small></p>
${error ? `<p role="alert" class="error">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login" autocomplete="off">
<label>User <input name="user" value="${escape(user)}" autofocus required></label>
<label>Password <input name="password" type="password" required></label>
<button type="submit">Sign in</button></form>
<details><summary>Seeded people</summary><ul>${people}</ul></details>`,
  );
}

/** RP-initiated logout asks first (the library's form carries the xsrf token). */
function logoutPage(host: string, form: string): string {
  return page(
    'Sign out',
    `<h1>Sign out of ${escape(host)}?</h1>${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`,
  );
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 8192) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

/**
 * The login page's CSP. form-action also governs where the form's answer redirects to: the
 * provider, then the console's callback, so the console's origins are listed too.
 */
function pageCsp(consoleOrigins: readonly string[]): string {
  const origins = [...new Set(consoleOrigins.map((o) => new URL(o).origin))].join(' ');
  return `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${origins}; frame-ancestors 'none'`;
}

function send(res: http.ServerResponse, status: number, html: string, csp: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': csp,
  });
  res.end(html);
}

/** GET /interaction/:uid shows the login page; POST /interaction/:uid/login checks the password. */
async function interaction(
  provider: Provider,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  csp: string,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : '';
    return send(res, 200, loginPage(details.uid, hint), csp);
  }
  const form = await readForm(req);
  const user = (form.get('user') ?? '').trim();
  if (!ACCOUNTS[user] || form.get('password') !== DEV_PASSWORD)
    return send(res, 401, loginPage(details.uid, user, 'Unknown user or wrong password.'), csp);
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: user } },
    { mergeWithLastSubmission: false },
  );
}

export async function startOidcServer(opts: OidcServerOptions): Promise<OidcServer> {
  const log = opts.log ?? (() => undefined);
  const { jwk, cookieKey } = await secrets(opts.dataDir);
  const csp = pageCsp([...opts.consoleOrigins, ...(opts.temporalUiCallbacks ?? [])]);
  // The issuer URL needs the bound port, so the server answers 503 until the provider exists.
  let route: http.RequestListener = (_req, res) => void res.writeHead(503).end();
  const server = http.createServer((req, res) => route(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, resolve);
  });
  const issuer = `http://${opts.host}:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, configuration(opts, jwk, cookieKey));
  provider.on('server_error', (_ctx, err) => log(`server error: ${err.message}`));
  const handle = provider.callback();
  route = (req, res) => {
    if (req.url === '/healthz') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    if (/^\/interaction\/[^/]+(\/login)?$/.test(req.url?.split('?')[0] ?? ''))
      return void interaction(provider, req, res, csp).catch((err: unknown) => {
        log(`interaction failed: ${String(err)}`);
        if (!res.headersSent)
          send(res, 400, `<p>The sign-in could not continue: ${escape(String(err))}</p>`, csp);
      });
    void handle(req, res);
  };
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
