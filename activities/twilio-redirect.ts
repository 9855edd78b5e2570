// Points the real twilio SDK at another base URL (the local Twilio simulator) by rewriting request
// URIs in a custom httpClient — the pattern Twilio documents for mocking its API.
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';

const TWILIO_ORIGIN = /^https:\/\/(?:[a-z0-9-]+\.)*twilio\.com(?::\d+)?(?=\/|$)/i;

export class RedirectingRequestClient extends twilio.RequestClient {
  readonly baseUrl: string;

  /** @param baseUrl simulator base URL, e.g. http://127.0.0.1:3010 */
  constructor(baseUrl: string, opts?: RequestClient.RequestClientOptions) {
    super(opts);
    const parsed = new URL(baseUrl); // throws on a malformed URL: fail fast
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new Error(`RedirectingRequestClient: base URL must be http(s), got ${baseUrl}`);
    }
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** `https://<anything>.twilio.com/...` → `<baseUrl>/...`; other URIs are left alone. */
  rewrite(uri: string): string {
    return uri.replace(TWILIO_ORIGIN, this.baseUrl);
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    return super.request({ ...opts, uri: this.rewrite(opts.uri) });
  }
}

export interface CreateTwilioClientOptions {
  accountSid: string;
  authToken: string;
  /** Empty or absent = the real Twilio API; otherwise e.g. the simulator's base URL. */
  apiBaseUrl?: string;
}

export function createTwilioClient(opts: CreateTwilioClientOptions): twilio.Twilio {
  const base = opts.apiBaseUrl?.trim();
  if (!base) return twilio(opts.accountSid, opts.authToken);
  return twilio(opts.accountSid, opts.authToken, { httpClient: new RedirectingRequestClient(base) });
}
