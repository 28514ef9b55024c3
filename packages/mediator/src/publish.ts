import { SlicewiseError } from '@slicewise/errors';
import type { DispatchContext } from './context.js';
import type { NotificationHandler } from './handler.js';
import type { Notification } from './messages.js';

/**
 * How `publish` runs a notification's handlers:
 * - `sequential-all` (default): one after another, every one of them, then one {@link PublishError} if any failed;
 * - `sequential-stop`: one after another, stopping at the first failure, which is thrown as it is;
 * - `parallel`: all at once, then one {@link PublishError} if any failed.
 */
export type PublishStrategy = 'sequential-all' | 'sequential-stop' | 'parallel';

/** Options of one publish. */
export interface PublishOptions {
  strategy?: PublishStrategy;
}

/** One or more notification handlers failed; `errors` holds each failure, in handler order. */
export class PublishError extends SlicewiseError {
  readonly errors: readonly unknown[];

  constructor(notification: string, errors: readonly unknown[]) {
    const messages = errors.map((error) => (error as Error)?.message ?? String(error)).join('; ');
    super('INTERNAL', `${errors.length} handler(s) of ${notification} failed: ${messages}`, {
      cause: errors[0],
      details: { notification, failures: errors.length },
    });
    this.errors = errors;
  }
}

type Handlers = readonly NotificationHandler<Notification>[];

function call(handler: NotificationHandler<Notification>, notification: Notification, context: DispatchContext) {
  try {
    return handler.handle(notification, context);
  } catch (error) {
    return Promise.reject(error);
  }
}

const nothing = (): void => undefined;

function runParallel(handlers: Handlers, notification: Notification, context: DispatchContext): Promise<void> {
  const pending: unknown[] = new Array(handlers.length);
  for (let i = 0; i < handlers.length; i++) pending[i] = call(handlers[i] as Handlers[0], notification, context);
  // The fast path is one Promise.all; only when something failed do we wait for all and collect every failure.
  return Promise.all(pending).then(nothing, () =>
    Promise.allSettled(pending).then((results) => {
      const errors = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
      throw new PublishError(notification.constructor.name, errors);
    }),
  );
}

async function runSequential(
  handlers: Handlers,
  notification: Notification,
  context: DispatchContext,
  stop: boolean,
): Promise<void> {
  let errors: unknown[] | undefined;
  for (const handler of handlers) {
    try {
      const result = handler.handle(notification, context);
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
  return runSequential(handlers, notification, context, strategy === 'sequential-stop');
}
