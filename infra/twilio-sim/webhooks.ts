// Sends webhooks the way Twilio does: form-encoded, signed with X-Twilio-Signature over the full URL
// and the sorted POST parameters, with an idempotency token, retried on failure, and logged.
import { randomUUID } from 'node:crypto';
import twilio from 'twilio';
import { Cancelled, sleep } from './lifecycle';
import type { HttpMethod, SimState, WebhookKind, WebhookLogEntry } from './types';
import { errorMessage } from './util';

export interface WebhookRequest {
  kind: WebhookKind;
  resourceSid: string;
  url: string;
  method: HttpMethod;
  params: Record<string, string>;
}

export interface WebhookResult {
  ok: boolean;
  status: number | null;
  body: string;
  contentType: string;
  error: string | null;
}

export interface WebhookSenderOptions {
  authToken: string;
  state: SimState;
  log: (msg: string) => void;
  /** Delays before the 2nd, 3rd, … attempt. */
  retryDelaysMs?: number[];
  timeoutMs?: number;
}

const MAX_BODY_BYTES = 64 * 1024;
const MAX_LOG_ENTRIES = 2000;

/** The signature Twilio puts in X-Twilio-Signature (HMAC-SHA1 of URL + sorted params, base64). */
export function signWebhook(authToken: string, url: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}

export class WebhookSender {
  private nextId = 1;
  private readonly retryDelaysMs: number[];
  private readonly timeoutMs: number;

  constructor(private readonly opts: WebhookSenderOptions) {
    this.retryDelaysMs = opts.retryDelaysMs ?? [100, 300];
    this.timeoutMs = opts.timeoutMs ?? 15_000;
  }

  async send(req: WebhookRequest, signal: AbortSignal): Promise<WebhookResult> {
    const target = prepareTarget(req);
    const signature = signWebhook(this.opts.authToken, target.signedUrl, target.signedParams);
    const entry: WebhookLogEntry = {
      id: this.nextId++,
      at: new Date().toISOString(),
      kind: req.kind,
      resourceSid: req.resourceSid,
      method: req.method,
      url: target.signedUrl,
      params: req.params,
      signature,
      // One token per webhook; retries of it carry the same token so that receivers can de-duplicate.
      idempotencyToken: `${randomUUID()}-${req.resourceSid}`,
      attempts: [],
      status: null,
      ok: false,
    };
    this.opts.state.webhooks.push(entry);
    if (this.opts.state.webhooks.length > MAX_LOG_ENTRIES) this.opts.state.webhooks.shift();

    const headers: Record<string, string> = {
      'X-Twilio-Signature': signature,
      'I-Twilio-Idempotency-Token': entry.idempotencyToken,
      'User-Agent': 'TwilioProxy/1.1',
      Accept: '*/*',
      'Cache-Control': 'max-age=259200',
    };
    if (target.authorization) headers.Authorization = target.authorization;
    if (req.method === 'POST') headers['Content-Type'] = 'application/x-www-form-urlencoded';

    let result: WebhookResult = { ok: false, status: null, body: '', contentType: '', error: 'not sent' };
    const attempts = this.retryDelaysMs.length + 1;
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      if (attempt > 0) await sleep(this.retryDelaysMs[attempt - 1] ?? 0, signal);
      const started = Date.now();
      result = await this.attempt(target.fetchUrl, req, headers, signal);
      entry.attempts.push({
        at: new Date(started).toISOString(),
        status: result.status,
        error: result.error,
        durationMs: Date.now() - started,
      });
      entry.status = result.status;
      entry.ok = result.ok;
      if (result.ok) return result;
    }
    this.opts.log(
      `webhook ${req.kind} ${req.method} ${target.signedUrl} gave up after ${attempts} attempts: ` +
        (result.error ?? `HTTP ${result.status}`),
    );
    return result;
  }

  private async attempt(
    url: string,
    req: WebhookRequest,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<WebhookResult> {
    if (signal.aborted) throw new Cancelled();
    try {
      const res = await fetch(url, {
        method: req.method,
        headers,
        body: req.method === 'POST' ? new URLSearchParams(req.params).toString() : undefined,
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]),
      });
      const body = await readLimited(res);
      return {
        ok: res.status >= 200 && res.status < 300,
        status: res.status,
        body,
        contentType: res.headers.get('content-type') ?? '',
        error: null,
      };
    } catch (err) {
      if (signal.aborted) throw new Cancelled();
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      return { ok: false, status: null, body: '', contentType: '', error: errorMessage(err) + cause };
    }
  }
}

interface Target {
  /** The URL as Twilio signs it (what the receiver sees, without credentials). */
  signedUrl: string;
  signedParams: Record<string, string>;
  fetchUrl: string;
  authorization: string | null;
}

/**
 * GET webhooks carry the parameters in the query string and are signed over that full URL with no
 * body parameters. Credentials in the URL (https://user:pass@host/...) become a Basic auth header.
 */
function prepareTarget(req: WebhookRequest): Target {
  const u = new URL(req.url);
  let authorization: string | null = null;
  if (u.username || u.password) {
    const user = decodeURIComponent(u.username);
    const pass = decodeURIComponent(u.password);
    authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    u.username = '';
    u.password = '';
  }
  // Keep the URL exactly as configured (that is the string Twilio signs) unless credentials were removed.
  let url = authorization ? u.toString() : req.url;
  if (req.method === 'GET') {
    const query = new URLSearchParams(req.params).toString();
    if (query) url += (url.includes('?') ? '&' : '?') + query;
    return { signedUrl: url, signedParams: {}, fetchUrl: url, authorization };
  }
  return { signedUrl: url, signedParams: req.params, fetchUrl: url, authorization };
}

async function readLimited(res: Response): Promise<string> {
  const buf = Buffer.from(await res.arrayBuffer());
  return buf.subarray(0, MAX_BODY_BYTES).toString('utf8');
}
