// Upserts search attributes only when their value changed: each upsert is a history event and a
// visibility write on the server, and a Certificate publishes its status many times per issuance.
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { isPatched } from './patches.ts';

export type SearchAttributePublisher = (updates: SearchAttributeUpdatePair[]) => void;

export function searchAttributePublisher(): SearchAttributePublisher {
  // A run starts with what it was started with, or what its predecessor carried over.
  const last = new Map<string, string>();
  for (const pair of workflowInfo().typedSearchAttributes.getAll()) last.set(pair.key.name, JSON.stringify(pair.value));
  return (updates) => {
    // Runs recorded before this upserted every time; they replay that way.
    const changed = isPatched('search-attributes-on-change') ? updates.filter((u) => last.get(u.key.name) !== JSON.stringify(u.value)) : updates;
    if (changed.length === 0) return;
    for (const u of changed) last.set(u.key.name, JSON.stringify(u.value));
    upsertSearchAttributes(changed);
  };
}
