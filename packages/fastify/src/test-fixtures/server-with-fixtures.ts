/** The API with the fixture slices added, for tests that need a separate process (shutdown under load). */
import 'reflect-metadata';
import { startServer } from '../start.js';
import { accounts } from './accounts.js';
import { slices } from './user-slices.js';

startServer({ slices: [...slices, accounts] }).catch((error: unknown) => {
  process.stderr.write(`slicewise-api (fixtures): ${(error as Error)?.message ?? String(error)}\n`);
  process.exitCode = 1;
});
