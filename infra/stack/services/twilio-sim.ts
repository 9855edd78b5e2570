// The Twilio simulator (child process, infra/twilio-sim): the product's Twilio REST calls go to it,
// and SMS to the product's number go to the API's inbound webhook, as with a configured number.
import { CHILD_READY_MS, HOST, readyOrStop, spawnChild } from '../common';
import { DEV_DEFAULTS } from '../product-env';
import { waitForHttp } from '../processes';
import type { Running, Service, ServiceContext } from '../service';

export const twilioSim: Service = {
  name: 'twilio-sim',
  dependsOn: [],
  ports: { twilioSim: { fixed: 3010, label: 'Twilio simulator', auto: 'own' } },
  start: startTwilioSim,
};

async function startTwilioSim(ctx: ServiceContext): Promise<Running> {
  const port = ctx.port('twilioSim');
  const env = {
    TWILIO_SIM_HOST: HOST,
    TWILIO_SIM_PORT: String(port),
    TWILIO_ACCOUNT_SID: DEV_DEFAULTS.TWILIO_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: DEV_DEFAULTS.TWILIO_AUTH_TOKEN,
  };
  const proc = spawnChild(ctx, 'twilio-sim', 'infra/twilio-sim/main.ts', env);
  const url = await readyOrStop(
    () => proc.stop(),
    async () => {
      const printed = (await proc.waitForOutput(/twilio-sim ready on (\S+)/, CHILD_READY_MS))[1];
      const simUrl = printed ?? `http://${HOST}:${port}`;
      await waitForHttp(`${simUrl}/healthz`, CHILD_READY_MS, proc);
      await routeInboundSms(simUrl, ctx.env);
      return simUrl;
    },
  );
  ctx.say(`twilio simulator ready on ${url}`);
  return {
    env: {
      TWILIO_ACCOUNT_SID: DEV_DEFAULTS.TWILIO_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: DEV_DEFAULTS.TWILIO_AUTH_TOKEN,
      TWILIO_FROM_NUMBER: DEV_DEFAULTS.TWILIO_FROM_NUMBER,
      TWILIO_API_BASE_URL: url,
    },
    urls: { twilioSim: url },
    stop: async () => void (await proc.stop()),
  };
}

/**
 * Like a configured Twilio number: SMS to TWILIO_FROM_NUMBER go to the API's inbound webhook. `env`
 * is the product env so far: PUBLIC_BASE_URL, and the caller's appEnv, which may set another number.
 */
async function routeInboundSms(simUrl: string, env: Readonly<Record<string, string>>): Promise<void> {
  const from = env.TWILIO_FROM_NUMBER ?? DEV_DEFAULTS.TWILIO_FROM_NUMBER;
  const res = await fetch(`${simUrl}/_sim/numbers/${encodeURIComponent(from)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ smsUrl: `${env.PUBLIC_BASE_URL}/webhooks/twilio/sms-inbound` }),
  });
  if (!res.ok) throw new Error(`twilio simulator: number ${from} not configured (HTTP ${res.status})`);
}
