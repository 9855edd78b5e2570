// MongoDB from MONGODB_URI (provision.ts picks this route when it is set): nothing to start or
// stop, only a check that it answers.
import { MONGO_READY_MS, waitForMongo } from '../mongo';
import type { Running, Service, ServiceContext } from '../service';

export const mongodbUri: Service = {
  name: 'mongo',
  dependsOn: [],
  enabled: ({ tools }) => tools.mongo.kind === 'uri',
  start: startMongodbUri,
};

async function startMongodbUri(ctx: ServiceContext): Promise<Running> {
  if (ctx.tools.mongo.kind !== 'uri') throw new Error('mongodb-uri: the MongoDB route is not MONGODB_URI');
  const { uri } = ctx.tools.mongo;
  await waitForMongo(uri, MONGO_READY_MS);
  ctx.say('mongodb: MONGODB_URI answers');
  // An external MongoDB is not ours to stop.
  return { env: { MONGODB_URI: uri }, urls: { mongo: uri }, stop: async () => undefined };
}
