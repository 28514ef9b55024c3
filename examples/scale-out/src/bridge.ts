import type { Host } from '@slicewise/host';
import { type NatsBridge, type NatsBridgeConfig, natsConfigFromEnv, startNatsBridge } from '@slicewise/nats';

/**
 * The example's NATS bridge: configured from SLICEWISE_NATS_* (none when SLICEWISE_NATS_URL is unset), failures
 * printed on stderr. `overrides` adjust the configuration (the standalone relay takes no events in).
 */
export function bridgeFromEnv(host: Host, overrides: Partial<NatsBridgeConfig> = {}): NatsBridge | undefined {
  const config = natsConfigFromEnv();
  if (!config) return undefined;
  return startNatsBridge(host, {
    ...config,
    ...overrides,
    onError: (error, where) => console.error(`nats ${where}:`, (error as Error).message),
  });
}
