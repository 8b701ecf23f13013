// The API-safety part of the configuration: tokens (inline or from files), HOST by token, limits.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from './config.ts';

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'config-api-'));
after(() => fs.rm(dir, { recursive: true, force: true }));
const tokenFile = path.join(dir, 'token');
await fs.writeFile(tokenFile, 'from-file\n');
const emptyFile = path.join(dir, 'empty');
await fs.writeFile(emptyFile, '\n');

const cases: { name: string; env: Record<string, string>; host?: string; apiToken?: string; secretsToken?: string; error?: RegExp }[] = [
  { name: 'no token: loopback', env: {}, host: '127.0.0.1', apiToken: undefined, secretsToken: undefined },
  { name: 'a token: all interfaces', env: { API_TOKEN: 't1' }, host: '0.0.0.0', apiToken: 't1' },
  { name: 'explicit HOST wins', env: { API_TOKEN: 't1', HOST: '10.0.0.5' }, host: '10.0.0.5' },
  { name: 'empty HOST is unset', env: { HOST: '' }, host: '127.0.0.1' },
  { name: 'token from a file, trimmed', env: { API_TOKEN_FILE: tokenFile }, host: '0.0.0.0', apiToken: 'from-file' },
  { name: 'secrets token from a file', env: { API_SECRETS_TOKEN_FILE: tokenFile }, host: '127.0.0.1', secretsToken: 'from-file' },
  { name: 'the secrets token alone does not open the network', env: { API_SECRETS_TOKEN: 's' }, host: '127.0.0.1', secretsToken: 's' },
  { name: 'both API_TOKEN and its file', env: { API_TOKEN: 'a', API_TOKEN_FILE: tokenFile }, error: /API_TOKEN or API_TOKEN_FILE, not both/ },
  { name: 'missing token file', env: { API_TOKEN_FILE: path.join(dir, 'nope') }, error: /API_TOKEN_FILE: cannot read/ },
  { name: 'empty token file', env: { API_SECRETS_TOKEN_FILE: emptyFile }, error: /API_SECRETS_TOKEN_FILE: .* is empty/ },
  { name: 'the same token twice', env: { API_TOKEN: 'same', API_SECRETS_TOKEN: 'same' }, error: /must differ/ },
  { name: 'whitespace in a token', env: { API_TOKEN: 'two words' }, error: /whitespace/ },
  { name: 'zero documents', env: { API_MAX_DOCUMENTS: '0' }, error: /API_MAX_DOCUMENTS/ },
];

for (const c of cases) {
  test(`config: ${c.name}`, () => {
    if (c.error) {
      assert.throws(() => loadConfig({ DATA_DIR: dir, ...c.env }), c.error);
      return;
    }
    const config = loadConfig({ DATA_DIR: dir, ...c.env });
    if (c.host) assert.equal(config.host, c.host);
    if ('apiToken' in c) assert.equal(config.api.apiToken, c.apiToken);
    if ('secretsToken' in c) assert.equal(config.api.apiSecretsToken, c.secretsToken);
  });
}

test('config: defaults for limits and the HTTP-01 listener', () => {
  const config = loadConfig({ DATA_DIR: dir });
  assert.deepEqual(
    {
      maxBodyBytes: config.api.maxBodyBytes,
      maxDocuments: config.api.maxDocuments,
      applyConcurrency: config.api.applyConcurrency,
      allow: config.api.allowUnauthenticated,
      http01Host: config.http01Host,
    },
    { maxBodyBytes: 1024 * 1024, maxDocuments: 1000, applyConcurrency: 64, allow: false, http01Host: '0.0.0.0' },
  );
});
