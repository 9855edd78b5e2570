// The local mail sink alone: SMTP in, HTTP inbox out, persistence across a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { startMailSink, type MailSink, type SinkMessage } from '../../infra/mail-sink/server';

const REPORT = '路测结果：RSRP -115 dBm';
let dataDir: string;
let sink: MailSink;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'closedloop-mail-sink-'));
  sink = await startMailSink({ smtpPort: 0, httpPort: 0, dataDir });
});

afterAll(async () => {
  await sink.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function send(mail: SendMailOptions): Promise<unknown> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: sink.smtpPort, secure: false });
  return transport.sendMail({ from: 'ClosedLoop <closedloop@localhost>', ...mail });
}

async function getJson<T>(urlPath: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sink.httpUrl}${urlPath}`);
  return { status: res.status, body: (await res.json()) as T };
}

test('a zh-CN mail with cc, bcc, html and an attachment round-trips through SMTP and the HTTP API', async () => {
  await send({
    to: 'handler.li@operator.example',
    cc: 'supervisor.wang@operator.example',
    bcc: 'audit@operator.example',
    subject: '投诉工单 EMOS-2026-000001 首次回复提醒',
    text: '您好，工单已受理：室内无信号，打电话经常断。',
    html: '<p>您好，工单已<b>受理</b>。</p>',
    attachments: [{ filename: '测试报告.txt', content: REPORT, contentType: 'text/plain' }],
  });

  const { body: list } = await getJson<SinkMessage[]>('/api/messages?to=handler.li');
  expect(list).toHaveLength(1);
  const message = list[0]!;
  expect(message.subject).toBe('投诉工单 EMOS-2026-000001 首次回复提醒');
  expect(message.text.trim()).toBe('您好，工单已受理：室内无信号，打电话经常断。');
  expect(message.html).toContain('<b>受理</b>');
  expect(message.from).toContain('closedloop@localhost');
  expect(message.to).toEqual(['handler.li@operator.example']);
  expect(message.cc).toEqual(['supervisor.wang@operator.example']);
  expect(message.envelope.to).toContain('audit@operator.example');
  expect(message.headers.subject).toBe(message.subject);
  expect(message.messageId).toMatch(/^<.+>$/);
  const size = Buffer.byteLength(REPORT);
  expect(message.attachments).toEqual([{ filename: '测试报告.txt', contentType: 'text/plain', size }]);

  const attachment = await fetch(`${sink.httpUrl}/api/messages/${message.id}/attachments/0`);
  expect(attachment.headers.get('content-type')).toContain('text/plain');
  expect(await attachment.text()).toBe(REPORT);
});

test('the inbox lists newest first and filters by recipient (including bcc) and subject', async () => {
  await send({ to: 'a@operator.example', subject: 'first 第一封', text: '1' });
  await send({ to: 'b@operator.example', subject: 'second 第二封', text: '2' });

  const { body: all } = await getJson<SinkMessage[]>('/api/messages');
  expect(all.slice(0, 2).map((m) => m.subject)).toEqual(['second 第二封', 'first 第一封']);
  const { body: bySubject } = await getJson<SinkMessage[]>(
    `/api/messages?subject=${encodeURIComponent('第一封')}`,
  );
  expect(bySubject.map((m) => m.to)).toEqual([['a@operator.example']]);
  const { body: byBcc } = await getJson<SinkMessage[]>('/api/messages?to=audit@');
  expect(byBcc).toHaveLength(1);
  const { body: none } = await getJson<SinkMessage[]>('/api/messages?to=nobody@');
  expect(none).toEqual([]);
});

test('single messages, unknown ids and the HTML inbox answer sensibly', async () => {
  const { body: all } = await getJson<SinkMessage[]>('/api/messages');
  const { status, body } = await getJson<SinkMessage>(`/api/messages/${all[0]!.id}`);
  expect(status).toBe(200);
  expect(body.id).toBe(all[0]!.id);
  expect((await getJson<unknown>('/api/messages/no-such-id')).status).toBe(404);
  expect((await getJson<unknown>(`/api/messages/${all[0]!.id}/attachments/7`)).status).toBe(404);
  expect((await getJson<{ ok: boolean }>('/healthz')).body).toEqual({ ok: true });
  const page = await fetch(`${sink.httpUrl}/`);
  expect(page.headers.get('content-type')).toContain('text/html');
  expect(await page.text()).toContain('ClosedLoop mail sink');
});

test('a restart with the same data dir keeps the inbox; DELETE empties it', async () => {
  const before = (await getJson<SinkMessage[]>('/api/messages')).body;
  await sink.close();
  sink = await startMailSink({ smtpPort: 0, httpPort: 0, dataDir });
  const after = (await getJson<SinkMessage[]>('/api/messages')).body;
  expect(after).toEqual(before);

  const res = await fetch(`${sink.httpUrl}/api/messages`, { method: 'DELETE' });
  expect(await res.json()).toEqual({ deleted: before.length });
  await sink.close();
  sink = await startMailSink({ smtpPort: 0, httpPort: 0, dataDir });
  expect((await getJson<SinkMessage[]>('/api/messages')).body).toEqual([]);
});
