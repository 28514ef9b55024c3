import 'reflect-metadata';
import { getActiveUsers } from '@slicewise/get-active-users';
import { createHost } from '@slicewise/host';
import { readConfig } from './config.js';
import { buildServer } from './server.js';

async function main(): Promise<void> {
  const config = readConfig();
  const host = createHost({ slices: [getActiveUsers], database: config.database });
  const app = buildServer({ host, logger: { level: config.logLevel } });
  app.addHook('onClose', async () => host.close());

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  app.log.info({ database: config.database }, 'slicewise api ready');
}

main().catch((error: unknown) => {
  process.stderr.write(`slicewise-api: ${(error as Error)?.message ?? String(error)}\n`);
  process.exitCode = 1;
});
