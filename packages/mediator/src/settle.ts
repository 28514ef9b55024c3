import type { Span } from '@opentelemetry/api';
import { raceAbort } from './abort.js';
import type { DispatchFailure, ErrorHook } from './context.js';
import type { Context } from './dispatch-context.js';
import { failSpan } from './tracing.js';

/** Whether a value is a thenable: a native promise, one of another realm, a lazy query builder. */
export const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | null | undefined)?.then === 'function';

/** What happens around a dispatch's work as it settles. */
export interface Settling {
  readonly context: Context;
  readonly span: Span | undefined;
  /** The work was still running when it was handed over: race it against the signal. */
  readonly pending: boolean;
  /** This is the outermost dispatch of a mediator with scoped services: dispose the scope. */
  readonly ownsScope: boolean;
  /** Turns a failure into what the caller sees (the `onError` hook), when there is a hook. */
  readonly fail: ((error: unknown) => unknown) | undefined;
}

/** Disposes the scope after the work; a failing disposer fails a dispatch that had succeeded. */
function disposingScope<T>(work: Promise<T>, context: Context): Promise<T> {
  return work.then(
    (value) => {
      const disposing = context.disposeScope();
      return disposing ? disposing.then(() => value) : value;
    },
    (error: unknown) => {
      const disposing = context.disposeScope();
      if (!disposing) throw error;
      return disposing.then(
        () => Promise.reject(error),
        () => Promise.reject(error),
      );
    },
  );
}

/**
 * Disposes the scope (outermost dispatch), races the signal when the work was still pending as it started, releases
 * the deadline's timer and listener once the dispatch settles, applies the error hook, ends the span.
 */
export function settleDispatch<T>(work: Promise<T>, settling: Settling): Promise<T> {
  const { context, span, fail } = settling;
  if (settling.ownsScope) work = disposingScope(work, context);
  if (settling.pending && context.abortable) work = raceAbort(context.signal, work);
  if (context.hasDeadline) {
    const release = () => context.release();
    work.then(release, release);
  }
  if (fail) work = work.catch((error: unknown) => Promise.reject(fail(error)));
  if (span) {
    work.then(
      () => span.end(),
      (error: unknown) => failSpan(span, error),
    );
  }
  return work;
}

/** Asks the `onError` hook about a failure: what it returns or throws replaces the error; nothing keeps it. */
export function hookError(hook: ErrorHook, error: unknown, failure: DispatchFailure): unknown {
  try {
    const replacement = hook(error, failure);
    return replacement === undefined ? error : replacement;
  } catch (thrown) {
    return thrown;
  }
}
