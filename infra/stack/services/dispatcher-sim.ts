// The dispatcher simulator (in this process, infra/dispatcher-sim): an EMOS-like dispatching
// system that takes TMF621 hub events and the work-order reply (issue 19, T3, T4). The product is
// configured to post EMOS's work-order reply to it over HTTP with a dev credential, and GREEN_NET's
// through its hub subscription; a hub is registered by POST /tmf-api/troubleTicket/v5/hub with the
// callback <url>/listener/<name>.
import { startDispatcherSim, type DispatcherSim } from '../../dispatcher-sim/server';
import { HOST } from '../common';
import type { Running, Service, ServiceContext } from '../service';

/** The dev credential EMOS's reply endpoint expects (never use it outside the local stack). */
export const DEV_EMOS_REPLY_AUTH = 'Bearer dev-emos-reply-token';

export const dispatcherSim: Service = {
  name: 'dispatcher-sim',
  dependsOn: [],
  ports: { dispatcherSim: { fixed: 3030, label: 'dispatcher simulator', auto: 'own' } },
  start: startSim,
};

async function startSim(ctx: ServiceContext): Promise<Running> {
  const port = ctx.port('dispatcherSim');
  let sim: DispatcherSim = await startDispatcherSim({ host: HOST, port, expectedAuth: DEV_EMOS_REPLY_AUTH });
  let running = true;
  ctx.say(`dispatcher simulator ready on ${sim.url}`);
  const boundPort = sim.port;
  return {
    env: {
      WORK_ORDER_REPLY_TARGETS: JSON.stringify({
        EMOS: { kind: 'http', url: `${sim.url}/work-order-reply/EMOS` },
        GREEN_NET: { kind: 'hub' },
      }),
      WORK_ORDER_REPLY_CREDENTIALS: JSON.stringify({ EMOS: DEV_EMOS_REPLY_AUTH }),
    },
    urls: { dispatcherSim: sim.url },
    control: {
      stop: async () => {
        running = false;
        await sim.close();
      },
      start: async () => {
        sim = await startDispatcherSim({ host: HOST, port: boundPort, expectedAuth: DEV_EMOS_REPLY_AUTH });
        running = true;
      },
    },
    stop: async () => void (running && (await sim.close())),
  };
}
