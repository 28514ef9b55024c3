import { CancelledError, TimeoutError } from '@slicewise/errors';
import { describe, expect, it } from 'vitest';
import { abortError, abortedError, raceAbort } from './abort.js';

const never = new Promise<never>(() => undefined);

describe('raceAbort', () => {
  it('rejects every dispatch racing one signal when it aborts, and leaves settled ones alone', async () => {
    const controller = new AbortController();
    const settled = await raceAbort(controller.signal, Promise.resolve('done'));
    const first = raceAbort(controller.signal, never);
    const second = raceAbort(controller.signal, never);

    controller.abort();

    expect(settled).toBe('done');
    await expect(first).rejects.toBeInstanceOf(CancelledError);
    await expect(second).rejects.toBeInstanceOf(CancelledError);
  });

  it('passes the work through when it settles first, failure included', async () => {
    const controller = new AbortController();

    await expect(raceAbort(controller.signal, Promise.resolve(7))).resolves.toBe(7);
    await expect(raceAbort(controller.signal, Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    controller.abort();
  });

  it('rejects at once, without an unhandled rejection, when the signal is already aborted', async () => {
    const signal = AbortSignal.abort();

    await expect(raceAbort(signal, Promise.reject(new Error('ignored')))).rejects.toBeInstanceOf(CancelledError);
  });

  it('maps a deadline to TIMEOUT', () => {
    const controller = new AbortController();
    controller.abort(new DOMException('late', 'TimeoutError'));

    expect(abortError(controller.signal)).toBeInstanceOf(TimeoutError);
  });
});

describe('abortedError', () => {
  const aborted = (reason: unknown) => {
    const controller = new AbortController();
    controller.abort(reason);
    return controller.signal;
  };

  it('is TIMEOUT after a deadline, with the handler’s message and details and the reason as cause', () => {
    const deadline = new TimeoutError('The request ran past its 600 ms deadline');
    const error = abortedError(aborted(deadline), 'Stopped after 27 rows', { details: { imported: 27 } });

    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'TIMEOUT', message: 'Stopped after 27 rows', details: { imported: 27 } });
    expect(error.cause).toBe(deadline);
    expect(abortedError(aborted(new DOMException('late', 'TimeoutError')), 'x').code).toBe('TIMEOUT');
  });

  it('is CANCELLED when the caller gave up, whatever the reason', () => {
    for (const reason of [new CancelledError('Ctrl-C'), new Error('gone'), undefined, 'a string']) {
      const error = abortedError(aborted(reason), 'Stopped after 3 rows');
      expect(error).toBeInstanceOf(CancelledError);
      expect(error.details).toBeUndefined();
    }
  });
});
