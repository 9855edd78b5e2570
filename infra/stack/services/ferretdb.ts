// MongoDB as FerretDB (our build, provision.ts): on PostgreSQL when the postgres service runs and
// publishes its URL, else on SQLite files in <dataDir>/ferretdb.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { SCALAR_QUERY_FIELDS, SORT_QUERY_FIELDS } from '../../../activities/models';
import { CHILD_READY_MS, childBase, HOST, readyOrStop, stopWith } from '../common';
import { DB_NAME, MONGO_READY_MS, waitForMongo } from '../mongo';
import type { ManagedProcess } from '../processes';
import type { Running, Service, ServiceContext } from '../service';

/**
 * FerretDB's pool of PostgreSQL connections (`pool_max_conns`; FerretDB's default is 50). Larger
 * than all product processes' driver pools together (MONGO_POOL_SIZE, 20 each: the API, the worker,
 * a second worker of the crash tests, tools), so that requests wait in the drivers, which give up
 * after their deadline, and not in FerretDB, which waits forever. Before our release-before-write
 * patch a full pool froze FerretDB for good (S10, docs/decisions.md "The freeze").
 */
export const FERRETDB_PG_POOL = 80;

export const ferretdb: Service = {
  name: 'mongo',
  dependsOn: ['postgres'],
  enabled: ({ tools }) => tools.mongo.kind === 'ferretdb',
  ports: { mongo: { fixed: 27017, label: 'MongoDB (FerretDB/mongod)', auto: 'own' } },
  start: startFerretDb,
};

async function startFerretDb(ctx: ServiceContext): Promise<Running> {
  const route = ctx.tools.mongo;
  if (route.kind !== 'ferretdb') throw new Error('ferretdb: the MongoDB route is not FerretDB');
  const postgresUrl = ctx.urls.postgres;
  let proc = spawnFerretDb(ctx, route.bin, ctx.port('mongo'), postgresUrl);
  const { address, uri } = await readyOrStop(
    () => proc.stop(),
    async () => {
      const printed = (await proc.waitForOutput(/ferretdb ready on (\S+)/, CHILD_READY_MS))[1];
      const listening = printed ?? `${HOST}:${ctx.port('mongo')}`;
      const mongoUri = `mongodb://${listening}/${DB_NAME}`;
      await waitForMongo(mongoUri, MONGO_READY_MS, proc);
      return { address: listening, uri: mongoUri };
    },
  );
  // A restart listens on the port the first start got (port 0 picked it), so MONGODB_URI stays valid.
  const port = Number(address.split(':').pop());
  const backend = postgresUrl && route.postgres ? `postgresql ${route.postgres.version}` : 'sqlite';
  ctx.say(`mongodb (ferretdb on ${backend}) ready on ${uri}`);
  return {
    env: { MONGODB_URI: uri },
    urls: { mongo: uri },
    control: {
      stop: (signal) => stopWith(proc, signal),
      start: async () => {
        proc = spawnFerretDb(ctx, route.bin, port, postgresUrl);
        await proc.waitForOutput(/ferretdb ready on (\S+)/, CHILD_READY_MS);
        await waitForMongo(uri, MONGO_READY_MS, proc);
      },
      pause: () => proc.kill('SIGSTOP'),
      resume: () => proc.kill('SIGCONT'),
    },
    stop: async () => void (await proc.stop()),
  };
}

function spawnFerretDb(ctx: ServiceContext, bin: string, port: number, postgresUrl?: string): ManagedProcess {
  const backend = postgresUrl
    ? ['--handler', 'postgresql', '--postgresql-url', `${postgresUrl}?pool_max_conns=${FERRETDB_PG_POOL}`]
    : ['--handler', 'sqlite', '--sqlite-url', `file:${sqliteDir(ctx)}/`];
  const args = ['--listen-addr', `${HOST}:${port}`, ...backend, '--log-level', 'error'];
  // Our FerretDB patches push equality on these fields down so that their indexes serve it
  // (infra/ferretdb/id-pushdown.patch; repeat detection queries them at every intake), and, on
  // PostgreSQL, a sort on the sort fields with the page of an unfiltered list
  // (sort-count-pushdown.patch; the SQLite backend does not implement it).
  const env = {
    ...process.env,
    FERRETDB_SCALAR_FIELDS: SCALAR_QUERY_FIELDS.join(','),
    FERRETDB_SORT_FIELDS: postgresUrl ? SORT_QUERY_FIELDS.join(',') : '',
  };
  return ctx.children.spawn({ ...childBase(ctx, 'ferretdb'), command: bin, args, env });
}

function sqliteDir(ctx: ServiceContext): string {
  const dir = path.join(ctx.dataDir, 'ferretdb');
  mkdirSync(dir, { recursive: true });
  return dir;
}
