// What the API's handlers need: a Temporal client and the stores on the shared data directory.
import type { Client } from '@temporalio/client';
import type { Config } from '../platform/config.ts';
import type { Http01Store } from '../platform/http01-store.ts';
import type { Logger } from '../platform/logger.ts';
import type { FileSecretStore } from '../platform/secret-store.ts';
import type { ManifestDecoder } from './manifests/decoder.ts';

export interface ApiDeps {
  client: Client;
  secrets: FileSecretStore;
  http01: Http01Store;
  config: Config;
  log: Logger;
  /** Parses manifest bodies off the event loop; created on demand when absent. */
  decoder?: ManifestDecoder;
}
