import { CancelledError, TimeoutError } from '@slicewise/errors';

/** Whether an abort reason is a deadline's: a `TimeoutError` of Slicewise, or of `AbortSignal.timeout()`. */
const isDeadline = (reason: unknown): boolean =>
  reason instanceof TimeoutError || (reason as { name?: unknown } | null | undefined)?.name === 'TimeoutError';

/** The Slicewise error for an aborted signal: `TIMEOUT` for a deadline, `CANCELLED` otherwise. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof TimeoutError || reason instanceof CancelledError) return reason;
  return isDeadline(reason)
    ? new TimeoutError('The dispatch ran past its deadline', { cause: reason })
    : new CancelledError('The caller cancelled the dispatch', { cause: reason });
}

/**
 * The error for a handler to throw when it stops because its dispatch was aborted, saying how far it got:
 * `TIMEOUT` (504 over HTTP) when the dispatch's deadline passed, `CANCELLED` when the caller gave up. Its cause is
 * the abort's reason.
 *
 * @example
 * if (context.signal.aborted) throw abortedError(context.signal, `Stopped after ${done} rows`, { details: { done } });
 */
export function abortedError(
  signal: AbortSignal,
  message: string,
  options: { details?: Record<string, unknown> } = {},
): TimeoutError | CancelledError {
  const reason: unknown = signal.reason;
  const settings = { cause: reason, ...(options.details && { details: options.details }) };
  return isDeadline(reason) ? new TimeoutError(message, settings) : new CancelledError(message, settings);
}

/** One dispatch waiting on a signal: a node of its signal's list, unlinked when the dispatch settles. */
interface Waiter {
  prev: Waiter;
  next: Waiter;
  /** Told the Slicewise error of the abort (a race's `reject` itself, so a race allocates no closure for it). */
  readonly abort: ((error: Error) => void) | undefined;
}

/**
 * The dispatches waiting on each signal. A signal gets one 'abort' listener, the first time a dispatch waits on
 * it; dispatches then link into and out of a list (no hashing, no listener per dispatch, no EventTarget
 * max-listener warning with many concurrent dispatches on one long-lived signal). Both go away with the signal.
 */
const waiting = new WeakMap<AbortSignal, Waiter>();
let lastSignal: AbortSignal | undefined;
let lastList: Waiter | undefined;

function listOf(signal: AbortSignal): Waiter {
  if (signal === lastSignal) return lastList as Waiter;
  let list = waiting.get(signal);
  if (list === undefined) {
    const head = { abort: undefined } as Waiter;
    head.prev = head;
    head.next = head;
    list = head;
    signal.addEventListener(
      'abort',
      () => {
        let node = head.next;
        head.next = head;
        head.prev = head;
        while (node !== head) {
          const next = node.next;
          node.prev = node;
          node.next = node;
          node.abort?.(abortError(signal));
          node = next;
        }
      },
      { once: true },
    );
    waiting.set(signal, list);
  }
  lastSignal = signal;
  lastList = list;
  return list;
}

function link(signal: AbortSignal, abort: (error: Error) => void): Waiter {
  const head = listOf(signal);
  const node: Waiter = { prev: head.prev, next: head, abort };
  head.prev.next = node;
  head.prev = node;
  return node;
}

function unlink(node: Waiter): void {
  node.prev.next = node.next;
  node.next.prev = node.prev;
  node.prev = node;
  node.next = node;
}

/** Calls `onAbort` once if `signal` aborts before the returned function is called; that function stops waiting. */
export function whenAborted(signal: AbortSignal, onAbort: () => void): () => void {
  const node = link(signal, onAbort);
  return () => unlink(node);
}

const ignore = (): void => undefined;

/** Settles with `work`, or rejects as soon as `signal` aborts, whichever comes first. `work` may be any thenable. */
export function raceAbort<T>(signal: AbortSignal, work: PromiseLike<T>): Promise<T> {
  if (signal.aborted) {
    Promise.resolve(work).catch(ignore);
    return Promise.reject(abortError(signal));
  }
  return raceLive(signal, work);
}

/**
 * {@link raceAbort} for a signal known not to have aborted: one promise, one list node and the two callbacks that
 * unlink it, nothing else per dispatch (this is the cost of `send` with a signal).
 */
function raceLive<T>(signal: AbortSignal, work: PromiseLike<T>): Promise<T> {
  const head = listOf(signal);
  return new Promise<T>((resolve, reject) => {
    const node: Waiter = { prev: head.prev, next: head, abort: reject };
    head.prev.next = node;
    head.prev = node;
    work.then(
      (value) => {
        unlink(node);
        resolve(value);
      },
      (error: unknown) => {
        unlink(node);
        reject(error);
      },
    );
  });
}

/**
 * The signal of a dispatch that has a deadline, or narrows its parent's: it aborts when the parent signal aborts
 * or when its own timer fires. The timer is an ordinary one (not unref'd: a hung handler keeps the process alive
 * until the TimeoutError), and {@link Deadline.release} clears it and stops listening to the parent as soon as
 * the dispatch settles, so a long-lived parent signal (a shutdown signal) holds nothing per dispatch.
 */
export class Deadline {
  readonly #controller = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopWaiting: (() => void) | undefined;

  constructor(parent: AbortSignal | undefined, timeout: number | undefined, given?: AbortSignal) {
    if (parent?.aborted) {
      this.#controller.abort(parent.reason);
      return;
    }
    if (given?.aborted) {
      this.#controller.abort(given.reason);
      return;
    }
    if (parent !== undefined) this.#stopWaiting = whenAborted(parent, () => this.#abort(parent.reason));
    if (given !== undefined) {
      const stopParent = this.#stopWaiting;
      const stopGiven = whenAborted(given, () => this.#abort(given.reason));
      this.#stopWaiting = () => {
        stopParent?.();
        stopGiven();
      };
    }
    if (timeout !== undefined) {
      this.#timer = setTimeout(
        () => this.#abort(new TimeoutError(`The dispatch ran past its deadline of ${timeout} ms`)),
        timeout,
      );
    }
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Clears the timer and stops listening to the parent: call it when the dispatch settles. Idempotent. */
  release(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#stopWaiting?.();
    this.#stopWaiting = undefined;
  }

  #abort(reason: unknown): void {
    this.release();
    this.#controller.abort(reason);
  }
}

/** Checks a `timeout` option: a finite number of milliseconds from 0. */
export function isTimeout(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && Number.isFinite(value);
}

/** The caller's signal, made now when given as a function (a deadline runs from the start). */
export function madeNow(signal: AbortSignal | (() => AbortSignal) | undefined): AbortSignal | undefined {
  if (typeof signal !== 'function') return signal;
  try {
    return signal();
  } catch (error) {
    return AbortSignal.abort(error); // the dispatch then ends CANCELLED, with the failure as cause
  }
}
