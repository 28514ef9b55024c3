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

/** Runs the handlers of one notification with the chosen strategy. */
export async function runHandlers(
  handlers: Handlers,
  notification: Notification,
  context: DispatchContext,
  strategy: PublishStrategy,
): Promise<void> {
  if (handlers.length === 0) return;
  const name = notification.constructor.name;
  if (strategy === 'parallel') {
    const results = await Promise.allSettled(handlers.map((handler) => handler.handle(notification, context)));
    const errors = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    if (errors.length > 0) throw new PublishError(name, errors);
    return;
  }
  const errors: unknown[] = [];
  for (const handler of handlers) {
    try {
      await handler.handle(notification, context);
    } catch (error) {
      if (strategy === 'sequential-stop') throw error;
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new PublishError(name, errors);
}
