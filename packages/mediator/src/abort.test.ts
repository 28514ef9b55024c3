import { CancelledError, TimeoutError } from '@slicewise/errors';
import { describe, expect, it } from 'vitest';
import { abortError, raceAbort } from './abort.js';

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
