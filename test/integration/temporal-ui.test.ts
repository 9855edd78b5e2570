// S9.4: the standalone Temporal UI (ui-server from the Go module proxy) signs people in through the
// same OpenID Connect provider as the console and forwards their access token to the codec server,
// which decodes only for the roles that may read personal data (supervisor, interface, admin) and
// refuses everyone else with 403, audited. In Chromium through the UI, and over plain HTTP with the
// tokens the UI's own client gets from the provider.
import { createHash, randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { codecAuditChain } from '../../api/codec-server';
import { DEV_PASSWORD } from '../../infra/oidc/accounts';
import { createDataConverter, createPayloadCodec } from '../../platform/data-converter';
import { payloadKeysFrom } from '../../platform/security-config';
import { intakeBody, uniqueMobile } from '../support/fixtures';
import { eventually, KEYS, startTestStack, type TestStack } from '../support/stack';
import { uiTokens, viaUiGateway } from '../support/temporal-ui';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureChromium } = require('../../infra/ensure-chromium.cjs') as { ensureChromium(): string };

declare const document: { body: { innerText: string } };

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'];
/** The chain the codec server audits into for the stack's namespace. */
const CHAIN = codecAuditChain('default');

let stack: TestStack;
let browser: Browser;
let temporalConnection: Connection;
const contexts: BrowserContext[] = [];

const ui = () => stack.urls.temporalUiSignIn!;

beforeAll(async () => {
  const executablePath = ensureChromium();
  stack = await startTestStack({}, { temporalUi: true });
  temporalConnection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
}, 1_200_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await temporalConnection?.close();
  await stack?.dispose();
}, 60_000);

/** The Temporal UI's own sign-in over HTTP (test/support/temporal-ui.ts): its access token. */
async function uiAccessToken(user: string): Promise<string> {
  return (await uiTokens(stack.urls.oidc!, ui(), user)).access_token;
}

async function adminToken(): Promise<string> {
  const res = await stack.http.request<{ access_token: string }>('POST', '/dev/token', {
    key: null,
    body: { user: 'admin.root' },
  });
  expect(res.status).toBe(200);
  return res.body.access_token;
}

interface AuditRow {
  actor: string;
  action: string;
  detail?: string;
}

async function codecAudit(): Promise<AuditRow[]> {
  const res = await stack.http.get<{ entries: AuditRow[] }>(`/v1/admin/audit/${CHAIN}`, await adminToken());
  expect(res.status).toBe(200);
  return res.body.entries;
}

describe('S9.4 the codec server decodes only for roles allowed to read personal data (plain HTTP)', () => {
  const secret = `S9.4 客户原话 ${randomBytes(4).toString('hex')}`;
  const json = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) => ({
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? []).toString('base64'),
  });
  let body: { payloads: ReturnType<typeof json>[] };

  beforeAll(async () => {
    const codec = createPayloadCodec(payloadKeysFrom(stack.env));
    const [sealed] = await codec.encode([
      {
        metadata: { encoding: Buffer.from('json/plain') },
        data: Buffer.from(JSON.stringify({ description: secret })),
      },
    ]);
    body = { payloads: [json(sealed!)] };
  });

  /** Through the UI's https origin, as the UI sends it. */
  const decode = (headers: Record<string, string>) =>
    viaGateway('POST', '/codec/decode', {
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
      body: JSON.stringify(body),
    });

  it('S9.4 the stack runs the UI behind the provider; the codec server needs a token there (CODEC_AUTH=on)', async () => {
    expect(ui()).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(stack.env.CODEC_AUTH).toBe('on');
    expect(stack.env.TEMPORAL_UI_URL).toBe(ui());
    // The UI's settings: sign-in on, the codec at the same https origin with the access token.
    const settings = (await (await viaGateway('GET', '/api/v1/settings')).json()) as {
      Auth: { Enabled: boolean };
      Codec: { Endpoint: string; PassAccessToken: boolean };
    };
    expect(settings.Auth.Enabled).toBe(true);
    expect(settings.Codec).toMatchObject({ Endpoint: `${ui()}/codec`, PassAccessToken: true });
    expect((await decode({})).status).toBe(401);
  });

  it('S9.4 the UI client’s access token of a supervisor decodes (200); a handler’s and a person without a role’s are refused with 403, audited', async () => {
    const ok = await decode({ authorization: `Bearer ${await uiAccessToken('supervisor.wang')}` });
    expect(ok.status).toBe(200);
    const out = (await ok.json()) as { payloads: { data: string }[] };
    expect(JSON.parse(Buffer.from(out.payloads[0]!.data, 'base64').toString())).toEqual({
      description: secret,
    });

    const handler = await decode({ authorization: `Bearer ${await uiAccessToken('handler.li')}` });
    expect(handler.status).toBe(403);
    const refused = (await handler.json()) as { error: string; message: string };
    expect(refused.error).toBe('forbidden');
    expect(JSON.stringify(refused)).not.toContain(secret);
    const noRole = await decode({ authorization: `Bearer ${await uiAccessToken('staff.zhou')}` });
    expect(noRole.status).toBe(403);
    expect(((await noRole.json()) as { error: string }).error).toBe('no_role');

    const entries = await eventually(
      async () => {
        const rows = await codecAudit();
        const want = [
          ['supervisor.wang', 'CODEC_DECODED'],
          ['handler.li', 'CODEC_DECODE_REFUSED'],
          ['staff.zhou', 'CODEC_DECODE_REFUSED'],
        ];
        return want.every(([a, b]) => rows.some((r) => r.actor === a && r.action === b)) ? rows : undefined;
      },
      15_000,
      'codec audit entries',
    );
    expect(entries.find((r) => r.actor === 'handler.li')!.detail).toMatch(/^forbidden: /);
    expect(entries.find((r) => r.actor === 'staff.zhou')!.detail).toMatch(/^no_role: /);
  });
});

/** A request to the UI's https origin (the local stack's self-signed certificate accepted). */
const viaGateway = (
  method: string,
  path: string,
  init?: { headers?: Record<string, string>; body?: string },
) => viaUiGateway(ui(), method, path, init);

describe('S9.4 the Temporal UI in Chromium', () => {
  const description = `S9.4 浏览器里看到的客户描述 ${createHash('sha1').update(String(Date.now())).digest('hex').slice(0, 8)}`;
  let historyUrl: string;

  beforeAll(async () => {
    const filed = await stack.http.post<{ ticketId: string; workflowId: string }>(
      '/v1/complaints',
      intakeBody({ description, numbers: { callback: uniqueMobile(), calling: uniqueMobile() } }),
      KEYS.intake,
    );
    expect(filed.status).toBe(201);
    const client = new Client({
      connection: temporalConnection,
      dataConverter: createDataConverter(payloadKeysFrom(stack.env)),
    });
    const { runId } = await eventually(
      () => client.workflow.getHandle(filed.body.workflowId).describe(),
      30_000,
      'the complaint workflow',
    );
    historyUrl = `${ui()}/namespaces/default/workflows/${encodeURIComponent(filed.body.workflowId)}/${runId}/history`;
  }, 120_000);

  /** A fresh browser that records the codec server's answers. */
  async function open(): Promise<{ page: Page; codec: number[] }> {
    const context = await browser.newContext({ locale: 'en-US', ignoreHTTPSErrors: true });
    context.setDefaultTimeout(30_000);
    contexts.push(context);
    const page = await context.newPage();
    const codec: number[] = [];
    page.on('response', (res) => {
      if (new URL(res.url()).pathname === '/codec/decode') codec.push(res.status());
    });
    return { page, codec };
  }

  /** Opens the history: the UI sends the person to the provider's login page, then back. */
  async function signInAndOpenHistory(page: Page, user: string): Promise<void> {
    await page.goto(historyUrl);
    await page.waitForURL((url) => url.href.startsWith(stack.urls.oidc!));
    await page.locator('input[name=user]').fill(user);
    await page.locator('input[name=password]').fill(DEV_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // Back through the UI's callback (which sets the session) to a page of the UI.
    await page.waitForURL((url) => url.href.startsWith(ui()) && !url.pathname.startsWith('/auth/'));
    await page.waitForLoadState('load');
    // Signed in; open the history itself if the UI landed on its start page.
    if (!page.url().startsWith(historyUrl)) await page.goto(historyUrl);
  }

  const bodyText = (page: Page) => page.evaluate(() => document.body.innerText);

  it('S9.4 a supervisor signs in at the provider and sees the decoded payload of a complaint history', async () => {
    const { page, codec } = await open();
    await signInAndOpenHistory(page, 'supervisor.wang');
    await page.waitForFunction((text) => document.body.innerText.includes(text), description, {
      timeout: 60_000,
    });
    expect(codec.length).toBeGreaterThan(0);
    expect(codec.every((status) => status === 200)).toBe(true);
  });

  it('S9.4 a handler signs in too, but the codec server refuses (403, audited) and the payload stays encrypted', async () => {
    const { page, codec } = await open();
    await signInAndOpenHistory(page, 'handler.li');
    await eventually(async () => (codec.includes(403) ? true : undefined), 60_000, 'a 403 from the codec');
    // Whatever the UI shows then (the encoded payload and its codec error), never the clear text.
    await page.waitForTimeout(2000);
    expect(codec.includes(200)).toBe(false);
    expect(await bodyText(page)).not.toContain(description);
    const rows = await codecAudit();
    expect(rows.some((r) => r.actor === 'handler.li' && r.action === 'CODEC_DECODE_REFUSED')).toBe(true);
    expect(rows.some((r) => r.actor === 'supervisor.wang' && r.action === 'CODEC_DECODED')).toBe(true);
  });
});
