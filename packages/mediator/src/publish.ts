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

/** Runs every handler at once and settles when all have: one {@link PublishError} (failures in handler order) if any failed. */
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
