// D5: the deployment works as written. The variables come from the configuration schema itself
// (platform/config.ts and the *_ENV groups of platform/*-config.ts), so a variable added anywhere
// in it fails here until .env.example and infra/deploy/compose.yaml carry it.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { parseDuration } from '../../domain/policy/durations';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../../platform/config';
import { parseListenAddress, startupWarnings } from '../../platform/ops-config';
import { startHealthListener, type WorkerPhase } from '../../worker/health';
import {
  checkPrebuiltBundle,
  manifestPathOf,
  workflowBundleOptions,
  workflowSourcesDigest,
} from '../../worker/workflow-bundle';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** The schema's variables and those of every `*_ENV` group in platform/ (in the schema or not). */
function configVariables(): string[] {
  const names = new Set(CONFIG_VARIABLES);
  for (const file of readdirSync(path.join(ROOT, 'platform')).filter((f) =>
    /-config\.ts$|^lookup-hash\.ts$/.test(f),
  )) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(ROOT, 'platform', file)) as Record<string, unknown>;
    for (const [exported, value] of Object.entries(mod))
      if (/_ENV$/.test(exported) && value && typeof value === 'object')
        Object.keys(value)
          .filter((k) => /^[A-Z][A-Z0-9_]+$/.test(k))
          .forEach((k) => names.add(k));
  }
  return [...names].sort();
}

/** Variables named in .env.example, set (`NAME=`) or shown commented out with their default (`# NAME=`). */
function envExampleVariables(): Set<string> {
  return new Set([...read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!));
}

type ComposeService = {
  build?: unknown;
  image?: string;
  command?: string[] | string;
  env_file?: string | (string | { path: string })[];
  environment?: Record<string, unknown> | string[];
  restart?: string;
  healthcheck?: { test?: string[] | string };
  stop_grace_period?: string;
  deploy?: { restart_policy?: { condition?: string } };
};
const compose = parse(read('infra/deploy/compose.yaml'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const dockerfile = read('infra/deploy/Dockerfile');

/** The services that run the product's image (built from the Dockerfile). */
const productServices = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);

function envFilesOf(s: ComposeService): string[] {
  const list = s.env_file === undefined ? [] : Array.isArray(s.env_file) ? s.env_file : [s.env_file];
  return list.map((e) => (typeof e === 'string' ? e : e.path));
}

function environmentOf(s: ComposeService): Record<string, string> {
  if (!s.environment) return {};
  if (Array.isArray(s.environment))
    return Object.fromEntries(s.environment.map((e) => [e.split('=')[0]!, e.split('=').slice(1).join('=')]));
  return Object.fromEntries(Object.entries(s.environment).map(([k, v]) => [k, String(v ?? '')]));
}

/** Seconds of a compose duration such as 90s or 1m30s. */
function composeSeconds(d: string): number {
  let total = 0;
  for (const [, n, unit] of d.matchAll(/(\d+)(h|m|s)/g))
    total += Number(n) * { h: 3600, m: 60, s: 1 }[unit as 'h' | 'm' | 's'];
  return total;
}

describe('D5 every configuration variable reaches the deployment', () => {
  const variables = configVariables();

  it('D5 the schema lists the variables of every group (sanity: the derivation finds them)', () => {
    expect(variables.length).toBeGreaterThan(60);
    for (const name of [
      'TEMPORAL_ADDRESS',
      'ROLE_EMAILS',
      'PAYLOAD_KEYS',
      'REPORT_TIMEZONE',
      'WORKER_SHUTDOWN_GRACE',
    ])
      expect(variables).toContain(name);
  });

  it('D5 .env.example names every variable the configuration reads', () => {
    const listed = envExampleVariables();
    expect(variables.filter((v) => !listed.has(v))).toEqual([]);
  });

  it('D5 .env.example names no variable that neither the configuration nor compose.yaml reads', () => {
    // Compose reads .env too, for the ${…} of the services that are not ClosedLoop (the Temporal UI's sign-in).
    const composeOnly = [...read('infra/deploy/compose.yaml').matchAll(/\$\{([A-Z][A-Z0-9_]+)/g)].map(
      (m) => m[1]!,
    );
    const known = new Set([...variables, ...composeOnly]);
    expect([...envExampleVariables()].filter((v) => !known.has(v))).toEqual([]);
  });

  it('D5 the API and worker containers get every variable from the one env file (.env)', () => {
    expect(productServices.map(([name]) => name).sort()).toEqual(expect.arrayContaining(['api', 'worker']));
    for (const [name, service] of productServices) {
      // .env next to compose.yaml is .env.example filled in (infra/deploy/README.md).
      expect({ name, envFiles: envFilesOf(service) }).toEqual({ name, envFiles: ['.env'] });
      const reaching = new Set([...envExampleVariables(), ...Object.keys(environmentOf(service))]);
      expect({ name, missing: variables.filter((v) => !reaching.has(v)) }).toEqual({ name, missing: [] });
      // What compose sets itself is the topology only; a blank value would hide the env file's.
      const blank = Object.entries(environmentOf(service)).filter(([, v]) => v.trim() === '');
      expect({ name, blank }).toEqual({ name, blank: [] });
      expect(Object.keys(environmentOf(service)).filter((k) => !variables.includes(k))).toEqual([]);
    }
  });
});

describe('D5 the containers run as an operator runs them', () => {
  it('D5 compiled JavaScript with node (not tsx), a restart policy and a health check on each product container', () => {
    for (const [name, service] of productServices) {
      const command = Array.isArray(service.command)
        ? service.command
        : String(service.command ?? '').split(' ');
      expect({ name, runner: command[0], script: command[1] }).toEqual({
        name,
        runner: 'node',
        script: expect.stringMatching(/^dist\/.+\.js$/),
      });
      expect(command.join(' ')).not.toMatch(/tsx/);
      expect({ name, restart: service.restart ?? service.deploy?.restart_policy?.condition }).toEqual({
        name,
        restart: expect.stringMatching(/^(always|unless-stopped|on-failure(:\d+)?|any)$/),
      });
      const test = [service.healthcheck?.test ?? []].flat().join(' ');
      expect({ name, probe: test }).toEqual({ name, probe: expect.stringMatching(/\/readyz/) });
    }
  });

  it('D5 the worker has its grace time to drain before the container is killed', () => {
    const worker = compose.services.worker!;
    const graceMs = loadConfig(BASE_ENV).WORKER_SHUTDOWN_GRACE;
    expect(graceMs).toBe(parseDuration('30s'));
    // The SDK gives up after grace + 15 s (worker/worker.ts shutdownForceTime); Docker kills later.
    expect(composeSeconds(worker.stop_grace_period ?? '10s') * 1000).toBeGreaterThan(graceMs + 15_000);
  });

  it('D5 the image: a current Node LTS, compiled with tsc, the workflow bundle built at image build time', () => {
    const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]!);
    expect(froms.length).toBeGreaterThan(0);
    for (const image of froms) expect(image).toMatch(/^node:(22|24)[.-]/);
    expect(dockerfile).toMatch(/RUN npm run build\b/);
    const bundle = /^ENV WORKFLOW_BUNDLE_PATH=(\S+)/m.exec(dockerfile)?.[1];
    expect(bundle).toBe('/app/dist/workflow-bundle.js');
    expect(dockerfile).toMatch(/--omit=dev/);
    // The build script compiles with tsc and bundles the workflows (package.json).
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.build).toMatch(/tsc -p tsconfig\.build\.json/);
    expect(scripts.build).toMatch(/build:workflows/);
    expect(scripts['build:workflows']).toMatch(/worker\/build-workflow-bundle\.ts/);
  });
});

const BASE_ENV = {
  SUPERVISOR_EMAILS: 'sup@example.com',
  TWILIO_ACCOUNT_SID: 'AC' + '0'.repeat(32),
  TWILIO_AUTH_TOKEN: 'secret-token',
  TWILIO_FROM_NUMBER: '+8610086000',
  PAYLOAD_KEYS: JSON.stringify({ k1: Buffer.alloc(32, 7).toString('base64') }),
  PAYLOAD_KEY_ID: 'k1',
};

describe('D5 start-up checks', () => {
  it('D5 production mode without PUBLIC_BASE_URL warns, naming the variable; development does not', () => {
    expect(startupWarnings({ NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(/^PUBLIC_BASE_URL is not set/),
    ]);
    expect(startupWarnings({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'http://127.0.0.1:3000' })).toEqual([
      expect.stringMatching(/loopback/),
    ]);
    expect(
      startupWarnings({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://closedloop.operator.example' }),
    ).toEqual([]);
    expect(startupWarnings({})).toEqual([]);
  });

  it('D5 listener addresses and the grace time are validated at start, naming the variable', () => {
    expect(parseListenAddress('0.0.0.0:9464')).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(parseListenAddress('[::]:9464')).toEqual({ host: '::', port: 9464 });
    expect(parseListenAddress('9464')).toBeUndefined();
    expect(parseListenAddress('host:70000')).toBeUndefined();
    expect(() => loadConfig({ ...BASE_ENV, WORKER_METRICS_ADDRESS: '9464' })).toThrow(
      /WORKER_METRICS_ADDRESS/,
    );
    expect(() => loadConfig({ ...BASE_ENV, WORKER_SHUTDOWN_GRACE: 'soon' })).toThrow(ConfigError);
    const c = loadConfig({ ...BASE_ENV, WORKER_SHUTDOWN_GRACE: '2m', API_METRICS_ADDRESS: '0.0.0.0:9465' });
    expect(c.WORKER_SHUTDOWN_GRACE).toBe(120_000);
    expect(c.API_METRICS_ADDRESS).toBe('0.0.0.0:9465');
    expect(loadConfig(BASE_ENV).WORKER_METRICS_ADDRESS).toBe('');
  });

  it('D5 the worker is alive while it starts, ready only while it polls, not ready while it drains', async () => {
    let phase: WorkerPhase = 'starting';
    const server = await startHealthListener('127.0.0.1:0', { phase: () => phase });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const status = async (p: string) => (await fetch(base + p)).status;
    try {
      expect([await status('/livez'), await status('/readyz')]).toEqual([200, 503]);
      phase = 'polling';
      expect([await status('/livez'), await status('/readyz')]).toEqual([200, 200]);
      phase = 'draining';
      expect([await status('/livez'), await status('/readyz')]).toEqual([200, 503]);
      expect(await status('/metrics')).toBe(404);
    } finally {
      server.close();
    }
  });
});

describe('I23 the prebuilt workflow bundle', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'closedloop-bundle-'));
    for (const dir of ['workflows', 'domain', 'dist']) mkdirSync(path.join(root, dir));
    writeFileSync(path.join(root, 'workflows', 'index.ts'), 'export const a = 1;\n');
    writeFileSync(path.join(root, 'domain', 'x.ts'), 'export const b = 2;\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const bundle = () => path.join(root, 'dist', 'workflow-bundle.js');
  const writeBundle = (sources: string | undefined) => {
    writeFileSync(bundle(), '/* bundle */');
    writeFileSync(manifestPathOf(bundle()), JSON.stringify({ sources, builtAt: '', bytes: 12 }));
  };

  it('I23 a bundle built from the current sources is used; after a source change it is stale', () => {
    writeBundle(workflowSourcesDigest(root));
    expect(checkPrebuiltBundle(bundle(), root)).toEqual({ use: true, reason: 'fresh' });
    writeFileSync(path.join(root, 'domain', 'x.ts'), 'export const b = 3;\n');
    expect(checkPrebuiltBundle(bundle(), root)).toEqual({ use: false, reason: 'stale' });
  });

  it('I23 without sources (the image) the bundle is the code; a missing bundle is never used', () => {
    writeBundle('whatever');
    rmSync(path.join(root, 'workflows'), { recursive: true });
    rmSync(path.join(root, 'domain'), { recursive: true });
    expect(workflowSourcesDigest(root)).toBeUndefined();
    expect(checkPrebuiltBundle(bundle(), root)).toEqual({ use: true, reason: 'no-sources' });
    rmSync(bundle());
    expect(checkPrebuiltBundle(bundle(), root)).toEqual({ use: false, reason: 'missing' });
  });

  it('I23 the bundle carries the failure converter of the data converter (S3), as the SDK asks of prebuilt bundles', () => {
    expect(workflowBundleOptions().failureConverterPath).toMatch(/platform[/\\]failure-converter\.ts$/);
  });
});
