import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../../platform/logger.ts';
import type { SecretStore } from '../../platform/secret-store.ts';
import { SecretWatchHub } from './watch-hub.ts';
import { INITIAL_EVENTS_END, watchStream } from './watch-stream.ts';

test('the initial list and its bookmark wait until the store reports changes (LISTEN in place)', async () => {
  let listening!: () => void;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  let listed = false;
  const store = {
    watch: () => () => {},
    watchReady: () => ({ ready, unsubscribe: () => {} }),
    list: async () => {
      listed = true;
      return [];
    },
    read: async () => undefined,
  } as unknown as SecretStore;
  const log = createLogger('silent');
  const reader = watchStream({ store, hub: new SecretWatchHub(store, log), log, candidate: () => true, wanted: () => true }).getReader();
  try {
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(listed, false, 'listed before a change could be seen: one made now would be lost');
    listening();
    const { value } = await reader.read();
    assert.equal(listed, true);
    assert.equal(JSON.parse(new TextDecoder().decode(value)).object.metadata.annotations[INITIAL_EVENTS_END], 'true');
  } finally {
    await reader.cancel();
  }
});
