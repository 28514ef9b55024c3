import { ConflictError } from '@slicewise/errors';
import { beforeEach, describe, expect, it } from 'vitest';
import { AlterError, type Database, InvalidColumnsError } from './index.js';
import { freshDb, storages } from './testing.test-util.js';

let db: Database;
describe.each(storages)('%s', (storage) => {
  beforeEach(() => {
    db = freshDb(storage);
  });

  describe('Table.create', () => {
    it('creates a table with types, pk, NOT NULL, defaults and foreign keys', () => {
      db.table('authors').create({ id: 'integer', name: 'str' }, { pk: 'id' });
      db.table('books').create(
        { id: 'INTEGER', title: 'TEXT', author_id: 'INTEGER', price: 'float', cover: 'bytes' },
        {
          pk: 'id',
          notNull: ['title'],
          defaults: { price: 9.5 },
          foreignKeys: [{ column: 'author_id', otherTable: 'authors' }],
        },
      );
      db.table('authors').insert({ id: 1, name: 'Ann' });
      db.table('books').insert({ id: 1, title: 'T', author_id: 1 });

      expect(db.table('books').get(1)).toEqual({ id: 1, title: 'T', author_id: 1, price: 9.5, cover: null });
      expect(db.table('authors').columnTypes).toEqual({ id: 'INTEGER', name: 'TEXT' });
      expect(() => db.table('books').insert({ id: 2, title: 'U', author_id: 99 })).toThrow(ConflictError);
    });

    it('creates a STRICT table that enforces types, and leaves or replaces an existing one when asked', () => {
      db.table('s').create({ n: 'INTEGER' }, { strict: true });
      expect(() => db.table('s').insert({ n: 'not a number' })).toThrow(/cannot store TEXT/);

      db.table('s').create({ other: 'TEXT' }, { ifNotExists: true });
      expect(db.table('s').columnTypes).toEqual({ n: 'INTEGER' });
      db.table('s').create({ other: 'TEXT' }, { replace: true });
      expect(db.table('s').columnTypes).toEqual({ other: 'TEXT' });
      expect(() => db.table('s').create({ x: 'TEXT' })).toThrow(
        expect.objectContaining({
          code: 'INTERNAL',
          details: expect.objectContaining({ sqliteMessage: expect.stringMatching(/already exists/) }),
        }),
      );
    });

    it('rejects unknown types, unknown columns in options and missing foreign key targets', () => {
      expect(() => db.table('t').create({ a: 'VARCHAR' })).toThrow(InvalidColumnsError);
      expect(() => db.table('t').create({ a: 'TEXT' }, { notNull: ['b'] })).toThrow(InvalidColumnsError);
      expect(() => db.table('t').create({ a: 'TEXT' }, { pk: 'b' })).toThrow(InvalidColumnsError);
      expect(() =>
        db.table('t').create({ a: 'INTEGER' }, { foreignKeys: [{ column: 'a', otherTable: 'nowhere' }] }),
      ).toThrow(AlterError);
      expect(db.tableNames()).toEqual([]);
    });
  });

  describe('Table.createIndex', () => {
    it('creates named, unique and if-not-exists indexes and rejects unknown columns', () => {
      const t = db.table('t');
      t.insertAll([{ a: 1, b: 2 }]);

      expect(t.createIndex(['a', 'b'])).toBe('idx_t_a_b');
      expect(t.createIndex(['b'], { name: 'by_b', unique: true })).toBe('by_b');
      expect(t.createIndex(['b'], { name: 'by_b', ifNotExists: true })).toBe('by_b');
      expect(() => t.createIndex(['nope'])).toThrow(InvalidColumnsError);
      expect(t.indexes.map((index) => [index.name, index.columns, index.unique])).toEqual([
        ['idx_t_a_b', ['a', 'b'], false],
        ['by_b', ['b'], true],
      ]);
      expect(() => t.insert({ a: 9, b: 2 })).toThrow(ConflictError);
    });
  });

  describe('Table.addColumn and addForeignKey', () => {
    it('adds a column, NOT NULL with a default for existing rows', () => {
      const t = db.table('t');
      t.insert({ a: 1 });

      t.addColumn('b', 'INTEGER', { notNullDefault: 0 }).addColumn('c');

      expect(t.rowsWhere()).toEqual([{ a: 1, b: 0, c: null }]);
      expect(t.columnTypes).toEqual({ a: 'INTEGER', b: 'INTEGER', c: 'TEXT' });
      expect(() => db.table('missing').addColumn('x')).toThrow(AlterError);
    });

    it('adds a foreign key, keeping the rows, and SQLite enforces it afterwards', () => {
      db.table('teams').insertAll([{ id: 1, name: 'Red' }], { pk: 'id' });
      db.table('players').insertAll([{ id: 1, team_id: 1 }], { pk: 'id' });

      db.table('players').addForeignKey('team_id', 'teams');

      expect(db.table('players').foreignKeys).toEqual([{ column: 'team_id', otherTable: 'teams', otherColumn: 'id' }]);
      expect(db.table('players').rowsWhere()).toEqual([{ id: 1, team_id: 1 }]);
      expect(() => db.table('players').insert({ id: 2, team_id: 5 })).toThrow(ConflictError);
      expect(() => db.table('players').addForeignKey('team_id', 'teams')).toThrow(AlterError);
      expect(() => db.table('players').addForeignKey('nope', 'teams')).toThrow(InvalidColumnsError);
    });

    it('refuses a foreign key the existing rows violate and leaves the table as it was', () => {
      db.table('teams').insertAll([{ id: 1 }], { pk: 'id' });
      db.table('players').insertAll([{ id: 1, team_id: 2 }], { pk: 'id' });

      expect(() => db.table('players').addForeignKey('team_id', 'teams')).toThrow(ConflictError);
      expect(db.table('players').foreignKeys).toEqual([]);
      expect(db.table('players').rowsWhere()).toEqual([{ id: 1, team_id: 2 }]);
    });

    it('adds a column that is a foreign key', () => {
      db.table('teams').insertAll([{ id: 1 }], { pk: 'id' });
      db.table('players').insertAll([{ id: 1 }], { pk: 'id' });

      db.table('players').addColumn('team_id', 'INTEGER', { fk: 'teams' });

      expect(db.table('players').foreignKeys).toEqual([{ column: 'team_id', otherTable: 'teams', otherColumn: 'id' }]);
    });
  });

  describe('Table.drop', () => {
    it('drops a table, and a missing one only when not ignored', () => {
      db.table('t').insert({ a: 1 });

      db.table('t').drop();

      expect(db.tableNames()).toEqual([]);
      expect(() => db.table('t').drop()).toThrow(
        expect.objectContaining({
          code: 'INTERNAL',
          details: expect.objectContaining({ sqliteMessage: expect.stringMatching(/no such table/) }),
        }),
      );
      expect(() => db.table('t').drop({ ignore: true })).not.toThrow();
    });
  });
});
