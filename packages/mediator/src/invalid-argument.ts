import { SlicewiseError } from '@slicewise/errors';
import type { DispatchOptions } from './context.js';
import { kindOf, type MessageClass } from './messages.js';
import type { PublishStrategy } from './publish.js';

/**
 * A mediator method was called with something it cannot take: `send(null)`, `send({})`, `publish('Ping')`, a
 * notification given to `send`, a negative `timeout`. Code `INTERNAL`: it is a bug in the calling code, not bad
 * data from the caller's user (that is `VALIDATION`, raised by a request's schema), so a transport answers it as
 * its own failure and logs it.
 */
export class InvalidArgumentError extends SlicewiseError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('INTERNAL', message, details === undefined ? undefined : { details });
  }
}

type Operation = 'send' | 'stream' | 'publish';

const expected: Record<Operation, string> = {
  send: 'a request (an instance of a Query, Command or Request class)',
  stream: 'a stream request (an instance of a StreamRequest class)',
  publish: 'a notification (an instance of a Notification class)',
};

const rightOperation: Record<string, Operation> = {
  query: 'send',
  command: 'send',
  request: 'send',
  stream: 'stream',
  notification: 'publish',
};

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value !== 'object') return `${typeof value} ${JSON.stringify(value) ?? String(value)}`.slice(0, 80);
  return 'a plain object';
}

/**
 * Why `message` cannot be given to `operation`, or `undefined` when it can. Called off the fast path only: when
 * no handler was found for it, or when it is not an object at all.
 */
export function invalidMessage(operation: Operation, message: unknown): InvalidArgumentError | undefined {
  const messageClass = (message as { constructor?: unknown } | null | undefined)?.constructor;
  if (
    message === null ||
    typeof message !== 'object' ||
    typeof messageClass !== 'function' ||
    messageClass === Object
  ) {
    return new InvalidArgumentError(`${operation}() needs ${expected[operation]}, got ${describeValue(message)}`, {
      operation,
    });
  }
  const kind = kindOf(messageClass as MessageClass);
  const right = rightOperation[kind];
  if (kind === 'request' && operation !== 'send' && !('kind' in messageClass)) return undefined; // a plain class
  if (right !== undefined && right !== operation) {
    return new InvalidArgumentError(
      `${messageClass.name} is a ${kind === 'stream' ? 'stream request' : kind}: ${right}() it, not ${operation}()`,
      { operation, message: messageClass.name },
    );
  }
  return undefined;
}

const strategies: readonly string[] = ['sequential-all', 'sequential-stop', 'parallel'];

/** Whether `strategy` is a built-in strategy's name or a strategy function. */
export function isPublishStrategy(strategy: unknown): strategy is PublishStrategy {
  return typeof strategy === 'function' || strategies.includes(strategy as string);
}

/** Why the dispatch options cannot be used, or `undefined` when they can. */
export function invalidOptions(options: DispatchOptions & { strategy?: unknown }): InvalidArgumentError | undefined {
  const { signal, timeout, strategy } = options;
  if (signal !== undefined && typeof signal !== 'function' && !(signal instanceof AbortSignal)) {
    return new InvalidArgumentError('The signal option must be an AbortSignal or a function that makes one');
  }
  if (timeout !== undefined && !(typeof timeout === 'number' && timeout >= 0 && Number.isFinite(timeout))) {
    return new InvalidArgumentError(`The timeout option must be milliseconds from 0, not ${String(timeout)}`);
  }
  if (strategy !== undefined && !isPublishStrategy(strategy)) {
    return new InvalidArgumentError(
      `Unknown publish strategy ${String(strategy)}: one of ${strategies.join(', ')}, or a function`,
    );
  }
  return undefined;
}
