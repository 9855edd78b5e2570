// The ui-server's configuration file (S9.4), keys as in its server/config/config.go
// (github.com/temporalio/ui-server/v2): the Temporal frontend, OpenID Connect sign-in against the
// same provider as the console (a confidential client of its own), and the codec server with the
// person's access token forwarded (codec.passAccessToken, which the UI honours for https endpoints
// only). infra/deploy/compose.yaml sets the same through the ui-server image's environment.

export interface TemporalUiConfigOptions {
  /** host:port of the Temporal frontend (gRPC). */
  temporalGrpcAddress: string;
  host: string;
  port: number;
  /** The origin people open (the https gateway in the local stack): CORS and the sign-in callback. */
  publicUrl: string;
  defaultNamespace: string;
  oidc: {
    /** The provider's issuer URL (its discovery document is read at start). */
    providerUrl: string;
    clientId: string;
    clientSecret: string;
    /** openid profile email + the scope that puts the groups claim the API maps into the token. */
    scopes: readonly string[];
    /** Added to the authorization request, e.g. { resource: 'api://closedloop' } or Entra's scope. */
    options?: Record<string, string>;
  };
  /** The codec server, e.g. https://127.0.0.1:8234/codec. */
  codecEndpoint: string;
  /**
   * mTLS to the frontend (the production-shaped cluster): the CA that signed the frontend's
   * certificate, the client certificate and key, and the name in the frontend's certificate.
   * Written as the ui-server's `tls:` block with host verification on.
   */
  tls?: { caFile: string; certFile: string; keyFile: string; serverName: string };
}

/** A YAML scalar: JSON strings are valid YAML double-quoted scalars. */
const q = (s: string): string => JSON.stringify(s);

export function temporalUiConfigYaml(o: TemporalUiConfigOptions): string {
  const publicUrl = o.publicUrl.replace(/\/+$/, '');
  const options = Object.entries(o.oidc.options ?? {});
  return [
    '# Written by the local stack (infra/temporal-ui/config.ts) at each start: edits are lost.',
    `temporalGrpcAddress: ${q(o.temporalGrpcAddress)}`,
    ...(o.tls
      ? [
          'tls:',
          `  caFile: ${q(o.tls.caFile)}`,
          `  certFile: ${q(o.tls.certFile)}`,
          `  keyFile: ${q(o.tls.keyFile)}`,
          `  serverName: ${q(o.tls.serverName)}`,
          '  enableHostVerification: true',
        ]
      : []),
    `host: ${q(o.host)}`,
    `port: ${o.port}`,
    'publicPath: ""',
    'enableUi: true',
    `defaultNamespace: ${q(o.defaultNamespace)}`,
    'showTemporalSystemNamespace: false',
    'disableNewsFetch: true',
    'hideLogs: false',
    'refreshInterval: 0s',
    'cors:',
    '  cookieInsecure: false',
    '  allowOrigins:',
    `    - ${q(new URL(publicUrl).origin)}`,
    'auth:',
    '  enabled: true',
    '  redirectToProvider: true',
    '  maxSessionDuration: 8h',
    '  providers:',
    '    - label: ClosedLoop sign-in',
    '      type: oidc',
    `      providerUrl: ${q(o.oidc.providerUrl)}`,
    `      clientId: ${q(o.oidc.clientId)}`,
    `      clientSecret: ${q(o.oidc.clientSecret)}`,
    '      scopes:',
    ...o.oidc.scopes.map((s) => `        - ${q(s)}`),
    `      callbackUrl: ${q(`${publicUrl}/auth/sso/callback`)}`,
    ...(options.length ? ['      options:', ...options.map(([k, v]) => `        ${q(k)}: ${q(v)}`)] : []),
    'codec:',
    `  endpoint: ${q(o.codecEndpoint)}`,
    '  passAccessToken: true',
    '  includeCredentials: false',
    `  defaultErrorMessage: ${q('Payloads stay encrypted: only supervisors, the interface role and administrators may read personal data (the codec server answered with a refusal).')}`,
    'forwardHeaders: []',
    '',
  ].join('\n');
}
