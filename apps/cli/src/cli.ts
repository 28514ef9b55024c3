// The `slicewise` executable: bin/slicewise.js imports its bundle (dist/bundle/cli.js, see bundle.mjs).
import 'reflect-metadata';
import { main } from './main.js';
import { slices } from './slices.js';

await main(slices);
