// Standalone Twilio simulator: `tsx infra/twilio-sim/main.ts`.
// Env: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN (required), TWILIO_SIM_PORT (3010), TWILIO_SIM_HOST (127.0.0.1).
// Prints exactly one line `twilio-sim ready on <url>` to stdout; logs go to stderr.
import { startTwilioSim } from './server';

class ConfigError extends Error {}

function required(name: string): string {
  const value = process.env[name]?.trim();
  if (!value) throw new ConfigError(`environment variable ${name} is required`);
  return value;
}

function port(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new ConfigError(`environment variable ${name} must be a port number (0-65535), got '${raw}'`);
  }
  return n;
}

async function main(): Promise<void> {
  const accountSid = required('TWILIO_ACCOUNT_SID');
  const authToken = required('TWILIO_AUTH_TOKEN');
  const sim = await startTwilioSim({
    host: process.env.TWILIO_SIM_HOST?.trim() || '127.0.0.1',
    port: port('TWILIO_SIM_PORT', 3010),
    accountSid,
    authToken,
    log: (msg) => process.stderr.write(`twilio-sim: ${msg}\n`),
  });
  process.stdout.write(`twilio-sim ready on ${sim.url}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`twilio-sim: ${signal} received, stopping\n`);
    sim.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`twilio-sim: error while stopping: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  const message =
    err instanceof ConfigError
      ? err.message
      : err instanceof Error
        ? (err.stack ?? err.message)
        : String(err);
  process.stderr.write(`twilio-sim: ${message}\n`);
  process.exit(1);
});
