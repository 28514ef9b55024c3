import 'reflect-metadata';
import { startServer } from './serve.js';
import { slices, slicesModule } from './slices.js';

startServer({ slices, worker: { module: slicesModule } }).catch((error: unknown) => {
  process.stderr.write(`slicewise-api: ${(error as Error)?.message ?? String(error)}\n`);
  process.exitCode = 1;
});
