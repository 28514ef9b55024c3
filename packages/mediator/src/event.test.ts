import 'reflect-metadata';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { describe, expect, it } from 'vitest';
import type { DispatchContext } from './context.js';
import { type Delivery, declareEvent, type EventSink, subscribe } from './event.js';
import { on } from './handler.js';
import { createMediator } from './mediator.js';
import { Notification } from './messages.js';
import { defineSlice } from './slice.js';

const anything: StandardSchemaV1<unknown, { n: number }> = {
  '~standard': { version: 1, vendor: 'test', validate: (value) => ({ value: value as { n: number } }) },
};

class Counted extends Notification {
  static readonly event = declareEvent({ type: 'test/Counted', payload: anything });
  constructor(readonly n: number) {
    super();
  }
}
class Pinged extends Notification {}

class CountSubscriber {
  seen: number[] = [];
  handle(deliveries: readonly Delivery<Counted>[]) {
    for (const delivery of deliveries) this.seen.push(delivery.event.n);
  }
}

const recordingSink = () => {
  const appended: [Notification, DispatchContext][] = [];
  const sink: EventSink = { append: (event, context) => appended.push([event, context]) };
  return { sink, appended };
};

describe('declareEvent', () => {
  it('refuses an empty type, a version below 1, and a missing upcast', () => {
    expect(() => declareEvent({ type: ' ', payload: anything })).toThrow(/non-empty type/);
    expect(() => declareEvent({ type: 't', version: 0, payload: anything })).toThrow(/from 1/);
    expect(() => declareEvent({ type: 't', version: 3, payload: anything, upcast: { 1: (p) => p } })).toThrow(
      /no upcast from version 2/,
    );
  });
});

describe('durable subscriptions at composition', () => {
  it('are composed with their handlers built and their defaults filled', () => {
    const slice = defineSlice({
      name: 'counts',
      subscriptions: [subscribe([Counted], CountSubscriber, { name: 'counts/all', batch: 10 })],
    });
    const [subscription] = createMediator({ slices: [slice] }).subscriptions;

    expect(subscription).toMatchObject({
      name: 'counts/all',
      slice: 'counts',
      types: ['test/Counted'],
      batch: 10,
      delivery: 'exactly-once',
      from: 'start',
      maxAttempts: 5,
    });
    expect(subscription?.handler).toBeInstanceOf(CountSubscriber);
  });

  it('refuse a notification that is not a durable event, naming it and the subscription', () => {
    const slice = defineSlice({
      name: 'pings',
      subscriptions: [subscribe([Pinged], CountSubscriber as never, { name: 'pings/all' })],
    });
    expect(() => createMediator({ slices: [slice] })).toThrow(
      /pings\/all of pings takes Pinged, which is not a durable/,
    );
  });

  it('refuse one name declared by two slices, and a batch that is not a whole number', () => {
    const first = defineSlice({ name: 'a', subscriptions: [subscribe([Counted], CountSubscriber, { name: 'same' })] });
    const second = defineSlice({ name: 'b', subscriptions: [subscribe([Counted], CountSubscriber, { name: 'same' })] });
    const bad = defineSlice({
      name: 'c',
      subscriptions: [subscribe([Counted], CountSubscriber, { name: 'c/x', batch: 0.5 })],
    });

    expect(() => createMediator({ slices: [first, second] })).toThrow(/same is declared twice: by a and b/);
    expect(() => createMediator({ slices: [bad] })).toThrow(/batch must be a whole number/);
  });
});

describe('publishing a durable event', () => {
  it('appends it to the sink synchronously, before publish returns, with the dispatch context', () => {
    const { sink, appended } = recordingSink();
    const mediator = createMediator({ slices: [], eventSink: sink });

    void mediator.publish(new Counted(1), { correlationId: 'c-1' });

    expect(appended).toHaveLength(1);
    expect(appended[0]?.[0]).toEqual(new Counted(1));
    expect(appended[0]?.[1].correlationId).toBe('c-1');
  });

  it('throws at once when the sink fails, so the open transaction rolls back', () => {
    const sink: EventSink = {
      append: () => {
        throw new Error('disk full');
      },
    };
    const mediator = createMediator({ slices: [], eventSink: sink });

    expect(() => mediator.publish(new Counted(1))).toThrow('disk full');
  });

  it('throws at once when the dispatch publishing it was aborted, appending nothing, so its transaction rolls back', () => {
    const { sink, appended } = recordingSink();
    const mediator = createMediator({ slices: [], eventSink: sink });
    const controller = new AbortController();
    controller.abort();

    expect(() => mediator.publish(new Counted(1), { signal: controller.signal })).toThrow(
      expect.objectContaining({ code: 'CANCELLED' }),
    );
    expect(appended).toEqual([]);
  });

  it('runs in-process handlers after the current synchronous code, and never appends plain notifications', async () => {
    const order: string[] = [];
    class Log {
      handle(event: Counted) {
        order.push(`handler ${event.n}`);
      }
    }
    class PingLog {
      handle() {
        order.push('ping');
      }
    }
    const { sink, appended } = recordingSink();
    const slice = defineSlice({ name: 'log', handlers: [on(Counted, Log), on(Pinged, PingLog)] });
    const mediator = createMediator({ slices: [slice], eventSink: sink });

    const published = mediator.publish(new Counted(2));
    order.push('after publish');
    await published;
    await mediator.publish(new Pinged());

    expect(order).toEqual(['after publish', 'handler 2', 'ping']);
    expect(appended.map(([event]) => event.constructor.name)).toEqual(['Counted']);
  });

  it('without a sink, reaches only the in-process handlers', async () => {
    const seen: number[] = [];
    class Log {
      handle(event: Counted) {
        seen.push(event.n);
      }
    }
    const mediator = createMediator({ slices: [defineSlice({ name: 'log', handlers: [on(Counted, Log)] })] });

    await mediator.publish(new Counted(3));

    expect(seen).toEqual([3]);
  });
});
