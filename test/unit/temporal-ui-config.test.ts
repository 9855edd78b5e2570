// S9.4: the standalone Temporal UI's generated configuration (ui-server keys) and the https
// gateway's routing in the local stack; the codec audit chain's name.
import { codecAuditChain } from '../../api/codec-server';
import { TicketIdParam } from '../../api/schemas';
import { temporalUiConfigYaml } from '../../infra/temporal-ui/config';
import { upstreamFor } from '../../infra/temporal-ui/gateway';

const yaml = temporalUiConfigYaml({
  temporalGrpcAddress: '127.0.0.1:7233',
  host: '127.0.0.1',
  port: 8235,
  publicUrl: 'https://127.0.0.1:8234/',
  defaultNamespace: 'default',
  oidc: {
    providerUrl: 'http://127.0.0.1:3020',
    clientId: 'closedloop-temporal-ui',
    clientSecret: 's3cr"et',
    scopes: ['openid', 'profile', 'email', 'groups'],
    options: { resource: 'api://closedloop' },
  },
  codecEndpoint: 'https://127.0.0.1:8234/codec',
});

describe('S9.4 the Temporal UI configuration', () => {
  it('S9.4 signs in through the provider as a confidential client and forwards the access token to the codec', () => {
    const lines = yaml.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'temporalGrpcAddress: "127.0.0.1:7233"',
        'port: 8235',
        'auth:',
        '  enabled: true',
        '      providerUrl: "http://127.0.0.1:3020"',
        '      clientId: "closedloop-temporal-ui"',
        '      clientSecret: "s3cr\\"et"',
        '        - "groups"',
        '      callbackUrl: "https://127.0.0.1:8234/auth/sso/callback"',
        '        "resource": "api://closedloop"',
        'codec:',
        '  endpoint: "https://127.0.0.1:8234/codec"',
        '  passAccessToken: true',
        '    - "https://127.0.0.1:8234"',
      ]),
    );
    // Every scope is listed under `scopes:` in order.
    const at = lines.indexOf('      scopes:');
    expect(lines.slice(at + 1, at + 5)).toEqual([
      '        - "openid"',
      '        - "profile"',
      '        - "email"',
      '        - "groups"',
    ]);
  });

  it('S9.4 with mTLS to the frontend the tls block names the CA, the client certificate and key and verifies the host', () => {
    const base = {
      temporalGrpcAddress: '127.0.0.1:17233',
      host: '127.0.0.1',
      port: 8235,
      publicUrl: 'https://127.0.0.1:8234',
      defaultNamespace: 'default',
      oidc: { providerUrl: 'http://127.0.0.1:3020', clientId: 'ui', clientSecret: 's', scopes: ['openid'] },
      codecEndpoint: 'https://127.0.0.1:8234/codec',
    };
    const lines = temporalUiConfigYaml({
      ...base,
      tls: {
        caFile: '/data/certs/ca.pem',
        certFile: '/data/certs/client.pem',
        keyFile: '/data/certs/client-key.pem',
        serverName: 'frontend.temporal.closedloop',
      },
    }).split('\n');
    const at = lines.indexOf('tls:');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 6)).toEqual([
      '  caFile: "/data/certs/ca.pem"',
      '  certFile: "/data/certs/client.pem"',
      '  keyFile: "/data/certs/client-key.pem"',
      '  serverName: "frontend.temporal.closedloop"',
      '  enableHostVerification: true',
    ]);
    // Without TLS settings (the dev server) there is no tls block at all.
    expect(temporalUiConfigYaml(base).split('\n')).not.toContain('tls:');
    expect(yaml.split('\n')).not.toContain('tls:');
  });

  it('S9.4 the gateway sends /codec/… to the API and everything else to the ui-server', () => {
    const ui = 'http://127.0.0.1:8235';
    const api = 'http://127.0.0.1:3000';
    expect(upstreamFor('/codec/decode?preserveStorageRefs=true', ui, api)).toBe(api);
    expect(upstreamFor('/codec/encode', ui, api)).toBe(api);
    expect(upstreamFor('/codecs', ui, api)).toBe(ui);
    expect(upstreamFor('/api/v1/settings', ui, api)).toBe(ui);
    expect(upstreamFor('/auth/sso/callback?code=x', ui, api)).toBe(ui);
    expect(upstreamFor('/', ui, api)).toBe(ui);
  });

  it('S9.4 the codec audit chain of a namespace is a readable audit trail id', () => {
    expect(codecAuditChain('default')).toBe('CODEC-default');
    expect(codecAuditChain('../x y')).toBe('CODEC-ns.._x_y');
    expect(codecAuditChain(undefined)).toBe('CODEC-ns');
    for (const ns of ['default', 'closedloop-prod', '../x y', undefined])
      expect(TicketIdParam.safeParse(codecAuditChain(ns)).success).toBe(true);
  });
});
