// `npm run cluster`: the production-shaped cluster (infra/cluster/cluster.ts) in a fresh run
// directory, its URLs and process layout printed; Ctrl-C stops everything and removes the run
// directory (CLUSTER_KEEP_DATA=1 keeps it). CLUSTER_WORKERS / CLUSTER_APIS / CLUSTER_HISTORY
// change the number of product workers, APIs and Temporal history processes (default 2 each).
// CLUSTER_TEMPORAL_UI=off leaves out the standalone Temporal UI that signs in (built with Go).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startCluster, type Cluster } from './cluster';

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'closedloop-cluster-'));
  const count = (name: string, fallback: number) => {
    const n = Number(process.env[name] ?? fallback);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number ≥ 1`);
    return n;
  };
  let cluster: Cluster | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await cluster?.stop();
    if (process.env.CLUSTER_KEEP_DATA) console.log(`run directory kept: ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  try {
    cluster = await startCluster({
      dataDir,
      workers: count('CLUSTER_WORKERS', 2),
      apis: count('CLUSTER_APIS', 2),
      historyProcesses: count('CLUSTER_HISTORY', 2),
      temporalUi: process.env.CLUSTER_TEMPORAL_UI?.trim().toLowerCase() !== 'off',
    });
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    await stop(1);
    return;
  }
  const e = cluster.env;
  const lines = [
    '',
    'ClosedLoop on a production-shaped Temporal cluster',
    '',
    ...cluster.urls.apis.map(
      (url, i) => `  API ${i + 1}            ${url}  (console ${url}/, docs ${url}/docs)`,
    ),
    `  Temporal frontend  ${e.TEMPORAL_ADDRESS}  (mTLS, server name ${e.TEMPORAL_TLS_SERVER_NAME})`,
    ...(cluster.urls.temporalUiSignIn
      ? [
          `  Temporal UI        ${cluster.urls.temporalUiSignIn}  (signs in through ${cluster.urls.oidc}; decodes`,
          '                     payloads for supervisors, the interface role and administrators)',
        ]
      : []),
    `  mail inbox         ${cluster.urls.mailInbox}`,
    `  Twilio simulator   ${cluster.urls.twilioSim}`,
    `  MongoDB (FerretDB) ${cluster.urls.mongo}`,
    `  PostgreSQL         ${cluster.urls.postgres ?? '-'}`,
    '',
    'Processes:',
    ...cluster.layout().map((l) => `  ${l}`),
    '',
    'Connect a Temporal client (e.g. the temporal CLI) with:',
    `  TEMPORAL_ADDRESS=${e.TEMPORAL_ADDRESS} TEMPORAL_NAMESPACE=${e.TEMPORAL_NAMESPACE}`,
    `  TEMPORAL_TLS_SERVER_CA_CERT_PATH=${e.TEMPORAL_TLS_SERVER_CA_CERT_PATH}`,
    `  TEMPORAL_TLS_SERVER_NAME=${e.TEMPORAL_TLS_SERVER_NAME}`,
    `  TEMPORAL_TLS_CLIENT_CERT_PATH=${e.TEMPORAL_TLS_CLIENT_CERT_PATH}`,
    `  TEMPORAL_TLS_CLIENT_KEY_PATH=${e.TEMPORAL_TLS_CLIENT_KEY_PATH}`,
    '',
    `Logs: ${cluster.logDir}. Ctrl-C stops everything.`,
  ];
  console.log(lines.join('\n'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
