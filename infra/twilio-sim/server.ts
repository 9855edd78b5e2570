// Local Twilio simulator: the REST API subset the product uses (Messages, Calls, Recordings), TwiML
// execution with scripted customers, and webhooks signed exactly as Twilio signs them.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { SimContext } from './context';
import { createControlRouter } from './control-api';
import { Faults } from './faults';
import { Lifecycle } from './lifecycle';
import { Messaging } from './messaging';
import { createRestRouter, restErrorHandler } from './rest-api';
import { createState, type SimState } from './types';
import { Voice } from './voice';
import { WebhookSender } from './webhooks';

export type { SimState } from './types';
export type { CustomerScript, CustomerScriptInput } from './customers';

export interface TwilioSimOptions {
  accountSid: string;
  authToken: string;
  log?: (msg: string) => void;
  /** Delay between simulated steps (queued → sent → delivered, ringing → answered …). Default 50 ms. */
  stepDelayMs?: number;
  /** Delays before webhook retries (a webhook is tried 1 + length times). Default [100, 300] ms. */
  webhookRetryDelaysMs?: number[];
}

export interface TwilioSim {
  app: express.Express;
  state: SimState;
  /** Resolves when no simulated flow (delivery, call, webhook) is running. */
  idle(): Promise<void>;
  /** Cancels every running flow and clears the state; `keepConfig` keeps customers and numbers. */
  reset(keepConfig?: boolean): void;
  /** Cancels every running flow for good (in-flight webhooks are aborted). */
  shutdown(): void;
}

export function createTwilioSim(opts: TwilioSimOptions): TwilioSim {
  if (!opts.accountSid) throw new Error('createTwilioSim: accountSid is required');
  if (!opts.authToken) throw new Error('createTwilioSim: authToken is required');
  const log = opts.log ?? (() => undefined);
  const state = createState(opts.accountSid);
  const lifecycle = new Lifecycle(log);
  const ctx: SimContext = {
    state,
    accountSid: opts.accountSid,
    authToken: opts.authToken,
    log,
    lifecycle,
    webhooks: new WebhookSender({
      authToken: opts.authToken,
      state,
      log,
      retryDelaysMs: opts.webhookRetryDelaysMs,
    }),
    stepDelayMs: opts.stepDelayMs ?? 50,
  };
  const messaging = new Messaging(ctx);
  const voice = new Voice(ctx);
  const faults = new Faults();

  const reset = (keepConfig = false): void => {
    faults.clear(true);
    lifecycle.reset();
    state.messages.clear();
    state.calls.clear();
    state.recordings.clear();
    state.webhooks.length = 0;
    state.customerReplies.clear();
    if (!keepConfig) {
      state.customers.clear();
      state.numbers.clear();
    }
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.use('/_sim/faults', faults.router());
  app.use('/_sim', createControlRouter(ctx, messaging, voice, { reset }));
  app.use('/2010-04-01', faults.middleware(log));
  app.use('/2010-04-01/Accounts/:accountSid', createRestRouter(ctx, messaging, voice));
  app.use((req, res) => {
    res.status(404).json({
      code: 20404,
      message: `The requested resource ${req.path} was not found`,
      more_info: 'https://www.twilio.com/docs/errors/20404',
      status: 404,
    });
  });
  app.use(restErrorHandler(log));

  return { app, state, idle: () => lifecycle.idle(), reset, shutdown: () => lifecycle.shutdown() };
}

export interface StartTwilioSimOptions extends TwilioSimOptions {
  host?: string;
  /** 0 = any free port. */
  port: number;
}

export interface RunningTwilioSim {
  /** Base URL the simulator listens on, e.g. http://127.0.0.1:3010 (no trailing slash). */
  url: string;
  state: SimState;
  idle(): Promise<void>;
  reset(keepConfig?: boolean): void;
  close(): Promise<void>;
}

export async function startTwilioSim(opts: StartTwilioSimOptions): Promise<RunningTwilioSim> {
  const host = opts.host ?? '127.0.0.1';
  const sim = createTwilioSim(opts);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = sim.app.listen(opts.port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${urlHost(host)}:${port}`;
  let closed: Promise<void> | null = null;
  return {
    url,
    state: sim.state,
    idle: sim.idle,
    reset: sim.reset,
    close: () => {
      closed ??= new Promise<void>((resolve, reject) => {
        sim.shutdown();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

/** The host part of the URL clients should use for a listen address. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
