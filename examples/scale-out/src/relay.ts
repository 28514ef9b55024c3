import 'reflect-metadata';
import { createHost, resolveDatabasePath } from '@slicewise/host';
import { natsFromEnv, startBridge } from './bridge.js';

// A relay on its own: it opens host A's SQLite file (SLICEWISE_DB), composes no slice and drives no subscription,
// and publishes the log to NATS. Run it beside a host A started without SLICEWISE_NATS_URL.
const nats = natsFromEnv(); // checked before the database is opened: nothing is written
if (!nats) {
  console.error('SLICEWISE_NATS_URL is required');
  process.exit(2);
}
const host = createHost({ slices: [], database: resolveDatabasePath(undefined), events: { drive: false } });
const bridge = startBridge(host, nats, { subscribe: [] }) as NonNullable<ReturnType<typeof startBridge>>;
const shutdown = () =>
  void bridge.stop().finally(() => {
    host.close();
    process.exit(0);
  });
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
void bridge.ready.then(() => console.log('scale-out relay: publishing'));
