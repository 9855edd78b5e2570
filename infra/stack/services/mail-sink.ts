// The mail sink (in this process): SMTP for the product, an HTTP inbox for people and tests, its
// messages kept on disk in <dataDir>/mail.
import path from 'node:path';
import { startMailSink } from '../../mail-sink/server';
import { HOST } from '../common';
import type { Running, Service, ServiceContext } from '../service';

export const mailSink: Service = {
  name: 'mail-sink',
  dependsOn: [],
  ports: {
    smtp: { fixed: 1025, label: 'mail sink SMTP', auto: 'own' },
    mailHttp: { fixed: 1080, label: 'mail sink HTTP inbox', auto: 'own' },
  },
  start: startMail,
};

async function startMail(ctx: ServiceContext): Promise<Running> {
  const dataDir = path.join(ctx.dataDir, 'mail');
  let sink = await startMailSink({
    host: HOST,
    smtpPort: ctx.port('smtp'),
    httpPort: ctx.port('mailHttp'),
    dataDir,
  });
  let running = true;
  // Down = both ports closed; up again on the same ports, the inbox reloaded from dataDir.
  const { smtpPort, httpPort } = sink;
  ctx.say(`mail sink ready on smtp://${HOST}:${sink.smtpPort} (inbox ${sink.httpUrl})`);
  return {
    env: { SMTP_HOST: HOST, SMTP_PORT: String(sink.smtpPort), SMTP_SECURE: 'false' },
    urls: { mailInbox: sink.httpUrl },
    control: {
      stop: async () => {
        running = false;
        await sink.close();
      },
      start: async () => {
        sink = await startMailSink({ host: HOST, smtpPort, httpPort, dataDir });
        running = true;
      },
    },
    stop: async () => void (running && (await sink.close())),
  };
}
