// The embedded local stack without the app processes: provisioning, Temporal dev server with the
// custom search attributes, MongoDB (FerretDB unless MONGODB_URI / mongod), mail sink, Twilio
// simulator, and a stop() that frees every port.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import nodemailer from 'nodemailer';
import { isPortFree } from '../../infra/stack/processes';
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
  const names = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
  const optional = new Set(['SMTP_USER', 'SMTP_PASS', 'POLICY_FILE']);
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
  await stack.stop();
  const free = await Promise.all(ports.map(async (port) => ({ port, free: await isPortFree(port) })));
  expect(free.filter((p) => !p.free)).toEqual([]);
});
