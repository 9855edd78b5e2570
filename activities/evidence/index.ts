// Network evidence: the adapter chosen by configuration (NETWORK_DATA_SOURCE) and the activities.
import type { Connection } from 'mongoose';
import { createHttpNetworkSources } from './http';
import { createMongoNetworkSources, ensureNetworkIndexes, networkCollections } from './mongo';
import type { NetworkSources } from './sources';

export { createEvidenceActivities, type EvidenceDeps } from './activities';
export type { NetworkSources } from './sources';

export interface NetworkSourceConfig {
  NETWORK_DATA_SOURCE: 'mongo' | 'http';
  NETWORK_DATA_URL: string;
  NETWORK_DATA_TIMEOUT_MS: number;
}

/** The configured adapter, without touching the database (the API reads cells through it). */
export function networkSourcesFor(config: NetworkSourceConfig, mongo: Connection): NetworkSources {
  if (config.NETWORK_DATA_SOURCE === 'http')
    return createHttpNetworkSources({
      baseUrl: config.NETWORK_DATA_URL,
      timeoutMs: config.NETWORK_DATA_TIMEOUT_MS,
    });
  return createMongoNetworkSources(mongo);
}

/** The configured adapter; for MongoDB, also makes sure its indexes exist. */
export async function createNetworkSources(
  config: NetworkSourceConfig,
  mongo: Connection,
): Promise<NetworkSources> {
  if (config.NETWORK_DATA_SOURCE === 'mongo') await ensureNetworkIndexes(networkCollections(mongo));
  return networkSourcesFor(config, mongo);
}
