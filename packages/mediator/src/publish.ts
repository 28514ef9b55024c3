import { SlicewiseError } from '@slicewise/errors';
import { abortError } from './abort.js';
import type { DispatchContext } from './context.js';
import type { NotificationHandler } from './handler.js';
import type { Notification } from './messages.js';
import { isThenable } from './settle.js';

/**
 * Runs the handlers of one notification, like MediatR's `INotificationPublisher`: call each
 * `handler.handle(notification, context)` as you see fit, and settle when they are done. Rejecting rejects
 * `publish`.
 *
 * @example
 * const fireAndForget: PublishStrategyFunction = async (handlers, notification, context) => {
 *   for (const handler of handlers) void Promise.resolve(handler.handle(notification, context)).catch(report);
 * };
 */
export type PublishStrategyFunction = (
  handlers: readonly NotificationHandler<Notification>[],
  notification: Notification,
  context: DispatchContext,
) => PromiseLike<void>;

/**
 * How `publish` runs a notification's handlers:
 * - `sequential-all` (default): one after another, every one of them, then one {@link PublishError} if any failed;
 * - `sequential-stop`: one after another, stopping at the first failure, which is thrown as it is;
 * - `parallel`: all at once, then one {@link PublishError} if any failed;
 * - a {@link PublishStrategyFunction} of your own.
 *
 * The sequential strategies start no further handler once the dispatch's signal has aborted.
 */
export type PublishStrategy = 'sequential-all' | 'sequential-stop' | 'parallel' | PublishStrategyFunction;

/** Options of one publish. */
export interface PublishOptions {
  strategy?: PublishStrategy;
}

/** How many failures a {@link PublishError}'s message lists before it says how many more there are. */
const listedFailures = 5;

/**
 * One or more notification handlers failed; `errors` holds each failure, in handler order. A failure that is itself
 * a PublishError (a handler whose own publish failed) is flattened into `errors`, so recursive publishing gives one
 * flat list, never a chain of PublishErrors nested as deep as the recursion.
 */
export class PublishError extends SlicewiseError {
  readonly errors: readonly unknown[];

  constructor(notification: string, errors: readonly unknown[]) {
    const flat = errors.flatMap((error) => (error instanceof PublishError ? error.errors : [error]));
    const messages = flat
      .slice(0, listedFailures)
      .map((error) => (error as Error)?.message ?? String(error))
      .join('; ');
    const more = flat.length > listedFailures ? `; and ${flat.length - listedFailures} more` : '';
    super('INTERNAL', `${flat.length} handler(s) of ${notification} failed: ${messages}${more}`, {
      cause: flat[0],
      details: { notification, failures: flat.length },
    });
    this.errors = flat;
  }
}

type Handlers = readonly NotificationHandler<Notification>[];

/**
 * Runs every handler at once and settles when all have: one {@link PublishError} (failures in handler order) if any
 * failed. Any thenable a handler returns is awaited (a lazy query builder, a promise of another realm).
 */
function runParallel(handlers: Handlers, notification: Notification, context: DispatchContext): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let remaining = handlers.length;
    let failures: [number, unknown][] | undefined;
    const done = () => {
      if (--remaining > 0) return;
      if (failures === undefined) return resolve();
      const errors = failures.sort((a, b) => a[0] - b[0]).map(([, error]) => error);
      reject(new PublishError(notification.constructor.name, errors));
    };
    const fail = (index: number, error: unknown) => {
      failures ??= [];
      failures.push([index, error]);
      done();
    };
    for (let i = 0; i < handlers.length; i++) {
      let result: unknown;
      try {
        result = (handlers[i] as Handlers[0]).handle(notification, context);
      } catch (error) {
        fail(i, error);
        continue;
      }
      if (result instanceof Promise) result.then(done, (error: unknown) => fail(i, error));
      else if (isThenable(result)) Promise.resolve(result).then(done, (error: unknown) => fail(i, error));
      else done();
    }
  });
}

async function runSequential(
  handlers: Handlers,
  notification: Notification,
  context: DispatchContext,
  stop: boolean,
): Promise<void> {
  let errors: unknown[] | undefined;
  for (let i = 0; i < handlers.length; i++) {
    if (i > 0 && context.signal.aborted) throw abortError(context.signal);
    try {
      const result = (handlers[i] as Handlers[0]).handle(notification, context);
      if (result !== undefined) await result;
    } catch (error) {
      if (stop) throw error;
      errors ??= [];
      errors.push(error);
    }
  }
  if (errors) throw new PublishError(notification.constructor.name, errors);
}

/** Runs the handlers of one notification with the chosen strategy. */
export function runHandlers(
  handlers: Handlers,
  notification: Notification,
  context: DispatchContext,
  strategy: PublishStrategy,
): Promise<void> {
  if (handlers.length === 0) return Promise.resolve();
  if (strategy === 'parallel') return runParallel(handlers, notification, context);
  if (typeof strategy === 'function') {
    try {
      return Promise.resolve(strategy(handlers, notification, context));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return runSequential(handlers, notification, context, strategy === 'sequential-stop');
}
