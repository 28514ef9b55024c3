import 'reflect-metadata';
import { deactivateUser } from '@slicewise/deactivate-user';
import { buildServer } from '@slicewise/fastify';
import { getUser } from '@slicewise/get-user';
import { createHost, resolveDatabasePath } from '@slicewise/host';
import { importUsers } from '@slicewise/import-users';
import { listUsers } from '@slicewise/list-users';
import { registerUser } from '@slicewise/register-user';
import { natsFromEnv, startBridge } from './bridge.js';
import { serve, tokensFromEnv } from './serve.js';

// Host A, the users API, on its own SQLite (SLICEWISE_DB). With SLICEWISE_NATS_URL set it relays its events.
// Its routes come from the slices' declarations (@slicewise/fastify); writes need a token of SLICEWISE_TOKENS.
const auth = tokensFromEnv();
const nats = natsFromEnv();
const host = createHost({
  slices: [registerUser, deactivateUser, importUsers, getUser, listUsers],
  database: resolveDatabasePath(undefined),
});
const bridge = startBridge(host, nats);
const app = buildServer({ host, auth, openapi: { title: 'Slicewise scale-out host A (users API)' } });
await serve('scale-out host A (users API)', app, 3201, async () => {
  await bridge?.stop();
  host.close();
});
