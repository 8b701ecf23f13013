// Workflows for scripts/bench/la-slots.ts: a call that hangs and a quick one, each as a local
// activity and as a regular activity.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';

interface Acts {
  hang(ms: number): Promise<void>;
  quick(): Promise<string>;
}

const local = proxyLocalActivities<Acts>({ startToCloseTimeout: '5m', retry: { maximumAttempts: 1 } });
const regular = proxyActivities<Acts>({ startToCloseTimeout: '5m', retry: { maximumAttempts: 1 } });

export async function hangLocal(ms: number): Promise<void> {
  await local.hang(ms);
}
export async function hangRegular(ms: number): Promise<void> {
  await regular.hang(ms);
}
export async function quickLocal(): Promise<string> {
  return local.quick();
}
export async function quickRegular(): Promise<string> {
  return regular.quick();
}
