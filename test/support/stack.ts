// The real local stack for integration tests (Temporal dev server, FerretDB, mail sink, Twilio
// simulator, worker and API processes) on free ports in a temporary data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStack, type Stack } from '../../infra/stack/stack';
import { OpenApiResponseCheck } from './openapi-check';

export interface TestStack extends Stack {
  api: NonNullable<Stack['api']>;
  http: ApiClient;
  dispose(): Promise<void>;
}

/** Optional parts a test asks for: `temporalUi` = the standalone Temporal UI with sign-in (S9.4). */
export interface TestStackOptions {
  temporalUi?: boolean;
}

export async function startTestStack(
  appEnv: Record<string, string> = {},
  options: TestStackOptions = {},
): Promise<TestStack> {
  // Ports are picked free just before the children bind them; another process can take one in
  // between (seen with the Temporal UI port, and the worker's metrics port: "Address already in use").
  // That start failed cleanly: pick new ports once more.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startTestStackOnce(appEnv, options);
    } catch (err) {
      if (attempt >= 3 || !/address already in use/i.test(String((err as Error).message))) throw err;
      console.warn(`test stack: a port was taken while starting, retrying (attempt ${attempt + 1})`);
    }
  }
}

async function startTestStackOnce(
  appEnv: Record<string, string>,
  options: TestStackOptions,
): Promise<TestStack> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'closedloop-it-'));
  const stack = await startStack({
    dataDir,
    ports: 'auto',
    quiet: true,
    ...(options.temporalUi ? { temporalUi: true } : {}),
    // Test complaints share one cell: mass-incident recognition is on only where a test asks for it.
    appEnv: { LOG_LEVEL: 'info', MASS_INCIDENTS: 'off', ...appEnv },
  });
  const http = new ApiClient(stack.urls.api);
  return Object.assign(stack, {
    http,
    api: stack.api!,
    async dispose() {
      await stack.stop();
      if (!process.env.KEEP_TEST_DATA) rmSync(dataDir, { recursive: true, force: true });
      else console.log(`test data kept in ${dataDir}`);
    },
  });
}

export const KEYS = {
  intake: 'dev-intake-key',
  handler: 'dev-handler-key',
  supervisor: 'dev-supervisor-key',
} as const;

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** An answer the API's own /openapi.json does not describe: a defect, never retried as a lost answer. */
export class OpenApiMismatch extends Error {
  override name = 'OpenApiMismatch';
}

export class ApiClient {
  private check?: Promise<OpenApiResponseCheck>;

  /**
   * `checkResponses`: every answer is checked against the API's own /openapi.json, and one the
   * document does not describe fails the request (issue 17: the document cannot drift).
   */
  constructor(
    readonly baseUrl: string,
    private readonly checkResponses = process.env.OPENAPI_RESPONSE_CHECK !== 'off',
  ) {}

  /** Throws when the answer does not fit the document (see ./openapi-check.ts). */
  private async verify(method: string, path: string, res: Response, body: unknown): Promise<void> {
    if (!this.checkResponses) return;
    this.check ??= OpenApiResponseCheck.load(this.baseUrl);
    const problems = (await this.check).problemsOf(
      method,
      path,
      res.status,
      res.headers.get('content-type'),
      body,
    );
    if (problems.length > 0)
      throw new OpenApiMismatch(
        `${method} ${path} ${res.status}: the answer does not fit /openapi.json:\n  ${problems.slice(0, 10).join('\n  ')}`,
      );
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    opts: { key?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.key !== null) headers.authorization = `Bearer ${opts.key ?? KEYS.handler}`;
    let body: string | undefined = opts.raw;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const res = await fetch(this.baseUrl + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      /* not JSON: keep the text */
    }
    await this.verify(method, path, res, text === '' ? '' : parsed);
    return { status: res.status, body: parsed as T };
  }

  post<T = Record<string, unknown>>(path: string, body: unknown, key?: string) {
    return this.request<T>('POST', path, { body, key });
  }

  get<T = Record<string, unknown>>(path: string, key?: string) {
    return this.request<T>('GET', path, { key });
  }
}

/** Polls until `fn` returns a value (not undefined) or the time is up. */
export async function eventually<T>(
  fn: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface SinkMail {
  id: string;
  subject: string;
  to: string[];
  text: string;
  html: string;
  headers: Record<string, string>;
}

export async function mails(
  stack: Stack,
  filter: { subject?: string; to?: string } = {},
): Promise<SinkMail[]> {
  const q = new URLSearchParams(filter as Record<string, string>);
  const res = await fetch(`${stack.urls.mailInbox}/api/messages?${q.toString()}`);
  return (await res.json()) as SinkMail[];
}
