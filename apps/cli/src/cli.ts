// The `slicewise` executable: bin/slicewise.js imports this file.
import 'reflect-metadata';
import { main } from './main.js';
import { slices } from './slices.js';

await main(slices);
