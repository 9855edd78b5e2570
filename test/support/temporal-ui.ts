// The standalone Temporal UI (S9.4) without a browser: the tokens its own confidential client gets
// from the provider (code flow, the code exchanged with the client secret, as the ui-server does), and
// requests to its https origin (the gateway's self-signed certificate accepted).
import { randomBytes } from 'node:crypto';
import https from 'node:https';
import { DEV_PASSWORD, TEMPORAL_UI_CLIENT_ID, TEMPORAL_UI_CLIENT_SECRET } from '../../infra/oidc/accounts';
import { OidcBrowser } from './oidc';

export interface UiTokens {
  access_token: string;
  id_token: string;
}

/** Signs `user` in as the UI's client, back to the UI's callback at `uiUrl`. */
export async function uiTokens(issuer: string, uiUrl: string, user: string): Promise<UiTokens> {
  const callback = `${uiUrl}/auth/sso/callback`;
  const p = new OidcBrowser(issuer, TEMPORAL_UI_CLIENT_ID, callback);
  const { authorization_endpoint, token_endpoint } = await p.discover();
  const state = randomBytes(12).toString('base64url');
  const url = new URL(authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: TEMPORAL_UI_CLIENT_ID,
    redirect_uri: callback,
    response_type: 'code',
    scope: 'openid profile email groups',
    state,
    nonce: randomBytes(12).toString('base64url'),
  }).toString();
  const landed = await p.follow(await p.request(url.href));
  if (landed instanceof URL) throw new Error(`no login page: ${landed.href}`);
  const back = await p.submitLogin(landed, user, DEV_PASSWORD);
  if (!(back instanceof URL) || back.searchParams.get('state') !== state)
    throw new Error(`login for ${user} did not come back to the UI's callback`);
  const res = await fetch(token_endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${TEMPORAL_UI_CLIENT_ID}:${TEMPORAL_UI_CLIENT_SECRET}`).toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: back.searchParams.get('code')!,
      redirect_uri: callback,
    }).toString(),
  });
  const body = (await res.json()) as Partial<UiTokens> & { error?: string };
  if (res.status !== 200 || !body.access_token || !body.id_token)
    throw new Error(`token: HTTP ${res.status} ${body.error}`);
  return { access_token: body.access_token, id_token: body.id_token };
}

/** A request to the UI's https origin `uiUrl`; the body is read as text. */
export function viaUiGateway(
  uiUrl: string,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; text: string; json(): unknown }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${uiUrl}${path}`,
      { method, headers: init.headers ?? {}, rejectUnauthorized: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, text, json: () => JSON.parse(text) as unknown });
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}
