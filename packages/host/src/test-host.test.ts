import 'reflect-metadata';
import { Database } from '@slicewise/db';
import {
  Command,
  type DispatchContext,
  defineSlice,
  handle,
  NotFoundError,
  Notification,
  on,
  Query,
} from '@slicewise/mediator';
import { Service } from 'typedi';
import { describe, expect, it } from 'vitest';
import { createHost, createTestHost } from './index.js';

class NoteAdded extends Notification {
  constructor(readonly id: number) {
    super();
  }
}
class AddNote extends Command<number> {
  constructor(readonly body: string) {
    super();
  }
}
class GetNote extends Query<string> {
  constructor(readonly id: number) {
    super();
  }
}

@Service()
class AddNoteHandler {
  constructor(private readonly db: Database) {}
  async handle(request: AddNote, context: DispatchContext): Promise<number> {
    const id = this.db.atomic(() =>
      Number(this.db.execute('INSERT INTO notes (body) VALUES (?)', [request.body]).lastInsertRowid),
    );
    await context.publish(new NoteAdded(id));
    return id;
  }
}
@Service()
class GetNoteHandler {
  constructor(private readonly db: Database) {}
  handle(request: GetNote): string {
    const [row] = this.db.table<{ body: string }>('notes').rowsWhere('id = ?', [request.id]);
    if (!row) throw new NotFoundError(`No note ${request.id}`);
    return row.body;
  }
}
class NoteAddedHandler {
  handle(): void {}
}

const notes = defineSlice({
  name: 'notes',
  handlers: [handle(AddNote, AddNoteHandler), handle(GetNote, GetNoteHandler), on(NoteAdded, NoteAddedHandler)],
  migrations: [{ name: '001-create-notes', up: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)' }],
});

describe('createTestHost', () => {
  it('composes slices over a migrated in-memory database and records what was sent and published', async () => {
    const app = createTestHost({ slices: [notes] });

    const id = await app.send(new AddNote('hello'));

    expect(await app.send(new GetNote(id))).toBe('hello');
    expect(app.db.table('notes').countWhere()).toBe(1);
    expect(app.sent).toStrictEqual([new AddNote('hello'), new GetNote(id)]);
    expect(app.published).toStrictEqual([new NoteAdded(id)]);
    app.clear();
    expect(app.sent).toEqual([]);
    app.close();
    expect(app.db.raw.open).toBe(false);
  });
});

describe('createHost onError', () => {
  it('passes the error hook through to the mediator', async () => {
    const seen: string[] = [];
    const host = createHost({
      slices: [notes],
      onError: (error, failure) => {
        seen.push(`${failure.operation} ${failure.message.constructor.name}: ${(error as Error).message}`);
      },
    });

    await expect(host.mediator.send(new GetNote(404))).rejects.toBeInstanceOf(NotFoundError);
    expect(seen).toEqual(['send GetNote: No note 404']);
    host.close();
  });
});
