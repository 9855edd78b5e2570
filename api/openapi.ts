// The OpenAPI 3.1 document, generated from the operations' declarations (api/operations): every
// operation with its operationId, tags, typed path and query parameters, request body and a schema
// for every JSON answer, errors included (RFC 9457 problem documents). Nothing is written by hand.
import { z } from 'zod';
import { OPERATIONS, type Operation } from './operations';
import * as V from './operations/views';
import { COMMON_ERRORS, PROBLEM_MEDIA, ProblemSchema, pathParamsOf, type Reply } from './operations/define';

type JsonSchema = Record<string, unknown>;

/** Request side: what a client may send (defaults optional, before transforms). */
const input = (schema: z.ZodType): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
};

const ERROR_TEXT: Record<number, string> = {
  400: 'the request is not valid: `message` and `details` name the field',
  401: 'no or invalid credentials',
  403: 'the roles or the assignment do not allow it',
  404: 'not found',
  409: 'the action does not fit the current state; `message` says why',
  410: 'gone',
  413: 'the body is too large',
  415: 'unsupported media type',
  422: 'understood but not acceptable; `message` and `details` say what is wrong',
  429: 'too many requests: wait for Retry-After',
  503: 'a dependency does not answer: retry after Retry-After',
};

/**
 * The answers' schemas as components: every JSON answer and the problem document are registered
 * once (by their `id` meta, else `<OperationId><status>`) and referenced from the operations.
 */
function responseComponents(ops: readonly Operation[]) {
  const registry = z.registry<{ id: string }>();
  const refs = new Map<z.ZodType, string>();
  const register = (schema: z.ZodType, fallback: string): string => {
    const known = refs.get(schema);
    if (known) return known;
    const id = (z.globalRegistry.get(schema)?.id as string | undefined) ?? fallback;
    if (!registry.has(schema)) registry.add(schema, { id });
    refs.set(schema, id);
    return id;
  };
  register(ProblemSchema, 'Problem');
  // Named views first, so that one nested in several answers is one component (not zod's __shared).
  for (const schema of Object.values(V))
    if (schema instanceof z.ZodType && z.globalRegistry.get(schema)?.id) register(schema, '');
  for (const o of ops) {
    for (const [status, reply] of Object.entries(o.responses))
      if ('schema' in reply) register(reply.schema, `${pascal(o.operationId)}${status}`);
    if (o.errorBody) register(o.errorBody.schema, `${pascal(o.operationId)}Error`);
  }
  const { schemas } = z.toJSONSchema(registry, {
    io: 'output',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  for (const s of Object.values(schemas)) {
    delete s.$schema;
    delete s.$id;
  }
  return { schemas, refOf: (schema: z.ZodType) => ({ $ref: `#/components/schemas/${refs.get(schema)!}` }) };
}

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function parametersOf(o: Operation) {
  const shape = (obj: z.ZodObject | undefined) => Object.entries(obj?.shape ?? {}) as [string, z.ZodType][];
  const inPath = shape(o.params);
  const declared = inPath.map(([name]) => name).sort();
  const named = pathParamsOf(o.path).sort();
  if (declared.join() !== named.join())
    throw new Error(
      `${o.operationId}: path parameters ${named.join(', ')} but declared ${declared.join(', ')}`,
    );
  return [
    ...inPath.map(([name, schema]) => {
      const { description, ...rest } = input(schema);
      return { name, in: 'path', required: true, schema: rest, ...(description ? { description } : {}) };
    }),
    ...shape(o.query).map(([name, schema]) => {
      const { description, ...rest } = input(schema);
      const required = !schema.safeParse(undefined).success;
      return { name, in: 'query', required, schema: rest, ...(description ? { description } : {}) };
    }),
  ];
}

function requestBodyOf(o: Operation) {
  if (!o.body && !o.otherBodies) return undefined;
  return {
    required: true,
    content: {
      ...(o.body ? { 'application/json': { schema: input(o.body) } } : {}),
      ...Object.fromEntries(Object.entries(o.otherBodies ?? {}).map(([type, schema]) => [type, { schema }])),
    },
  };
}

function replyOf(reply: Reply, refOf: (s: z.ZodType) => JsonSchema) {
  if ('schema' in reply)
    return {
      description: reply.description,
      content: { 'application/json': { schema: refOf(reply.schema) } },
    };
  if ('media' in reply)
    return { description: reply.description, content: { [reply.media]: { schema: { type: 'string' } } } };
  return { description: reply.description };
}

/** The error answers as shared components: one per status, all problem documents. */
function errorResponses(problem: JsonSchema) {
  const answer = (description: string) => ({
    description,
    content: { [PROBLEM_MEDIA]: { schema: problem } },
  });
  return {
    ...Object.fromEntries(Object.entries(ERROR_TEXT).map(([s, text]) => [`Error${s}`, answer(text)])),
    Error: answer('any other error (500: logged, no details)'),
  };
}

function errorsOf(o: Operation, refOf: (s: z.ZodType) => JsonSchema) {
  const statuses = o.auth === 'public' || o.auth === 'dev' ? [400, 404] : [...COMMON_ERRORS];
  const all = [...new Set([...statuses, ...(o.errors ?? [])])].sort();
  const own = o.errorBody;
  const answer = (name: string, status?: number) =>
    own
      ? {
          description: (status && ERROR_TEXT[status]) ?? 'error',
          content: { [own.media]: { schema: refOf(own.schema) } },
        }
      : { $ref: `#/components/responses/${name}` };
  return {
    ...Object.fromEntries(all.map((s) => [String(s), answer(`Error${s}`, s)])),
    default: answer('Error'),
  };
}

export function buildOpenApi(serverUrl: string) {
  const { schemas, refOf } = responseComponents(OPERATIONS);
  const problem = refOf(ProblemSchema);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const o of OPERATIONS) {
    const parameters = parametersOf(o);
    const requestBody = requestBodyOf(o);
    (paths[o.path] ??= {})[o.method.toLowerCase()] = {
      operationId: o.operationId,
      tags: [...o.tags],
      summary: o.summary,
      ...(o.description ? { description: o.description } : {}),
      ...(o.auth === 'public' || o.auth === 'dev' || o.auth === 'twilio' ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      responses: {
        ...Object.fromEntries(Object.entries(o.responses).map(([s, r]) => [s, replyOf(r, refOf)])),
        ...errorsOf(o, refOf),
      },
    };
  }
  const tags = [...new Set(OPERATIONS.flatMap((o) => o.tags))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'ClosedLoop API',
      version: '0.1.0',
      description:
        'Complaint handling for a mobile network operator (投诉分析处理). Each complaint is a durable Temporal workflow. ' +
        'Errors are RFC 9457 problem documents (application/problem+json) with a stable `error` code and a `message` that names the problem.',
    },
    servers: [{ url: serverUrl }],
    tags,
    components: { schemas, responses: errorResponses(problem) },
    paths,
  };
}
