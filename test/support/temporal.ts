// A throwaway in-memory Temporal dev server per test file.
import { startTemporalDevServer } from '../../platform/temporal-dev-server.ts';

export async function startTestTemporal(
  opts: { dynamicConfig?: Record<string, string | number | boolean>; searchAttributes?: boolean } = {},
): Promise<{ address: string; stop(): Promise<void> }> {
  const server = await startTemporalDevServer({ uiPort: false, dynamicConfig: opts.dynamicConfig, searchAttributes: opts.searchAttributes });
  return { address: server.address, stop: server.stop };
}
