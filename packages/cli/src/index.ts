export { type CliCommand, type CommandContext, localAdmin } from './command-list.js';
export { exitCodeOf, exitCodes, UsageError } from './exit-codes.js';
export { main } from './main.js';
export { type CommandEntry, type CommandManifest, commandManifest, writeCommandManifest } from './manifest.js';
export { type CliMeta, cliMetaOf } from './meta.js';
export type { OutputStream } from './output.js';
export { type LazySlice, lazySlice, type SliceSource } from './registry.js';
export { type RunCliOptions, runCli } from './run-cli.js';
