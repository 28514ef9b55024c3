import 'reflect-metadata';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  CancelledError,
  CompositionError,
  createMediator,
  type DispatchContext,
  defineSlice,
  Notification,
  on,
  PublishError,
} from './index.js';

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

  it('parallel awaits a thenable a handler returns (a lazy query builder runs only when awaited)', async () => {
    const ran: string[] = [];
    class LazyQuery {
      // biome-ignore lint/suspicious/noThenProperty: a thenable is what this test is about
      then(resolve: () => void, reject: (error: unknown) => void): void {
        setTimeout(() => {
          ran.push('query ran');
          resolve();
        }, 5);
        void reject;
      }
    }
    class ReturnsBuilder {
      handle(): PromiseLike<void> {
        return new LazyQuery() as unknown as PromiseLike<void>;
      }
    }
    const mediator = createMediator({
      slices: [defineSlice({ name: 'lazy', handlers: [on(UserRegistered, ReturnsBuilder)] })],
    });

    await mediator.publish(new UserRegistered(1), { strategy: 'parallel' });

    expect(ran).toEqual(['query ran']);
  });

  it('parallel awaits a promise of another realm, and reports its rejection instead of leaving it unhandled', async () => {
    const foreign = runInNewContext(
      '(message) => new Promise((_, reject) => setTimeout(() => reject(new Error(message)), 5))',
      {
        setTimeout,
      },
    ) as (message: string) => Promise<never>;
    expect(foreign('probe').catch(() => undefined)).not.toBeInstanceOf(Promise);
    class OtherRealm {
      handle(): Promise<never> {
        return foreign('from another realm');
      }
    }
    const mediator = createMediator({
      slices: [defineSlice({ name: 'realm', handlers: [on(UserRegistered, OtherRealm)] })],
    });

    const error = await mediator
      .publish(new UserRegistered(1), { strategy: 'parallel' })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).errors.map((e) => (e as Error).message)).toEqual(['from another realm']);
  });

  it.each(['sequential-all', 'sequential-stop'] as const)(
    '%s starts no further handler once the publish is aborted during the first',
    async (strategy) => {
      calls.length = 0;
      const controller = new AbortController();
      class AbortsThenFinishes {
        async handle(): Promise<void> {
          calls.push('first start');
          controller.abort();
          await new Promise((resolve) => setTimeout(resolve, 5));
          calls.push('first done');
        }
      }
      const mediator = createMediator({
        slices: [
          defineSlice({
            name: 'aborting',
            handlers: [
              on(UserRegistered, AbortsThenFinishes),
              on(UserRegistered, handler('second')),
              on(UserRegistered, handler('third')),
            ],
          }),
        ],
      });

      await expect(
        mediator.publish(new UserRegistered(5), { signal: controller.signal, strategy }),
      ).rejects.toBeInstanceOf(CancelledError);
      await new Promise((resolve) => setTimeout(resolve, 20));

      expect(calls).toEqual(['first start', 'first done']);
    },
  );

  it('takes a strategy function, per mediator or per publish, and refuses an unknown strategy name', async () => {
    calls.length = 0;
    const onlyFirst = async (
      handlers: readonly { handle(n: Notification, c: DispatchContext): unknown }[],
      notification: Notification,
      context: DispatchContext,
    ) => {
      await handlers[0]?.handle(notification, context);
    };
    const mediator = mediatorWith(handler('a'), handler('b'));

    await mediator.publish(new UserRegistered(6), { strategy: onlyFirst });

    expect(calls).toEqual(['a start 6', 'a done']);
    expect(() => createMediator({ slices: [], publishStrategy: 'fastest' as never })).toThrow(CompositionError);
    await expect(mediator.publish(new UserRegistered(7), { strategy: 'fastest' as never })).rejects.toThrow(
      /Unknown publish strategy fastest/,
    );
  });

  it('keeps one flat PublishError when handlers publish recursively and the deepest one fails', async () => {
    class Deep extends Notification {
      constructor(readonly level: number) {
        super();
      }
    }
    class DeepHandler {
      async handle(notification: Deep, context: DispatchContext): Promise<void> {
        if (notification.level === 0) throw new Error('bottom failed');
        await context.publish(new Deep(notification.level - 1));
      }
    }
    const mediator = createMediator({ slices: [defineSlice({ name: 'deep', handlers: [on(Deep, DeepHandler)] })] });

    const error = (await mediator.publish(new Deep(200)).catch((caught: unknown) => caught)) as PublishError;

    expect(error).toBeInstanceOf(PublishError);
    expect(error.errors).toHaveLength(1);
    expect((error.errors[0] as Error).message).toBe('bottom failed');
    expect(error.cause).toBe(error.errors[0]);
    expect(error.message).toBe('1 handler(s) of Deep failed: bottom failed');
  });

  it('lists at most five failures in the message, and all of them in errors', async () => {
    const failing = Array.from({ length: 7 }, (_, i) => handler(`h${i}`, true));
    const error = (await mediatorWith(...failing)
      .publish(new UserRegistered(8))
      .catch((caught: unknown) => caught)) as PublishError;

    expect(error.errors).toHaveLength(7);
    expect(error.message).toBe(
      '7 handler(s) of UserRegistered failed: h0 failed; h1 failed; h2 failed; h3 failed; h4 failed; and 2 more',
    );
  });

  it('runs handlers of a base class and of the class itself in registration order, and refuses one on() listed twice', () => {
    class Base extends Notification {}
    class Derived extends Base {}
    const order: string[] = [];
    const named = (name: string) =>
      class {
        handle(): void {
          order.push(name);
        }
      };
    const [OnDerived, OnBase, OnAll] = [named('derived'), named('base'), named('all')];
    const mediator = createMediator({
      slices: [
        defineSlice({ name: 'one', handlers: [on(Derived, OnDerived), on(Base, OnBase)] }),
        defineSlice({ name: 'two', handlers: [on(Notification, OnAll)] }),
      ],
    });

    return mediator.publish(new Derived()).then(async () => {
      await mediator.publish(new Base());
      expect(order).toEqual(['derived', 'base', 'all', 'base', 'all']);
      expect(() =>
        createMediator({
          slices: [
            defineSlice({ name: 'one', handlers: [on(Base, OnBase)] }),
            defineSlice({ name: 'two', handlers: [on(Base, OnBase)] }),
          ],
        }),
      ).toThrow(`${OnBase.name} is subscribed to Base by one and two: it would run twice per publish`);
      expect(() =>
        createMediator({ slices: [defineSlice({ name: 'one', handlers: [on(Base, OnBase), on(Base, OnBase)] })] }),
      ).toThrow(/subscribed to Base twice by one/);
    });
  });
});
