import 'reflect-metadata';
import { createHost, resolveDatabasePath } from '@slicewise/host';
import { createWorkerServer } from './server.js';
import { slices } from './slices.js';

// Starts the example host: PORT (default 3100) and HOST (default 127.0.0.1), the database as the other hosts find it.
const host = createHost({ slices, database: resolveDatabasePath(undefined) });
const server = createWorkerServer(host);
const shutdown = () => server.close(() => host.close());
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
server.listen(Number(process.env.PORT ?? 3100), process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  console.log(
    `slicewise example worker on ${typeof address === 'string' ? address : `http://${address?.address}:${address?.port}`}`,
  );
});
