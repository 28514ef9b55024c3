import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '@slicewise/db';
import { CompositionError, defineSlice, handle, Query } from '@slicewise/mediator';
import { Service } from 'typedi';
import { afterEach, describe, expect, it } from 'vitest';
import { createHost } from './index.js';

class CountNotes extends Query<number> {}

@Service()
class CountNotesHandler {
  constructor(private readonly db: Database) {}
  handle(): number {
    return this.db.table('notes').countWhere();
  }
}

const notes = defineSlice({
  name: 'notes',
  handlers: [handle(CountNotes, CountNotesHandler)],
  migrations: [
    { name: '001-create-notes', up: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)' },
    { name: '002-welcome-note', up: "INSERT INTO notes (body) VALUES ('welcome')" },
  ],
});

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('createHost', () => {
  it('migrates the slices and answers through handlers that receive the host database', async () => {
    const host = createHost({ slices: [notes] });

    expect(host.applied).toEqual(['notes/001-create-notes', 'notes/002-welcome-note']);
    await expect(host.mediator.send(new CountNotes())).resolves.toBe(1);
    host.close();
  });

  it('applies migrations once across two hosts opening the same file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slicewise-host-'));
    dirs.push(dir);
    const file = join(dir, 'app.db');

    const first = createHost({ slices: [notes], database: file });
    first.close();
    const second = createHost({ slices: [notes], database: file });

    expect(second.applied).toEqual([]);
    await expect(second.mediator.send(new CountNotes())).resolves.toBe(1);
    second.close();
  });

  it("applies a required slice's migrations first when the host lists only the slice that requires it", async () => {
    const reader = defineSlice({
      name: 'notes-reader',
      requires: [notes],
      migrations: [{ name: '001-index', up: 'CREATE INDEX notes_body ON notes (body)' }],
    });

    const host = createHost({ slices: [reader] });

    expect(host.applied).toEqual(['notes/001-create-notes', 'notes/002-welcome-note', 'notes-reader/001-index']);
    await expect(host.mediator.send(new CountNotes())).resolves.toBe(1);
    host.close();
  });

  it('keeps a database it was given open when it closes', () => {
    const db = new Database();
    const host = createHost({ slices: [notes], database: db });
    host.close();

    expect(db.raw.open).toBe(true);
  });

  it('fails to start, writing nothing, when the slices do not compose', () => {
    const db = new Database();

    expect(() => createHost({ slices: [notes, notes], database: db })).toThrow(CompositionError);
    expect(db.tableNames()).toEqual([]);
  });
});
