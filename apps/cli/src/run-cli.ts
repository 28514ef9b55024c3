import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { createHost, type Host, resolveDatabasePath } from '@slicewise/host';
import { isSlicewiseError, ValidationError } from '@slicewise/mediator';
import { type CliCommand, type CommandContext, findCommand, requestCommands } from './commands.js';
import { openHost, requestUseFor } from './database-access.js';
import { exitCodeOf, UsageError } from './exit-codes.js';
import { parseCommandLine, parseGlobal } from './fields.js';
import { commandHelp, listHelp } from './help.js';
import { hostCommands } from './host-commands.js';
import { colorsFor, escapeControl, type OutputStream } from './output.js';
import { entriesFor, type LoadedSlices, loadEntries, type SliceRegistry } from './registry.js';

const { version: packageVersion } = createRequire(import.meta.url)('../package.json') as { version: string };

/**
 * A CLI process is short-lived: a 4 MiB page cache (SQLite's default is 16 MiB) keeps a large import's peak memory
 * down, and measured no slower on a 1,000,000-row import.
 */
const databaseOptions = { pageCacheKiB: 4096 };

/** Options of {@link runCli}: the slices to serve and the process's surroundings (doubles in tests). */
export interface RunCliOptions {
  /** The slices this CLI serves (see `slices.ts`). */
  slices: SliceRegistry;
  env?: NodeJS.ProcessEnv;
  stdout?: OutputStream;
  stderr?: OutputStream;
  /** Aborted on Ctrl-C or SIGTERM: stream requests stop and keep what they committed. */
  signal?: AbortSignal;
  version?: string;
  /** How often plain progress lines are written when stderr is not a terminal. Default 1000 ms. */
  progressIntervalMs?: number;
}

const startsWith = (words: readonly string[], prefix: readonly string[]) =>
  prefix.every((word, i) => words[i] === word);

function fieldName(command: CliCommand | undefined, key: string | number | undefined): string {
  if (key === undefined) return '(input)';
  const arg = command?.fields.args.find((field) => field.key === key);
  if (arg) return `<${arg.flag}>`;
  const option = command?.fields.options.find((field) => field.key === key);
  return option ? `--${option.flag}` : typeof key === 'number' ? `[${key}]` : `--${key}`;
}

/** One line saying what was wrong and how to fix it (plus one line per invalid field). */
function describeFailure(error: unknown, command: CliCommand | undefined, words?: readonly string[]): string {
  const known = command?.words ?? words;
  const name = known ? `slicewise ${known.join(' ')}` : 'slicewise';
  const help = known ? `${name} --help` : 'slicewise --help';
  if (error instanceof UsageError) {
    return `${name}: ${escapeControl(error.message)}: run ${error.hint ? `slicewise ${error.hint} --help` : help} for usage\n`;
  }
  if (error instanceof ValidationError) {
    const issues = error.issues.map((issue) => {
      const path =
        issue.path.length > 1
          ? `${fieldName(command, issue.path[0])}.${issue.path.slice(1).join('.')}`
          : fieldName(command, issue.path[0]);
      return `  ${escapeControl(path)}: ${escapeControl(issue.message)}\n`;
    });
    return `${name}: invalid input (${error.issues.length} problem(s)): fix the values below, see ${help}\n${issues.join('')}`;
  }
  if (isSlicewiseError(error)) {
    return `${name}: ${escapeControl(error.message)}${error.code === 'INTERNAL' ? ' (run again with --verbose for details)' : ''}\n`;
  }
  const message = escapeControl(error instanceof Error ? error.message : String(error));
  return `${name}: unexpected failure: ${message} (run again with --verbose for the stack)\n`;
}

function stackOf(error: unknown): string {
  let text = '';
  for (let current = error; current instanceof Error; current = current.cause) {
    text += `${text ? 'Caused by: ' : ''}${current.stack ?? current.message}\n`;
  }
  return escapeControl(text, true);
}

/**
 * Runs one `slicewise` command line and resolves with its exit code, never throwing. Commands come from the
 * composed slices' declarations (`cli.command`), plus the host's own `db migrate`, `db seed` and `slices`.
 * Only the slice a request command needs is imported; `--help`, `slices` and `db` import them all.
 *
 * @example
 * const code = await runCli(['users', 'list', '--active', '--json'], { slices });
 */
export async function runCli(argv: readonly string[], options: RunCliOptions): Promise<number> {
  const env = options.env ?? process.env;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const colors = colorsFor(stdout, env);
  const errorColors = colorsFor(stderr, env);
  const version = options.version ?? packageVersion;
  const signal = options.signal ?? new AbortController().signal;
  const registry = options.slices;
  const hosts: Host[] = [];
  let current: CliCommand | undefined;
  /** The words of the command being run, known before `current` on the fast path. */
  let currentWords: readonly string[] | undefined;

  const dispatch = async (): Promise<number> => {
    const { values, positionals: words } = parseGlobal(argv);
    if (values.version) {
      stdout.write(`${version}\n`);
      return 0;
    }
    const database = () => {
      for (const name of ['db', 'rejects'] as const) {
        const value: unknown = values[name];
        if (value !== undefined && (typeof value !== 'string' || value === '')) {
          throw new UsageError(`--${name} needs a file path${value === '' ? ', not an empty string' : ''}`);
        }
      }
      return resolveDatabasePath(values.db, env);
    };

    const execute = (command: CliCommand, loaded: LoadedSlices, open?: Host): Promise<number> => {
      current = command;
      const parsed = parseCommandLine(argv, command.words, command.fields, command.words.join(' '));
      let host = open;
      const context: CommandContext = {
        database: database(),
        json: parsed.globals.json === true,
        stdout,
        stderr,
        colors,
        errorColors,
        env,
        signal,
        // Relative to the folder the command was typed in, as --db is.
        ...(typeof parsed.globals.rejects === 'string' && {
          rejects: resolve(env.INIT_CWD || process.cwd(), parsed.globals.rejects),
        }),
        ...(options.progressIntervalMs !== undefined && { progressIntervalMs: options.progressIntervalMs }),
        host(required = []) {
          if (!host) {
            const slices = [...required, ...loaded.slices.filter((slice) => !required.includes(slice))];
            const access = command.kind === 'query' ? 'read' : 'write';
            host = openHost({ slices, file: database(), access, databaseOptions });
            hosts.push(host);
          }
          return host;
        },
        async describeAll() {
          const all = loaded.complete ? loaded : await loadEntries(registry, registry);
          const memory = createHost({ slices: all.slices, events: { drive: false } });
          hosts.push(memory);
          return { mediator: memory.mediator };
        },
      };
      return command.run(parsed.input, context);
    };

    const help = values.help === true;
    const hostCommand = findCommand(hostCommands, words);
    const { entries, exact } = entriesFor(registry, words);

    // The fast path: the index names the slice serving these words; compose it alone on the database.
    if (exact && !help && !hostCommand) {
      const loaded = await loadEntries(registry, entries);
      const use = requestUseFor(loaded.slices, words);
      currentWords = use?.words;
      const access = use?.access ?? 'write';
      const host = openHost({ slices: loaded.slices, file: database(), access, databaseOptions });
      hosts.push(host);
      const command = findCommand(requestCommands(host.mediator), words);
      if (command) return execute(command, loaded, host);
    }
    if (hostCommand && !help) return execute(hostCommand, await loadEntries(registry, registry));

    // Help, groups and unknown words: compose the slices concerned on an in-memory database.
    const loaded = await loadEntries(registry, entries);
    const memory = createHost({ slices: loaded.slices, events: { drive: false } });
    hosts.push(memory);
    const commands = [...requestCommands(memory.mediator), ...hostCommands];
    if (words.length === 0) {
      stdout.write(listHelp(commands, [], version, colors));
      return 0;
    }
    const command = findCommand(commands, words);
    if (command && help) {
      stdout.write(commandHelp(command, colors));
      return 0;
    }
    if (command) return execute(command, loaded);
    const group = commands.filter((candidate) => startsWith(candidate.words, words));
    if (group.length > 0) {
      (help ? stdout : stderr).write(listHelp(group, words, version, colors));
      return help ? 0 : 2;
    }
    const near = commands.filter((candidate) => candidate.words[0] === words[0]).map((c) => c.words.join(' '));
    throw new UsageError(
      `Unknown command "${words.join(' ')}"${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`,
      '',
    );
  };

  try {
    return await dispatch();
  } catch (error) {
    stderr.write(errorColors.red(describeFailure(error, current, currentWords)));
    if (argv.includes('--verbose')) stderr.write(stackOf(error));
    return exitCodeOf(error);
  } finally {
    for (const host of hosts) host.close();
  }
}
