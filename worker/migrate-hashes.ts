// `npm run migrate:hashes`: brings stored lookup hashes and VIP identifiers to the current keys (S7)
// at once, e.g. after a key rotation before the old key is removed. Every worker start does the same
// in the background; this waits for it and prints what it did. Idempotent.
import { migrateLookupHashes } from '../activities/lookup-hash-migration';
import { connectMongo } from '../activities/models';
import { ConfigError, loadConfig } from '../platform/config';
import { usePersonalDataKeys } from '../platform/lookup-hash';

async function main(): Promise<void> {
  const config = loadConfig();
  usePersonalDataKeys(config);
  const mongo = await connectMongo(config.MONGODB_URI);
  try {
    const result = await migrateLookupHashes(mongo, {
      warn: (o, m) => console.warn(m, JSON.stringify(o)),
    });
    console.log(JSON.stringify(result, null, 2));
    if (result.vipProfiles.failed > 0) process.exitCode = 2;
  } finally {
    await mongo.close();
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(`migrate:hashes: ${err.message}`);
  else console.error('migrate:hashes failed:', err);
  process.exit(1);
});
