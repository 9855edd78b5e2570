// Standalone mail sink: `tsx infra/mail-sink/main.ts`.
// Env: MAIL_SINK_HOST (127.0.0.1), MAIL_SINK_SMTP_PORT (1025), MAIL_SINK_HTTP_PORT (1080), MAIL_SINK_DATA_DIR.
import { startMailSink } from './server';

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} must be a TCP port number (0-65535), got "${raw}"`);
  }
  return port;
}

async function main(): Promise<void> {
  const sink = await startMailSink({
    host: process.env.MAIL_SINK_HOST || '127.0.0.1',
    smtpPort: portFromEnv('MAIL_SINK_SMTP_PORT', 1025),
    httpPort: portFromEnv('MAIL_SINK_HTTP_PORT', 1080),
    dataDir: process.env.MAIL_SINK_DATA_DIR || undefined,
  });
  console.log(`mail-sink ready smtp://${sink.host}:${sink.smtpPort} ${sink.httpUrl}`);
  const shutdown = (): void => {
    sink.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
