// Build step: reads the commands from the slices' declarations into dist/commands.json (see slices.ts).
import 'reflect-metadata';
import { writeCommandManifest } from '@slicewise/cli';
import { slices } from './slices.js';

const manifest = await writeCommandManifest(slices, new URL('../dist/commands.json', import.meta.url));
console.log(`dist/commands.json: ${manifest.commands.length} commands of ${manifest.slices.length} slices`);
