// `npm run provision`: installs (or finds) every tool the embedded local stack needs and prints where.
import { cacheRoot, ensureMongo, ensureTemporalCli, ensureTestServer, ProvisionError } from './provision';

async function main(): Promise<void> {
  const started = Date.now();
  console.log(`tool cache: ${cacheRoot()}`);
  const temporal = await ensureTemporalCli();
  const testServer = await ensureTestServer();
  const mongo = await ensureMongo();
  console.log(`temporal:             ${temporal}`);
  console.log(`temporal-test-server: ${testServer}`);
  console.log(
    `mongodb:              ${mongo.kind === 'uri' ? 'MONGODB_URI from the environment' : `${mongo.kind} ${mongo.bin}`}`,
  );
  console.log(`provisioned in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

main().catch((err: unknown) => {
  console.error(err instanceof ProvisionError ? `provision failed: ${err.message}` : err);
  process.exitCode = 1;
});
