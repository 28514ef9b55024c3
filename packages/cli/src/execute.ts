import { resolve } from 'node:path';
import { createHost, type Host } from '@slicewise/host';
import type { Slice } from '@slicewise/mediator';
import type { CliCommand, CommandContext } from './command-list.js';
import { openHost } from './database-access.js';

import { parseCommandLine } from './fields.js';
import type { Colors, OutputStream } from './output.js';
import { loadSlices, type SliceSource } from './registry.js';

/**
 * A CLI process is short-lived: a 4 MiB page cache (SQLite's default is 16 MiB) keeps a large import's peak memory
 * down, and measured no slower on a 1,000,000-row import.
 */
const databaseOptions = { pageCacheKiB: 4096 };

/** What running one command needs: the command line, its slices and the process's surroundings. */
export interface Execution {
  /** The executable's name. */
  readonly cli: string;
  readonly argv: readonly string[];
  readonly command: CliCommand;
  /** The slices loaded for it. */
  readonly loaded: readonly Slice[];
  /** Every slice the CLI serves (for `describeAll` when `loaded` is only a part of them). */
  readonly slices: readonly SliceSource[];
  readonly partial: boolean;
  /** The database file, from `--db`, `SLICEWISE_DB` or the default. */
  database(): string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly colors: Colors;
  readonly errorColors: Colors;
  readonly signal: AbortSignal;
  readonly progressIntervalMs?: number;
  /** Where the hosts opened are recorded, for the caller to close. */
  readonly hosts: { close(): void }[];
}

/**
 * Parses the command's options strictly and runs it, opening its host on first use: read-only for a query on a
 * file this user cannot write, the slices' migrations applied otherwise.
 */
export function executeCommand(run: Execution): Promise<number> {
  const { command, env } = run;
  const parsed = parseCommandLine(run.argv, command.words, command.fields, command.words.join(' '));
  let host: Host | undefined;
  const context: CommandContext = {
    cli: run.cli,
    database: run.database(),
    json: parsed.globals.json === true,
    stdout: run.stdout,
    stderr: run.stderr,
    colors: run.colors,
    errorColors: run.errorColors,
    env,
    signal: run.signal,
    // Relative to the folder the command was typed in, as --db is.
    ...(typeof parsed.globals.rejects === 'string' && {
      rejects: resolve(env.INIT_CWD || process.cwd(), parsed.globals.rejects),
    }),
    ...(run.progressIntervalMs !== undefined && { progressIntervalMs: run.progressIntervalMs }),
    host(required = []) {
      if (!host) {
        const slices = [...required, ...run.loaded.filter((slice) => !required.includes(slice))];
        const access = command.kind === 'query' ? 'read' : 'write';
        host = openHost({ slices, file: run.database(), access, databaseOptions, cli: run.cli });
        run.hosts.push(host);
      }
      return host;
    },
    async describeAll() {
      const all = run.partial ? await loadSlices(run.slices) : run.loaded;
      const memory = createHost({ slices: all, events: { drive: false } });
      run.hosts.push(memory);
      return { mediator: memory.mediator };
    },
  };
  return command.run(parsed.input, context);
}
