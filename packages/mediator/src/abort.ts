import { CancelledError, TimeoutError } from '@slicewise/errors';

/** The Slicewise error for an aborted signal: `TIMEOUT` for a deadline, `CANCELLED` otherwise. */
export function abortError(signal: AbortSignal): Error {
  const reason = signal.reason as { name?: string } | undefined;
  if (reason instanceof TimeoutError || reason instanceof CancelledError) return reason;
  if (reason?.name === 'TimeoutError') return new TimeoutError('The dispatch ran past its deadline', { cause: reason });
  return new CancelledError('The caller cancelled the dispatch', { cause: reason });
}

/** The signal of one dispatch: the caller's (made lazily when it is a function), the deadline's, or both. */
export function dispatchSignal(
  signal: AbortSignal | (() => AbortSignal) | undefined,
  timeout: number | undefined,
): AbortSignal | (() => AbortSignal) | undefined {
  if (timeout === undefined) return signal;
  const deadline = AbortSignal.timeout(timeout); // the deadline runs from the start: no lazy signal then
  const given = typeof signal === 'function' ? signal() : signal;
  return given ? AbortSignal.any([given, deadline]) : deadline;
}

const ignore = (): void => undefined;

/**
 * The dispatches waiting on each signal. A signal gets one 'abort' listener, the first time a dispatch races it;
 * dispatches then join and leave a set, far cheaper than adding and removing a listener each (and nested
 * dispatches share their parent's signal). Both go away with the signal.
 */
const waiting = new WeakMap<AbortSignal, Set<() => void>>();

function waitersOf(signal: AbortSignal): Set<() => void> {
  const known = waiting.get(signal);
  if (known !== undefined) return known;
  const waiters = new Set<() => void>();
  signal.addEventListener(
    'abort',
    () => {
      for (const onAbort of waiters) onAbort();
      waiters.clear();
    },
    { once: true },
  );
  waiting.set(signal, waiters);
  return waiters;
}

/** Settles with `work`, or rejects as soon as `signal` aborts, whichever comes first. */
export function raceAbort<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  if (signal.aborted) {
    work.catch(ignore);
    return Promise.reject(abortError(signal));
  }
  const waiters = waitersOf(signal);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    waiters.add(onAbort);
    work.then(
      (value) => {
        waiters.delete(onAbort);
        resolve(value);
      },
      (error: unknown) => {
        waiters.delete(onAbort);
        reject(error);
      },
    );
  });
}
