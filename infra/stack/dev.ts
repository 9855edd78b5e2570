// `npm run dev`: the whole product on this machine. Starts the embedded local stack with the dev
// ports and data under <repo>/.data (kept between runs), then the worker and the API; prints every
// URL. Ctrl-C, or SIGINT/SIGTERM to `npm run dev`'s process or its process group, stops everything
// it started (infra/dev.cjs passes the signal on). CLOSEDLOOP_DATA_DIR puts the data elsewhere;
// CLOSEDLOOP_TEMPORAL_UI=off leaves out the standalone Temporal UI that signs in (built with Go).
import path from 'node:path';
import { SEED_USERS } from '../../api/dev-auth';
import { DEV_PASSWORD } from '../oidc/accounts';
import { startStack, type Stack } from './stack';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const DATA_DIR = path.resolve(process.env.CLOSEDLOOP_DATA_DIR ?? path.join(REPO_ROOT, '.data'));

const FIRST_COMPLAINT = {
  channel: 'EMOS',
  externalId: 'EMOS-2026-000001',
  category: 'NO_SIGNAL',
  description: '室内无信号，打电话经常断',
  location: { address: '北京市海淀区中关村大街1号', region: 'haidian', cellId: '460-00-12345-1' },
  occurrence: { since: '2026-11-20T08:00:00+08:00', frequency: 'DAILY' },
  terminal: { model: 'Huawei Mate 60' },
  numbers: { calling: '+8613800138000', callback: '+8613800138000' },
};

function banner(stack: Stack, seconds: number): string {
  const { urls } = stack;
  const keys = Object.entries(
    JSON.parse(stack.env.API_KEYS ?? '{}') as Record<string, { user: string; roles: string[] }>,
  );
  const curl =
    `curl -sS -X POST ${urls.api}/v1/complaints -H 'Authorization: Bearer dev-intake-key' ` +
    `-H 'Content-Type: application/json' -d '${JSON.stringify(FIRST_COMPLAINT)}'`;
  return [
    '',
    `ClosedLoop is running (started in ${seconds.toFixed(1)} s; data in ${path.relative(process.cwd(), DATA_DIR) || '.'})`,
    '',
    `  Console          ${urls.api}/console/  (signs in through the identity provider below)`,
    ...(urls.oidc
      ? [`  Sign-in (OIDC)   ${urls.oidc}  (discovery: ${urls.oidc}/.well-known/openid-configuration)`]
      : []),
    `  API              ${urls.api}`,
    `  API docs         ${urls.docs}`,
    `  OpenAPI          ${urls.api}/openapi.json`,
    ...(urls.temporalUiSignIn
      ? [
          `  Temporal UI      ${urls.temporalUiSignIn}  (signs in through the identity provider; decodes payloads`,
          '                   for supervisor, interface and admin; a local self-signed certificate: accept it once)',
          `  Temporal dev UI  ${urls.temporalUi}  (the dev server's own UI: no sign-in, payloads stay encrypted)`,
        ]
      : [`  Temporal UI      ${urls.temporalUi}`]),
    `  Mail inbox       ${urls.mailInbox}`,
    `  Twilio simulator ${urls.twilioSim}/_sim`,
    ...(urls.dispatcherSim
      ? [`  Dispatcher sim   ${urls.dispatcherSim}  (TMF621 events and work-order replies received)`]
      : []),
    `  Temporal gRPC    ${urls.temporal} (namespace ${stack.env.TEMPORAL_NAMESPACE})`,
    `  MongoDB          ${urls.mongo}`,
    ...(urls.postgres ? [`  PostgreSQL       ${urls.postgres} (FerretDB's backend)`] : []),
    `  Logs             ${stack.logDir}`,
    '',
    '  API keys (dev only):',
    ...keys.map(([key, v]) => `    ${key.padEnd(20)} ${v.user} (${v.roles.join(', ')})`),
    '',
    `  Seeded people (dev only; sign in to the console as any of them, password ${DEV_PASSWORD}):`,
    ...Object.entries(SEED_USERS).map(
      ([user, u]) => `    ${user.padEnd(20)} ${u.roles.join(', ')}${u.team ? `, team ${u.team}` : ''}`,
    ),
    '    staff.zhou           no ClosedLoop group: refused with 403 (no_role)',
    '  A token for one of them without a browser (DEV_AUTH, an hour), e.g. the admin for /v1/policies:',
    `    curl -sS -X POST ${urls.api}/dev/token -H 'Content-Type: application/json' -d '{"user":"admin.root"}'`,
    '',
    '  File a first complaint:',
    `    ${curl}`,
    '',
    'Press Ctrl-C to stop (started in the background: kill -TERM or -INT the pid of `npm run dev`).',
    'ready',
  ].join('\n');
}

function stopOnSignals(stack: Stack): void {
  let stopping = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    // Ctrl-C reaches us twice (from the terminal and forwarded by npm): only a later one forces exit.
    if (stopping && Date.now() - stopping < 2000) return;
    if (stopping) {
      console.error(`\n${signal} again: exiting now (children get SIGTERM)`);
      process.exit(130);
    }
    stopping = Date.now();
    console.error(`\n${signal}: stopping ClosedLoop …`);
    stack.stop().then(
      () => {
        console.error(`stopped; data kept in ${DATA_DIR}`);
        process.exit(0);
      },
      (err: unknown) => {
        console.error('error while stopping:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
}

async function main(): Promise<void> {
  const started = Date.now();
  // Until the stack is up, a signal simply exits; the children get SIGTERM from the exit hook.
  const early = (): never => process.exit(130);
  process.once('SIGINT', early);
  process.once('SIGTERM', early);
  const stack = await startStack({
    dataDir: DATA_DIR,
    ports: 'fixed',
    temporalUi: process.env.CLOSEDLOOP_TEMPORAL_UI?.trim().toLowerCase() !== 'off',
  });
  process.off('SIGINT', early);
  process.off('SIGTERM', early);
  stopOnSignals(stack);
  console.log(banner(stack, (Date.now() - started) / 1000));
}

main().catch((err: unknown) => {
  console.error(`\nClosedLoop did not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
