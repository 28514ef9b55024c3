import { NotFoundError, ValidationError } from '@slicewise/errors';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Database, InvalidColumnsError } from './index.js';
import { freshDb, storages } from './testing.test-util.js';

let db: Database;
describe.each(storages)('%s', (storage) => {
  beforeEach(() => {
    db = freshDb(storage);
  });

  const tableInfo = (name: string) =>
    db.query('SELECT name, type, pk, "notnull", dflt_value FROM pragma_table_info(?)', [name]).all();

  describe('Table.insertAll', () => {
    it('creates the table from the rows on first insert, with inferred column types', () => {
      db.table('things').insertAll(
        [{ id: 1, name: 'a', score: 1.5, flag: true, at: new Date(0), tags: ['x'], data: Buffer.from([1, 2]) }],
        {
          pk: 'id',
        },
      );

      expect(tableInfo('things').map((c) => [c.name, c.type, c.pk])).toEqual([
        ['id', 'INTEGER', 1],
        ['name', 'TEXT', 0],
        ['score', 'REAL', 0],
        ['flag', 'INTEGER', 0],
        ['at', 'TEXT', 0],
        ['tags', 'TEXT', 0],
        ['data', 'BLOB', 0],
      ]);
      expect(db.table('things').rowsWhere()).toEqual([
        {
          id: 1,
          name: 'a',
          score: 1.5,
          flag: 1,
          at: '1970-01-01T00:00:00.000Z',
          tags: '["x"]',
          data: Buffer.from([1, 2]),
        },
      ]);
    });

    it('widens a mixed column as sqlite-utils does: integers and reals make REAL, anything else TEXT, nulls say nothing', () => {
      db.table('m').insertAll([
        { n: 1, s: 1, z: null, k: null },
        { n: 2.5, s: 'two', z: null, k: 3 },
      ]);

      expect(tableInfo('m').map((c) => [c.name, c.type])).toEqual([
        ['n', 'REAL'],
        ['s', 'TEXT'],
        ['z', 'TEXT'],
        ['k', 'INTEGER'],
      ]);
    });

    it('applies columnTypes, notNull, defaults, a compound pk and adds a missing integer pk', () => {
      db.table('a').insertAll([{ x: 1, y: 'b', n: 5 }], {
        pk: ['x', 'y'],
        columnTypes: { n: 'TEXT' },
        notNull: ['n'],
        defaults: { n: 'none' },
      });
      db.table('b').insert({ name: 'auto' }, { pk: 'id' });

      expect(tableInfo('a')).toEqual([
        { name: 'x', type: 'INTEGER', pk: 1, notnull: 0, dflt_value: null },
        { name: 'y', type: 'TEXT', pk: 2, notnull: 0, dflt_value: null },
        { name: 'n', type: 'TEXT', pk: 0, notnull: 1, dflt_value: "'none'" },
      ]);
      expect(db.table('b').rowsWhere()).toEqual([{ id: 1, name: 'auto' }]);
    });

    it('rejects columns the table lacks unless alter adds them', () => {
      const t = db.table('t');
      t.insert({ a: 1 });

      expect(() => t.insert({ a: 2, b: 'x' })).toThrow(InvalidColumnsError);
      expect(t.count).toBe(1);
      t.insertAll([{ a: 3, b: 'x', c: 1.5 }], { alter: true });
      expect(t.columnTypes).toEqual({ a: 'INTEGER', b: 'TEXT', c: 'REAL' });
      expect(t.rowsWhere('a = 3')).toEqual([{ a: 3, b: 'x', c: 1.5 }]);
    });

    it('skips or replaces rows whose key exists when asked', () => {
      const t = db.table('t');
      t.insert({ id: 1, v: 'first' }, { pk: 'id' });

      t.insert({ id: 1, v: 'ignored' }, { ignore: true });
      expect(t.get(1)).toEqual({ id: 1, v: 'first' });
      t.insert({ id: 1, v: 'replaced' }, { replace: true });
      expect(t.get(1)).toEqual({ id: 1, v: 'replaced' });
    });

    it('inserts in batched transactions and keeps the batches before a failing one', () => {
      const table = db.table<{ id: number }>('t');

      expect(() => table.insertAll([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 3 }], { pk: 'id', batchSize: 2 })).toThrow(
        /Already exists/,
      );
      expect(table.rowsWhere(undefined, [], { orderBy: 'id' })).toEqual([{ id: 1 }, { id: 2 }]);
    });

    it('splits a batch into statements under the SQLite variable limit', () => {
      const width = 20;
      const rows = Array.from({ length: 5000 }, (_, i) =>
        Object.fromEntries(Array.from({ length: width }, (_, c) => [`c${c}`, i * c])),
      );

      db.table('wide').insertAll(rows, { batchSize: 5000 });

      expect(rows.length * width).toBeGreaterThan(db.variableLimit);
      expect(db.table('wide').count).toBe(5000);
      expect(db.query('SELECT sum(c19) AS s FROM wide').first()).toEqual({ s: 19 * ((4999 * 5000) / 2) });
    });

    it('consumes a generator one batch at a time, writing each batch before reading the next', () => {
      const counts: number[] = [];
      function* rows() {
        for (let i = 0; i < 2500; i++) {
          if (i === 1000 || i === 2000) counts.push(db.table('g').count);
          yield { i };
        }
      }

      db.table('g').insertAll(rows(), { batchSize: 1000 });

      expect(counts).toEqual([1000, 2000]);
      expect(db.table('g').count).toBe(2500);
    });

    it('records the last rowid and primary key', () => {
      const t = db.table('t');
      t.insertAll([{ name: 'a' }, { name: 'b' }]);
      expect([t.lastRowid, t.lastPk]).toEqual([2, 2]);

      const k = db.table('k');
      k.insert({ code: 'x1', n: 1 }, { pk: 'code' });
      expect([k.lastRowid, k.lastPk]).toEqual([1, 'x1']);
    });

    it('stores hostile table names, column names and values as data, never as SQL', () => {
      const name = 'x"; DROP TABLE victims; --';
      db.execute('CREATE TABLE victims (id INTEGER)');
      db.table(name).insert({ 'col"; --': "'); DELETE FROM victims; --", "[b]`c'": 'Robert"); DROP TABLE victims;--' });

      expect(db.tableNames()).toEqual(['victims', name]);
      expect(db.table(name).rowsWhere()).toEqual([
        { 'col"; --': "'); DELETE FROM victims; --", "[b]`c'": 'Robert"); DROP TABLE victims;--' },
      ]);
      expect(() => db.table('').insert({ a: 1 })).toThrow(/Invalid SQL identifier/);
      expect(() => db.table('t').insert({ 'a\0b': 1 })).toThrow(/Invalid SQL identifier/);
      expect(() => db.table('t').create({ a: 'TEXT); DROP TABLE victims; --' })).toThrow(InvalidColumnsError);
      expect(db.tableNames()).toEqual(['victims', name]);
    });
  });

  describe('Table.upsert', () => {
    it('inserts a new row and updates only the given columns of an existing one', () => {
      const t = db.table('users');
      t.insert({ id: 1, name: 'Alice', email: 'a@x', visits: 1 }, { pk: 'id' });

      t.upsert({ id: 1, visits: 2 });
      t.upsert({ id: 2, name: 'Bob' });

      expect(t.rowsWhere(undefined, [], { orderBy: 'id' })).toEqual([
        { id: 1, name: 'Alice', email: 'a@x', visits: 2 },
        { id: 2, name: 'Bob', email: null, visits: null },
      ]);
    });

    it('creates the table when needed and upserts many rows by a compound key', () => {
      const t = db.table('scores');
      t.upsertAll([{ game: 'g', player: 'p', score: 1 }], { pk: ['game', 'player'] });
      t.upsertAll([
        { game: 'g', player: 'p', score: 5 },
        { game: 'g', player: 'q', score: 3 },
      ]);

      expect(t.rowsWhere(undefined, [], { orderBy: 'player' })).toEqual([
        { game: 'g', player: 'p', score: 5 },
        { game: 'g', player: 'q', score: 3 },
      ]);
    });

    it('updates some columns of an existing row even when other columns are NOT NULL without a default', () => {
      const t = db.table('people');
      t.create(
        { id: 'INTEGER', name: 'TEXT', email: 'TEXT', visits: 'INTEGER' },
        { pk: 'id', notNull: ['name', 'email'] },
      );
      t.insert({ id: 1, name: 'Ann', email: 'a@x', visits: 1 });

      t.upsertAll([
        { id: 1, visits: 2 },
        { id: 2, visits: 7, name: 'Bo', email: 'b@x' },
      ]);

      expect(t.rowsWhere(undefined, [], { orderBy: 'id' })).toEqual([
        { id: 1, name: 'Ann', email: 'a@x', visits: 2 },
        { id: 2, name: 'Bo', email: 'b@x', visits: 7 },
      ]);
      expect(() => t.upsert({ id: 3, visits: 1 })).toThrow(ValidationError);
      expect(t.count).toBe(2);
    });

    it('refuses to upsert into a table without a primary key', () => {
      db.table('log').insert({ line: 'a' });

      expect(() => db.table('log').upsert({ line: 'b' })).toThrow(InvalidColumnsError);
    });
  });

  describe('Table.update and delete', () => {
    it('updates the given columns, adds columns with alter, and throws NotFoundError for a missing row', () => {
      const t = db.table('t');
      t.insertAll(
        [
          { id: 1, n: 1, s: 'a' },
          { id: 2, n: 2, s: 'b' },
        ],
        { pk: 'id' },
      );

      t.update(1, { n: 10 }).update(2, { extra: true }, { alter: true });

      expect(t.rowsWhere(undefined, [], { orderBy: 'id' })).toEqual([
        { id: 1, n: 10, s: 'a', extra: null },
        { id: 2, n: 2, s: 'b', extra: 1 },
      ]);
      expect(() => t.update(3, { n: 1 })).toThrow(NotFoundError);
      expect(() => t.update(3, {})).toThrow(NotFoundError);
    });

    it('deletes one row by pk, many by a WHERE clause, and throws NotFoundError for a missing row', () => {
      const t = db.table('t');
      t.insertAll(
        Array.from({ length: 5 }, (_, i) => ({ id: i + 1, even: (i + 1) % 2 === 0 })),
        { pk: 'id' },
      );

      t.delete(1);
      expect(() => t.delete(1)).toThrow(NotFoundError);
      expect(t.deleteWhere('even = ?', [1])).toBe(2);
      expect(t.rowsWhere()).toEqual([
        { id: 3, even: 0 },
        { id: 5, even: 0 },
      ]);
      expect(t.deleteWhere()).toBe(2);
      expect(db.table('missing').deleteWhere()).toBe(0);
    });
  });

  describe('Table.lookup', () => {
    it('creates the table with an id and a unique index, then returns the same id for the same values', () => {
      const species = db.table('species');

      const first = species.lookup({ name: 'Oak' });
      const second = species.lookup({ name: 'Pine' });
      const again = species.lookup({ name: 'Oak' });

      expect([first, second, again]).toEqual([1, 2, 1]);
      expect(species.indexes).toEqual([
        { name: 'idx_species_name', columns: ['name'], unique: true, origin: 'c', partial: false },
      ]);
    });

    it('stores extra values only with a new row and matches NULL to NULL', () => {
      const t = db.table('places');
      const a = t.lookup({ city: 'Paris', district: null }, { extra: { note: 'first' } });
      const b = t.lookup({ city: 'Paris', district: null }, { extra: { note: 'second' } });

      expect(b).toBe(a);
      expect(t.rowsWhere()).toEqual([{ id: 1, city: 'Paris', district: null, note: 'first' }]);
    });

    it('adds the unique index to an existing table that lacks it', () => {
      db.table('tags').insertAll([{ id: 7, tag: 'red' }], { pk: 'id' });

      expect(db.table('tags').lookup({ tag: 'red' })).toBe(7);
      expect(db.table('tags').indexes.map((index) => index.unique)).toEqual([true]);
    });
  });
});
