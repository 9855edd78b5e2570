// S9: staff sign in through OpenID Connect. The local stack's embedded provider (infra/oidc) is
// driven over HTTP as a browser would (authorization code + PKCE through its login form, refresh,
// RP-initiated logout) and through the console in Chromium; the API verifies its access tokens and
// maps the groups in them to roles (OIDC_GROUP_MAP).
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CONSOLE_CLIENT_ID, DEV_PASSWORD } from '../../infra/oidc/accounts';
import { OidcBrowser } from '../support/oidc';
import { startTestStack, type TestStack } from '../support/stack';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureChromium } = require('../../infra/ensure-chromium.cjs') as { ensureChromium(): string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureConsole } = require('../../infra/ensure-console.cjs') as { ensureConsole(): string };

declare const sessionStorage: { getItem(key: string): string | null };

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'];
/** Short-lived access tokens, so that the console's renewal before expiry happens within the test. */
const ACCESS_TOKEN_TTL_SEC = 45;

let stack: TestStack;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

const callback = () => `${stack.urls.api}/console/signin-callback`;
const person = () => new OidcBrowser(stack.urls.oidc!, CONSOLE_CLIENT_ID, callback());

async function me(token: string) {
  const res = await fetch(`${stack.urls.api}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  const executablePath = ensureChromium();
  ensureConsole();
  stack = await startTestStack({ OIDC_ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL_SEC) });
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
}, 900_000);

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await stack?.dispose();
}, 60_000);

describe('S9.1 sign-in through the embedded OpenID Connect provider (authorization code + PKCE)', () => {
  it('S9.1 the stack runs the provider: discovery offers code flow with S256 PKCE, refresh and end_session', async () => {
    expect(stack.urls.oidc).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stack.env.OIDC_ISSUER).toBe(stack.urls.oidc);
    const doc = await person().discover();
    expect(doc).toMatchObject({
      issuer: stack.urls.oidc,
      code_challenge_methods_supported: ['S256'],
      end_session_endpoint: `${stack.urls.oidc}/session/end`,
    });
    expect((doc as unknown as { grant_types_supported: string[] }).grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', 'refresh_token']),
    );
    const jwks = (await (await fetch(doc.jwks_uri)).json()) as { keys: { kty: string }[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    const config = (await (await fetch(`${stack.urls.api}/console/auth-config.json`)).json()) as unknown;
    expect(config).toEqual({
      oidc: { issuer: stack.urls.oidc, clientId: CONSOLE_CLIENT_ID, scopes: 'openid profile email groups' },
    });
  });

  it('S9.1 S9.2 a handler logs in at the login page; the access token gets them their role and team from groups', async () => {
    const tokens = await person().signIn('handler.li', DEV_PASSWORD);
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(await me(tokens.access_token)).toEqual({
      status: 200,
      body: expect.objectContaining({ user: 'handler.li', roles: ['handler'], team: 'haidian', via: 'jwt' }),
    });
    const worklist = await fetch(`${stack.urls.api}/v1/worklists/team`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(worklist.status).toBe(200);
  });

  it('S9.1 a wrong password gets the login page again with the reason; no code is issued', async () => {
    const p = person();
    const { landed } = await p.authorize();
    if (landed instanceof URL) throw new Error('no login page');
    const again = await p.submitLogin(landed, 'handler.li', 'wrong');
    expect(again).not.toBeInstanceOf(URL);
    const page = again as Response;
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('Unknown user or wrong password.');
  });

  it('S9.1 PKCE is required: no code_challenge is refused, and a code is worthless without its verifier', async () => {
    const p = person();
    const { authorization_endpoint } = await p.discover();
    const url = new URL(authorization_endpoint);
    url.search = new URLSearchParams({
      client_id: CONSOLE_CLIENT_ID,
      redirect_uri: callback(),
      response_type: 'code',
      scope: 'openid',
      state: 's',
    }).toString();
    const refused = await p.follow(await p.request(url.href));
    expect(refused).toBeInstanceOf(URL);
    expect((refused as URL).searchParams.get('error')).toBe('invalid_request');

    const { landed, state } = await p.authorize();
    const back = await p.submitLogin(landed as Response, 'analyst.sun', DEV_PASSWORD);
    expect((back as URL).searchParams.get('state')).toBe(state);
    const wrong = await p.token({
      grant_type: 'authorization_code',
      code: (back as URL).searchParams.get('code')!,
      redirect_uri: callback(),
      code_verifier: 'x'.repeat(43),
    });
    expect({ status: wrong.status, error: wrong.body.error }).toEqual({
      status: 400,
      error: 'invalid_grant',
    });
  });
});

describe('S9.2 roles, teams and departments come from the provider groups through OIDC_GROUP_MAP', () => {
  it('S9.2 a department group becomes the department:<name> role', async () => {
    const tokens = await person().signIn('dept.network', DEV_PASSWORD);
    expect((await me(tokens.access_token)).body).toMatchObject({
      user: 'dept.network',
      roles: ['department:network'],
    });
  });

  it('S9.2 an employee whose groups map to no role is refused with 403 naming the reason', async () => {
    const tokens = await person().signIn('staff.zhou', DEV_PASSWORD);
    expect(await me(tokens.access_token)).toEqual({
      status: 403,
      body: expect.objectContaining({
        error: 'no_role',
        message:
          'no ClosedLoop role: the token\'s "groups" claim holds staff, none of which OIDC_GROUP_MAP maps to a ClosedLoop role',
      }),
    });
  });

  it('S9.2 API keys for systems are unchanged', async () => {
    expect((await stack.http.get<{ via: string }>('/v1/me', 'dev-intake-key')).body.via).toBe('apiKey');
  });
});

describe('S9.3 sessions renew before expiry and end at the provider on sign-out', () => {
  it('S9.3 the refresh token renews the access token; after logout at the provider it is refused and login is asked again', async () => {
    const p = person();
    const first = await p.signIn('supervisor.wang', DEV_PASSWORD);
    const renewed = await p.token({ grant_type: 'refresh_token', refresh_token: first.refresh_token! });
    expect(renewed.status).toBe(200);
    expect(renewed.body.access_token).not.toBe(first.access_token);
    expect((await me(renewed.body.access_token)).body).toMatchObject({ user: 'supervisor.wang' });

    const out = await p.logout(first.id_token, `${stack.urls.api}/console/signed-out`);
    expect(out instanceof URL ? out.href : out.status).toBe(`${stack.urls.api}/console/signed-out`);
    const after = await p.token({ grant_type: 'refresh_token', refresh_token: renewed.body.refresh_token! });
    expect({ status: after.status, error: after.body.error }).toEqual({
      status: 400,
      error: 'invalid_grant',
    });
    const { landed } = await p.authorize();
    expect(landed instanceof URL ? landed.href : landed.status).toBe(200);
  });
});

async function open(): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US' });
  context.setDefaultTimeout(20_000);
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of 4\d\d/.test(msg.text())) pageErrors.push(msg.text());
  });
  return page;
}

/** From the console's sign-in page through the provider's login page and back. */
async function signInInConsole(page: Page, user: string): Promise<void> {
  await page.goto(`${stack.urls.api}/console/`);
  await page.getByTestId('signin').getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => url.href.startsWith(stack.urls.oidc!));
  await page.locator('input[name=user]').fill(user);
  await page.locator('input[name=password]').fill(DEV_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

const tokenIn = (page: Page) => page.evaluate(() => sessionStorage.getItem('closedloop.token'));

describe('S9.1 S9.3 the console in Chromium', () => {
  it('S9.1 S9.3 sign in at the provider, see the team worklist, keep working after a renewal, sign out at the provider', async () => {
    const page = await open();
    await signInInConsole(page, 'handler.li');
    await page.getByTestId('who').waitFor();
    expect(await page.getByTestId('who').textContent()).toContain('handler.li · handler · haidian');
    expect(new URL(page.url()).pathname).toBe('/console/worklists/team');
    await page.getByRole('heading', { name: 'Worklists' }).waitFor();

    // Renewal before expiry: a new access token arrives while the old one is still valid.
    const first = await tokenIn(page);
    const issuedAt = Date.now();
    await page.waitForFunction((old) => sessionStorage.getItem('closedloop.token') !== old, first, {
      timeout: ACCESS_TOKEN_TTL_SEC * 1000,
    });
    expect(Date.now() - issuedAt).toBeLessThan(ACCESS_TOKEN_TTL_SEC * 1000);
    const second = await tokenIn(page);
    expect(second).toEqual(expect.any(String));
    expect((await me(second!)).body).toMatchObject({ user: 'handler.li', roles: ['handler'] });
    await page.reload();
    await page.getByTestId('who').waitFor();
    expect(await page.getByTestId('who').textContent()).toContain('handler.li');

    // Sign out: the provider confirms, ends its session and sends the browser back.
    await page.getByTestId('who').getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.getByTestId('signed-out').waitFor();
    expect(await tokenIn(page)).toBeNull();
    // The provider's session is gone: signing in again asks for the password.
    await page.getByTestId('signin').getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('input[name=password]').waitFor();
  });

  it('S9.2 a person without a ClosedLoop role gets a page that says so, with the reason, and can sign out', async () => {
    const page = await open();
    await signInInConsole(page, 'staff.zhou');
    await page.getByTestId('no-role').waitFor();
    expect(await page.getByTestId('no-role').textContent()).toContain(
      'no ClosedLoop role: the token\'s "groups" claim holds staff',
    );
    await page.getByTestId('no-role').getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.getByTestId('signed-out').waitFor();
  });

  it('S9.3 a session the provider no longer renews ends on a clear page', async () => {
    const page = await open();
    await signInInConsole(page, 'analyst.sun');
    await page.getByTestId('who').waitFor();
    // The provider's session ends elsewhere (e.g. signed out in another application): the next
    // renewal is refused and the console says the session has ended.
    const cookies = await page.context().cookies(stack.urls.oidc!);
    expect(cookies.length).toBeGreaterThan(0);
    const idToken = await page.evaluate(() => {
      for (let i = 0; i < 100; i++) {
        const key = (sessionStorage as unknown as { key(i: number): string | null }).key(i);
        if (key?.startsWith('oidc.user:'))
          return (JSON.parse(sessionStorage.getItem(key)!) as { id_token: string }).id_token;
      }
      return null;
    });
    const other = await page.context().newPage();
    await other.goto(
      `${stack.urls.oidc}/session/end?${new URLSearchParams({ id_token_hint: idToken!, post_logout_redirect_uri: `${stack.urls.api}/console/signed-out` })}`,
    );
    await other.getByRole('button', { name: 'Yes, sign me out' }).click();
    await other.waitForURL(/\/console\/signed-out/);
    await other.close();
    await page.getByTestId('session-ended').waitFor({ timeout: ACCESS_TOKEN_TTL_SEC * 1000 });
  });
});
