import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolveDatabasePath } from '@slicewise/host';
import { CompositionError, isSlicewiseError, ValidationError } from '@slicewise/mediator';
import { runCommand } from 'citty';
import { type CliCommand, findCommand, requestCommand } from './command-list.js';
import { commandTree } from './command-tree.js';
import { executeCommand } from './execute.js';
import { exitCodeOf, UsageError } from './exit-codes.js';
import { parseGlobal } from './fields.js';
import { commandHelp, listHelp } from './help.js';
import { hostCommands } from './host-commands.js';
import { type CommandManifest, commandManifest } from './manifest.js';
import { colorsFor, escapeControl, type OutputStream } from './output.js';
import { loadSlices, type SliceSource } from './registry.js';

/** Options of {@link runCli}: the command line, the slices to serve and the process's surroundings (doubles in tests). */
export interface RunCliOptions {
  /** The arguments after the executable (`process.argv.slice(2)`). */
  argv: readonly string[];
  /** The slices this CLI serves: slices, or {@link lazySlice}s imported only by the commands that need them. */
  slices: readonly SliceSource[];
  /**
   * The commands, read from the declarations at build time ({@link commandManifest}), as a value or the URL of its
   * JSON file. Without it every slice is imported at start-up to read them.
   */
  manifest?: CommandManifest | URL;
  env?: NodeJS.ProcessEnv;
  stdout?: OutputStream;
  stderr?: OutputStream;
  /** Aborted on Ctrl-C or SIGTERM: stream requests stop and keep what they committed. */
  signal?: AbortSignal;
  /** The executable's name, for help and messages. Default `slicewise`. */
  name?: string;
  /** What `--version` prints: the host's version. */
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
function describeFailure(error: unknown, command: CliCommand | undefined, cli: string): string {
  const known = command?.words;
  const name = known ? `${cli} ${known.join(' ')}` : cli;
  const help = known ? `${name} --help` : `${cli} --help`;
  if (error instanceof UsageError) {
    return `${name}: ${escapeControl(error.message)}: run ${error.hint ? `${cli} ${error.hint} --help` : help} for usage\n`;
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

/** The commands with each group together (`db seed` beside `db migrate`), groups in order of first appearance. */
function byGroup(commands: readonly CliCommand[]): CliCommand[] {
  const groups = [...new Set(commands.map((command) => command.words[0]))];
  return [...commands].sort((a, b) => groups.indexOf(a.words[0]) - groups.indexOf(b.words[0]));
}

/** The manifest given, read from its file, or made from every slice. */
async function manifestOf(options: RunCliOptions): Promise<CommandManifest> {
  const { manifest } = options;
  if (manifest === undefined) return commandManifest(await loadSlices(options.slices));
  if (!(manifest instanceof URL)) return manifest;
  let text: string;
  try {
    text = readFileSync(manifest, 'utf8');
  } catch (error) {
    throw new CompositionError(
      `Cannot read the command manifest ${fileURLToPath(manifest)} (${(error as NodeJS.ErrnoException).code}): build the CLI`,
      { cause: error },
    );
  }
  const parsed = JSON.parse(text) as CommandManifest;
  if (parsed.manifestVersion !== 1) throw new CompositionError('Unknown command manifest version: rebuild the CLI');
  return parsed;
}

/**
 * Runs one command line and resolves with its exit code, never throwing. Commands come from the slices'
 * declarations (`meta.cli`, read through the manifest), plus the adapter's own `db migrate`, `slices` and `events`
 * commands. A request command imports only the slices it needs; `--help` and `--version` import none and open no
 * database.
 *
 * @example
 * const code = await runCli({ argv: ['users', 'list', '--active', '--json'], slices: [listUsers] });
 */
export async function runCli(options: RunCliOptions): Promise<number> {
  const { argv } = options;
  const env = options.env ?? process.env;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const colors = colorsFor(stdout, env);
  const errorColors = colorsFor(stderr, env);
  const version = options.version ?? '0.0.0';
  const cli = options.name ?? 'slicewise';
  const signal = options.signal ?? new AbortController().signal;
  const hosts: { close(): void }[] = [];
  let current: CliCommand | undefined;

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
    const manifest = await manifestOf(options);
    const commands = byGroup([...manifest.commands.map(requestCommand), ...hostCommands]);
    const help = values.help === true;
    const command = findCommand(commands, words);
    if (command && !help) {
      // Start importing its slices now, beside the code that runs it (lazySlice keeps the one import).
      const entry = manifest.commands.find((candidate) => candidate.command === command.words.join(' '));
      if (entry) loadSlices(options.slices, entry.load).catch(() => {}); // awaited (and reported) by `load` below
    }

    /** Imports the slices a command needs (all of them for the adapter's own commands), then runs it with them. */
    const load = async (command: CliCommand) => {
      const entry = manifest.commands.find((candidate) => candidate.command === command.words.join(' '));
      const loaded = await loadSlices(options.slices, entry?.load);
      return (command: CliCommand) => {
        current = command;
        return executeCommand({
          cli,
          argv,
          slices: options.slices,
          ...(options.progressIntervalMs !== undefined && { progressIntervalMs: options.progressIntervalMs }),
          command,
          loaded,
          partial: entry !== undefined,
          database,
          env,
          stdout,
          stderr,
          colors,
          errorColors,
          signal,
          hosts,
        });
      };
    };

    if (words.length === 0) {
      stdout.write(listHelp(commands, [], version, colors, cli));
      return 0;
    }
    if (command && help) {
      stdout.write(commandHelp(command, colors, cli));
      return 0;
    }
    if (command) {
      // citty walks the command's words down the tree, importing the leaf's slices when it reaches it. It sees the
      // words only: each command parses its own options strictly (see parseCommandLine), and citty's lenient
      // parser throws a TypeError on hostile options such as `-_` (its positionals live under the key `_`).
      let code = 0;
      const tree = commandTree(commands, { name: cli, version }, async (leaf) => {
        const run = await load(leaf);
        return async (leaf) => {
          code = await run(leaf);
          return code;
        };
      });
      await runCommand(tree, { rawArgs: [...command.words] });
      return code;
    }
    const group = commands.filter((candidate) => startsWith(candidate.words, words));
    if (group.length > 0) {
      (help ? stdout : stderr).write(listHelp(group, words, version, colors, cli));
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
    stderr.write(errorColors.red(describeFailure(error, current, cli)));
    if (argv.includes('--verbose')) stderr.write(stackOf(error));
    return exitCodeOf(error);
  } finally {
    for (const host of hosts) host.close();
  }
}
