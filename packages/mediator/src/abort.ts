import { CancelledError, TimeoutError } from '@slicewise/errors';

/** The Slicewise error for an aborted signal: `TIMEOUT` for a deadline, `CANCELLED` otherwise. */
export function abortError(signal: AbortSignal): Error {
  const reason = signal.reason as { name?: string } | undefined;
  if (reason instanceof TimeoutError || reason instanceof CancelledError) return reason;
  if (reason?.name === 'TimeoutError') return new TimeoutError('The dispatch ran past its deadline', { cause: reason });
  return new CancelledError('The caller cancelled the dispatch', { cause: reason });
}

/** The signal of one dispatch: the caller's, the deadline's, or both. */
export function dispatchSignal(signal: AbortSignal | undefined, timeout: number | undefined): AbortSignal | undefined {
  if (timeout === undefined) return signal;
  const deadline = AbortSignal.timeout(timeout);
  return signal ? AbortSignal.any([signal, deadline]) : deadline;
}

const ignore = (): void => undefined;

/** Settles with `work`, or rejects as soon as `signal` aborts, whichever comes first. */
export function raceAbort<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  if (signal.aborted) {
    work.catch(ignore);
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
