import 'reflect-metadata';
import { slices } from './slices.js';
import { startServer } from './start.js';

startServer({ slices }).catch((error: unknown) => {
  process.stderr.write(`slicewise-api: ${(error as Error)?.message ?? String(error)}\n`);
  process.exitCode = 1;
});
