import 'reflect-metadata';
import { Database } from '@slicewise/db';
import { createHost } from '@slicewise/host';
import { type Delivery, declareEvent, defineSlice, Notification, subscribe } from '@slicewise/mediator';
import { Service } from 'typedi';
import { z } from 'zod';

/** A test event: a note was written. */
export class NoteWritten extends Notification {
  static readonly event = declareEvent({
    type: '@test/notes/NoteWritten',
    payload: z.object({ id: z.number().int(), text: z.string() }),
  });
  constructor(
    readonly id: number,
    readonly text: string,
  ) {
    super();
  }
}

/** Counts each note once per delivery id into `note_counts` (a repeated delivery id fails the PRIMARY KEY). */
@Service()
export class CountNotes {
  constructor(private readonly db: Database) {}
  handle(deliveries: readonly Delivery<NoteWritten>[]): void {
    for (const { event, id } of deliveries) {
      this.db.execute('INSERT INTO note_counts (delivery, note) VALUES (?, ?)', [id, event.id]);
    }
  }
}

const migrations = [
  { name: '001-note-counts', up: 'CREATE TABLE note_counts (delivery TEXT PRIMARY KEY, note INTEGER NOT NULL);' },
];

/** The writer's slice: no subscription; it only publishes. */
export const writerSlice = defineSlice({ name: '@test/writer', migrations: [] });

/** The reader's slice: counts notes from its own log. */
export const readerSlice = defineSlice({
  name: '@test/reader',
  migrations,
  subscriptions: [subscribe([NoteWritten], CountNotes, { name: '@test/reader/count', batch: 100 })],
});

/** Publishes notes `from..to` through the writer's mediator, one transaction each. */
export async function writeNotes(host: ReturnType<typeof createHost>, from: number, to: number): Promise<void> {
  for (let id = from; id <= to; id++) {
    host.db.atomic(() => void host.mediator.publish(new NoteWritten(id, `note ${id}`)));
  }
}

/** The notes the reader counted, in order. */
export const counted = (db: Database) =>
  db
    .query<{ note: number }>('SELECT note FROM note_counts ORDER BY note')
    .all()
    .map((row) => row.note);

/** Polls `check` every 50 ms until it holds or `ms` pass; returns whether it held. */
export async function eventually(check: () => boolean, ms = 10_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}
