import type { Host } from '@slicewise/host';
import {
  type Caller,
  CompositionError,
  isSlicewiseError,
  type Mediator,
  type Request,
  requestFromInput,
  type Slice,
  type StreamRequest,
} from '@slicewise/mediator';
import { exitCodes } from './exit-codes.js';
import type { Fields } from './fields.js';
import type { CommandEntry } from './manifest.js';
import { cliMetaOf } from './meta.js';
import { type Colors, formatCount, type OutputStream, writeJson, writeReadable } from './output.js';
import { ProgressReporter } from './progress.js';
import { type Rejection, RejectionSink } from './rejections.js';

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

/** An item of a progress stream, as import-style stream requests yield them. */
interface ProgressItem {
  read?: number;
  done?: number | boolean;
  imported?: number;
  total?: number;
  bytesRead?: number;
  totalBytes?: number;
  /** The lines rejected since the previous item, or how many so far when `rejections` lists them. */
  rejected?: Rejection[] | number;
  /** The lines rejected since the previous item. */
  rejections?: Rejection[];
}

const asProgress = (item: unknown): ProgressItem =>
  (typeof item === 'object' && item !== null ? item : {}) as ProgressItem;
const count = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** The last progress item without its list of rejected lines, with their count as `rejected`. */
function summaryOf(last: ProgressItem | undefined, lastItem: unknown, rejected: number): unknown {
  if (!last || (!Array.isArray(last.rejected) && !last.rejections)) return lastItem ?? null;
  const { rejections: _list, ...summary } = last;
  return { ...summary, rejected: count(summary.rejected) ?? rejected };
}

/**
 * Consumes a stream request, drawing progress and writing rejected lines as they come (stderr, or the
 * `--rejects` file), keeping only counts; prints the outcome, or what was kept when cancelled.
 */
async function runStream(label: string, items: AsyncIterable<unknown>, context: CommandContext): Promise<number> {
  const progress = new ProgressReporter(context.stderr, context.errorColors, label, {
    ...(context.progressIntervalMs !== undefined && { intervalMs: context.progressIntervalMs }),
  });
  const rejections = new RejectionSink({
    stderr: context.stderr,
    errorColors: context.errorColors,
    json: context.json,
    ...(context.rejects !== undefined && { file: context.rejects }),
    beforeWrite: () => progress.finish(),
  });
  let last: ProgressItem | undefined;
  let lastItem: unknown;
  try {
    for await (const item of items) {
      lastItem = item;
      last = asProgress(item);
      if (Array.isArray(last.rejected)) rejections.add(last.rejected);
      if (last.rejections) rejections.add(last.rejections);
      const done = count(last.read) ?? count(last.done) ?? count(last.imported) ?? 0;
      if (last.total !== undefined) progress.update({ done, total: last.total });
      else if (last.totalBytes && last.bytesRead !== undefined)
        progress.update({ done, fraction: last.bytesRead / last.totalBytes });
      else progress.update({ done });
    }
  } catch (error) {
    progress.finish();
    rejections.finish();
    if (isSlicewiseError(error) && error.code === 'CANCELLED') {
      const kept = count(last?.imported) ?? count(last?.done) ?? 0;
      context.stderr.write(
        `${context.errorColors.yellow('Cancelled')}: ${formatCount(kept)} rows were kept (every batch committed ` +
          'before it was stopped); the batch in progress was rolled back.\n',
      );
      return exitCodes.CANCELLED;
    }
    throw error;
  }
  progress.finish();
  rejections.finish();
  const summary = summaryOf(last, lastItem, rejections.count);
  if (context.json) writeJson(context.stdout, summary);
  else writeReadable(context.stdout, summary, context.colors);
  return 0;
}

/**
 * The command of a request, from its manifest entry: words, arguments, options and help come from the declaration
 * (read when the manifest was made); running it finds the request among the composed slices.
 */
export function requestCommand(entry: CommandEntry): CliCommand {
  const words = entry.command.split(' ');
  return {
    words,
    description: entry.description,
    fields: entry.fields,
    source: entry.slice,
    kind: entry.kind,
    async run(raw, context) {
      const { mediator } = context.host();
      const message = mediator
        .describe()
        .find(
          (candidate) =>
            candidate.kind !== 'notification' &&
            cliMetaOf(candidate.message, candidate.slices[0] ?? '')?.command === entry.command,
        );
      if (!message) {
        throw new CompositionError(
          `No composed request declares the command "${entry.command}" (the manifest says ${entry.request} of ` +
            `${entry.slice}): the command manifest is out of date, rebuild it`,
        );
      }
      const request = requestFromInput(message.message, raw);
      const options = { caller: localAdmin, signal: context.signal };
      if (message.kind === 'stream') {
        return runStream(entry.command, mediator.stream(request as StreamRequest<unknown>, options), context);
      }
      const response = await mediator.send(request as Request<unknown>, options);
      if (context.json) writeJson(context.stdout, response);
      else writeReadable(context.stdout, response, context.colors);
      return 0;
    },
  };
}

/** The command the words name (the longest match), if any. */
export function findCommand(commands: readonly CliCommand[], words: readonly string[]): CliCommand | undefined {
  return commands
    .filter((command) => command.words.every((word, i) => words[i] === word))
    .sort((a, b) => b.words.length - a.words.length)[0];
}
