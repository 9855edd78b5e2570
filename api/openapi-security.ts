// Adds to the OpenAPI document what issue 8 brought: the codec server, the dev issuer, the audit
// routes, both kinds of credentials, and each operation's roles taken from the access table, so
// that the document, docs/security.md and the enforced rules cannot drift apart.
import { z } from 'zod';
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

const jsonBody = (schema: z.ZodType) => ({
  required: true,
  content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input' }) } },
});
const errorRef = { description: 'Error naming the problem' };
const errors = (...codes: string[]) => Object.fromEntries(codes.map((c) => [c, errorRef]));

const CodecBody = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string(), z.string().describe('base64')).optional(),
      data: z.string().describe('base64').optional(),
    }),
  ),
});
const TokenBody = z.object({
  user: z.string().describe('a seeded user, e.g. handler.li'),
  expiresInSec: z.number().int().min(1).max(86_400).optional(),
});
const ticketParam = {
  name: 'ticketId',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'ticket id: CHANNEL-externalId',
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
  const secured = (codec = false) => (codec && !opts.codecAuth ? { security: [] } : {});
  d.paths['/codec/decode'] = {
    post: {
      summary: 'Codec server: decrypt payloads for the Temporal Web UI',
      ...secured(true),
      requestBody: jsonBody(CodecBody),
      responses: { '200': { description: 'the decoded payloads' }, ...errors('400', '401', '403', '429') },
    },
  };
  d.paths['/codec/encode'] = {
    post: {
      summary: 'Codec server: encrypt payloads',
      ...secured(true),
      requestBody: jsonBody(CodecBody),
      responses: { '200': { description: 'the encoded payloads' }, ...errors('400', '401', '403', '429') },
    },
  };
  d.paths['/v1/admin/audit/{ticketId}'] = {
    get: {
      summary: 'The audit trail of one complaint (hash chain)',
      parameters: [ticketParam],
      responses: { '200': { description: 'entries in order' }, ...errors('400', '401', '403') },
    },
  };
  d.paths['/v1/admin/audit/{ticketId}/verify'] = {
    get: {
      summary: 'Verify the audit chain of one complaint',
      parameters: [ticketParam],
      responses: { '200': { description: '{ ok, entries, problems }' }, ...errors('400', '401', '403') },
    },
  };
  if (opts.devAuth) {
    d.paths['/dev/jwks.json'] = {
      get: {
        summary: 'Dev identity provider: its JWKS (DEV_AUTH=on only)',
        security: [],
        responses: { '200': { description: 'JWKS' } },
      },
    };
    d.paths['/dev/token'] = {
      post: {
        summary: 'Dev identity provider: a token for a seeded user (DEV_AUTH=on only)',
        security: [],
        requestBody: jsonBody(TokenBody),
        responses: {
          '200': { description: '{ access_token, token_type, expires_in }' },
          ...errors('400', '404'),
        },
      },
    };
  }
  for (const rule of ACCESS) {
    const op = d.paths[rule.path]?.[rule.method.toLowerCase()];
    if (!op) continue;
    const text = rolesText(rule, opts.codecAuth);
    const rest = (op.description ?? '').replace(/^Roles: [^.]*\.\s*/, '');
    op.description = rest ? `${text} ${rest}` : text;
    op['x-roles'] = [...rule.roles];
    if (rule.auth === 'roles' || (rule.auth === 'codec' && opts.codecAuth))
      op.responses = { ...op.responses, '429': errorRef };
  }
  return doc;
}
