/** The Slicewise API (the built app, its production start-up) serving the bench slice. */
import 'reflect-metadata';
import { startServer } from '@slicewise/api';
import { benchUsers } from './users-slice.js';

startServer({ slices: [benchUsers] })
  .then(({ address }) => process.stdout.write(`listening at ${address}\n`))
  .catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
  });
