import 'reflect-metadata';
import { createHost, resolveDatabasePath } from '@slicewise/host';
import { natsConfigFromEnv, startNatsBridge } from '@slicewise/nats';

// A relay on its own: it opens host A's SQLite file (SLICEWISE_DB), composes no slice and drives no subscription,
// and publishes the log to NATS. Run it beside a host A started without SLICEWISE_NATS_URL.
const config = natsConfigFromEnv();
if (!config) {
  console.error('SLICEWISE_NATS_URL is required');
  process.exit(2);
}
const host = createHost({ slices: [], database: resolveDatabasePath(undefined), events: { drive: false } });
const bridge = startNatsBridge(host, {
  ...config,
  subscribe: [],
  onError: (error, where) => console.error(`nats ${where}:`, (error as Error).message),
});
const shutdown = () =>
  void bridge.stop().finally(() => {
    host.close();
    process.exit(0);
  });
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
void bridge.ready.then(() => console.log('scale-out relay: publishing'));
