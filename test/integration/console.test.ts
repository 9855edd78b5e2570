// The handlers' and supervisors' web console (issue #10) end to end: headless Chromium (Debian's
// package, driven by playwright-core) against the console served by the API of the real local
// stack. A handler signs in, finds a complaint in the team worklist, triages, records findings,
// resolves, replies and closes it; a supervisor escalates and acknowledges; an action the role
// does not allow is not offered and is refused by the API. Screenshots go to test-results/screenshots/
// (ignored by git), so that a test run never changes tracked files; `npm run docs:screenshots` runs
// this test with UPDATE_DOCS_SCREENSHOTS=1 to refresh the README's docs/screenshots/ on purpose.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { toCsv } from '../../infra/network-data/files';
import { generateNetworkData } from '../../infra/network-data/generate';
import { DEV_PASSWORD } from '../../infra/oidc/accounts';
import { intakeBody, uniqueExternalId, uniqueMobile } from '../support/fixtures';
import { eventually, KEYS, startTestStack, type TestStack } from '../support/stack';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureChromium } = require('../../infra/ensure-chromium.cjs') as { ensureChromium(): string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureConsole } = require('../../infra/ensure-console.cjs') as { ensureConsole(): string };

// The browser's globals as far as the page functions below use them (tests compile without the DOM lib).
declare const document: { querySelector(selector: string): { textContent: string | null } | null };
declare const sessionStorage: { getItem(key: string): string | null };

const SHOTS = path.resolve(
  __dirname,
  process.env.UPDATE_DOCS_SCREENSHOTS === '1' ? '../../docs/screenshots' : '../../test-results/screenshots',
);
/** The flags this machine needs (see the machine notes): no sandbox as root, no background networking. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let stack: TestStack;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** Errors the pages logged (React, CSP violations …); a 4xx answer the page expects is not one. */
const pageErrors: string[] = [];
const ids: Record<'worked' | 'open', string> = { worked: '', open: '' };

type View = {
  stage: string;
  timeline: { actor: string; action: string }[];
  escalations: { level: number; by: string; acknowledgedBy?: string }[];
  awaitingAckRole?: string;
};

async function file(body: Record<string, unknown>): Promise<string> {
  const res = await stack.http.post<{ ticketId: string }>('/v1/complaints', body, KEYS.intake);
  expect(res.status).toBe(201);
  return res.body.ticketId;
}

/**
 * A little of the synthetic city's network data (R3.4), imported through the API: the cells, the
 * alarms and changes, and the KPIs of the alarm scenario's site, so that the complaint page shows
 * a map, evidence and a pre-diagnosis. Returns the alarm scenario's complaint.
 */
async function importNetworkData(): Promise<Record<string, unknown>> {
  const { data, manifest } = generateNetworkData({ days: 3 });
  const scenario = manifest.scenarios.find((s) => s.id === 'alarm')!;
  const site = scenario.servingCellId.split('-').slice(0, 3).join('-');
  const token = await devToken('analyst.sun');
  const parts = {
    cells: data.cells,
    alarms: data.alarms,
    changes: data.changes,
    kpis: data.kpis.filter((k) => k.cellId.startsWith(`${site}-`)),
  };
  for (const [kind, rows] of Object.entries(parts)) {
    const res = await stack.http.request('POST', `/v1/network-data/${kind}`, {
      key: token,
      raw: toCsv(kind as keyof typeof parts, rows as never),
      headers: { 'content-type': 'text/csv' },
    });
    expect({ kind, status: res.status }).toEqual({ kind, status: 201 });
  }
  const mobile = uniqueMobile();
  return {
    ...scenario.complaint,
    externalId: uniqueExternalId('EMOS'),
    numbers: { callback: mobile, calling: mobile },
  };
}

async function devToken(user: string): Promise<string> {
  const res = await stack.http.request<{ access_token: string }>('POST', '/dev/token', {
    key: null,
    body: { user },
  });
  expect(res.status).toBe(200);
  return res.body.access_token;
}

beforeAll(async () => {
  // A clean machine: Chromium comes from Debian, the console is built when missing or stale.
  const executablePath = ensureChromium();
  ensureConsole();
  mkdirSync(SHOTS, { recursive: true });
  stack = await startTestStack();
  ids.worked = await file(await importNetworkData());
  ids.open = await file(intakeBody());
  // Both are in the read model (the team worklist of handler.li, team haidian) before the browser looks.
  await eventually(
    async () => {
      const r = await stack.http.get<{ items: { ticketId: string }[] }>('/v1/worklists/team?limit=200');
      const seen = new Set(r.body.items?.map((i) => i.ticketId));
      return seen.has(ids.worked) && seen.has(ids.open) ? true : undefined;
    },
    30_000,
    'both complaints in the team worklist',
  );
  // Playwright starts Chromium with a fresh temporary --user-data-dir of its own for each launch.
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
}, 900_000);

afterEach(() => {
  // No script error and no Content-Security-Policy violation on any page of the test.
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await stack?.dispose();
}, 60_000);

async function open(locale = 'en-US'): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: { width: 1400, height: 1000 } });
  context.setDefaultTimeout(20_000);
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (
      msg.type() === 'error' &&
      !/Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())
    )
      pageErrors.push(msg.text());
  });
  return page;
}

/** On the provider's login page (S9.1): the seeded person and the dev password. */
async function logInAtProvider(page: Page, user: string): Promise<void> {
  await page.waitForURL((url) => url.href.startsWith(stack.urls.oidc!));
  await page.locator('input[name=user]').fill(user);
  await page.locator('input[name=password]').fill(DEV_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function signIn(page: Page, user: string): Promise<void> {
  await page.goto(`${stack.urls.api}/console/`);
  await page.getByTestId('signin').getByRole('button', { name: 'Sign in', exact: true }).click();
  await logInAtProvider(page, user);
  await page.getByTestId('who').waitFor();
  await expect(page.getByTestId('who').textContent()).resolves.toContain(user);
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

async function submit(page: Page, action: string, fill: Record<string, string | boolean> = {}) {
  const form = page.getByTestId(`action-${action}`);
  for (const [name, value] of Object.entries(fill)) {
    const field = form.locator(`[name="${name}"]`);
    const tag = await field.evaluate((el) => `${el.tagName}:${(el as unknown as { type: string }).type}`);
    if (tag === 'SELECT:select-one') await field.selectOption(String(value));
    else if (tag === 'INPUT:checkbox') await field.setChecked(value === true);
    else await field.fill(String(value));
  }
  await form.locator('button[type=submit]').click();
}

const stageIs = (page: Page, stage: string) =>
  page.locator(`[data-testid=complaint][data-stage=${stage}]`).waitFor();

describe('#10 the API serves the console', () => {
  it('#10 S6 every client route gets the page with its own CSP; a missing asset is a 404, not the page', async () => {
    for (const route of [
      '/console',
      '/console/',
      '/console/complaints/EMOS-1',
      '/console/reports/weekly-2026-W47',
    ]) {
      const res = await fetch(`${stack.urls.api}${route}`);
      expect({
        route,
        status: res.status,
        html: /^text\/html/i.test(res.headers.get('content-type') ?? ''),
      }).toEqual({
        route,
        status: 200,
        html: true,
      });
      expect(res.headers.get('content-security-policy')).toMatch(
        /default-src 'self'.*frame-ancestors 'none'/,
      );
      expect(await res.text()).toMatch(/<script type="module" crossorigin src="\/console\/assets\/index-/);
    }
    const missing = await fetch(`${stack.urls.api}/console/assets/index-gone.js`);
    expect(missing.status).toBe(404);
    // Who am I: the roles and what they allow, for the console to offer only that (S2).
    const me = await stack.http.get<{ user: string; permissions: string[] }>('/v1/me');
    expect(me.body.user).toBe('handler.li');
    expect(me.body.permissions).toContain('POST /v1/complaints/{id}/triage');
    expect(me.body.permissions).not.toContain('POST /v1/complaints/{id}/escalations');
  });
});

describe('#10 the console: a handler works a complaint from the worklist to closed', () => {
  it('R4.5 R10.2 S2 sign in as a handler, find the complaint in the team worklist, triage, resolve, reply and close it; every step attributed', async () => {
    const page = await open();
    await signIn(page, 'handler.li');
    // A handler with a team starts on the team's worklist, ordered by the nearest deadline.
    await page.waitForURL(/\/console\/worklists\/team$/);
    const row = page.locator(`[data-testid=worklist-row][data-ticket="${ids.worked}"]`);
    await row.waitFor();
    // Live countdowns: the text changes from one second to the next.
    const countdown = row.getByTestId('countdown');
    const before = await countdown.textContent();
    expect(before).toMatch(/\d\d:\d\d:\d\d/);
    await page.waitForFunction(
      ([sel, text]) => document.querySelector(sel!)?.textContent !== text,
      [`[data-ticket="${ids.worked}"] [data-testid=countdown]`, before] as const,
      { timeout: 5000 },
    );
    await shot(page, 'worklist');

    await row.getByRole('link', { name: ids.worked }).click();
    await stageIs(page, 'RECEIVED');
    await expect(page.getByTestId('words').textContent()).resolves.toContain('打电话经常断');
    expect(await page.getByTestId('clock').count()).toBeGreaterThanOrEqual(2);
    await expect(page.getByTestId('temporal-link').getAttribute('href')).resolves.toContain(
      encodeURIComponent(`complaint-${ids.worked}`),
    );

    await submit(page, 'triage', { decision: 'SELF', note: '本人处理' });
    await stageIs(page, 'IN_PROGRESS');
    await submit(page, 'findings', {
      checked: '查询话统、告警和近期割接',
      found: '服务小区天馈驻波比告警',
      onSite: true,
    });
    await page.getByTestId('notice').filter({ hasText: 'Record findings' }).waitFor();

    // The API's validation message appears beside the field (R4.6: a specific summary).
    await submit(page, 'resolve', { summary: '已修复', rootCause: '天馈故障', actions: '更换跳线' });
    await expect(page.getByTestId('error-summary').textContent()).resolves.toMatch(/at least 10 characters/);
    await stageIs(page, 'IN_PROGRESS');
    await submit(page, 'resolve', {
      summary: '更换服务小区天馈跳线后，室内信号恢复正常，复测通话无掉话',
      rootCause: '天馈跳线老化导致驻波比告警',
      actions: '更换跳线并复测',
    });
    await stageIs(page, 'RESOLVED');

    await submit(page, 'replies', {
      kind: 'FINAL',
      method: 'PHONE',
      summary: '电话告知客户已更换天馈跳线，客户确认信号恢复',
      satisfied: 'true',
    });
    await stageIs(page, 'REPLYING');
    await shot(page, 'complaint');
    await submit(page, 'close', { note: '客户满意，闭环' });
    await stageIs(page, 'CLOSED');
    await expect(page.getByTestId('no-actions').textContent()).resolves.toMatch(/Closed/);

    // R10.2: every step is on the timeline with the person who did it, and in the API's view too.
    const view = (await stack.http.get<View>(`/v1/complaints/${ids.worked}`)).body;
    expect(view.stage).toBe('CLOSED');
    const byLi = view.timeline.filter((e) => e.actor === 'handler.li').map((e) => e.action);
    expect(byLi).toEqual(expect.arrayContaining(['TRIAGED', 'FINDINGS', 'RESOLVED', 'REPLIED', 'CLOSED']));
    const shown = await page.getByTestId('timeline-entry').allTextContents();
    expect(shown.filter((s) => s.includes('handler.li')).length).toBeGreaterThanOrEqual(5);
  });

  it('S2 a handler is not offered what the role does not allow, and the API refuses it with 403', async () => {
    const page = await open();
    await signIn(page, 'handler.li');
    await page.goto(`${stack.urls.api}/console/complaints/${encodeURIComponent(ids.open)}`);
    await stageIs(page, 'RECEIVED');
    await page.getByTestId('action-triage').waitFor();
    // Escalating, extending a clock and reassigning are the supervisors' (api/access.ts).
    for (const action of ['escalate', 'extend', 'assign', 'major', 'policy'])
      expect({ action, offered: await page.getByTestId(`action-${action}`).count() }).toEqual({
        action,
        offered: 0,
      });
    // The same token, sent by the page itself, is refused by the API.
    const status = await page.evaluate(async (id) => {
      const token = sessionStorage.getItem('closedloop.token');
      const res = await fetch(`/v1/complaints/${encodeURIComponent(id)}/escalations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ level: 1, reason: '试图越权升级' }),
      });
      return res.status;
    }, ids.open);
    expect(status).toBe(403);
    const view = (await stack.http.get<View>(`/v1/complaints/${ids.open}`)).body;
    expect(view.escalations).toEqual([]);
  });
});

describe('#10 the console: a supervisor watches deadlines and escalates', () => {
  it('R5.2 S2 a supervisor sees the dashboard, escalates a complaint and acknowledges the escalation', async () => {
    const page = await open();
    await signIn(page, 'supervisor.wang');
    await page.waitForURL(/\/console\/dashboard$/);
    await page.getByTestId('by-stage').getByTestId('bar-chart').waitFor();
    // Incidents and guarantee areas: their routes answer, or the section says "Not available".
    for (const section of ['incidents', 'areas'])
      await page.getByTestId(section).locator('table, ul, p.muted').first().waitFor();
    await shot(page, 'dashboard');

    await page.goto(`${stack.urls.api}/console/complaints/${encodeURIComponent(ids.open)}`);
    await stageIs(page, 'RECEIVED');
    await submit(page, 'escalate', { level: '1', reason: '客户多次投诉，需班组长督办' });
    await page.getByTestId('notice').filter({ hasText: 'Escalate' }).waitFor();
    // The escalation is a signal: the page reloads the complaint until the workflow has it.
    const escalated = await eventually(
      async () => {
        const v = (await stack.http.get<View>(`/v1/complaints/${ids.open}`, KEYS.supervisor)).body;
        return v.awaitingAckRole === 'supervisor' ? v : undefined;
      },
      20_000,
      'the escalation in the view',
    );
    expect(escalated.escalations[0]).toMatchObject({ level: 1, by: 'supervisor.wang' });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByTestId('escalation').first().waitFor();
    await submit(page, 'acknowledge', { level: '1', note: '已安排督办' });
    await page.getByTestId('notice').filter({ hasText: 'Acknowledge' }).waitFor();
    const acked = (await stack.http.get<View>(`/v1/complaints/${ids.open}`, KEYS.supervisor)).body;
    expect(acked.escalations[0]?.acknowledgedBy).toBe('supervisor.wang');
    expect(acked.awaitingAckRole).toBeUndefined();
    // … and the read model forgets it too: it leaves the supervisor's "escalated to me" worklist.
    await eventually(
      async () => {
        const r = await stack.http.get<{ items: { ticketId: string }[] }>(
          '/v1/worklists/escalated-to-me?limit=200',
          KEYS.supervisor,
        );
        return r.status === 200 && !r.body.items.some((i) => i.ticketId === ids.open) ? true : undefined;
      },
      15_000,
      'the acknowledged complaint to leave escalated-to-me',
    );
  });

  it('R9.3 the reports page shows a produced report with its charts and downloads', async () => {
    const page = await open();
    await signIn(page, 'supervisor.wang');
    await page.goto(`${stack.urls.api}/console/reports`);
    await page.getByRole('button', { name: 'Produce last week’s report' }).click();
    await page.getByTestId('report').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('report').getByTestId('column-chart').count()).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('downloads').getByRole('button').count()).toBeGreaterThan(1);
    const download = page.waitForEvent('download');
    await page.getByTestId('downloads').getByRole('button', { name: 'summary.csv' }).click();
    expect((await download).suggestedFilename()).toMatch(/summary\.csv$/);
    await shot(page, 'reports');
  });

  it('#10 zh-CN is the default for a Chinese browser, and the language switch changes it', async () => {
    const page = await open('zh-CN');
    await page.goto(`${stack.urls.api}/console/`);
    await page.getByRole('button', { name: '登录', exact: true }).waitFor();
    await shot(page, 'sign-in');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await logInAtProvider(page, 'handler.li');
    await page.getByTestId('worklist').waitFor();
    await expect(page.locator('h1').first().textContent()).resolves.toBe('工作列表');
    await shot(page, 'worklist-zh');
    await page.getByRole('combobox', { name: '语言' }).selectOption('en');
    await expect(page.locator('h1').first().textContent()).resolves.toBe('Worklists');
  });
});
