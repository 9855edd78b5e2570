// Validates TMF621 answers against the published v5.0.1 OpenAPI document
// (docs/reference/tmf621/, Apache 2.0): ajv over the document's own component schemas, with
// the polymorphic unions (oneOf + discriminator) resolved by their `@type`, as the standard means
// them (a PartyRoleRef is also a valid PartyRef, so a plain oneOf would refuse every one of them).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

type Json = Record<string, unknown>;

/** A copy of the published document travels with the repository (docs/reference/tmf621/, unchanged). */
const CANDIDATES = [
  path.resolve(__dirname, '../../docs/reference/tmf621/TMF621-Trouble_Ticket-v5.0.1.oas.yaml'),
];

/** The published document (the first of the known places that has it). */
export function tmfDocumentPath(): string {
  const found = process.env.TMF621_OAS ?? CANDIDATES.find((p) => existsSync(p));
  if (!found)
    throw new Error(`the TMF621 v5.0.1 document is not at ${CANDIDATES.join(' or ')} (set TMF621_OAS)`);
  return found;
}

export interface TmfDocument {
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, Json> } & Json>>;
  components: {
    schemas: Record<string, Json>;
    responses: Record<string, Json>;
    requestBodies: Record<string, Json>;
  };
}

let cached: TmfDocument | undefined;
export function loadTmfDocument(): TmfDocument {
  cached ??= parse(readFileSync(tmfDocumentPath(), 'utf8')) as TmfDocument;
  return cached;
}

const DOC_ID = 'tmf621';

/** `$ref: '#/…'` → `$ref: 'tmf621#/…'` everywhere (schemas compiled apart from the document). */
function rebase(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(rebase);
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [
      k,
      k === '$ref' && typeof x === 'string' && x.startsWith('#/') ? DOC_ID + x : rebase(x),
    ]),
  );
}

/**
 * A oneOf with a discriminator mapping becomes "the branch its @type names"; a discriminator on
 * an allOf base class is documentation only (following it from the base would recurse forever).
 */
function resolveUnions(schema: Json): Json {
  const { discriminator, oneOf, ...rest } = schema as Json & {
    discriminator?: { propertyName: string; mapping?: Record<string, string> };
    oneOf?: unknown[];
  };
  if (!oneOf || !discriminator?.mapping) return discriminator ? rest : schema;
  const prop = discriminator.propertyName;
  const mapping = Object.entries(discriminator.mapping);
  return {
    ...rest,
    type: 'object',
    required: [prop],
    properties: { [prop]: { enum: mapping.map(([name]) => name) } },
    allOf: mapping.map(([name, ref]) => ({
      if: { properties: { [prop]: { const: name } }, required: [prop] },
      then: { $ref: ref },
    })),
  };
}

let ajv: Ajv | undefined;
function validator(): Ajv {
  if (ajv) return ajv;
  const doc = loadTmfDocument();
  const schemas = Object.fromEntries(
    Object.entries(doc.components.schemas).map(([name, s]) => [name, resolveUnions(s)]),
  );
  ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('base64', /^[A-Za-z0-9+/]*={0,2}$/);
  ajv.addSchema(rebase({ $id: DOC_ID, components: { schemas } }) as Json);
  return ajv;
}

const compiled = new Map<string, ValidateFunction>();
function compile(key: string, schema: () => Json): ValidateFunction {
  let fn = compiled.get(key);
  if (!fn) {
    fn = validator().compile(rebase(schema()) as Json);
    compiled.set(key, fn);
  }
  return fn;
}

function errorsOf(fn: ValidateFunction): string[] {
  return (fn.errors ?? []).map(
    (e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  );
}

/** Problems of `body` against a component schema of the document (e.g. TroubleTicket_RES, Error). */
export function schemaProblems(component: string, body: unknown): string[] {
  const fn = compile(`#${component}`, () => ({ $ref: `#/components/schemas/${component}` }));
  return fn(body) ? [] : errorsOf(fn);
}

function deref(doc: TmfDocument, v: Json): Json {
  const ref = v.$ref;
  if (typeof ref !== 'string') return v;
  const [, kind, name] = /^#\/components\/(\w+)\/(.+)$/.exec(ref) ?? [];
  return (doc.components as unknown as Record<string, Record<string, Json>>)[kind!]![name!]!;
}

/**
 * Problems of one answer against the document: the status must be one the operation lists (or
 * its error statuses), and a JSON body must fit the schema the document gives that status.
 * `template` is the document's path (/troubleTicket/{id}).
 */
export function responseProblems(method: string, template: string, status: number, body: unknown): string[] {
  const doc = loadTmfDocument();
  const op = doc.paths[template]?.[method.toLowerCase()];
  if (!op) return [`the document has no ${method} ${template}`];
  const declared = op.responses[String(status)];
  if (!declared) return [`${op.operationId} does not list status ${status}`];
  const response = deref(doc, declared);
  const content = response.content as Record<string, { schema?: Json }> | undefined;
  const schema = content?.['application/json']?.schema;
  if (!schema) return body === undefined || body === '' ? [] : [`${op.operationId} ${status} has no body`];
  const fn = compile(`${method} ${template} ${status}`, () => schema);
  return fn(body) ? [] : errorsOf(fn).map((e) => `${op.operationId} ${status}: ${e}`);
}

/** The document's path template of a concrete TMF path (below /tmf-api/troubleTicket/v5). */
export function templateOf(concrete: string): string {
  // Express routes without strict trailing slashes: /troubleTicket/ is the list.
  const p = concrete
    .replace(/^\/tmf-api\/troubleTicket\/v5/, '')
    .split('?')[0]!
    .replace(/(.)\/$/, '$1');
  const doc = loadTmfDocument();
  const hit = Object.keys(doc.paths).find((t) => new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(p));
  return hit ?? p;
}

/**
 * A self-contained JSON Schema of a document schema for the fuzzer's generators
 * (test/fuzz/openapi-fuzz.ts follows properties, not $ref or allOf): references inlined to `depth`,
 * allOf merged into one object, discriminated unions reduced to their first branch.
 */
export function flatSchema(schema: Json, depth = 0): Json {
  const doc = loadTmfDocument();
  if (depth > 6) return {};
  if (typeof schema.$ref === 'string') return flatSchema(deref(doc, schema), depth + 1);
  const out: Json = {};
  const properties: Record<string, Json> = {};
  const required = new Set<string>();
  const merge = (s: Json) => {
    const flat = flatSchema(s, depth + 1);
    for (const [k, v] of Object.entries(flat)) {
      if (k === 'properties') Object.assign(properties, v);
      else if (k === 'required') for (const r of v as string[]) required.add(r);
      else out[k] = v;
    }
  };
  for (const part of (schema.allOf as Json[] | undefined) ?? []) merge(part);
  const union = (schema.oneOf ?? schema.anyOf) as Json[] | undefined;
  if (union?.[0]) merge(union[0]);
  for (const [k, v] of Object.entries(schema)) {
    if (['allOf', 'oneOf', 'anyOf', 'discriminator', 'example', 'examples', '$ref'].includes(k)) continue;
    if (k === 'properties')
      for (const [name, p] of Object.entries(v as Record<string, Json>))
        properties[name] = flatSchema(p, depth + 1);
    else if (k === 'required') for (const r of v as string[]) required.add(r);
    else if (k === 'items') out.items = flatSchema(v as Json, depth + 1);
    else out[k] = v;
  }
  if (Object.keys(properties).length) {
    out.type ??= 'object';
    out.properties = properties;
  }
  if (required.size) out.required = [...required];
  return out;
}

export interface FuzzOperation {
  parameters: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: Json }> };
  'x-roles': string[];
}

/**
 * The operations of the published document that ClosedLoop serves, as the fuzzer reads an
 * OpenAPI document: full paths below `base`, parameters by name, the first request body type
 * with its schema flattened. `roles` names the credential each operation is driven with.
 */
export function fuzzDocument(
  base: string,
  served: Record<string, string[]>,
): { paths: Record<string, Record<string, FuzzOperation>> } {
  const doc = loadTmfDocument();
  const paths: Record<string, Record<string, FuzzOperation>> = {};
  for (const [template, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods)) {
      const roles = served[op.operationId];
      if (!roles) continue;
      const parameters = ((op.parameters as Json[] | undefined) ?? []).map((p) => {
        const param = deref(doc, p);
        return { name: String(param.name), in: String(param.in) };
      });
      const body = op.requestBody ? deref(doc, op.requestBody as Json) : undefined;
      const [type, media] =
        Object.entries((body?.content ?? {}) as Record<string, { schema: Json }>)[0] ?? [];
      (paths[`${base}${template}`] ??= {})[method] = {
        parameters,
        ...(type && media
          ? { requestBody: { content: { [type]: { schema: flatSchema(media.schema) } } } }
          : {}),
        'x-roles': roles,
      };
    }
  return { paths };
}
