// One declaration per API operation (issue 17): its path, who may call it (the access rule that
// api/guard.ts applies and docs/security.md shows), its parameters, request and response schemas
// (zod), and what the OpenAPI document says about it. The access table (api/access.ts) and
// /openapi.json (api/openapi.ts) are derived from these declarations, so they cannot drift apart.
import { z } from 'zod';

/** Role names as the table uses them; `department` stands for every `department:<name>` role. */
export const ROLES = [
  'intake',
  'handler',
  'department',
  'supervisor',
  'interface',
  /** the network department / branch leader (网络部 / 分公司领导): the top of the default ladder (R5.7) */
  'leader',
  'vipManager',
  'analyst',
  'admin',
  /** the privacy officer: retention and people's requests about their data (issue 22, S8) */
  'privacy',
] as const;
export type RoleName = (typeof ROLES)[number];

export type Auth =
  /** no credentials needed */
  | 'public'
  /** Twilio's X-Twilio-Signature over URL and form fields (S4) */
  | 'twilio'
  /** the dev issuer, only with DEV_AUTH=on */
  | 'dev'
  /** Bearer API key or JWT with one of the roles */
  | 'roles'
  /** like 'roles', unless CODEC_AUTH=off (the local dev UI has no login) */
  | 'codec';

export type Scope =
  /** no complaint involved, or the role sees every complaint */
  | 'none'
  /** the complaint named in the path must be in the person's assignment (canAccessComplaint) */
  | 'complaint'
  /** lists only the complaints in the person's assignment (listScopeFilter) */
  | 'list';

export interface AccessRule {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI path, e.g. /v1/complaints/{id}/triage */
  path: string;
  auth: Auth;
  roles: readonly RoleName[];
  scope: Scope;
  /** What the rule means, for docs/security.md. */
  note?: string;
  /** Served but not in /openapi.json (the docs page itself). */
  undocumented?: boolean;
}

/** An answer with a body other than JSON (HTML page, CSV, image, audio, TwiML). */
export interface MediaReply {
  description: string;
  media: string;
}
/** An answer without a body (204). */
export interface EmptyReply {
  description: string;
  empty: true;
}
/** A JSON answer: its schema is what the API sends (validated against real answers in the tests). */
export interface JsonReply {
  description: string;
  schema: z.ZodType;
}
export type Reply = JsonReply | MediaReply | EmptyReply;

export interface Operation extends AccessRule {
  /** Unique, camelCase: the name of the call in generated clients. */
  operationId: string;
  tags: readonly string[];
  summary: string;
  description?: string;
  /** Path parameters: one key per `{name}` in `path`. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** A JSON request body. */
  body?: z.ZodType;
  /** Request bodies of other media types, as JSON Schema (network data CSV). */
  otherBodies?: Record<string, Record<string, unknown>>;
  /** Successful answers by status. Errors are problem documents (ProblemSchema) for every operation. */
  responses: Record<number, Reply>;
  /** Error statuses this operation is known to answer beyond the common ones. */
  errors?: readonly number[];
  /** Its errors when they are not the API's problem document (e.g. another standard's error body). */
  errorBody?: { schema: z.ZodType; media: string };
}

/**
 * The error answer of every route (RFC 9457, application/problem+json) with the members the API
 * has always sent: `error` (a stable code), `message` (names the problem) and, for validation
 * failures and rejected rows, `details`. The RFC's own members are optional; `type` is about:blank.
 */
export const ProblemSchema = z
  .looseObject({
    error: z.string().describe('a stable code, e.g. validation_failed, action_refused, forbidden'),
    message: z.string().describe('what is wrong, naming the field or the rule'),
    details: z
      .array(z.union([z.looseObject({}), z.string()]))
      .optional()
      .describe('per field (field, message), per rejected row (row, line, field, message) or per problem'),
    requestId: z
      .string()
      .optional()
      .describe("the request's id, also in the X-Request-Id header and in the API's log lines"),
  })
  .meta({ id: 'Problem' });

export const PROBLEM_MEDIA = 'application/problem+json';

/** Statuses every operation that needs credentials may answer. */
export const COMMON_ERRORS = [400, 401, 403, 404, 409, 429, 503] as const;

export const json = (description: string, schema: z.ZodType): JsonReply => ({ description, schema });
export const media = (description: string, type: string): MediaReply => ({ description, media: type });
export const empty = (description: string): EmptyReply => ({ description, empty: true });

type RuleFields = Pick<AccessRule, 'auth' | 'roles' | 'scope'>;
/** A route that needs one of `roles`; `scope` says whether the person's assignment matters. */
export const roles = (
  list: AccessRule['roles'],
  scope: AccessRule['scope'] = 'none',
): RuleFields & { auth: 'roles' } => ({ auth: 'roles', roles: list, scope });
export const PUBLIC: RuleFields = { auth: 'public', roles: [], scope: 'none' };
export const TWILIO: RuleFields = { auth: 'twilio', roles: [], scope: 'none' };
export const DEV: RuleFields = { auth: 'dev', roles: [], scope: 'none' };

/** Declares one operation (a typed identity: the declaration is the value). */
export function op(o: Operation): Operation {
  return o;
}

/** The `{name}` parameters of an OpenAPI path. */
export function pathParamsOf(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}

/** The Express route of an OpenAPI path below `mount`: /v1/complaints/{id}/triage → /:id/triage. */
export function expressPath(path: string, mount = ''): string {
  const rest = path.slice(mount.length) || '/';
  return rest.replace(/\{([^}]+)\}/g, ':$1');
}
