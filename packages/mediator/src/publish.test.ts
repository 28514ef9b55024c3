import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { createMediator, defineSlice, Notification, on, PublishError } from './index.js';

class UserRegistered extends Notification {
  constructor(readonly id: number) {
    super();
  }
}

const calls: string[] = [];
function handler(name: string, fails = false, delay = 0) {
  return class {
    async handle(notification: UserRegistered): Promise<void> {
      calls.push(`${name} start ${notification.id}`);
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
      if (fails) throw new Error(`${name} failed`);
      calls.push(`${name} done`);
    }
  };
}

function mediatorWith(...handlers: ReturnType<typeof handler>[]) {
  const slices = handlers.map((h, i) => defineSlice({ name: `s${i}`, handlers: [on(UserRegistered, h)] }));
  return createMediator({ slices });
}

describe('publish', () => {
  it('resolves at once when nobody listens', async () => {
    await expect(createMediator({ slices: [] }).publish(new UserRegistered(1))).resolves.toBeUndefined();
  });

  it('sequential-all runs every handler in slice order, then throws one error listing each failure', async () => {
    calls.length = 0;
    const mediator = mediatorWith(handler('a', true), handler('b'), handler('c', true));

    const error = await mediator.publish(new UserRegistered(7)).catch((caught: unknown) => caught);

    expect(calls).toEqual(['a start 7', 'b start 7', 'b done', 'c start 7']);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).errors.map((e) => (e as Error).message)).toEqual(['a failed', 'c failed']);
    expect((error as PublishError).message).toBe('2 handler(s) of UserRegistered failed: a failed; c failed');
  });

  it('sequential-stop stops at the first failure and throws it as it is', async () => {
    calls.length = 0;
    const mediator = mediatorWith(handler('a'), handler('b', true), handler('c'));

    await expect(mediator.publish(new UserRegistered(1), { strategy: 'sequential-stop' })).rejects.toThrow('b failed');
    expect(calls).toEqual(['a start 1', 'a done', 'b start 1']);
  });

  it('parallel starts every handler before any finishes and awaits them all', async () => {
    calls.length = 0;
    const mediator = mediatorWith(handler('a', false, 20), handler('b', false, 5));

    await mediator.publish(new UserRegistered(2), { strategy: 'parallel' });

    expect(calls).toEqual(['a start 2', 'b start 2', 'b done', 'a done']);
  });

  it('parallel waits for every handler, then throws one error with the failures in handler order', async () => {
    calls.length = 0;
    class ThrowsAtOnce {
      handle(): void {
        throw new Error('sync failed');
      }
    }
    const slices = [
      defineSlice({ name: 'slow', handlers: [on(UserRegistered, handler('slow', true, 20))] }),
      defineSlice({ name: 'sync', handlers: [on(UserRegistered, ThrowsAtOnce)] }),
      defineSlice({ name: 'fast', handlers: [on(UserRegistered, handler('fast', true, 1))] }),
      defineSlice({ name: 'ok', handlers: [on(UserRegistered, handler('ok', false, 10))] }),
    ];
    const mediator = createMediator({ slices, publishStrategy: 'parallel' });

    const error = await mediator.publish(new UserRegistered(4)).catch((caught: unknown) => caught);

    expect(calls).toContain('ok done');
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).errors.map((e) => (e as Error).message)).toEqual([
      'slow failed',
      'sync failed',
      'fast failed',
    ]);
  });

  it('takes the default strategy from the mediator', async () => {
    calls.length = 0;
    const slices = [handler('a', true), handler('b')].map((h, i) =>
      defineSlice({ name: `s${i}`, handlers: [on(UserRegistered, h)] }),
    );
    const mediator = createMediator({ slices, publishStrategy: 'sequential-stop' });

    await expect(mediator.publish(new UserRegistered(3))).rejects.toThrow('a failed');
    expect(calls).toEqual(['a start 3']);
  });
});
