import 'reflect-metadata';
import { DeactivateUser, deactivateUser } from '@slicewise/deactivate-user';
import { GetUser, getUser } from '@slicewise/get-user';
import { createHost, resolveDatabasePath } from '@slicewise/host';
import { ImportUsers, importUsers } from '@slicewise/import-users';
import { ListUsers, listUsers } from '@slicewise/list-users';
import { requestFromInput } from '@slicewise/mediator';
import { RegisterUser, registerUser } from '@slicewise/register-user';
import { bridgeFromEnv } from './bridge.js';
import { createRoutedServer, serve } from './http.js';

// Host A, the users API, on its own SQLite (SLICEWISE_DB). With SLICEWISE_NATS_URL set it relays its events.
const host = createHost({
  slices: [registerUser, deactivateUser, importUsers, getUser, listUsers],
  database: resolveDatabasePath(undefined),
});
const writer = { caller: { id: 'example-scale-out', permissions: ['users:write'] } };
const bridge = bridgeFromEnv(host);

const server = createRoutedServer({
  'GET /healthz': () => ({ status: 'ok', position: host.events.position }),
  'POST /users': ({ body }) => host.mediator.send(requestFromInput(RegisterUser, JSON.parse(body)), writer),
  'GET /users': ({ url }) => host.mediator.send(requestFromInput(ListUsers, Object.fromEntries(url.searchParams))),
  'GET /users/:id': ({ params }) => host.mediator.send(requestFromInput(GetUser, { id: params[0] })),
  'POST /users/:id/deactivate': ({ params }) =>
    host.mediator.send(requestFromInput(DeactivateUser, { id: params[0] }), writer),
  'POST /users/import': async ({ body }) => {
    let last: unknown;
    for await (const progress of host.mediator.stream(new ImportUsers({ body, batch: 100 }), writer)) last = progress;
    return last;
  },
});
serve('scale-out host A (users API)', server, host, 3201, async () => bridge?.stop());
