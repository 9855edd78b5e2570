// D1 The Temporal connection from the standard Temporal variables (@temporalio/envconfig), checked
// at start: a missing, unreadable or non-PEM certificate file is an error naming the variable and
// the path (issue 18).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../platform/config';
import { loadTemporalTarget, TemporalConfigError } from '../../platform/temporal-connection';

let dir: string;
const pem = (label: string) => `-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----\n`;
const BASE = {
  SUPERVISOR_EMAILS: 'sup@example.com',
  TWILIO_ACCOUNT_SID: 'AC' + '0'.repeat(32),
  TWILIO_AUTH_TOKEN: 'secret-token',
  TWILIO_FROM_NUMBER: '+8610086000',
  PAYLOAD_KEYS: JSON.stringify({ k1: Buffer.alloc(32, 7).toString('base64') }),
  PAYLOAD_KEY_ID: 'k1',
};
let HOME: Record<string, string>;
let files: { ca: string; cert: string; key: string; notPem: string };

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'closedloop-d1-'));
  // No ~/.config/temporalio/temporal.toml of the machine leaks into the tests.
  HOME = { HOME: path.join(dir, 'home') };
  files = {
    ca: path.join(dir, 'ca.pem'),
    cert: path.join(dir, 'client.pem'),
    key: path.join(dir, 'client.key'),
    notPem: path.join(dir, 'not-pem.txt'),
  };
  writeFileSync(files.ca, pem('CERTIFICATE'));
  writeFileSync(files.cert, pem('CERTIFICATE'));
  writeFileSync(files.key, pem('PRIVATE KEY'));
  writeFileSync(files.notPem, 'hello');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DEFAULTS = { address: '127.0.0.1:7233', namespace: 'default' };
const target = (env: Record<string, string>) => loadTemporalTarget({ ...HOME, ...env }, DEFAULTS);

describe('D1 Temporal connection settings', () => {
  it('D1 keeps TEMPORAL_ADDRESS/TEMPORAL_NAMESPACE and their defaults, plain gRPC when nothing asks for TLS', () => {
    const defaults = loadConfig({ ...BASE, ...HOME });
    expect(defaults.temporal).toEqual({ address: '127.0.0.1:7233', namespace: 'default' });
    const set = loadConfig({
      ...BASE,
      ...HOME,
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_NAMESPACE: 'ops',
    });
    expect(set.temporal).toEqual({ address: 'temporal:7233', namespace: 'ops' });
    expect([set.TEMPORAL_ADDRESS, set.TEMPORAL_NAMESPACE]).toEqual(['temporal:7233', 'ops']);
  });

  it('D1 mTLS: server CA, server name, client certificate and key are read at start', () => {
    const t = target({
      TEMPORAL_ADDRESS: 'frontend:7233',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: files.ca,
      TEMPORAL_TLS_SERVER_NAME: 'frontend.cluster',
      TEMPORAL_TLS_CLIENT_CERT_PATH: files.cert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: files.key,
    });
    expect(t.tls).toMatchObject({ serverNameOverride: 'frontend.cluster' });
    const tls = t.tls as {
      serverRootCACertificate: Uint8Array;
      clientCertPair: { crt: Uint8Array; key: Uint8Array };
    };
    expect(Buffer.from(tls.serverRootCACertificate).toString()).toBe(pem('CERTIFICATE'));
    expect(Buffer.from(tls.clientCertPair.key).toString()).toBe(pem('PRIVATE KEY'));
  });

  it('D1 API key: TLS with the system CAs and the key; gRPC metadata from TEMPORAL_GRPC_META_*', () => {
    const t = target({ TEMPORAL_API_KEY: 'key-123', TEMPORAL_GRPC_META_X_TENANT: 'north' });
    expect(t).toMatchObject({ apiKey: 'key-123', tls: true, metadata: { 'x-tenant': 'north' } });
    expect(() => target({ TEMPORAL_API_KEY: 'key-123', TEMPORAL_TLS: 'false' })).toThrow(/TEMPORAL_API_KEY/);
    expect(target({ TEMPORAL_TLS: 'true' }).tls).toBe(true);
    // Compose passes unset variables as empty strings: they count as unset.
    expect(target({ TEMPORAL_API_KEY: '', TEMPORAL_TLS: '' }).tls).toBeUndefined();
  });

  it.each([
    [
      'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
      () => path.join(dir, 'missing-ca.pem'),
      /cannot read .*missing-ca\.pem \(ENOENT\)/,
    ],
    [
      'TEMPORAL_TLS_CLIENT_CERT_PATH',
      () => path.join(dir, 'missing.pem'),
      /cannot read .*missing\.pem \(ENOENT\)/,
    ],
    ['TEMPORAL_TLS_CLIENT_KEY_PATH', () => dir, /cannot read .* \(EISDIR\)/],
    ['TEMPORAL_TLS_SERVER_CA_CERT_PATH', () => files.notPem, /not-pem\.txt is not a PEM file/],
  ])('D1 a bad %s is a start-up error naming the variable and the path', (variable, file, message) => {
    const env = {
      TEMPORAL_TLS_CLIENT_CERT_PATH: files.cert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: files.key,
      [variable]: file(),
    };
    expect(() => loadConfig({ ...BASE, ...HOME, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...BASE, ...HOME, ...env })).toThrow(new RegExp(`${variable}: `));
    expect(() => target(env)).toThrow(message);
  });

  it('D1 an unreadable file (no permission) names the variable', () => {
    if (process.getuid?.() === 0) {
      // root reads any file: the EACCES case cannot happen for it; the ENOENT/EISDIR cases above cover the path.
      expect(() => target({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(dir, 'nope') })).toThrow(
        /TEMPORAL_TLS_SERVER_CA_CERT_PATH: cannot read/,
      );
      return;
    }
    const locked = path.join(dir, 'locked.pem');
    writeFileSync(locked, pem('CERTIFICATE'));
    chmodSync(locked, 0o000);
    expect(() => target({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: locked })).toThrow(
      /TEMPORAL_TLS_SERVER_CA_CERT_PATH: cannot read .*locked\.pem \(EACCES\)/,
    );
  });

  it('D1 a client certificate without its key (or the reverse) is refused', () => {
    expect(() => target({ TEMPORAL_TLS_CLIENT_CERT_PATH: files.cert })).toThrow(/needs both/);
    expect(() => target({ TEMPORAL_TLS_CLIENT_KEY_PATH: files.key })).toThrow(/needs both/);
  });

  it('D1 TEMPORAL_TLS_DISABLE_HOST_VERIFICATION=true is refused with what to set instead', () => {
    expect(() => target({ TEMPORAL_TLS: 'true', TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: 'true' })).toThrow(
      /TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: .*TEMPORAL_TLS_SERVER_NAME/,
    );
    expect(target({ TEMPORAL_TLS: 'true', TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: 'false' }).tls).toBe(true);
    expect(() => loadConfig({ ...BASE, ...HOME, TEMPORAL_TLS: 'yes' })).toThrow(/TEMPORAL_TLS/);
  });

  it('D1 a TOML profile (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE); the variables win over it', () => {
    const toml = path.join(dir, 'temporal.toml');
    writeFileSync(
      toml,
      [
        '[profile.default]',
        'address = "default-host:7233"',
        '[profile.prod]',
        'address = "prod-host:7233"',
        'namespace = "prod-ns"',
        '[profile.prod.tls]',
        `server_ca_cert_path = "${files.ca}"`,
        'server_name = "prod.internal"',
        '[profile.broken.tls]',
        `client_cert_path = "${path.join(dir, 'gone.pem')}"`,
        `client_key_path = "${files.key}"`,
      ].join('\n'),
    );
    expect(target({ TEMPORAL_CONFIG_FILE: toml }).address).toBe('default-host:7233');
    const prod = target({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod' });
    expect(prod).toMatchObject({
      address: 'prod-host:7233',
      namespace: 'prod-ns',
      tls: { serverNameOverride: 'prod.internal' },
    });
    const over = loadConfig({
      ...BASE,
      ...HOME,
      TEMPORAL_CONFIG_FILE: toml,
      TEMPORAL_PROFILE: 'prod',
      TEMPORAL_NAMESPACE: 'mine',
    });
    expect([over.TEMPORAL_ADDRESS, over.TEMPORAL_NAMESPACE]).toEqual(['prod-host:7233', 'mine']);
    expect(() => target({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'nope' })).toThrow(
      /TEMPORAL_PROFILE=nope.*Profile 'nope' not found/,
    );
    expect(() => target({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'broken' })).toThrow(
      /temporal\.toml tls\.client_cert_path: cannot read .*gone\.pem \(ENOENT\)/,
    );
    expect(() => target({ TEMPORAL_CONFIG_FILE: path.join(dir, 'no.toml') })).toThrow(
      /TEMPORAL_CONFIG_FILE: cannot read .*no\.toml \(ENOENT\)/,
    );
  });

  it('D1 the default config file of the user is read when it exists', () => {
    const home = path.join(dir, 'user');
    mkdirSync(path.join(home, '.config', 'temporalio'), { recursive: true });
    writeFileSync(
      path.join(home, '.config', 'temporalio', 'temporal.toml'),
      '[profile.default]\nnamespace = "from-home"\n',
    );
    expect(loadTemporalTarget({ HOME: home }, DEFAULTS)).toEqual({
      address: '127.0.0.1:7233',
      namespace: 'from-home',
    });
    expect(() =>
      loadTemporalTarget({ HOME: home, TEMPORAL_TLS_CLIENT_KEY_PATH: files.key }, DEFAULTS),
    ).toThrow(TemporalConfigError);
  });
});
