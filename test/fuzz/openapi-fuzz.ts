// Property-based fuzzing of the API from its own OpenAPI document (S6), with fast-check.
//
// For every operation in /openapi.json it generates malformed requests: bodies that break the
// operation's JSON schema (wrong types, missing or unknown fields, out-of-range numbers, strings
// that miss their pattern, huge or deeply nested values, prototype keys), bodies that are not
// JSON or not the declared content type, odd path parameters and query strings, and missing,
// wrong or foreign credentials. Properties:
//   - no answer is a 5xx, and none takes longer than the timeout (no hang);
//   - a request that changes state (POST/PUT/PATCH/DELETE) with a malformed body is rejected (4xx);
//   - after the run the number of complaints, the sample complaints and their audit chains are
//     exactly as before (no state change from a rejected request).
import fc from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
}

interface OpenApiOperation {
  parameters?: { name: string; in: string; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  security?: unknown[];
  'x-roles'?: string[];
}
export interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

export interface Operation {
  method: string;
  path: string;
  bodySchema?: JsonSchema;
  bodyType?: string;
  queryNames: string[];
  roles: string[];
  mutating: boolean;
}

export function operationsOf(doc: OpenApiDoc): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const [bodyType, media] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
      return {
        method: method.toUpperCase(),
        path,
        bodySchema: media?.schema,
        bodyType,
        queryNames: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        roles: op['x-roles'] ?? [],
        mutating: method !== 'get' && !path.startsWith('/codec/') && !path.startsWith('/dev/'),
      };
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// A small JSON-schema validator for the subset the API's schemas use: a body it calls invalid is
// certainly invalid for the API (zod enforces at least these constraints).

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(expected: string, v: unknown): boolean {
  const actual = typeOf(v);
  return expected === actual || (expected === 'number' && actual === 'integer');
}

export function validates(schema: JsonSchema | undefined, v: unknown): boolean {
  if (!schema || Object.keys(schema).length === 0) return true;
  if (schema.anyOf && !schema.anyOf.some((s) => validates(s, v))) return false;
  if (schema.oneOf && !schema.oneOf.some((s) => validates(s, v))) return false;
  if (schema.allOf && !schema.allOf.every((s) => validates(s, v))) return false;
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(v)) return false;
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) return false;
  if (schema.type) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => typeMatches(t, v))) return false;
  }
  if (typeof v === 'string') {
    const length = [...v].length;
    if (schema.minLength !== undefined && length < schema.minLength) return false;
    if (schema.maxLength !== undefined && length > schema.maxLength) return false;
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(v)) return false;
    if (schema.format === 'date-time' && Number.isNaN(Date.parse(v))) return false;
  }
  if (typeof v === 'number') {
    if (schema.minimum !== undefined && v < schema.minimum) return false;
    if (schema.maximum !== undefined && v > schema.maximum) return false;
    if (schema.exclusiveMinimum !== undefined && v <= schema.exclusiveMinimum) return false;
    if (schema.exclusiveMaximum !== undefined && v >= schema.exclusiveMaximum) return false;
  }
  if (Array.isArray(v)) {
    if (schema.minItems !== undefined && v.length < schema.minItems) return false;
    if (schema.maxItems !== undefined && v.length > schema.maxItems) return false;
    if (schema.items && !Array.prototype.every.call(v, (x: unknown) => validates(schema.items, x)))
      return false;
  }
  if (typeOf(v) === 'object') {
    const o = v as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in o)) return false;
    for (const [key, value] of Object.entries(o)) {
      const prop = schema.properties?.[key];
      if (prop) {
        if (!validates(prop, value)) return false;
      } else if (schema.additionalProperties === false) return false;
      else if (
        typeof schema.additionalProperties === 'object' &&
        !validates(schema.additionalProperties, value)
      )
        return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const nasty = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '../../etc/passwd',
  '%00%2e%2e%2f',
  '<script>alert(1)</script>',
  "' OR '1'='1",
  '{"$gt": ""}',
  '$where',
  '__proto__',
  '𝕏'.repeat(50),
  '\uD800',
  'x'.repeat(5000),
  '١٢٣',
  'NaN',
  '-0',
  '1e309',
  'true',
  'null',
);
const anyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  nasty,
);
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: 'small' },
  fc.jsonValue({ maxDepth: 3 }),
  anyString,
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(null, true, false, 0, -1, 2 ** 53, -(2 ** 31), 1.5),
  fc.constant({ __proto__: { admin: true } }),
  fc.constant({ constructor: { prototype: { polluted: true } } }),
  fc.constant({ $where: 'sleep(1000)', $gt: '' }),
);

/** A deeply nested value (parsers and validators must not blow the stack). */
const deep = fc.integer({ min: 200, max: 3000 }).map((n) => {
  let v: unknown = 'x';
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
  return v;
});

/** Roughly valid values for a schema: they reach deep into validation before a mutation breaks them. */
export function validish(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return anyJson;
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches?.length) return fc.oneof(...branches.map((b) => validish(b, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const props = Object.entries(schema.properties ?? {});
      const required = new Set(schema.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, s] of props) record[k] = validish(s, depth + 1);
      return fc.record(record, {
        requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)),
      }) as fc.Arbitrary<unknown>;
    }
    case 'array':
      return fc.array(validish(schema.items, depth + 1), { maxLength: 3 });
    case 'string':
      if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).map((s) => s.slice(0, 200));
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 30, 30) });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    default:
      return anyJson;
  }
}

type Path = (string | number)[];

function leafPaths(v: unknown, prefix: Path = []): Path[] {
  if (v && typeof v === 'object')
    return [
      prefix,
      ...Object.entries(v as Record<string, unknown>).flatMap(([k, x]) =>
        leafPaths(x, [...prefix, Array.isArray(v) ? Number(k) : k]),
      ),
    ];
  return [prefix];
}

function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = (Array.isArray(root) ? [...root] : { ...(root as object) }) as Record<
    string | number,
    unknown
  >;
  const [head, ...rest] = path as [string | number, ...Path];
  // An own property even for "__proto__": the body carries the key instead of changing a prototype.
  const current: unknown = Object.prototype.hasOwnProperty.call(copy, head) ? copy[head] : undefined;
  Object.defineProperty(copy, head, {
    value: setAt(current, rest, value),
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return copy;
}

function deleteAt(root: unknown, path: Path): unknown {
  if (path.length === 0 || !root || typeof root !== 'object') return root;
  const copy = (Array.isArray(root) ? [...root] : { ...(root as object) }) as Record<
    string | number,
    unknown
  >;
  const [head, ...rest] = path as [string | number, ...Path];
  if (rest.length === 0) delete copy[head];
  else copy[head] = deleteAt(copy[head], rest);
  return copy;
}

/** A body that breaks `schema`: a valid-ish value with one or more mutations, or anything else. */
export function malformedBody(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  const mutated = fc
    .tuple(
      validish(schema),
      fc.array(fc.tuple(fc.nat(), fc.nat(4), anyJson, anyString), { minLength: 1, maxLength: 3 }),
    )
    .map(([base, mutations]) => {
      let v = base;
      for (const [pick, kind, value, key] of mutations) {
        const paths = leafPaths(v);
        const path = paths[pick % paths.length]!;
        if (kind === 0) v = setAt(v, path, value);
        else if (kind === 1) v = deleteAt(v, path);
        else if (kind === 2) v = setAt(v, [...path, key || 'unexpected'], value);
        else if (kind === 3)
          v = setAt(v, path, typeof value === 'string' ? value.repeat(50) : [value, value]);
        else v = setAt(v, path, null);
      }
      return v;
    });
  return fc.oneof(mutated, mutated, anyJson, deep).filter((v) => !validates(schema, v));
}

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  op: Operation;
  malformedBody: boolean;
}

export interface FuzzContext {
  baseUrl: string;
  /** path parameter values that exist (sample complaints …) */
  pathValues: Record<string, string[]>;
  /** a credential allowed for each role, e.g. { intake: 'Bearer …' } */
  credentials: Record<string, string>;
}

const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/xml',
];

export function requestFor(op: Operation, ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const paramValue = (name: string) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...(ctx.pathValues[name] ?? ['EMOS-does-not-exist'])) },
      { weight: 2, arbitrary: anyString.map((s) => encode(s).slice(0, 3000)) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('..%2F..%2Fetc', '%', '%E0%A4%A', 'EMOS-' + 'A'.repeat(70), '.'),
      },
    );
  const allowed = op.roles.map((r) => ctx.credentials[r]).filter((c): c is string => !!c);
  const auth = fc.oneof(
    { weight: 8, arbitrary: allowed.length ? fc.constantFrom(...allowed) : fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom(...Object.values(ctx.credentials)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        undefined,
        'Bearer',
        'Bearer ',
        'Basic YWRtaW46YWRtaW4=',
        'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiIsInJvbGVzIjpbImFkbWluIl19.',
        'Bearer a.b.c',
        `Bearer ${'k'.repeat(9000)}`,
      ),
    },
  );
  const query = fc.oneof(
    fc.constant(''),
    fc
      .array(
        fc.tuple(
          fc.oneof(fc.constantFrom(...(op.queryNames.length ? op.queryNames : ['x'])), anyString),
          fc.oneof(anyString, fc.constantFrom('-1', '1e9', '0x10', '[]', '1&limit=2')),
        ),
        { maxLength: 5 },
      )
      .map((pairs) => `?${new URLSearchParams(pairs.map(([k, v]): [string, string] => [k, v])).toString()}`),
    fc.constantFrom(
      '?limit=1&limit=2',
      '?stage[$ne]=x',
      '?offset=-1',
      '?limit=99999999999999999999',
      '?__proto__[x]=1',
    ),
  );
  const body: fc.Arbitrary<{ text?: string; type?: string; malformed: boolean }> = op.bodySchema
    ? fc.oneof(
        {
          weight: 6,
          arbitrary: fc
            .tuple(malformedBody(op.bodySchema), fc.constantFrom(...CONTENT_TYPES))
            .map(([v, type]) => ({ text: safeStringify(v), type, malformed: true })),
        },
        {
          weight: 1,
          arbitrary: fc
            .tuple(anyString, fc.constantFrom(...CONTENT_TYPES, undefined))
            .map(([text, type]) => ({ text, type, malformed: true })),
        },
        { weight: 1, arbitrary: fc.constant({ text: undefined, type: 'application/json', malformed: true }) },
      )
    : fc.oneof(
        fc.constant({ text: undefined, type: undefined, malformed: false }),
        anyJson.map((v) => ({ text: safeStringify(v), type: 'application/json', malformed: false })),
      );
  return fc
    .tuple(
      fc.tuple(...pathParams.map(paramValue)),
      query,
      auth,
      body,
      fc.option(anyString, { nil: undefined }),
    )
    .map(([params, q, authorization, b, extraHeader]) => {
      let path = op.path;
      pathParams.forEach((name, i) => (path = path.replace(`{${name}}`, params[i]!)));
      const headers: Record<string, string> = {};
      if (authorization) headers.authorization = authorization;
      if (b.type) headers['content-type'] = b.type;
      if (extraHeader !== undefined) headers['x-fuzz'] = encode(extraHeader).slice(0, 200);
      return {
        method: op.method,
        url: `${ctx.baseUrl}${path}${q}`,
        headers,
        body: b.text,
        op,
        malformedBody: b.malformed,
      };
    });
}

/** encodeURIComponent that survives lone surrogates. */
function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
  }
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? 'undefined';
  } catch {
    return '{"circular":';
  }
}

export interface FuzzOutcome {
  status: number;
  ms: number;
  timedOut: boolean;
  /** the first attempt lost its connection (e.g. a keep-alive socket the server had just closed) */
  retried?: string;
  error?: string;
}

async function attempt(req: FuzzRequest, timeoutMs: number, fresh: boolean): Promise<FuzzOutcome> {
  const started = Date.now();
  try {
    const res = await fetch(req.url, {
      method: req.method,
      headers: fresh ? { ...req.headers, connection: 'close' } : req.headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : req.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return { status: res.status, ms: Date.now() - started, timedOut: false };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    const error = `${e.message}${e.cause ? ` (${e.cause.code ?? ''} ${e.cause.message ?? ''})` : ''}`;
    return { status: timedOut ? 0 : -1, ms: Date.now() - started, timedOut, error };
  }
}

/** Sends one request; a lost connection is tried once more on a fresh one before it counts. */
export async function send(req: FuzzRequest, timeoutMs: number): Promise<FuzzOutcome> {
  const first = await attempt(req, timeoutMs, false);
  if (first.status !== -1) return first;
  const second = await attempt(req, timeoutMs, true);
  return { ...second, retried: first.error };
}

/** What went wrong with one answer, or undefined when the properties hold. */
export function violation(req: FuzzRequest, out: FuzzOutcome): string | undefined {
  if (out.timedOut) return `no answer within the timeout (${out.ms} ms)`;
  if (out.status === -1) return `the connection failed twice: ${out.error ?? ''}`;
  if (out.status >= 500) return `answered ${out.status}`;
  if (req.op.mutating && req.malformedBody && out.status < 400)
    return `accepted a malformed body with ${out.status}`;
  return undefined;
}

export interface FuzzReport {
  requests: number;
  /** requests whose first connection was lost and that answered properly on a fresh one */
  retried: { request: string; error: string }[];
  byStatus: Record<string, number>;
  byOperation: Record<string, number>;
  failures: { request: string; problem: string }[];
  maxMs: number;
}

export interface FuzzOptions {
  numRuns: number;
  seed?: number;
  timeoutMs?: number;
  concurrency?: number;
  onProgress?: (done: number) => void;
}

/**
 * Sends `numRuns` generated requests spread over every operation and checks each answer. Failures
 * are collected (not stopped at) so that one run reports every kind of problem.
 */
export async function fuzz(doc: OpenApiDoc, ctx: FuzzContext, opts: FuzzOptions): Promise<FuzzReport> {
  const ops = operationsOf(doc);
  // Every operation gets its share of the runs (at least one; the last round is cut to numRuns), each sampled from its own seeded
  // stream, then the requests are interleaved: with 80 operations a single random mix of 400 left
  // some operation untried now and then, and the coverage check could not hold.
  const seed = opts.seed ?? 42;
  const share = Math.max(1, Math.ceil(opts.numRuns / ops.length));
  const perOp = ops.map((op, i) => fc.sample(requestFor(op, ctx), { numRuns: share, seed: seed + i }));
  const requests = Array.from({ length: share }, (_, round) => perOp.map((reqs) => reqs[round]!))
    .flat()
    .slice(0, Math.max(opts.numRuns, ops.length));
  const report: FuzzReport = {
    requests: 0,
    retried: [],
    byStatus: {},
    byOperation: {},
    failures: [],
    maxMs: 0,
  };
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const req = requests[next++]!;
      const out = await send(req, opts.timeoutMs ?? 10_000);
      report.requests += 1;
      report.byStatus[out.status] = (report.byStatus[out.status] ?? 0) + 1;
      const key = `${req.op.method} ${req.op.path}`;
      report.byOperation[key] = (report.byOperation[key] ?? 0) + 1;
      report.maxMs = Math.max(report.maxMs, out.ms);
      if (out.retried)
        report.retried.push({
          request: `${req.method} ${req.url.slice(ctx.baseUrl.length, 200)}`,
          error: out.retried,
        });
      const problem = violation(req, out);
      if (problem)
        report.failures.push({
          request: `${req.method} ${req.url.slice(ctx.baseUrl.length, ctx.baseUrl.length + 200)} ${(req.body ?? '').slice(0, 300)}`,
          problem,
        });
      if (report.requests % 250 === 0) opts.onProgress?.(report.requests);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 4 }, worker));
  return report;
}
