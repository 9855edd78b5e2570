// Every service the local stack knows, in the order its ports and published settings are listed.
// A new service is one more file in this folder and one more line here.
import { api } from './api';
import { ferretdb } from './ferretdb';
import { mailSink } from './mail-sink';
import { mongod } from './mongod';
import { mongodbUri } from './mongodb-uri';
import { oidc } from './oidc';
import { postgres } from './postgres';
import { temporal } from './temporal';
import { temporalUi } from './temporal-ui';
import { twilioSim } from './twilio-sim';
import { dispatcherSim } from './dispatcher-sim';
import { worker } from './worker';
import type { Service } from '../service';

export const SERVICES: readonly Service[] = [
  temporal,
  mongodbUri,
  mongod,
  ferretdb,
  postgres,
  mailSink,
  twilioSim,
  dispatcherSim,
  oidc,
  temporalUi,
  api,
  worker,
];
