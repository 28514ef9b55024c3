export { type CliCommand, type CommandContext, localAdmin } from './commands.js';
export { exitCodeOf, exitCodes, UsageError } from './exit-codes.js';
export { main } from './main.js';
export type { OutputStream } from './output.js';
export type { LoadedSlice, SliceEntry, SliceRegistry } from './registry.js';
export { type RunCliOptions, runCli } from './run-cli.js';
