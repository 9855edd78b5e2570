// D1 The product reaches Temporal over TLS and mTLS from the standard Temporal variables, and a wrong
// CA or a missing client certificate fails with a message that says what to check.
//
// The Temporal dev server (CLI 1.9.1) has no TLS options, so the test puts a real TLS endpoint in
// front of it: a TLS server (ALPN h2, client certificate required and checked against the test's
// CA) that forwards the decrypted gRPC stream to the dev server. Certificates are made here with
// openssl. The product connects through the same code as the API, the worker and the schedules
// (loadConfig → config.temporal → connectTemporal / the worker's NativeConnection).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../../platform/config';
import {
  connectTemporal,
  explainConnectError,
  temporalConnectionOptions,
  type TemporalTarget,
} from '../../platform/temporal-connection';
import { useDatabaseStack } from '../support/database-stack';

const db = useDatabaseStack();
const SERVER_NAME = 'temporal.closedloop.test';
let dir: string;
let proxy: tls.Server;
let proxyPort: number;
let handshakes = 0;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A CA, and a certificate it signs for `cn` (server: with the SAN the client checks). */
function makeCa(name: string): void {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
  );
}
function makeCert(ca: string, name: string, san?: string): void {
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
  );
  const ext = path.join(dir, `${name}.ext`);
  writeFileSync(ext, san ? `subjectAltName=${san}\n` : 'extendedKeyUsage=clientAuth\n');
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    ext,
    '-out',
    `${name}.pem`,
  );
}
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'closedloop-tls-'));
  makeCa('ca');
  makeCa('other-ca');
  makeCert('ca', 'server', `DNS:${SERVER_NAME}`);
  makeCert('ca', 'client');
  makeCert('other-ca', 'stranger');
  const [host, port] = db.stack.env.TEMPORAL_ADDRESS!.split(':');
  proxy = tls.createServer(
    {
      key: readFileSync(file('server.key')),
      cert: readFileSync(file('server.pem')),
      ca: readFileSync(file('ca.pem')),
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    },
    (socket) => {
      handshakes += 1;
      const upstream = net.connect(Number(port), host);
      socket.pipe(upstream).pipe(socket);
      const close = () => {
        socket.destroy();
        upstream.destroy();
      };
      socket.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    },
  );
  proxy.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyPort = (proxy.address() as net.AddressInfo).port;
}, 300_000);

afterAll(async () => {
  await new Promise((resolve) => proxy?.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The configuration a deployment would give, through the product's own loader. */
function targetFrom(env: Record<string, string>): TemporalTarget {
  const base = { ...db.stack.env, TEMPORAL_ADDRESS: `127.0.0.1:${proxyPort}`, HOME: dir };
  return loadConfig({ ...base, ...env }).temporal;
}
const MTLS = () => ({
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: file('ca.pem'),
  TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
  TEMPORAL_TLS_CLIENT_CERT_PATH: file('client.pem'),
  TEMPORAL_TLS_CLIENT_KEY_PATH: file('client.key'),
});

describe('D1 Temporal over TLS and mTLS', () => {
  it('D1 the client (API, schedules) and the worker connection reach Temporal through mTLS from the variables', async () => {
    const target = targetFrom(MTLS());
    expect(target.tls).toMatchObject({ serverNameOverride: SERVER_NAME });
    const before = handshakes;
    const connection = await connectTemporal(target);
    try {
      const ns = await connection.workflowService.describeNamespace({ namespace: target.namespace });
      expect(ns.namespaceInfo?.name).toBe(target.namespace);
    } finally {
      await connection.close();
    }
    const native = await NativeConnection.connect(temporalConnectionOptions(target));
    await native.close();
    // Both went through the TLS endpoint, not around it.
    expect(handshakes).toBeGreaterThanOrEqual(before + 2);
  });

  it('D1 a wrong CA fails with a message naming the CA setting', async () => {
    const target = targetFrom({ ...MTLS(), TEMPORAL_TLS_SERVER_CA_CERT_PATH: file('other-ca.pem') });
    const started = Date.now();
    await expect(connectTemporal(target, { connectTimeout: 5_000 })).rejects.toThrow(
      /Temporal at 127\.0\.0\.1:\d+ \(TLS\): the TLS handshake failed \((self-signed certificate|unable to (get local issuer|verify)).*\); check TEMPORAL_TLS_SERVER_CA_CERT_PATH/,
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    // The worker's native connection (Rust core) gets the same explanation.
    const err = await NativeConnection.connect(temporalConnectionOptions(target)).then(
      (c) => c.close().then(() => undefined),
      (e: unknown) => explainConnectError(target, e),
    );
    expect(err?.message).toMatch(
      /the TLS handshake failed \(.*certificate.*\); check TEMPORAL_TLS_SERVER_CA_CERT_PATH/,
    );
  });

  it('D1 a server name that is not in the certificate fails the handshake', async () => {
    const target = targetFrom({ ...MTLS(), TEMPORAL_TLS_SERVER_NAME: 'someone-else.test' });
    await expect(connectTemporal(target, { connectTimeout: 5_000 })).rejects.toThrow(
      /the TLS handshake failed \(Hostname\/IP does not match certificate's altnames.*someone-else\.test/,
    );
  });

  it('D1 without a client certificate (or with one of another CA) the mTLS endpoint refuses the connection', async () => {
    const { TEMPORAL_TLS_CLIENT_CERT_PATH: _c, TEMPORAL_TLS_CLIENT_KEY_PATH: _k, ...serverOnly } = MTLS();
    const refused =
      /Temporal at .* \(TLS\): the TLS handshake failed \(.*(certificate required|unknown ca|alert).*\); check /i;
    await expect(connectTemporal(targetFrom(serverOnly), { connectTimeout: 5_000 })).rejects.toThrow(refused);
    const stranger = targetFrom({
      ...MTLS(),
      TEMPORAL_TLS_CLIENT_CERT_PATH: file('stranger.pem'),
      TEMPORAL_TLS_CLIENT_KEY_PATH: file('stranger.key'),
    });
    await expect(connectTemporal(stranger, { connectTimeout: 5_000 })).rejects.toThrow(
      /Temporal at .* \(TLS\): /,
    );
  });
});
