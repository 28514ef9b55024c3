/**
 * Conformance: `publish` under each strategy, ported from the notification tests of MediatR (jbogard/MediatR) and
 * of martinothamar/Mediator. Each case names the test whose behaviour it ports; the code is ours.
 */
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import {
  createMediator,
  type DispatchContext,
  defineSlice,
  Notification,
  type NotificationHandler,
  on,
  PublishError,
  type Publisher,
  type PublishStrategy,
} from '../index.js';

const written: string[] = [];
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class Ping extends Notification {
  constructor(readonly message: string) {
    super();
  }
}
class PongHandler {
  async handle(notification: Ping): Promise<void> {
    written.push(`${notification.message} Pong`);
  }
}
class PungHandler {
  async handle(notification: Ping): Promise<void> {
    written.push(`${notification.message} Pung`);
  }
}
const pings = defineSlice({ name: 'pings', handlers: [on(Ping, PongHandler), on(Ping, PungHandler)] });

describe('conformance: publish', () => {
  // MediatR: test/MediatR.Tests/PublishTests.cs › Should_resolve_main_handler
  // Mediator: test/Mediator.Tests/BasicHandlerTests.cs › Test_Multiple_Notification_Handlers
  it('tells every handler of the notification, in registration order by default', async () => {
    written.length = 0;
    const mediator = createMediator({ slices: [pings] });

    await mediator.publish(new Ping('Ping'));

    expect(written).toEqual(['Ping Pong', 'Ping Pung']);
  });

  // MediatR: test/MediatR.Tests/PublishTests.cs › Should_resolve_main_handler_when_object_is_passed
  // MediatR: test/MediatR.Tests/PublishTests.cs › Should_resolve_handlers_given_interface
  // Mediator: test/Mediator.Tests/BasicHandlerTests.cs › Test_INotification_Handler
  it('finds the handlers from the run-time class when the notification is typed as its base', async () => {
    written.length = 0;
    const publisher: Publisher = createMediator({ slices: [pings] });
    const notification: Notification = new Ping('Ping');

    await publisher.publish(notification);

    expect(written).toEqual(['Ping Pong', 'Ping Pung']);
  });

  // MediatR: test/MediatR.Tests/PublishTests.cs › Should_override_with_sequential_firing
  // MediatR: test/MediatR.Tests/NotificationPublisherTests.cs (a custom INotificationPublisher)
  it('runs the handlers through a strategy function of the host', async () => {
    written.length = 0;
    const seen: string[] = [];
    const reversed: PublishStrategy = async (handlers, notification, context) => {
      seen.push(`${handlers.length} handlers of ${notification.constructor.name}, ${typeof context.correlationId}`);
      for (const handler of [...handlers].reverse()) await handler.handle(notification, context);
    };
    const mediator = createMediator({ slices: [pings], publishStrategy: reversed });

    await mediator.publish(new Ping('Ping'));

    expect(seen).toEqual(['2 handlers of Ping, string']);
    expect(written).toEqual(['Ping Pung', 'Ping Pong']);
  });

  // MediatR: test/MediatR.Tests/NotificationPublisherTests.cs › Should_handle_sequentially_by_default
  it('runs handlers one after another by default, and all at once with the parallel strategy', async () => {
    const order: string[] = [];
    const slow = (name: string, ms: number) =>
      class {
        async handle(): Promise<void> {
          order.push(`${name} start`);
          await pause(ms);
          order.push(`${name} end`);
        }
      };
    const slice = defineSlice({
      name: 'timed',
      handlers: [on(Ping, slow('first', 30)), on(Ping, slow('second', 10))],
    });
    const mediator = createMediator({ slices: [slice] });

    await mediator.publish(new Ping('sequential'));
    const sequential = order.splice(0);
    await mediator.publish(new Ping('parallel'), { strategy: 'parallel' });

    expect(sequential).toEqual(['first start', 'first end', 'second start', 'second end']);
    expect(order).toEqual(['first start', 'second start', 'second end', 'first end']);
  });

  // Mediator: test/Mediator.Tests/PolymorphicDispatchTests.cs › Test_Multiple_Notification_Handlers
  it('tells a handler registered for a base class about every subclass published', async () => {
    const ids: string[] = [];
    abstract class PolymorphicNotification extends Notification {
      constructor(readonly id: string) {
        super();
      }
    }
    class SomeNotification extends PolymorphicNotification {}
    class SomeOtherNotification extends PolymorphicNotification {}
    class PolymorphicHandler implements NotificationHandler<PolymorphicNotification> {
      handle(notification: PolymorphicNotification): void {
        ids.push(`${notification.constructor.name} ${notification.id}`);
      }
    }
    const mediator = createMediator({
      slices: [defineSlice({ name: 'poly', handlers: [on(PolymorphicNotification, PolymorphicHandler)] })],
    });

    await mediator.publish(new SomeNotification('1'));
    await mediator.publish(new SomeOtherNotification('2'));

    expect(ids).toEqual(['SomeNotification 1', 'SomeOtherNotification 2']);
  });

  // Mediator: test/Mediator.Tests/PolymorphicDispatchTests.cs › Test_Multiple_Notification_Handlers_With_Object_Notification
  // Mediator: test/Mediator.Tests/BasicHandlerTests.cs › Test_Get_Handlers (its CatchAllPolymorphicNotificationHandler)
  it('tells a catch-all handler of Notification about every notification, beside their own handlers', async () => {
    written.length = 0;
    const audited: string[] = [];
    class Audit {
      handle(notification: Notification, context: DispatchContext): void {
        audited.push(`${notification.constructor.name} ${context.correlationId}`);
      }
    }
    class Other extends Notification {}
    const audit = defineSlice({ name: 'audit', handlers: [on(Notification, Audit)] });
    const mediator = createMediator({ slices: [pings, audit] });

    await mediator.publish(new Ping('Ping'), { correlationId: 'c-1' });
    await mediator.publish(new Other(), { correlationId: 'c-2' });

    expect(written).toEqual(['Ping Pong', 'Ping Pung']);
    expect(audited).toEqual(['Ping c-1', 'Other c-2']);
  });

  // Mediator: test/Mediator.Tests/NonSyncNotificationHandlerWithExceptionTests.cs › Test_NonSync_Notification_Handlers_With_AggregateException_0
  // Mediator: test/Mediator.Tests/NonSyncNotificationHandlerWithExceptionTests.cs › Test_NonSync_Notification_Handlers_With_AggregateException_1
  it.each(['sequential-all', 'parallel'] as const)(
    'with %s, runs every handler once even when one fails, then rejects with one error listing that failure',
    async (strategy) => {
      for (const failing of [0, 1]) {
        const counts = [0, 0];
        const handler = (index: number) =>
          class {
            async handle(): Promise<void> {
              await Promise.resolve();
              counts[index] = (counts[index] ?? 0) + 1;
              if (index === failing) throw new Error(`marker${index}`);
            }
          };
        const slice = defineSlice({ name: 'non-sync', handlers: [on(Ping, handler(0)), on(Ping, handler(1))] });
        const mediator = createMediator({ slices: [slice], publishStrategy: strategy });

        const error = await mediator.publish(new Ping('x')).catch((caught: unknown) => caught);

        expect(error).toBeInstanceOf(PublishError);
        expect((error as PublishError).errors.map((e) => (e as Error).message)).toEqual([`marker${failing}`]);
        expect(counts).toEqual([1, 1]);
      }
    },
  );

  // MediatR: src/MediatR/NotificationPublishers/ForeachAwaitPublisher.cs (MediatR's default publisher; no test of
  // its own beyond argument checks: the first exception ends the loop and reaches the caller unwrapped)
  it('with sequential-stop, stops at the first failure and rejects with it as it is', async () => {
    written.length = 0;
    class Fails {
      handle(): void {
        throw new Error('first failed');
      }
    }
    const slice = defineSlice({ name: 'stop', handlers: [on(Ping, Fails), on(Ping, PongHandler)] });
    const mediator = createMediator({ slices: [slice], publishStrategy: 'sequential-stop' });

    await expect(mediator.publish(new Ping('x'))).rejects.toThrow('first failed');
    expect(written).toEqual([]);
  });

  // MediatR: test/MediatR.Tests/ExceptionTests.cs › Should_not_throw_for_publish
  // MediatR: test/MediatR.Tests/ExceptionTests.cs › Should_not_throw_for_async_publish
  it('resolves when the notification has no handler', async () => {
    class Unheard extends Notification {}

    await expect(createMediator({ slices: [pings] }).publish(new Unheard())).resolves.toBeUndefined();
  });
});
