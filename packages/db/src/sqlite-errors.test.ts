import { ConflictError, InternalError, NotFoundError, ValidationError } from '@slicewise/errors';
import { describe, expect, it } from 'vitest';
import type { Database } from './index.js';
import { freshDb, storages } from './testing.test-util.js';

let db: Database;

function failure(fn: () => unknown): { code: string; cause: { code: string } } & Error {
  try {
    fn();
  } catch (error) {
    return error as { code: string; cause: { code: string } } & Error;
  }
  throw new Error('expected a failure');
}

describe.each(storages)('SQLite errors (%s)', (storage) => {
  it('reports a unique violation as a ConflictError with the SQLite error as cause', () => {
    db = freshDb(storage);
    db.execute('CREATE TABLE t (email TEXT UNIQUE)');
    db.execute('INSERT INTO t VALUES (?)', ['a@example.com']);

    const error = failure(() => db.execute('INSERT INTO t VALUES (?)', ['a@example.com']));

    expect(error).toBeInstanceOf(ConflictError);
    expect(error.code).toBe('CONFLICT');
    expect(error.cause.code).toBe('SQLITE_CONSTRAINT_UNIQUE');
  });

  it('reports a primary key violation from insert as a ConflictError', () => {
    db = freshDb(storage);
    db.table('t').insert({ id: 1 }, { pk: 'id' });

    const error = failure(() => db.table('t').insert({ id: 1 }));

    expect(error.code).toBe('CONFLICT');
    expect(error.cause.code).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
  });

  it('reports a NOT NULL violation as a ValidationError', () => {
    db = freshDb(storage);
    db.table('t').create({ name: 'TEXT' }, { notNull: ['name'] });

    const error = failure(() => db.table('t').insert({ name: null }));

    expect(error).toBeInstanceOf(ValidationError);
    expect(error.cause.code).toBe('SQLITE_CONSTRAINT_NOTNULL');
  });

  it('reports a missing column in SQL as INTERNAL, with neither SQL nor schema text in its message', () => {
    db = freshDb(storage);
    db.table('users').insert({ email: 'a@example.com' });

    const error = failure(() => db.query('SELECT emial FROM users').all()) as unknown as InternalError;

    expect(error).toBeInstanceOf(InternalError);
    expect(error.message).toBe('A database statement failed (SQLITE_ERROR)');
    expect(error.details).toEqual({
      sqliteCode: 'SQLITE_ERROR',
      sqliteMessage: 'no such column: emial',
      sql: 'SELECT emial FROM users',
    });
    expect((error.cause as Error).message).toBe('no such column: emial');
  });

  it('reports a missing table and a syntax error as INTERNAL without SQL in the message', () => {
    db = freshDb(storage);

    for (const sql of ['SELECT * FROM secrets', 'SELEC password FROM users']) {
      const error = failure(() => db.execute(sql));
      expect(error.code).toBe('INTERNAL');
      expect(error.message).not.toMatch(/secrets|password|users|SELEC/);
    }
  });

  it('reports a value a STRICT table cannot store as a ValidationError', () => {
    db = freshDb(storage);
    db.table('t').create({ n: 'INTEGER' }, { strict: true });

    expect(failure(() => db.table('t').insert({ n: 'x' })).code).toBe('VALIDATION');
  });

  it('reports any other SQLite failure as INTERNAL and a missing row as NOT_FOUND', () => {
    db = freshDb(storage);
    db.table('t').insert({ id: 1 }, { pk: 'id' });

    expect(failure(() => db.execute('SELEC 1'))).toBeInstanceOf(InternalError);
    expect(failure(() => db.table('t').get(2))).toBeInstanceOf(NotFoundError);
  });
});
