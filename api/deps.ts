// What the API's handlers need: a Temporal client and the shared stores (data directory or database).
import type { Client } from '@temporalio/client';
import type { Config } from '../platform/config.ts';
import type { Http01TokenStore } from '../platform/http01-store.ts';
import type { Logger } from '../platform/logger.ts';
import type { SecretStore } from '../platform/secret-store.ts';
import type { ManifestDecoder } from './manifests/decoder.ts';

export interface ApiDeps {
  client: Client;
  secrets: SecretStore;
  http01: Http01TokenStore;
  config: Config;
  log: Logger;
  /** Aborted when the API stops: long-lived responses (Secret watches) end then. */
  stopping?: AbortSignal;
  /** Parses manifest bodies off the event loop; created on demand when absent. */
  decoder?: ManifestDecoder;
}
