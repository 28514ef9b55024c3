import 'reflect-metadata';
import { createHost, resolveDatabasePath } from '@slicewise/host';
import { GetUserStats, userStats } from '@slicewise/user-stats';
import { bridgeFromEnv } from './bridge.js';
import { createRoutedServer, serve } from './http.js';

// Host B, the stats service, on its own SQLite (SLICEWISE_DB): user-stats counts the events that arrive from NATS.
const host = createHost({ slices: [userStats], database: resolveDatabasePath(undefined), events: { pollMs: 50 } });
const bridge = bridgeFromEnv(host);

const server = createRoutedServer({
  'GET /healthz': () => ({ status: 'ok', position: host.events.position, inbound: bridge?.inbound?.counts }),
  'GET /user-stats': () => host.mediator.send(new GetUserStats()),
});
serve('scale-out host B (stats)', server, host, 3202, async () => bridge?.stop());
