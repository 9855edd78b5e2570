// The cluster's certificates, made at every start with openssl into the run directory: a CA, the
// frontend's server certificate (names: FRONTEND_SERVER_NAME, localhost, 127.0.0.1) and two client
// certificates, one for the product (worker, API, tests) and one for Temporal's own system worker.
// The frontend requires a client certificate signed by the CA (mTLS); nothing else is trusted.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findOnPath } from '../stack/provision';

/** The name the product checks the frontend's certificate against (TEMPORAL_TLS_SERVER_NAME). */
export const FRONTEND_SERVER_NAME = 'temporal-frontend';

export interface CertPair {
  cert: string;
  key: string;
}

export interface ClusterCerts {
  dir: string;
  ca: CertPair;
  frontend: CertPair;
  /** The product's client certificate (CN closedloop). */
  client: CertPair;
  /** Temporal's system worker's client certificate (CN temporal-system-worker). */
  systemWorker: CertPair;
}

const DAYS = '30';

export async function makeCerts(dir: string): Promise<ClusterCerts> {
  const openssl = findOnPath('openssl');
  if (!openssl) throw new Error('openssl is not on PATH: the cluster makes its mTLS certificates with it');
  mkdirSync(dir, { recursive: true });
  const pair = (name: string): CertPair => ({
    cert: path.join(dir, `${name}.pem`),
    key: path.join(dir, `${name}-key.pem`),
  });
  const ca = pair('ca');
  await run(openssl, [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
    ...['-keyout', ca.key, '-out', ca.cert, '-days', DAYS, '-subj', '/CN=closedloop-cluster-ca'],
    ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  ]);
  const frontend = pair('frontend');
  await signed(openssl, dir, ca, frontend, FRONTEND_SERVER_NAME, [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth,clientAuth',
    `subjectAltName=DNS:${FRONTEND_SERVER_NAME},DNS:localhost,IP:127.0.0.1`,
  ]);
  const client = pair('client');
  await signed(openssl, dir, ca, client, 'closedloop', clientExtensions());
  const systemWorker = pair('system-worker');
  await signed(openssl, dir, ca, systemWorker, 'temporal-system-worker', clientExtensions());
  return { dir, ca, frontend, client, systemWorker };
}

function clientExtensions(): string[] {
  return ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=clientAuth'];
}

async function signed(
  openssl: string,
  dir: string,
  ca: CertPair,
  out: CertPair,
  cn: string,
  extensions: string[],
): Promise<void> {
  const csr = `${out.cert}.csr`;
  const ext = `${out.cert}.ext`;
  writeFileSync(ext, `${extensions.join('\n')}\n`);
  await run(openssl, [
    ...['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
    ...['-keyout', out.key, '-out', csr, '-subj', `/CN=${cn}`],
  ]);
  await run(openssl, [
    ...['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial'],
    ...['-CAserial', path.join(dir, 'ca.srl'), '-out', out.cert, '-days', DAYS, '-extfile', ext],
  ]);
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 30_000 }, (err, _stdout, stderr) =>
      err ? reject(new Error(`${path.basename(command)} ${args[0]}: ${stderr || err.message}`)) : resolve(),
    );
  });
}
