// MongoDB as `mongod` from PATH (provision.ts picks this route when one is installed), with its
// files in <dataDir>/mongo.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { childBase, HOST, readyOrStop, stopWith } from '../common';
import { DB_NAME, MONGO_READY_MS, waitForMongo } from '../mongo';
import type { ManagedProcess } from '../processes';
import type { Running, Service, ServiceContext } from '../service';

export const mongod: Service = {
  name: 'mongo',
  dependsOn: [],
  enabled: ({ tools }) => tools.mongo.kind === 'mongod',
  ports: { mongo: { fixed: 27017, label: 'MongoDB (FerretDB/mongod)', auto: 'free' } },
  start: startMongod,
};

async function startMongod(ctx: ServiceContext): Promise<Running> {
  if (ctx.tools.mongo.kind !== 'mongod') throw new Error('mongod: the MongoDB route is not mongod');
  const proc = spawnMongod(ctx, ctx.tools.mongo.bin, ctx.port('mongo'));
  const uri = `mongodb://${HOST}:${ctx.port('mongo')}/${DB_NAME}`;
  await readyOrStop(
    () => proc.stop(),
    () => waitForMongo(uri, MONGO_READY_MS, proc),
  );
  ctx.say(`mongodb (mongod) ready on ${uri}`);
  return {
    env: { MONGODB_URI: uri },
    urls: { mongo: uri },
    control: {
      stop: (signal) => stopWith(proc, signal),
      start: async () => {
        proc.start();
        ctx.children.trackRestart(proc);
        await waitForMongo(uri, MONGO_READY_MS, proc);
      },
      pause: () => proc.kill('SIGSTOP'),
      resume: () => proc.kill('SIGCONT'),
    },
    stop: async () => void (await proc.stop()),
  };
}

function spawnMongod(ctx: ServiceContext, bin: string, port: number): ManagedProcess {
  const dir = path.join(ctx.dataDir, 'mongo');
  mkdirSync(dir, { recursive: true });
  const args = ['--dbpath', dir, '--bind_ip', HOST, '--port', String(port), '--quiet'];
  return ctx.children.spawn({ ...childBase(ctx, 'mongod'), command: bin, args, stopGraceMs: 20_000 });
}
