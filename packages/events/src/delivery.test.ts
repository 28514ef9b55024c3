import 'reflect-metadata';
import { Database } from '@slicewise/db';
import { type Delivery, declareEvent, defineSlice, Notification, subscribe } from '@slicewise/mediator';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { miniHost } from './fixture.test-util.js';

/** Version 2 of an event whose v1 payload had one `name`: it now has `first` and `last`. */
class PersonAdded extends Notification {
  static readonly event = declareEvent({
    type: 'test/PersonAdded',
    version: 2,
    payload: z.object({ first: z.string(), last: z.string() }),
    upcast: {
      1: (v1) => {
        const [first = '', ...rest] = String((v1 as { name: string }).name).split(' ');
        return { first, last: rest.join(' ') };
      },
    },
  });
  constructor(
    readonly first: string,
    readonly last: string,
  ) {
    super();
  }
  get full(): string {
    return `${this.first} ${this.last}`;
  }
}

const seen: string[] = [];
class RecordPeople {
  handle(deliveries: readonly Delivery<PersonAdded>[]) {
    for (const { event } of deliveries) seen.push(event instanceof PersonAdded ? event.full : 'not decoded');
  }
}

const people = (delivery: 'exactly-once' | 'at-least-once' = 'exactly-once') =>
  defineSlice({
    name: 'people',
    subscriptions: [subscribe([PersonAdded], RecordPeople, { name: 'people/record', delivery, maxAttempts: 1 })],
  });

const storeRaw = (db: Database, version: number, payload: unknown) =>
  db.execute(
    "INSERT INTO _slicewise_events (type, version, payload, occurred_at) VALUES ('test/PersonAdded', ?, ?, ?)",
    [version, JSON.stringify(payload), Date.now()],
  );

describe('decoding', () => {
  it('upcasts a v1 payload written by an older release to v2, and builds an instance of the class', () => {
    seen.length = 0;
    const host = miniHost([people()]);
    storeRaw(host.db, 1, { name: 'Ada King Lovelace' });
    storeRaw(host.db, 2, { first: 'Grace', last: 'Hopper' });

    host.events.catchUp();

    expect(seen).toEqual(['Ada King Lovelace', 'Grace Hopper']);
  });

  it('parks an event newer than this release knows, or one its schema rejects, saying why', () => {
    seen.length = 0;
    const host = miniHost([people()]);
    storeRaw(host.db, 3, { first: 'From', last: 'Future' });
    storeRaw(host.db, 2, { first: 42 });

    host.events.catchUp();

    expect(seen).toEqual([]);
    expect(host.events.parked().map((parked) => parked.error)).toEqual([
      'Event test/PersonAdded v3 at position 1 is newer than this release of PersonAdded knows (v2)',
      expect.stringMatching(/^Event test\/PersonAdded v2 at position 2 does not match its payload schema: first: /),
    ]);
  });
});

describe('at-least-once subscriptions', () => {
  it('run an asynchronous handler outside the transaction and advance the checkpoint after it', async () => {
    seen.length = 0;
    const host = miniHost([people('at-least-once')]);
    await host.mediator.publish(new PersonAdded('Alan', 'Turing'));

    await host.events.drain();

    expect(seen).toEqual(['Alan Turing']);
    expect(host.events.status()[0]).toMatchObject({ position: 1, lag: 0 });
  });

  it('leave a batch leased by another live process alone, and take it over once the lease expired', async () => {
    seen.length = 0;
    const db = new Database(':memory:');
    const host = miniHost([people('at-least-once')], db);
    await host.mediator.publish(new PersonAdded('Barbara', 'Liskov'));
    db.execute("UPDATE _slicewise_subscriptions SET lease_owner = 'elsewhere', lease_until = ?", [Date.now() + 60_000]);

    await host.events.drain();
    expect(seen).toEqual([]);

    db.execute('UPDATE _slicewise_subscriptions SET lease_until = ?', [Date.now() - 1]);
    await host.events.drain();
    expect(seen).toEqual(['Barbara Liskov']);
  });

  it('refuse an exactly-once handler that returns a promise, parking the event with the reason', () => {
    class AsyncByMistake {
      async handle() {}
    }
    const slice = defineSlice({
      name: 'wrong',
      subscriptions: [subscribe([PersonAdded], AsyncByMistake, { name: 'wrong/async', maxAttempts: 1 })],
    });
    const host = miniHost([slice]);
    storeRaw(host.db, 2, { first: 'A', last: 'B' });

    host.events.catchUp();

    expect(host.events.parked()[0]?.error).toMatch(/returned a promise: make it synchronous/);
  });
});
