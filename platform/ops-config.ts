// Configuration of how the processes are run and watched (issue 18, D4/D5): metrics and health
// listeners, the worker's drain on SIGTERM, the prebuilt workflow bundle, production mode. Part of
// the one configuration schema in platform/config.ts; every variable is in .env.example.
import { z } from 'zod';
import { isDuration, parseDuration } from '../domain/policy/durations';

/** `host:port` to listen on, or empty = no listener. */
const listenAddress = z
  .string()
  .default('')
  .refine(
    (s) => s === '' || parseListenAddress(s) !== undefined,
    'host:port, e.g. 0.0.0.0:9464 (empty = off)',
  );

export const OPS_ENV = {
  /** `production` turns on the start-up checks of a real deployment (startupWarnings). */
  NODE_ENV: z.string().default(''),
  /** The worker's Prometheus endpoint with the Temporal SDK's own metrics (GET /metrics); empty = off. */
  WORKER_METRICS_ADDRESS: listenAddress,
  /** The worker's liveness and readiness listener (GET /livez, /readyz); empty = off. */
  WORKER_HEALTH_ADDRESS: listenAddress,
  /** How long a stopping worker lets running activities finish before cancelling them (SDK shutdownGraceTime). */
  WORKER_SHUTDOWN_GRACE: z
    .string()
    .default('30s')
    .refine(isDuration, 'a duration such as 10s, 30s or 2m')
    .transform(parseDuration),
  /** A workflow bundle made by `npm run build:workflows`; empty = bundle the workflows at start. */
  WORKFLOW_BUNDLE_PATH: z.string().default(''),
  /** The API's Prometheus endpoint (GET /metrics), on its own listener, never the public port; empty = off. */
  API_METRICS_ADDRESS: listenAddress,
  /** How long the business gauges (read from the read model at scrape time) are reused. */
  API_METRICS_CACHE_MS: z.coerce.number().int().min(0).max(600_000).default(15_000),
};

/** `host:port` → its parts; undefined when it is not one. IPv6 hosts in brackets: [::]:9464. */
export function parseListenAddress(s: string): { host: string; port: number } | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(s.trim());
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port > 65535) return undefined;
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

/**
 * Warnings for a start in production mode (NODE_ENV=production) with settings that only suit the
 * local stack; each names the variable. The process starts anyway: these are not invalid values.
 */
export function startupWarnings(env: Record<string, string | undefined>): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const warnings: string[] = [];
  const publicUrl = env.PUBLIC_BASE_URL?.trim();
  if (!publicUrl)
    warnings.push(
      'PUBLIC_BASE_URL is not set: Twilio cannot reach the SMS and voice webhooks (every SMS confirmation ' +
        'would time out as NO_ANSWER) and webhook signatures are checked against http://127.0.0.1:3000; ' +
        'set it to the public https URL of the API (infra/deploy/README.md)',
    );
  else if (/^http:\/\/(127\.|localhost|\[::1\])/.test(publicUrl))
    warnings.push(`PUBLIC_BASE_URL is ${publicUrl}: Twilio cannot call a loopback address`);
  if (env.DEV_AUTH === 'on') warnings.push('DEV_AUTH=on serves a dev token issuer: never in production');
  if (/^http:\/\/(127\.|localhost)/.test(env.TWILIO_API_BASE_URL ?? ''))
    warnings.push(
      `TWILIO_API_BASE_URL is ${env.TWILIO_API_BASE_URL} (the local Twilio simulator): empty = the real Twilio API`,
    );
  return warnings;
}
