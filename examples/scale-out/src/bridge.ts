import type { Host } from '@slicewise/host';
import { type NatsBridge, type NatsBridgeConfig, natsConfigFromEnv, startNatsBridge } from '@slicewise/nats';

/**
 * The example's NATS configuration from SLICEWISE_NATS_* (undefined when SLICEWISE_NATS_URL is unset). Read before
 * the database is opened: a bad value prints its message and exits 2, having written nothing.
 */
export function natsFromEnv(): NatsBridgeConfig | undefined {
  try {
    return natsConfigFromEnv();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}

/** Starts the bridge when there is a configuration, failures printed on stderr. `overrides` adjust it. */
export function startBridge(
  host: Host,
  config: NatsBridgeConfig | undefined,
  overrides: Partial<NatsBridgeConfig> = {},
): NatsBridge | undefined {
  if (!config) return undefined;
  return startNatsBridge(host, {
    ...config,
    ...overrides,
    onError: (error, where) => console.error(`nats ${where}:`, (error as Error).message),
  });
}
