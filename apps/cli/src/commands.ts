import type { Host } from '@slicewise/host';
import {
  type Caller,
  CompositionError,
  declarationOf,
  isSlicewiseError,
  type Mediator,
  type MessageClass,
  type Request,
  type RequestDeclaration,
  requestFromInput,
  type StreamRequest,
  ValidationError,
} from '@slicewise/mediator';
import { exitCodes } from './exit-codes.js';
import { type Fields, fieldsOf } from './fields.js';
import { type Colors, formatCount, type OutputStream, writeJson, writeReadable, writeTable } from './output.js';
import { ProgressReporter } from './progress.js';

/** The CLI is the local administrator: it holds every permission the API asks tokens for. */
export const localAdmin: Caller = { id: 'local-admin', permissions: ['*'] };

/** What a command receives besides its input. */
export interface CommandContext {
  /** The database file (`--db`, `SLICEWISE_DB`, `./data/slicewise.db`). */
  readonly database: string;
  readonly json: boolean;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly colors: Colors;
  readonly errorColors: Colors;
  readonly env: NodeJS.ProcessEnv;
  /** Aborted by Ctrl-C. */
  readonly signal: AbortSignal;
  /** The host on `database` with the loaded slices, opened on first use and closed after the command. */
  host(): Host;
  /** Every slice the CLI serves, composed on an in-memory database (for `slices`, `db migrate --status`). */
  describeAll(): Promise<{ mediator: Mediator; exposures: ReadonlyMap<MessageClass, RequestDeclaration> }>;
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

/** An item of a progress stream, as import-style stream requests yield them. */
interface ProgressItem {
  read?: number;
  done?: number;
  imported?: number;
  total?: number;
  bytesRead?: number;
  totalBytes?: number;
  rejected?: { line?: number; reason?: string }[];
}

const asProgress = (item: unknown): ProgressItem =>
  (typeof item === 'object' && item !== null ? item : {}) as ProgressItem;

/** Consumes a stream request, drawing progress; prints the outcome, or what was kept when cancelled. */
async function runStream(label: string, items: AsyncIterable<unknown>, context: CommandContext): Promise<number> {
  const progress = new ProgressReporter(context.stderr, context.errorColors, label, {
    ...(context.progressIntervalMs !== undefined && { intervalMs: context.progressIntervalMs }),
  });
  let last: ProgressItem | undefined;
  let lastItem: unknown;
  const rejected = new Map<string, { line?: number; reason?: string }>();
  try {
    for await (const item of items) {
      lastItem = item;
      last = asProgress(item);
      for (const entry of last.rejected ?? []) rejected.set(`${entry.line}:${entry.reason}`, entry);
      const done = last.read ?? last.done ?? last.imported ?? 0;
      if (last.total !== undefined) progress.update({ done, total: last.total });
      else if (last.totalBytes && last.bytesRead !== undefined)
        progress.update({ done, fraction: last.bytesRead / last.totalBytes });
      else progress.update({ done });
    }
  } catch (error) {
    progress.finish();
    if (isSlicewiseError(error) && error.code === 'CANCELLED') {
      const kept = last?.imported ?? last?.done ?? 0;
      context.stderr.write(
        `${context.errorColors.yellow('Cancelled')}: ${formatCount(kept)} rows were kept (every batch committed ` +
          'before Ctrl-C); the batch in progress was rolled back.\n',
      );
      return exitCodes.CANCELLED;
    }
    throw error;
  }
  progress.finish();
  const rejections = [...rejected.values()].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (context.json) {
    const result =
      typeof lastItem === 'object' && lastItem !== null && last?.rejected
        ? { ...last, rejected: rejections }
        : (lastItem ?? null);
    writeJson(context.stdout, result);
    return 0;
  }
  const { rejected: _ignored, ...summary } = last ?? {};
  writeReadable(context.stdout, summary, context.colors);
  if (rejections.length > 0) {
    context.stdout.write(`\n${context.colors.yellow(`${formatCount(rejections.length)} rejected:`)}\n`);
    writeTable(context.stdout, rejections, context.colors, ['line', 'reason']);
  }
  return 0;
}

/** The input a request's stop-gap exposure validates itself (its class declares no schema, so the pipeline won't). */
async function validateExposure(declaration: RequestDeclaration, name: string, input: unknown): Promise<unknown> {
  if (!declaration.input) return input;
  const result = await declaration.input['~standard'].validate(input);
  if (!result.issues) return result.value;
  const issues = result.issues.map((issue) => ({
    path: (issue.path ?? []).map((segment) => String(typeof segment === 'object' ? segment.key : segment)),
    message: issue.message,
  }));
  throw new ValidationError(`Invalid ${name}`, issues);
}

/**
 * The commands of the composed requests: every request whose declaration (or the host's stop-gap exposure)
 * says `cli: { command }`. Words, arguments, options and help all come from the declaration.
 */
export function requestCommands(
  mediator: Mediator,
  exposures: ReadonlyMap<MessageClass, RequestDeclaration> = new Map(),
): CliCommand[] {
  const commands: CliCommand[] = [];
  for (const message of mediator.describe()) {
    if (message.kind === 'notification') continue;
    const own = declarationOf(message.message);
    const stopGap = own.cli ? undefined : exposures.get(message.message);
    const declaration = stopGap ?? own;
    if (!declaration.cli) continue;
    const words = declaration.cli.command.split(' ').filter(Boolean);
    const label = words.join(' ');
    commands.push({
      words,
      description: declaration.description ?? message.name,
      fields: fieldsOf(declaration.input, declaration.cli.args),
      source: message.slices[0] ?? '',
      kind: message.kind,
      async run(raw, context) {
        const input = stopGap ? await validateExposure(stopGap, message.name, raw) : raw;
        const request = requestFromInput(message.message, input);
        const { mediator } = context.host();
        const options = { caller: localAdmin, signal: context.signal };
        if (message.kind === 'stream') {
          return runStream(label, mediator.stream(request as StreamRequest<unknown>, options), context);
        }
        const response = await mediator.send(request as Request<unknown>, options);
        if (context.json) writeJson(context.stdout, response);
        else writeReadable(context.stdout, response, context.colors);
        return 0;
      },
    });
  }
  const seen = new Map<string, CliCommand>();
  for (const command of commands) {
    const words = command.words.join(' ');
    const other = seen.get(words);
    if (other) {
      throw new CompositionError(
        `Two requests declare the command "${words}": one of ${other.source} and one of ${command.source}; ` +
          "change one request's cli.command",
      );
    }
    seen.set(words, command);
  }
  return commands.sort((a, b) => a.words.join(' ').localeCompare(b.words.join(' ')));
}

/** The command the words name (the longest match), if any. */
export function findCommand(commands: readonly CliCommand[], words: readonly string[]): CliCommand | undefined {
  return commands
    .filter((command) => command.words.every((word, i) => words[i] === word))
    .sort((a, b) => b.words.length - a.words.length)[0];
}
