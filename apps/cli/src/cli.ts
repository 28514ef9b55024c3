// The `slicewise` executable: bin/slicewise.js imports its bundle (dist/bundle/cli.js, see bundle.mjs).
import 'reflect-metadata';
import { createRequire } from 'node:module';
import { main } from '@slicewise/cli';
import { slices } from './slices.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

await main({ slices, manifest: new URL('../commands.json', import.meta.url), version });
