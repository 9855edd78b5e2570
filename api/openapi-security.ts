// Adds to the OpenAPI document what depends on the configuration (issue 8): both kinds of
// credentials, the dev issuer only with DEV_AUTH=on, the codec server open with CODEC_AUTH=off, and
// each operation's roles from the access table in its description and x-roles.
import { ACCESS, type AccessRule } from './access';

type Operation = {
  description?: string;
  security?: unknown[];
  responses?: Record<string, unknown>;
  [k: string]: unknown;
};
type Doc = {
  components?: { securitySchemes?: Record<string, unknown>; [k: string]: unknown };
  paths: Record<string, Record<string, Operation>>;
  [k: string]: unknown;
};

function rolesText(rule: AccessRule, codecAuth: boolean): string {
  if (rule.auth === 'public' || rule.auth === 'dev') return 'Public.';
  if (rule.auth === 'twilio') return 'Twilio signature.';
  if (rule.auth === 'codec' && !codecAuth) return 'Public (CODEC_AUTH=off).';
  const scope =
    rule.scope === 'complaint'
      ? ' Handlers: assigned to them or their team; departments: transferred to them; VIP managers: VIP complaints; intake: what it filed.'
      : rule.scope === 'list'
        ? ' The list holds only the complaints of the caller’s assignment.'
        : '';
  return `Roles: ${rule.roles.join(', ')}.${scope}`;
}

export function withSecurity<T extends object>(doc: T, opts: { devAuth: boolean; codecAuth: boolean }): T {
  const d = doc as unknown as Doc;
  d.components = {
    ...d.components,
    securitySchemes: {
      bearer: {
        type: 'http',
        scheme: 'bearer',
        description:
          'An API key (systems) or a JWT from the identity provider (people; roles and team in its claims)',
      },
    },
  };
  d.security = [{ bearer: [] }];
  // The dev issuer's routes exist only with DEV_AUTH=on; the codec server is open with CODEC_AUTH=off.
  if (!opts.devAuth)
    for (const path of Object.keys(d.paths)) if (path.startsWith('/dev/')) delete d.paths[path];
  if (!opts.codecAuth)
    for (const path of ['/codec/decode', '/codec/encode']) {
      const op = d.paths[path]?.post;
      if (op) op.security = [];
    }
  for (const rule of ACCESS) {
    const op = d.paths[rule.path]?.[rule.method.toLowerCase()];
    if (!op) continue;
    const text = rolesText(rule, opts.codecAuth);
    const rest = (op.description ?? '').replace(/^Roles: [^.]*\.\s*/, '');
    op.description = rest ? `${text} ${rest}` : text;
    op['x-roles'] = [...rule.roles];
  }
  return doc;
}
