import 'reflect-metadata';
import { buildServer } from '@slicewise/fastify';
import { createHost, resolveDatabasePath } from '@slicewise/host';
import { userStats } from '@slicewise/user-stats';
import { natsFromEnv, startBridge } from './bridge.js';
import { serve } from './serve.js';

// Host B, the stats service, on its own SQLite (SLICEWISE_DB): user-stats counts the events that arrive from NATS.
// `GET /user-stats` comes from the slice's declaration; `/readyz` reports its log's position and user-stats' lag.
const nats = natsFromEnv();
const host = createHost({ slices: [userStats], database: resolveDatabasePath(undefined), events: { pollMs: 50 } });
const bridge = startBridge(host, nats);
const app = buildServer({ host, openapi: { title: 'Slicewise scale-out host B (stats)' } });
await serve('scale-out host B (stats)', app, 3202, async () => {
  await bridge?.stop();
  host.close();
});
