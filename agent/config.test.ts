import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAgentConfig, watchPaths } from './config.ts';

const base = { AGENT_API_URL: 'http://127.0.0.1:8080/', AGENT_TOKEN: 't', AGENT_DIR: '/srv/certs', AGENT_SECRETS: 'team-a/web-tls, team-b/api-tls' };
const files: Record<string, string> = { '/run/token': 'from-file\n', '/run/empty': '\n' };
const readFile = (f: string) => {
  if (!(f in files)) throw new Error('ENOENT');
  return files[f]!;
};

test('defaults, and the URL without its trailing slash', () => {
  const c = parseAgentConfig(base, readFile);
  assert.equal(c.apiUrl, 'http://127.0.0.1:8080');
  assert.deepEqual(c.secrets, [
    { namespace: 'team-a', name: 'web-tls' },
    { namespace: 'team-b', name: 'api-tls' },
  ]);
  assert.deepEqual([c.reloadTimeoutMs, c.reloadDelayMs, c.retryMinMs, c.retryMaxMs, c.idleTimeoutMs], [30_000, 1_000, 1_000, 30_000, 35_000]);
  assert.equal(c.reloadCommand, undefined);
});

const good: Array<[string, Record<string, string>, (c: ReturnType<typeof parseAgentConfig>) => unknown, unknown]> = [
  ['token from a file, trimmed', { AGENT_TOKEN: '', AGENT_TOKEN_FILE: '/run/token' }, (c) => c.token, 'from-file'],
  [
    'label selector in a namespace',
    { AGENT_SECRETS: '', AGENT_LABEL_SELECTOR: 'app=web', AGENT_NAMESPACE: 'team-a' },
    (c) => c.selector,
    { namespace: 'team-a', labelSelector: 'app=web' },
  ],
  ['label selector in every namespace', { AGENT_SECRETS: '', AGENT_LABEL_SELECTOR: 'app=web' }, (c) => c.selector, { namespace: undefined, labelSelector: 'app=web' }],
  [
    'durations',
    { AGENT_RELOAD_TIMEOUT: '5s', AGENT_RELOAD_DELAY: '250ms', AGENT_RETRY_MIN: '100ms', AGENT_RETRY_MAX: '2s' },
    (c) => [c.reloadTimeoutMs, c.reloadDelayMs, c.retryMinMs, c.retryMaxMs],
    [5_000, 250, 100, 2_000],
  ],
  ['a Secret named twice counts once', { AGENT_SECRETS: 'a/x,a/x' }, (c) => c.secrets?.length, 1],
];
for (const [what, env, pick, expected] of good) test(`config: ${what}`, () => assert.deepEqual(pick(parseAgentConfig({ ...base, ...env }, readFile)), expected));

const bad: Array<[string, Record<string, string | undefined>, RegExp]> = [
  ['no API URL', { AGENT_API_URL: undefined }, /AGENT_API_URL \(--api-url\): required/],
  ['not an http URL', { AGENT_API_URL: 'ftp://x' }, /AGENT_API_URL \(--api-url\): must be an http/],
  ['no token', { AGENT_TOKEN: '' }, /AGENT_TOKEN \(--token\): required/],
  ['token and token file', { AGENT_TOKEN_FILE: '/run/token' }, /set AGENT_TOKEN or AGENT_TOKEN_FILE, not both/],
  ['unreadable token file', { AGENT_TOKEN: '', AGENT_TOKEN_FILE: '/run/nope' }, /AGENT_TOKEN_FILE \(--token-file\): cannot read \/run\/nope/],
  ['empty token file', { AGENT_TOKEN: '', AGENT_TOKEN_FILE: '/run/empty' }, /AGENT_TOKEN_FILE \(--token-file\): \/run\/empty is empty/],
  ['no directory', { AGENT_DIR: undefined }, /AGENT_DIR \(--dir\): required/],
  ['neither Secrets nor selector', { AGENT_SECRETS: '' }, /AGENT_SECRETS \(--secrets\): required/],
  ['both Secrets and selector', { AGENT_LABEL_SELECTOR: 'app=web' }, /AGENT_SECRETS \(--secrets\): set AGENT_SECRETS or AGENT_LABEL_SELECTOR/],
  ['a Secret without namespace', { AGENT_SECRETS: 'web-tls' }, /AGENT_SECRETS \(--secrets\): "web-tls": must be namespace\/name/],
  ['a bad namespace', { AGENT_SECRETS: 'Team_A/web' }, /AGENT_SECRETS \(--secrets\): "Team_A\/web"/],
  ['namespace with named Secrets', { AGENT_NAMESPACE: 'team-a' }, /AGENT_NAMESPACE \(--namespace\): goes with AGENT_LABEL_SELECTOR/],
  ['bad selector', { AGENT_SECRETS: '', AGENT_LABEL_SELECTOR: 'app in (a' }, /AGENT_LABEL_SELECTOR \(--label-selector\): not a label selector/],
  ['bad duration', { AGENT_RELOAD_TIMEOUT: 'soon' }, /AGENT_RELOAD_TIMEOUT \(--reload-timeout\): "soon" is not a positive Go duration/],
  ['zero duration', { AGENT_RETRY_MIN: '0s' }, /AGENT_RETRY_MIN \(--retry-min\)/],
  ['max below min', { AGENT_RETRY_MIN: '10s', AGENT_RETRY_MAX: '1s' }, /AGENT_RETRY_MAX \(--retry-max\): must not be shorter/],
  ['bad log level', { LOG_LEVEL: 'loud' }, /LOG_LEVEL \(--log-level\)/],
];
for (const [what, env, message] of bad) test(`config refused: ${what}`, () => assert.throws(() => parseAgentConfig({ ...base, ...env }, readFile), message));

const paths: Array<[string, Parameters<typeof watchPaths>[0], string[]]> = [
  [
    'one watch per named Secret, by field selector',
    { secrets: [{ namespace: 'team-a', name: 'web-tls' }] },
    ['/api/v1/namespaces/team-a/secrets?watch=true&fieldSelector=metadata.name%3Dweb-tls'],
  ],
  ['a selector in a namespace', { selector: { namespace: 'team-a', labelSelector: 'app=web' } }, ['/api/v1/namespaces/team-a/secrets?watch=true&labelSelector=app%3Dweb']],
  ['a selector across namespaces', { selector: { labelSelector: 'env in (a,b)' } }, ['/api/v1/secrets?watch=true&labelSelector=env+in+%28a%2Cb%29']],
];
for (const [what, config, expected] of paths) test(`watchPaths: ${what}`, () => assert.deepEqual(watchPaths(config), expected));
