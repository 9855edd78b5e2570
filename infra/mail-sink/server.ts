// A local mail sink for the embedded stack: an SMTP server (no auth required, no TLS) that keeps
// every message it receives, and an HTTP inbox (JSON API for tests, a small HTML page for people).
// With `dataDir`, each message is also written there as JSON, so a restart keeps the inbox.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import path from 'node:path';
import type { Readable } from 'node:stream';
import express, { type Request, type Response } from 'express';
import { simpleParser, type AddressObject, type HeaderValue, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';

export interface MailSinkOptions {
  host?: string;
  /** 0 = any free port. */
  smtpPort: number;
  /** 0 = any free port. */
  httpPort: number;
  /** Persist messages here (created if missing) and load them at start. */
  dataDir?: string;
}

export interface MailSink {
  host: string;
  smtpPort: number;
  httpPort: number;
  httpUrl: string;
  close(): Promise<void>;
}

export interface AttachmentInfo {
  filename: string;
  contentType: string;
  size: number;
}

/** One received message as the HTTP API returns it. */
export interface SinkMessage {
  id: string;
  messageId: string | null;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  html: string | null;
  /** The Date header (ISO), or the time of receipt when absent. */
  date: string;
  receivedAt: string;
  /** SMTP envelope: includes Bcc recipients, which no header shows. */
  envelope: { from: string; to: string[] };
  headers: Record<string, string>;
  attachments: AttachmentInfo[];
}

interface StoredMessage extends SinkMessage {
  /** Arrival order (receivedAt can tie within a millisecond). */
  seq: number;
  /** Base64 content of each attachment, same order as `attachments`. */
  attachmentData: string[];
}

const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Store

class MailStore {
  private messages: StoredMessage[] = [];

  constructor(private readonly dir: string | undefined) {
    if (dir) {
      mkdirSync(dir, { recursive: true });
      this.messages = loadMessages(dir);
    }
  }

  async add(message: Omit<StoredMessage, 'seq'>): Promise<StoredMessage> {
    const stored = { ...message, seq: (this.messages.at(-1)?.seq ?? 0) + 1 };
    this.messages.push(stored);
    if (!this.dir) return stored;
    const file = path.join(this.dir, `${stored.id}.json`);
    await writeFile(`${file}.tmp`, JSON.stringify(stored));
    await rename(`${file}.tmp`, file);
    return stored;
  }

  list(filter: { to?: string; subject?: string }): StoredMessage[] {
    const to = filter.to?.toLowerCase();
    const subject = filter.subject?.toLowerCase();
    return this.messages
      .filter((m) => !to || recipients(m).some((r) => r.toLowerCase().includes(to)))
      .filter((m) => !subject || m.subject.toLowerCase().includes(subject))
      .reverse();
  }

  get(id: string): StoredMessage | undefined {
    return this.messages.find((m) => m.id === id);
  }

  async clear(): Promise<number> {
    const removed = this.messages;
    this.messages = [];
    const dir = this.dir;
    if (dir) await Promise.all(removed.map((m) => rm(path.join(dir, `${m.id}.json`), { force: true })));
    return removed.length;
  }
}

function loadMessages(dir: string): StoredMessage[] {
  const messages: StoredMessage[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    try {
      messages.push(JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as StoredMessage);
    } catch (err) {
      console.error(`mail-sink: skipping unreadable ${path.join(dir, name)}: ${(err as Error).message}`);
    }
  }
  return messages.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0) || a.receivedAt.localeCompare(b.receivedAt));
}

function recipients(m: SinkMessage): string[] {
  return [...m.to, ...m.cc, ...m.envelope.to];
}

function publicView(m: StoredMessage): SinkMessage {
  const { attachmentData: _data, seq: _seq, ...view } = m;
  return view;
}

// ---------------------------------------------------------------------------------------------
// Parsing

async function toStoredMessage(raw: Buffer, session: SMTPServerSession): Promise<Omit<StoredMessage, 'seq'>> {
  const parsed = await simpleParser(raw);
  const receivedAt = new Date().toISOString();
  return {
    id: `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`,
    messageId: parsed.messageId ?? null,
    from: parsed.from?.text ?? envelopeAddress(session.envelope.mailFrom),
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: parsed.html || null,
    date: parsed.date?.toISOString() ?? receivedAt,
    receivedAt,
    envelope: {
      from: envelopeAddress(session.envelope.mailFrom),
      to: session.envelope.rcptTo.map((r) => r.address),
    },
    headers: headerRecord(parsed),
    attachments: parsed.attachments.map((a, i) => ({
      filename: a.filename ?? `attachment-${i + 1}`,
      contentType: a.contentType,
      size: a.content.length,
    })),
    attachmentData: parsed.attachments.map((a) => a.content.toString('base64')),
  };
}

function envelopeAddress(address: SMTPServerAddress | false): string {
  return address ? address.address : '';
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((o) =>
    o.value.flatMap((a) => (a.group ? a.group.map((g) => g.address ?? '') : [a.address ?? ''])),
  );
}

function headerRecord(parsed: ParsedMail): Record<string, string> {
  const record: Record<string, string> = {};
  parsed.headers.forEach((value, key) => {
    record[key] = headerText(value);
  });
  return record;
}

function headerText(value: HeaderValue): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v: HeaderValue) => headerText(v)).join(', ');
  if ('text' in value && typeof value.text === 'string') return value.text;
  if ('value' in value && typeof value.value === 'string' && 'params' in value) {
    const params = Object.entries(value.params).map(([k, v]) => `; ${k}=${String(v)}`);
    return value.value + params.join('');
  }
  return JSON.stringify(value); // List-* headers
}

// ---------------------------------------------------------------------------------------------
// SMTP

function createSmtpServer(store: MailStore): SMTPServer {
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: MAX_MESSAGE_BYTES,
    closeTimeout: 2000,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'anonymous' }),
    onData: (stream, session, callback) => {
      receive(stream, session, store).then(
        (id) => callback(null, `queued as ${id}`),
        (err: Error) => callback(err),
      );
    },
  });
  server.on('error', () => undefined); // connection-level errors (client resets) are not fatal
  return server;
}

async function receive(
  stream: Readable & { sizeExceeded?: boolean },
  session: SMTPServerSession,
  store: MailStore,
): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  if (stream.sizeExceeded) throw Object.assign(new Error('message too large'), { responseCode: 552 });
  const message = await store.add(await toStoredMessage(Buffer.concat(chunks), session));
  return message.id;
}

// ---------------------------------------------------------------------------------------------
// HTTP

function createHttpApp(store: MailStore): express.Express {
  const app = express();
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/', (_req, res) => {
    res.type('html').send(INBOX_HTML);
  });
  app.get('/api/messages', (req, res) => {
    const filter = { to: queryString(req, 'to'), subject: queryString(req, 'subject') };
    res.json(store.list(filter).map(publicView));
  });
  app.get('/api/messages/:id', (req, res) => {
    const message = findOr404(store, req, res);
    if (message) res.json(publicView(message));
  });
  app.get('/api/messages/:id/attachments/:index', (req, res) => sendAttachment(store, req, res));
  app.delete('/api/messages', async (_req, res) => {
    res.json({ deleted: await store.clear() });
  });
  return app;
}

function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function findOr404(store: MailStore, req: Request, res: Response): StoredMessage | undefined {
  const message = store.get(String(req.params.id));
  if (!message) res.status(404).json({ error: `no message with id ${String(req.params.id)}` });
  return message;
}

function sendAttachment(store: MailStore, req: Request, res: Response): void {
  const message = findOr404(store, req, res);
  if (!message) return;
  const index = Number(req.params.index);
  const info = message.attachments[index];
  const data = message.attachmentData[index];
  if (!Number.isInteger(index) || !info || data === undefined) {
    res.status(404).json({ error: `message ${message.id} has no attachment ${String(req.params.index)}` });
    return;
  }
  res.setHeader('Content-Type', info.contentType);
  res.setHeader('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(info.filename)}`);
  res.send(Buffer.from(data, 'base64'));
}

// ---------------------------------------------------------------------------------------------
// Start / stop

/** Starts the SMTP server and the HTTP inbox; port 0 picks a free port. */
export async function startMailSink(options: MailSinkOptions): Promise<MailSink> {
  const host = options.host ?? '127.0.0.1';
  const store = new MailStore(options.dataDir);
  const smtp = createSmtpServer(store);
  const smtpPort = await listen('SMTP', options.smtpPort, host, (port, cb) => smtp.listen(port, host, cb));
  let http: Server | undefined;
  try {
    const app = createHttpApp(store);
    const httpPort = await listen(
      'HTTP',
      options.httpPort,
      host,
      (port, cb) => (http = app.listen(port, host, cb)),
    );
    return {
      host,
      smtpPort,
      httpPort,
      httpUrl: `http://${host}:${httpPort}`,
      close: () => closeAll(smtp, http),
    };
  } catch (err) {
    await closeAll(smtp, http);
    throw err;
  }
}

function listen(
  what: string,
  port: number,
  host: string,
  start: (port: number, onListening: () => void) => NetServer,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = start(port, () => resolve((server.address() as AddressInfo).port));
    server.once('error', (err: NodeJS.ErrnoException) => {
      const hint = err.code === 'EADDRINUSE' ? ' is already in use' : `: ${err.message}`;
      reject(new Error(`mail-sink: ${what} port ${host}:${port}${hint}`));
    });
  });
}

async function closeAll(smtp: SMTPServer, http: Server | undefined): Promise<void> {
  const closingHttp = new Promise<void>((resolve) => {
    if (!http?.listening) return resolve();
    http.close(() => resolve());
    http.closeAllConnections();
  });
  const closingSmtp = new Promise<void>((resolve) => {
    if (!smtp.server.listening) return resolve();
    smtp.close(() => resolve());
  });
  await Promise.all([closingHttp, closingSmtp]);
}

// ---------------------------------------------------------------------------------------------
// HTML inbox (GET /): a list on the left, the selected message on the right; refreshes itself.

const INBOX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ClosedLoop mail sink</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { margin: 0; font: 14px/1.45 system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; color: #1f2328; }
  header { display: flex; gap: 12px; align-items: center; padding: 10px 16px; background: #24292f; color: #fff; }
  header h1 { font-size: 16px; margin: 0; flex: 1; }
  header input { padding: 4px 8px; border-radius: 4px; border: 0; min-width: 220px; }
  header button { padding: 4px 10px; border-radius: 4px; border: 0; cursor: pointer; }
  main { display: grid; grid-template-columns: minmax(280px, 38%) 1fr; height: calc(100vh - 48px); }
  #list { overflow-y: auto; border-right: 1px solid #d0d7de; margin: 0; padding: 0; list-style: none; }
  #list li { padding: 8px 14px; border-bottom: 1px solid #eaeef2; cursor: pointer; }
  #list li:hover { background: #f6f8fa; }
  #list li.active { background: #ddf4ff; }
  .subject { font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .meta { color: #57606a; font-size: 12px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  #view { overflow-y: auto; padding: 16px 20px; }
  #view h2 { margin: 0 0 8px; font-size: 18px; }
  #view table { border-collapse: collapse; margin-bottom: 12px; }
  #view td { padding: 2px 10px 2px 0; vertical-align: top; }
  #view td:first-child { color: #57606a; }
  pre { white-space: pre-wrap; word-break: break-word; background: #f6f8fa; padding: 12px; border-radius: 6px; }
  iframe { width: 100%; min-height: 360px; border: 1px solid #d0d7de; border-radius: 6px; }
  .empty { color: #57606a; padding: 20px; }
</style>
</head>
<body>
<header>
  <h1>ClosedLoop mail sink</h1>
  <input id="filter" placeholder="filter: recipient or subject">
  <button id="clear" title="DELETE /api/messages">Delete all</button>
</header>
<main>
  <ul id="list"></ul>
  <section id="view"><p class="empty">Select a message.</p></section>
</main>
<script>
  let messages = [];
  let selected = null;
  const el = (tag, props = {}, children = []) => {
    const node = Object.assign(document.createElement(tag), props);
    children.forEach((c) => node.append(c));
    return node;
  };
  const when = (iso) => new Date(iso).toLocaleString();
  async function refresh() {
    const res = await fetch('api/messages');
    messages = await res.json();
    renderList();
  }
  function renderList() {
    const q = document.getElementById('filter').value.toLowerCase();
    const list = document.getElementById('list');
    const shown = messages.filter((m) =>
      !q || m.subject.toLowerCase().includes(q) || m.to.concat(m.cc, m.envelope.to).join(' ').toLowerCase().includes(q));
    list.replaceChildren(...shown.map((m) => {
      const li = el('li', { className: m.id === selected ? 'active' : '' }, [
        el('div', { className: 'subject', textContent: m.subject || '(no subject)' }),
        el('div', { className: 'meta', textContent: when(m.date) + ' · to ' + m.to.join(', ') }),
      ]);
      li.onclick = () => show(m.id);
      return li;
    }));
    if (shown.length === 0) list.replaceChildren(el('li', { className: 'empty', textContent: 'No messages yet.' }));
  }
  function show(id) {
    selected = id;
    renderList();
    const m = messages.find((x) => x.id === id);
    if (!m) return;
    const row = (k, v) => el('tr', {}, [el('td', { textContent: k }), el('td', { textContent: v })]);
    const parts = [
      el('h2', { textContent: m.subject || '(no subject)' }),
      el('table', {}, [row('From', m.from), row('To', m.to.join(', ')), row('Cc', m.cc.join(', ')),
        row('Bcc / envelope', m.envelope.to.join(', ')), row('Date', when(m.date)), row('Message-ID', m.messageId || '')]),
    ];
    m.attachments.forEach((a, i) => parts.push(el('div', {}, [el('a', {
      href: 'api/messages/' + m.id + '/attachments/' + i, target: '_blank',
      textContent: '📎 ' + a.filename + ' (' + a.contentType + ', ' + a.size + ' bytes)' })])));
    if (m.html) parts.push(el('h3', { textContent: 'HTML' }), el('iframe', { sandbox: '', srcdoc: m.html }));
    parts.push(el('h3', { textContent: 'Text' }), el('pre', { textContent: m.text }));
    document.getElementById('view').replaceChildren(...parts);
  }
  document.getElementById('filter').oninput = renderList;
  document.getElementById('clear').onclick = async () => {
    if (!confirm('Delete all messages?')) return;
    await fetch('api/messages', { method: 'DELETE' });
    selected = null;
    document.getElementById('view').replaceChildren(el('p', { className: 'empty', textContent: 'Select a message.' }));
    refresh();
  };
  refresh();
  setInterval(refresh, 3000);
</script>
</body>
</html>
`;
