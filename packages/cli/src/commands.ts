import {
  CompositionError,
  isSlicewiseError,
  type Request,
  requestFromInput,
  type StreamRequest,
} from '@slicewise/mediator';
import { type CommandContext, localAdmin } from './command-list.js';
import { exitCodes } from './exit-codes.js';
import type { CommandEntry } from './manifest.js';
import { cliMetaOf } from './meta.js';
import { formatCount, writeJson, writeReadable } from './output.js';
import { ProgressReporter } from './progress.js';
import { type Rejection, RejectionSink } from './rejections.js';

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

/** Runs a request's command: finds the request among the composed slices, sends or streams it, prints the result. */
export async function runRequest(
  entry: CommandEntry,
  raw: Record<string, unknown>,
  context: CommandContext,
): Promise<number> {
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
}
