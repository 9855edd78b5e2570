// The embedded local stack without the app processes: provisioning, Temporal dev server with the
// custom search attributes, MongoDB (FerretDB on PostgreSQL when a server is installed, else on
// SQLite, unless MONGODB_URI / mongod), mail sink, Twilio simulator, and a stop() that frees every
// port. The SQLite route is forced once with CLOSEDLOOP_MONGO_BACKEND=sqlite.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import nodemailer from 'nodemailer';
import { isPortFree } from '../../infra/stack/processes';
import { findOnPath, findPostgresServer, mongoBackendOverride } from '../../infra/stack/provision';
import { startStack, type Stack } from '../../infra/stack/stack';
import type { SinkMessage } from '../../infra/mail-sink/server';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

const NAMESPACE = 'closedloop-stack-test';
// temporal.api.enums.v1.IndexedValueType
const INDEXED_VALUE_TYPE: Record<string, number> = {
  TEXT: 1,
  KEYWORD: 2,
  INT: 3,
  DOUBLE: 4,
  BOOL: 5,
  DATETIME: 6,
};

let dataDir: string;
let stack: Stack;

/** What the MongoDB route of provision.ts should pick on this machine. */
function expectedBackend(): 'uri' | 'mongod' | 'postgresql' | 'sqlite' {
  if (process.env.MONGODB_URI) return 'uri';
  const forced = mongoBackendOverride();
  if (forced) return forced;
  if (findOnPath('mongod')) return 'mongod';
  return findPostgresServer().server ? 'postgresql' : 'sqlite';
}

/** Runs FerretDB on the given backend (restores CLOSEDLOOP_MONGO_BACKEND afterwards). */
async function withBackend<T>(backend: 'sqlite' | 'postgresql', fn: () => Promise<T>): Promise<T> {
  const saved = process.env.CLOSEDLOOP_MONGO_BACKEND;
  process.env.CLOSEDLOOP_MONGO_BACKEND = backend;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.CLOSEDLOOP_MONGO_BACKEND;
    else process.env.CLOSEDLOOP_MONGO_BACKEND = saved;
  }
}

/** One SQL statement through the psql of the PostgreSQL server the route found; trimmed output. */
function psql(url: string, sql: string): Promise<string> {
  const bindir = findPostgresServer().server?.bindir;
  if (!bindir) throw new Error('no PostgreSQL server found');
  const args = ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql];
  return new Promise((resolve, reject) => {
    execFile(
      path.join(bindir, 'psql'),
      args,
      { env: { ...process.env, PGCLIENTENCODING: 'UTF8' } },
      (err, stdout, stderr) =>
        err ? reject(new Error(`psql: ${stderr || err.message}`)) : resolve(stdout.trim()),
    );
  });
}

/** The document FerretDB on PostgreSQL stores for `_id` in a collection of `closedloop`, read with SQL. */
async function rowInPostgres(url: string, collection: string, id: string): Promise<Record<string, unknown>> {
  const table = await psql(
    url,
    `SELECT _jsonb->>'table' FROM closedloop._ferretdb_database_metadata WHERE _jsonb->>'_id' = '${collection}'`,
  );
  expect(table).toMatch(/^[a-z_]+_[0-9a-f]+$/);
  const json = await psql(url, `SELECT _jsonb FROM closedloop."${table}" WHERE _jsonb->>'_id' = '${id}'`);
  return JSON.parse(json) as Record<string, unknown>;
}

async function writeAndRead(
  uri: string,
  collection: string,
  id: string,
  description: string,
): Promise<unknown> {
  const connection = await mongoose.createConnection(uri).asPromise();
  try {
    const docs = connection.collection<{ _id: string; description: string }>(collection);
    await docs.updateOne({ _id: id }, { $set: { description } }, { upsert: true });
    return (await docs.findOne({ _id: id }))?.description;
  } finally {
    await connection.close();
  }
}

async function readBack(uri: string, collection: string, id: string): Promise<unknown> {
  const connection = await mongoose.createConnection(uri).asPromise();
  try {
    const docs = connection.collection<{ _id: string; description: string }>(collection);
    return (await docs.findOne({ _id: id }))?.description;
  } finally {
    await connection.close();
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'closedloop-stack-'));
  // The first run on a machine provisions the tools (FerretDB build ~1-2 min).
  stack = await startStack({ dataDir, ports: 'auto', startApp: false, quiet: true, namespace: NAMESPACE });
}, 600_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

async function withTemporal<T>(fn: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS! });
  try {
    return await fn(connection);
  } finally {
    await connection.close();
  }
}

test('R10.1 custom search attributes are registered on the Temporal server', async () => {
  const { customAttributes } = await withTemporal((c) =>
    c.operatorService.listSearchAttributes({ namespace: NAMESPACE }),
  );
  for (const key of ALL_SEARCH_ATTRIBUTES) {
    expect({ name: key.name, type: customAttributes?.[key.name] }).toEqual({
      name: key.name,
      type: INDEXED_VALUE_TYPE[key.type],
    });
  }
});

test('Temporal answers on the stack address, knows the namespace and serves its Web UI', async () => {
  const info = await withTemporal((c) => c.workflowService.describeNamespace({ namespace: NAMESPACE }));
  expect(info.namespaceInfo?.name).toBe(NAMESPACE);
  expect(stack.env.TEMPORAL_NAMESPACE).toBe(NAMESPACE);
  expect((await fetch(stack.urls.temporalUi)).status).toBe(200);
});

test('MongoDB accepts a write and a read on the closedloop database', async () => {
  expect(new URL(stack.env.MONGODB_URI!).pathname).toBe('/closedloop');
  const connection = await mongoose.createConnection(stack.env.MONGODB_URI!).asPromise();
  try {
    const collection = connection.collection('stack_test');
    await collection.insertOne({ ticketId: 'EMOS-2026-000001', description: '室内无信号，打电话经常断' });
    const found = await collection.findOne({ ticketId: 'EMOS-2026-000001' });
    expect(found?.description).toBe('室内无信号，打电话经常断');
    await collection.drop();
  } finally {
    await connection.close();
  }
});

test('MongoDB runs on the backend the route chose, and a write lands in that backend', async () => {
  const backend = expectedBackend();
  const description = '地下车库无信号';
  expect(await writeAndRead(stack.env.MONGODB_URI!, 'backend_probe', 'EMOS-2026-000002', description)).toBe(
    description,
  );
  if (backend === 'postgresql') {
    expect(stack.urls.postgres).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/ferretdb$/);
    expect(await psql(stack.urls.postgres!, "SELECT current_setting('server_version_num')")).toMatch(
      /^\d{5,6}$/,
    );
    const row = await rowInPostgres(stack.urls.postgres!, 'backend_probe', 'EMOS-2026-000002');
    expect(row).toMatchObject({ _id: 'EMOS-2026-000002', description });
    expect(existsSync(path.join(dataDir, 'postgres', 'data', 'PG_VERSION'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'ferretdb'))).toBe(false);
  } else {
    expect(stack.urls.postgres).toBeUndefined();
    expect(existsSync(path.join(dataDir, 'postgres'))).toBe(false);
    if (backend === 'sqlite')
      expect(existsSync(path.join(dataDir, 'ferretdb', 'closedloop.sqlite'))).toBe(true);
  }
});

test('the mail sink receives a zh-CN mail sent through SMTP with the stack settings', async () => {
  const transport = nodemailer.createTransport({
    host: stack.env.SMTP_HOST,
    port: Number(stack.env.SMTP_PORT),
    secure: stack.env.SMTP_SECURE === 'true',
  });
  await transport.sendMail({
    from: stack.env.MAIL_FROM,
    to: 'supervisor@operator.example',
    subject: '工单 EMOS-2026-000001 即将超时',
    text: '首次回复时限还剩 2 小时，请尽快处理。',
  });
  const res = await fetch(`${stack.urls.mailInbox}/api/messages?to=supervisor@operator.example`);
  const [message] = (await res.json()) as SinkMessage[];
  expect(message?.subject).toBe('工单 EMOS-2026-000001 即将超时');
  expect(message?.to).toEqual(['supervisor@operator.example']);
  expect(message?.text.trim()).toBe('首次回复时限还剩 2 小时，请尽快处理。');
});

test('the Twilio simulator answers on TWILIO_API_BASE_URL', async () => {
  expect(stack.env.TWILIO_API_BASE_URL).toBe(stack.urls.twilioSim);
  expect((await fetch(`${stack.urls.twilioSim}/healthz`)).status).toBe(200);
});

test('the stack env sets every setting of .env.example that the local stack owns', () => {
  const example = readFileSync(path.join(__dirname, '..', '..', '.env.example'), 'utf8');
  // Settings whose example value is empty are optional (credentials, proxies, external URLs).
  const names = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)]
    .filter((m) => m[2]!.trim() !== '')
    .map((m) => m[1]!);
  const optional = new Set<string>();
  const missing = names.filter((n) => !optional.has(n) && !stack.env[n]);
  expect(missing).toEqual([]);
  expect(JSON.parse(stack.env.API_KEYS!)).toHaveProperty('dev-intake-key');
});

test('stop() stops every part and frees its ports', async () => {
  const ports = [
    Number(stack.env.TEMPORAL_ADDRESS!.split(':')[1]),
    Number(new URL(stack.urls.temporalUi).port),
    Number(new URL(stack.env.MONGODB_URI!).port),
    Number(stack.env.SMTP_PORT),
    Number(new URL(stack.urls.mailInbox).port),
    Number(new URL(stack.urls.twilioSim).port),
  ];
  if (process.env.MONGODB_URI) ports.splice(2, 1); // an external MongoDB is not ours to stop
  if (stack.urls.postgres) ports.push(Number(new URL(stack.urls.postgres).port));
  await stack.stop();
  const free = await Promise.all(ports.map(async (port) => ({ port, free: await isPortFree(port) })));
  expect(free.filter((p) => !p.free)).toEqual([]);
});

const ferretDbRoute = process.env.MONGODB_URI ? describe.skip : describe;

ferretDbRoute('FerretDB on SQLite (forced with CLOSEDLOOP_MONGO_BACKEND=sqlite)', () => {
  let sqliteDir: string;
  let sqliteStack: Stack | undefined;

  beforeAll(async () => {
    sqliteDir = mkdtempSync(path.join(os.tmpdir(), 'closedloop-stack-sqlite-'));
    sqliteStack = await withBackend('sqlite', () =>
      startStack({ dataDir: sqliteDir, ports: 'auto', startApp: false, quiet: true, namespace: NAMESPACE }),
    );
  }, 600_000);

  afterAll(async () => {
    await sqliteStack?.stop();
    rmSync(sqliteDir, { recursive: true, force: true });
  }, 60_000);

  test('accepts a write and a read, kept in SQLite files under the data dir, without PostgreSQL', async () => {
    const description = '通话经常断线';
    expect(
      await writeAndRead(sqliteStack!.env.MONGODB_URI!, 'backend_probe', 'EMOS-2026-000003', description),
    ).toBe(description);
    expect(sqliteStack!.urls.postgres).toBeUndefined();
    expect(existsSync(path.join(sqliteDir, 'ferretdb', 'closedloop.sqlite'))).toBe(true);
    expect(existsSync(path.join(sqliteDir, 'postgres'))).toBe(false);
  });
});

const postgresRoute = !process.env.MONGODB_URI && findPostgresServer().server ? describe : describe.skip;

postgresRoute('FerretDB on PostgreSQL across a restart', () => {
  test('data written before stop() is there after the next start on the same data dir', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'closedloop-stack-pg-'));
    const start = () =>
      withBackend('postgresql', () =>
        startStack({ dataDir: dir, ports: 'auto', startApp: false, quiet: true, namespace: NAMESPACE }),
      );
    let current: Stack | undefined;
    try {
      current = await start();
      expect(
        await writeAndRead(current.env.MONGODB_URI!, 'restart_probe', 'EMOS-2026-000004', '室外信号差'),
      ).toBe('室外信号差');
      const firstPort = new URL(current.urls.postgres!).port;
      await current.stop();
      expect(await isPortFree(Number(firstPort))).toBe(true);
      current = await start();
      expect(await readBack(current.env.MONGODB_URI!, 'restart_probe', 'EMOS-2026-000004')).toBe(
        '室外信号差',
      );
      const row = await rowInPostgres(current.urls.postgres!, 'restart_probe', 'EMOS-2026-000004');
      expect(row.description).toBe('室外信号差');
    } finally {
      await current?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
