import type { Host } from '@slicewise/host';
import type { Caller, Mediator, Slice } from '@slicewise/mediator';
import { runRequest } from './commands.js';
import type { Fields } from './fields.js';
import type { CommandEntry } from './manifest.js';
import type { Colors, OutputStream } from './output.js';

/** The CLI is the local administrator: it holds every permission the API asks tokens for. */
export const localAdmin: Caller = { id: 'local-admin', permissions: ['*'] };

/** What a command receives besides its input. */
export interface CommandContext {
  /** The executable's name, for the commands and hints it prints (`runCli`'s `name`, default `slicewise`). */
  readonly cli: string;
  /** The database file (`--db`, `SLICEWISE_DB`, `./data/slicewise.db`). */
  readonly database: string;
  readonly json: boolean;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly colors: Colors;
  readonly errorColors: Colors;
  readonly env: NodeJS.ProcessEnv;
  /** Aborted by Ctrl-C or SIGTERM. */
  readonly signal: AbortSignal;
  /** `--rejects FILE`: where stream commands write rejected lines, as NDJSON (else stderr). */
  readonly rejects?: string;
  /**
   * The host on `database` with the loaded slices (after `required` ones, e.g. a shared model the command
   * writes to), opened on first use and closed after the command.
   */
  host(required?: readonly Slice[]): Host;
  /** Every slice the CLI serves, composed on an in-memory database (for `slices`, `db migrate --status`). */
  describeAll(): Promise<{ mediator: Mediator }>;
  readonly progressIntervalMs?: number;
}

/** One command of the CLI: a request of a slice, or a host command. */
export interface CliCommand {
  readonly words: readonly string[];
  readonly description: string;
  readonly fields: Fields;
  /** The slice serving it, or `host`. */
  readonly source: string;
  readonly kind: string;
  /** Runs it with the raw input parsed from the command line; resolves with the exit code. */
  run(input: Record<string, unknown>, context: CommandContext): Promise<number>;
}

/**
 * The command of a request, from its manifest entry: words, arguments, options and help come from the declaration
 * (read when the manifest was made); running it finds the request among the composed slices (`runRequest`).
 */
export function requestCommand(entry: CommandEntry): CliCommand {
  return {
    words: entry.command.split(' '),
    description: entry.description,
    fields: entry.fields,
    source: entry.slice,
    kind: entry.kind,
    run: (raw, context) => runRequest(entry, raw, context),
  };
}

/** The command the words name (the longest match), if any. */
export function findCommand(commands: readonly CliCommand[], words: readonly string[]): CliCommand | undefined {
  return commands
    .filter((command) => command.words.every((word, i) => words[i] === word))
    .sort((a, b) => b.words.length - a.words.length)[0];
}
