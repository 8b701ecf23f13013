// An API with no Temporal behind it, serving the Secret routes from a file store: enough for the
// Secret reads, lists and watches and for the sync agent talking to them.
import type { Client } from '@temporalio/client';
import { startApi, type RunningApi } from '../../api/server.ts';
import { loadConfig } from '../../platform/config.ts';
import { Http01Store } from '../../platform/http01-store.ts';
import { createLogger } from '../../platform/logger.ts';
import { freePort } from '../../platform/ports.ts';
import type { SecretStore } from '../../platform/secret-store.ts';

/** Tokens: API_TOKEN `api-t`, API_SECRETS_TOKEN `sec-t`, scoped readers from `readersFile`. */
export async function startSecretsApi(dir: string, secrets: SecretStore, readersFile: string): Promise<{ api: RunningApi; url: string }> {
  const config = loadConfig({
    DATA_DIR: dir,
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    HTTP01_PORT: '0',
    API_TOKEN: 'api-t',
    API_SECRETS_TOKEN: 'sec-t',
    API_SECRET_READERS_FILE: readersFile,
  });
  const api = await startApi({ client: {} as Client, secrets, http01: new Http01Store(dir), config, log: createLogger('silent') });
  return { api, url: `http://127.0.0.1:${api.port}` };
}
