// The product's own dev configuration in the local stack: what the worker and API processes get
// besides the settings the services publish (TEMPORAL_ADDRESS, MONGODB_URI, SMTP_*, TWILIO_*).
import { DEV_GROUP_MAP } from '../oidc/accounts';
import { HOST } from './common';
import type { PortSpec } from './service';

/** Dev defaults of the product configuration (see .env.example). */
export const DEV_DEFAULTS = {
  TEMPORAL_TASK_QUEUE: 'complaints',
  MAIL_FROM: 'ClosedLoop <closedloop@localhost>',
  SUPERVISOR_EMAILS: 'supervisor@operator.example',
  ROLE_EMAILS: JSON.stringify({
    interface: ['interface@operator.example'],
    leader: ['leader@operator.example'],
    optCenter: ['opt-center@operator.example'],
    /** 上级管理接口人: the weekly report's addressees (R9.4) */
    management: ['management@operator.example'],
    'department:network': ['network@operator.example'],
    'department:data': ['data@operator.example'],
    'department:billing': ['billing@operator.example'],
    'department:core': ['core@operator.example'],
    'department:transmission': ['transmission@operator.example'],
  }),
  ROLE_PHONES: JSON.stringify({
    leader: ['+8613800000001'],
    interface: ['+8613800000002'],
    'department:network': ['+8613800000003'],
  }),
  TWILIO_ACCOUNT_SID: 'ACdev00000000000000000000000000000',
  TWILIO_AUTH_TOKEN: 'dev-auth-token',
  TWILIO_FROM_NUMBER: '+8610086000',
  API_KEYS: JSON.stringify({
    'dev-intake-key': { user: 'emos-gateway', roles: ['intake'] },
    'dev-handler-key': { user: 'handler.li', roles: ['handler'], team: 'haidian' },
    'dev-supervisor-key': { user: 'supervisor.wang', roles: ['supervisor', 'handler'] },
  }),
  LOG_LEVEL: 'info',
  // Payload encryption (S3) with a dev key: never use this key outside the local stack.
  PAYLOAD_KEYS: JSON.stringify({ 'dev-2026-1': '0LZN04ThYZrzxi/w90cbOxZkQZmn7QayybHYwNMbZVs=' }),
  PAYLOAD_KEY_ID: 'dev-2026-1',
  // People sign in through the embedded OpenID Connect provider (services/oidc.ts publishes its
  // issuer and group map); the API's own dev issuer (DEV_AUTH) stays for tests and the README's curl
  // tour, which need a token without a browser. The dev Web UI has no login, so its codec server
  // needs none (CODEC_AUTH=off).
  DEV_AUTH: 'on',
  CODEC_AUTH: 'off',
  /** The API as a resource of the provider: an absolute URI, as Entra ID's app ID URIs are. */
  OIDC_AUDIENCE: 'api://closedloop',
  OIDC_SCOPES: 'openid profile email groups',
  OIDC_USER_CLAIM: 'preferred_username',
  // The provider's people have directory groups, never ClosedLoop roles: the map gives the roles.
  OIDC_ROLES_CLAIM: 'groups',
  OIDC_TEAM_CLAIM: 'team',
  OIDC_GROUP_MAP: JSON.stringify(DEV_GROUP_MAP),
} as const;

/**
 * The API's port belongs to the product env (API_PORT, PUBLIC_BASE_URL, the dev issuer, Temporal's
 * codec endpoint) even in a stack without the API process; services/api.ts checks it is free.
 */
export const API_PORT: PortSpec = { fixed: 3000, label: 'ClosedLoop API', auto: 'free' };

/** The dev configuration of the product processes, for an API on `apiPort`. */
export function productEnv(apiPort: number): Record<string, string> {
  const api = `http://${HOST}:${apiPort}`;
  return {
    TEMPORAL_TASK_QUEUE: DEV_DEFAULTS.TEMPORAL_TASK_QUEUE,
    MAIL_FROM: DEV_DEFAULTS.MAIL_FROM,
    SUPERVISOR_EMAILS: DEV_DEFAULTS.SUPERVISOR_EMAILS,
    ROLE_EMAILS: DEV_DEFAULTS.ROLE_EMAILS,
    ROLE_PHONES: DEV_DEFAULTS.ROLE_PHONES,
    RATE_LIMIT_PER_MINUTE: '600',
    NETWORK_DATA_SOURCE: 'mongo',
    NETWORK_DATA_TIMEOUT_MS: '5000',
    API_HOST: HOST,
    API_PORT: String(apiPort),
    PUBLIC_BASE_URL: api,
    API_KEYS: DEV_DEFAULTS.API_KEYS,
    LOG_LEVEL: DEV_DEFAULTS.LOG_LEVEL,
    PAYLOAD_KEYS: DEV_DEFAULTS.PAYLOAD_KEYS,
    PAYLOAD_KEY_ID: DEV_DEFAULTS.PAYLOAD_KEY_ID,
    DEV_AUTH: DEV_DEFAULTS.DEV_AUTH,
    CODEC_AUTH: DEV_DEFAULTS.CODEC_AUTH,
    OIDC_AUDIENCE: DEV_DEFAULTS.OIDC_AUDIENCE,
    OIDC_SCOPES: DEV_DEFAULTS.OIDC_SCOPES,
    OIDC_USER_CLAIM: DEV_DEFAULTS.OIDC_USER_CLAIM,
    OIDC_ROLES_CLAIM: DEV_DEFAULTS.OIDC_ROLES_CLAIM,
    OIDC_TEAM_CLAIM: DEV_DEFAULTS.OIDC_TEAM_CLAIM,
    OIDC_GROUP_MAP: DEV_DEFAULTS.OIDC_GROUP_MAP,
  };
}
