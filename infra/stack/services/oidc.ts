// The embedded OpenID Connect provider (child process, infra/oidc): people sign in to the console
// through it (S9.1), and the API verifies its access tokens and maps their groups to roles (S9.2)
// (OIDC_ROLES_CLAIM, OIDC_GROUP_MAP in product-env.ts), as it would with Keycloak or Entra ID.
import path from 'node:path';
import { CONSOLE_CLIENT_ID } from '../../oidc/accounts';
import { CHILD_READY_MS, HOST, readyOrStop, spawnChild } from '../common';
import { temporalUiPublicUrl } from './temporal-ui';
import { waitForHttp } from '../processes';
import type { Running, Service, ServiceContext } from '../service';

export const oidc: Service = {
  name: 'oidc',
  dependsOn: [],
  // Only the API verifies people's tokens; a stack without it needs no provider.
  enabled: ({ startApp }) => startApp,
  ports: { oidc: { fixed: 3020, label: 'OpenID Connect provider', auto: 'own' } },
  start: startOidc,
};

async function startOidc(ctx: ServiceContext): Promise<Running> {
  const env = {
    OIDC_HOST: HOST,
    OIDC_PORT: String(ctx.port('oidc')),
    OIDC_AUDIENCE: ctx.env.OIDC_AUDIENCE ?? '',
    OIDC_CONSOLE_ORIGINS: ctx.env.PUBLIC_BASE_URL ?? '',
    OIDC_DATA_DIR: path.join(ctx.dataDir, 'oidc'),
    // The standalone Temporal UI's port is chosen before anything starts: its callback is known now.
    ...(ctx.temporalUi
      ? { OIDC_TEMPORAL_UI_CALLBACKS: `${temporalUiPublicUrl(ctx)}/auth/sso/callback` }
      : {}),
    // Tests of silent renewal shorten the access token's life through the stack's appEnv.
    ...(ctx.env.OIDC_ACCESS_TOKEN_TTL ? { OIDC_ACCESS_TOKEN_TTL: ctx.env.OIDC_ACCESS_TOKEN_TTL } : {}),
  };
  const proc = spawnChild(ctx, 'oidc', 'infra/oidc/main.ts', env);
  const issuer = await readyOrStop(
    () => proc.stop(),
    async () => {
      const printed = (await proc.waitForOutput(/oidc ready on (\S+)/, CHILD_READY_MS))[1];
      const url = printed ?? `http://${HOST}:${env.OIDC_PORT}`;
      await waitForHttp(`${url}/healthz`, CHILD_READY_MS, proc);
      return url;
    },
  );
  ctx.say(`OpenID Connect provider ready on ${issuer}`);
  return {
    // The claim mapping is in the product env (product-env.ts); the provider adds where it is.
    env: { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: CONSOLE_CLIENT_ID },
    urls: { oidc: issuer },
    stop: async () => void (await proc.stop()),
  };
}
