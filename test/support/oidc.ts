// A person signing in through an OpenID Connect provider over plain HTTP, as a browser would
// (S9): authorization request with PKCE, the provider's login form, the redirect back with a code,
// the token request; then refresh and RP-initiated logout. Cookies are kept per person.
import { createHash, randomBytes } from 'node:crypto';

export interface Tokens {
  access_token: string;
  id_token: string;
  refresh_token?: string;
  expires_in: number;
  token_type: string;
  scope?: string;
}

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint: string;
  jwks_uri: string;
}

const b64url = (buf: Buffer) => buf.toString('base64url');

/** A browser-like client: follows redirects by hand, keeps the provider's cookies. */
export class OidcBrowser {
  private readonly cookies = new Map<string, string>();
  private discovery?: Discovery;

  constructor(
    readonly issuer: string,
    readonly clientId: string,
    readonly redirectUri: string,
  ) {}

  async discover(): Promise<Discovery> {
    if (this.discovery) return this.discovery;
    const res = await fetch(`${this.issuer}/.well-known/openid-configuration`);
    if (!res.ok) throw new Error(`discovery: HTTP ${res.status}`);
    this.discovery = (await res.json()) as Discovery;
    return this.discovery;
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keepCookies(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** One request with this person's cookies; redirects are not followed. */
  async request(
    url: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { cookie: this.cookieHeader() };
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
      redirect: 'manual',
    });
    this.keepCookies(res);
    return res;
  }

  /** Follows redirects on the provider until one leaves it (the client's redirect URI) or a page answers. */
  async follow(res: Response): Promise<Response | URL> {
    let current = res;
    for (let hop = 0; hop < 10; hop++) {
      if (current.status < 300 || current.status >= 400) return current;
      const next = new URL(current.headers.get('location')!, current.url || this.issuer);
      if (!next.href.startsWith(this.issuer)) return next;
      current = await this.request(next.href);
    }
    throw new Error('too many redirects');
  }

  /** Starts sign-in; returns the login page (HTML) and the PKCE verifier and state to finish with. */
  async authorize(scope = 'openid profile email groups offline_access') {
    const { authorization_endpoint } = await this.discover();
    const verifier = b64url(randomBytes(32));
    const state = b64url(randomBytes(16));
    const url = new URL(authorization_endpoint);
    url.search = new URLSearchParams({
      client_id: this.clientId,
      redirect_uri: this.redirectUri,
      response_type: 'code',
      scope,
      state,
      code_challenge: b64url(createHash('sha256').update(verifier).digest()),
      code_challenge_method: 'S256',
    }).toString();
    const landed = await this.follow(await this.request(url.href));
    return { landed, verifier, state };
  }

  /** Fills the login form of the page `landed` on; returns the redirect back to the client, or the page. */
  async submitLogin(page: Response, user: string, password: string): Promise<Response | URL> {
    const html = await page.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no login form on the page (HTTP ${page.status})`);
    const res = await this.request(new URL(action.replace(/&amp;/g, '&'), this.issuer).href, {
      form: { user, password },
    });
    return this.follow(res);
  }

  async token(form: Record<string, string>): Promise<{ status: number; body: Tokens & { error?: string } }> {
    const { token_endpoint } = await this.discover();
    const res = await this.request(token_endpoint, { form: { client_id: this.clientId, ...form } });
    return { status: res.status, body: (await res.json()) as Tokens & { error?: string } };
  }

  /** The whole sign-in: authorize, log in, exchange the code (with the PKCE verifier) for tokens. */
  async signIn(user: string, password: string): Promise<Tokens> {
    const { landed, verifier, state } = await this.authorize();
    if (landed instanceof URL) throw new Error('the provider did not ask for a login');
    const back = await this.submitLogin(landed, user, password);
    if (!(back instanceof URL)) throw new Error(`login for ${user} answered HTTP ${back.status}`);
    if (back.searchParams.get('state') !== state) throw new Error('state changed');
    const code = back.searchParams.get('code');
    if (!code) throw new Error(`no code: ${back.href}`);
    const { status, body } = await this.token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.redirectUri,
      code_verifier: verifier,
    });
    if (status !== 200) throw new Error(`token request: HTTP ${status} ${JSON.stringify(body)}`);
    return body;
  }

  /** RP-initiated logout: the end_session page, then its confirmation form; returns where it sends the person. */
  async logout(idToken: string, postLogoutRedirectUri: string): Promise<Response | URL> {
    const { end_session_endpoint } = await this.discover();
    const url = new URL(end_session_endpoint);
    url.search = new URLSearchParams({
      id_token_hint: idToken,
      post_logout_redirect_uri: postLogoutRedirectUri,
    }).toString();
    const page = await this.follow(await this.request(url.href));
    if (page instanceof URL) return page;
    const html = await page.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    if (!action || !xsrf) throw new Error(`no logout form (HTTP ${page.status})`);
    return this.follow(
      await this.request(new URL(action, this.issuer).href, { form: { xsrf, logout: 'yes' } }),
    );
  }
}
