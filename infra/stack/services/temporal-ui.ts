// The standalone Temporal UI (S9.4), opt-in (StackOptions.temporalUi; `npm run dev` turns it on):
// the ui-server built from the Go module proxy (infra/temporal-ui/provision.ts) with a generated
// configuration — the dev server's frontend, sign-in through the embedded OpenID Connect provider as
// a confidential client, the API's codec server with the person's access token forwarded — behind
// one https origin (infra/temporal-ui/gateway.ts) that also carries /codec/ to the API. With it the
// API's codec server requires a token (CODEC_AUTH=on) and TEMPORAL_UI_URL points here, so links in
// answers and e-mails open the UI that signs in; the dev server's own UI stays on its port, without
// login and therefore without decoded payloads. In the production-shaped cluster (infra/cluster) it
// connects to the frontend over mTLS with the TEMPORAL_TLS_* files the cluster publishes.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TEMPORAL_UI_CLIENT_ID, TEMPORAL_UI_CLIENT_SECRET } from '../../oidc/accounts';
import { type TemporalUiConfigOptions, temporalUiConfigYaml } from '../../temporal-ui/config';
import { startGateway } from '../../temporal-ui/gateway';
import { ensureTemporalUiServer } from '../../temporal-ui/provision';
import { CHILD_READY_MS, childBase, HOST, readyOrStop } from '../common';
import { type ManagedProcess, waitForHttp } from '../processes';
import type { Running, Service, ServiceContext } from '../service';

/** The config file's name: the ui-server reads <config dir>/<env>.yaml. */
const CONFIG_ENV = 'closedloop';

export interface TemporalUiRunning extends Running {
  /** The ui-server (the gateway runs in the stack's own process). */
  process: ManagedProcess;
}

export const temporalUi: Service<TemporalUiRunning> = {
  name: 'temporal-ui',
  dependsOn: ['temporal', 'oidc'],
  enabled: ({ startApp, temporalUi: wanted }) => startApp && wanted === true,
  ports: {
    // The https origin people open; chosen before the provider starts, which registers its callback.
    temporalUiSignIn: { fixed: 8234, label: 'Temporal UI (sign-in, https)', auto: 'free' },
    temporalUiServer: { fixed: 8235, label: 'Temporal UI server (behind the https port)', auto: 'free' },
  },
  start: startTemporalUi,
};

/** The https origin of the standalone UI, as the provider registers its callback (services/oidc.ts). */
export function temporalUiPublicUrl(ctx: Pick<ServiceContext, 'port'>): string {
  return `https://${HOST}:${ctx.port('temporalUiSignIn')}`;
}

/** mTLS to the frontend from the standard TEMPORAL_TLS_* variables (the production-shaped cluster). */
function frontendTls(env: ServiceContext['env']): Pick<TemporalUiConfigOptions, 'tls'> {
  const {
    TEMPORAL_TLS_CLIENT_CERT_PATH: certFile,
    TEMPORAL_TLS_CLIENT_KEY_PATH: keyFile,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: caFile,
    TEMPORAL_TLS_SERVER_NAME: serverName,
  } = env;
  if (!certFile) return {};
  if (!keyFile || !caFile || !serverName) {
    throw new Error(
      'temporal-ui: TEMPORAL_TLS_CLIENT_CERT_PATH is set without the key, the server CA or the server name',
    );
  }
  return { tls: { caFile, certFile, keyFile, serverName } };
}

async function startTemporalUi(ctx: ServiceContext): Promise<TemporalUiRunning> {
  const tool = await ensureTemporalUiServer();
  const publicUrl = temporalUiPublicUrl(ctx);
  const internalPort = ctx.port('temporalUiServer');
  const issuer = ctx.urls.oidc ?? ctx.env.OIDC_ISSUER;
  if (!issuer) throw new Error('temporal-ui: the OpenID Connect provider published no issuer');
  const root = path.join(ctx.dataDir, 'temporal-ui');
  mkdirSync(path.join(root, 'config'), { recursive: true });
  writeFileSync(
    path.join(root, 'config', `${CONFIG_ENV}.yaml`),
    temporalUiConfigYaml({
      temporalGrpcAddress: ctx.env.TEMPORAL_ADDRESS ?? ctx.urls.temporal ?? '',
      host: HOST,
      port: internalPort,
      publicUrl,
      defaultNamespace: ctx.namespace,
      oidc: {
        providerUrl: issuer,
        clientId: TEMPORAL_UI_CLIENT_ID,
        clientSecret: TEMPORAL_UI_CLIENT_SECRET,
        // `groups` puts the directory groups the API maps (OIDC_GROUP_MAP) into the access token.
        scopes: ['openid', 'profile', 'email', 'groups'],
      },
      codecEndpoint: `${publicUrl}/codec`,
      ...frontendTls(ctx.env),
    }),
    { mode: 0o600 },
  );
  const proc = ctx.children.spawn({
    // Its request log goes to the log file only.
    ...childBase(ctx, 'temporal-ui'),
    console: false,
    command: tool.bin,
    args: ['--root', root, '--config', 'config', '--env', CONFIG_ENV, 'start'],
  });
  const uiUrl = `http://${HOST}:${internalPort}`;
  const gateway = await readyOrStop(
    () => proc.stop(),
    async () => {
      await waitForHttp(`${uiUrl}/healthz`, CHILD_READY_MS, proc);
      return startGateway({
        host: HOST,
        port: ctx.port('temporalUiSignIn'),
        cert: readFileSync(tool.certFile),
        key: readFileSync(tool.keyFile),
        ui: uiUrl,
        api: ctx.env.PUBLIC_BASE_URL ?? `http://${HOST}:${ctx.env.API_PORT}`,
      });
    },
  );
  ctx.say(`temporal ui (sign-in through ${issuer}) ready on ${gateway.url}`);
  return {
    process: proc,
    // The codec server now needs a person's token, and links point at the UI that signs in.
    env: { CODEC_AUTH: 'on', TEMPORAL_UI_URL: gateway.url },
    urls: { temporalUiSignIn: gateway.url },
    stop: async () => {
      await gateway.close();
      await proc.stop();
    },
  };
}
