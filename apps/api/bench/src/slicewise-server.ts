/** The Slicewise API: the built app's production start-up with the slices it really serves. */
import 'reflect-metadata';
import { slices, slicesModule, startServer } from '@slicewise/api';

startServer({ slices, worker: { module: slicesModule } })
  .then(({ address }) => process.stdout.write(`listening at ${address}\n`))
  .catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
  });
