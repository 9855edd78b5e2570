// Standalone embedded OpenID Connect provider: `tsx infra/oidc/main.ts`.
// Env: OIDC_HOST (127.0.0.1), OIDC_PORT (3020; 0 = any free port), OIDC_AUDIENCE (the API's
// resource URI), OIDC_CONSOLE_ORIGINS (comma-separated, e.g. http://127.0.0.1:3000),
// OIDC_DATA_DIR (keeps its key between runs), OIDC_ACCESS_TOKEN_TTL (seconds, default 600),
// OIDC_TEMPORAL_UI_CALLBACKS (comma-separated sign-in callbacks of the standalone Temporal UI).
// Prints exactly one line `oidc ready on <issuer>` to stdout; logs go to stderr.
import { startOidcServer } from './server';

function required(name: string): string {
  const value = process.env[name]?.trim();
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

function int(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`environment variable ${name} must be an integer ${min}-${max}, got '${raw}'`);
  return n;
}

async function main(): Promise<void> {
  const server = await startOidcServer({
    host: process.env.OIDC_HOST?.trim() || '127.0.0.1',
    port: int('OIDC_PORT', 3020, 0, 65535),
    audience: required('OIDC_AUDIENCE'),
    consoleOrigins: required('OIDC_CONSOLE_ORIGINS')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    temporalUiCallbacks: (process.env.OIDC_TEMPORAL_UI_CALLBACKS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    dataDir: process.env.OIDC_DATA_DIR?.trim() || undefined,
    accessTokenTtlSec: int('OIDC_ACCESS_TOKEN_TTL', 600, 10, 86_400),
    log: (msg) => process.stderr.write(`oidc: ${msg}\n`),
  });
  process.stdout.write(`oidc ready on ${server.issuer}\n`);
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
