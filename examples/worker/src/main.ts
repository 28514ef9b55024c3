import 'reflect-metadata';
import { createHost, resolveDatabasePath } from '@slicewise/host';
import { createWorkerApp } from './app.js';
import { slices } from './slices.js';

// Starts the example host: PORT (default 3100) and HOST (default 127.0.0.1), the database as the other hosts find it.
const host = createHost({ slices, database: resolveDatabasePath(undefined) });
const app = await createWorkerApp(host);
const shutdown = () => app.close().then(() => host.close());
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
const address = await app.listen({ port: Number(process.env.PORT ?? 3100), host: process.env.HOST ?? '127.0.0.1' });
console.log(`slicewise example worker on ${address}`);
