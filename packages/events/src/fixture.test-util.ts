import 'reflect-metadata';
import { Database, migrate } from '@slicewise/db';
import { createMediator, type Delivery, declareEvent, Notification, type Slice } from '@slicewise/mediator';
import { ContainerInstance, Service } from 'typedi';
import { z } from 'zod';
import { EventLog, type EventLogOptions } from './event-log.js';
import { eventLogMigrations, eventLogSet } from './schema.js';

/** A test event: a note was written. */
export class NoteWritten extends Notification {
  static readonly event = declareEvent({
    type: 'test/NoteWritten',
    payload: z.object({ id: z.number().int(), text: z.string() }),
  });
  constructor(
    readonly id: number,
    readonly text: string,
  ) {
    super();
  }
}

/** Another test event, which the note counter does not take. */
export class NoteRead extends Notification {
  static readonly event = declareEvent({ type: 'test/NoteRead', payload: z.object({ id: z.number().int() }) });
  constructor(readonly id: number) {
    super();
  }
}

/** An exactly-once subscriber counting notes into `note_counts`; fails on notes whose text is `boom`. */
@Service()
export class CountNotes {
  batches: number[] = [];
  constructor(private readonly db: Database) {}
  handle(deliveries: readonly Delivery<NoteWritten>[]): void {
    this.batches.push(deliveries.length);
    for (const { event, id } of deliveries) {
      if (event.text === 'boom') throw new Error(`cannot count note ${event.id}`);
      this.db.execute('INSERT INTO note_counts (note, delivery) VALUES (?, ?)', [event.id, id]);
    }
  }
}

export const noteMigrations = [
  {
    name: '001-notes',
    up: `CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);
         CREATE TABLE note_counts (note INTEGER NOT NULL, delivery TEXT NOT NULL);`,
  },
];

/** A host in miniature (createHost lives in a package that depends on this one): db, log, mediator, slices. */
export function miniHost(slices: readonly Slice[], db = new Database(':memory:'), options: EventLogOptions = {}) {
  const container = new ContainerInstance(`events-test-${++count}`);
  container.set({ id: Database, value: db });
  const events = new EventLog(db, options);
  container.set({ id: EventLog, value: events });
  const mediator = createMediator({ slices, container, eventSink: events });
  migrate(db, eventLogSet, eventLogMigrations);
  for (const slice of mediator.slices) {
    db.atomic(() => {
      migrate(db, slice.name, slice.migrations ?? []);
      events.attach(mediator.subscriptions.filter((subscription) => subscription.slice === slice.name));
    });
  }
  return { db, events, mediator, container };
}

let count = 0;
