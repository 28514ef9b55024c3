import { NotFoundError } from '@slicewise/errors';
import { describe, expect, it } from 'vitest';
import type { Database } from './index.js';
import { freshDb, storages } from './testing.test-util.js';

let db: Database;
const stored = (table: string, column: string) =>
  db.query(`SELECT typeof("${column}") AS type, "${column}" AS value FROM "${table}" ORDER BY rowid`).all();

describe.each(storages)('binding values (%s)', (storage) => {
  describe('integers', () => {
    it('stores an integral number as an integer where the column would keep a double (TEXT, untyped)', () => {
      db = freshDb(storage);
      db.table('t').insertAll([{ v: 1 }, { v: 'a' }]);
      db.execute('CREATE TABLE u (x)');
      db.table('u').insert({ x: 3 });

      expect(stored('t', 'v')).toEqual([
        { type: 'text', value: '1' },
        { type: 'text', value: 'a' },
      ]);
      expect(stored('u', 'x')).toEqual([{ type: 'integer', value: 3 }]);
    });

    it('finds a TEXT primary key written as a number by get, rowsWhere, upsert and lookup', () => {
      db = freshDb(storage);
      const codes = db.table('codes').create({ code: 'TEXT', v: 'TEXT' }, { pk: 'code' });
      codes.insert({ code: 7, v: 'a' });

      expect(codes.get(7)).toEqual({ code: '7', v: 'a' });
      expect(codes.rowsWhere('code = ?', [7])).toEqual([{ code: '7', v: 'a' }]);
      codes.upsert({ code: 7, v: 'b' });
      expect(codes.lookup({ code: 7 })).toBe('7');
      codes.update(7, { v: 'c' });
      expect(codes.rowsWhere()).toEqual([{ code: '7', v: 'c' }]);
      codes.delete(7);
      expect(codes.count).toBe(0);
    });

    it('binds integers in query, execute, countWhere and deleteWhere params', () => {
      db = freshDb(storage);
      db.execute('CREATE TABLE t (c TEXT)');
      db.execute('INSERT INTO t VALUES (?)', [12]);

      expect(db.query('SELECT typeof(?) AS k, c FROM t WHERE c = ?', [5, 12]).all()).toEqual([
        { k: 'integer', c: '12' },
      ]);
      expect(db.table('t').countWhere('c = ?', [12])).toBe(1);
      expect(db.table('t').deleteWhere('c = ?', [12])).toBe(1);
    });

    it('keeps a fraction, and a whole number past 2^63, a real', () => {
      db = freshDb(storage);
      db.execute('CREATE TABLE t (x)');
      db.table('t').insertAll([{ x: 1.5 }, { x: 2 ** 70 }]);

      expect(stored('t', 'x').map((row) => row.type)).toEqual(['real', 'real']);
      expect(db.table('t').columnTypes).toEqual({ x: '' });
      expect(db.table('n').insert({ x: 2 ** 70 }).columnTypes).toEqual({ x: 'REAL' });
    });
  });

  describe('query params', () => {
    it('converts booleans, dates and objects as writes do', () => {
      db = freshDb(storage);
      db.table('t').insertAll([
        { flag: true, at: new Date('2024-01-02T00:00:00Z'), tags: ['a'] },
        { flag: false, at: new Date('2023-01-01T00:00:00Z'), tags: [] },
      ]);

      expect(db.table('t').rowsWhere('flag = ?', [true])).toHaveLength(1);
      expect(db.table('t').rowsWhere('at >= ?', [new Date('2024-01-01T00:00:00Z')])).toHaveLength(1);
      expect(db.table('t').countWhere('tags = ?', [['a']])).toBe(1);
      expect(db.query('SELECT ? AS b', [false]).first()).toEqual({ b: 0 });
    });

    it('pages with named params', () => {
      db = freshDb(storage);
      db.table('t').insertAll([{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }]);

      const rows = db.table('t').rowsWhere('a > :min', { min: 1 }, { orderBy: 'a', limit: 2, offset: 1 });

      expect(rows).toEqual([{ a: 3 }, { a: 4 }]);
      expect(db.table('t').rowsWhere('a > ?', [1], { orderBy: 'a', limit: 1 })).toEqual([{ a: 2 }]);
    });
  });

  describe('safeIntegers', () => {
    const big = 2n ** 60n + 1n;

    it('reads integers as bigint per database, query or table handle; numbers otherwise', () => {
      db = freshDb(storage);
      db.table('t').insert({ id: 1, v: big }, { pk: 'id' });

      expect(db.table('t').get(1)).toEqual({ id: 1, v: Number(big) });
      expect(db.query('SELECT v FROM t', [], { safeIntegers: true }).first()).toEqual({ v: big });
      const exact = db.table('t', { safeIntegers: true });
      expect(exact.get(1)).toEqual({ id: 1n, v: big });
      expect(exact.rowsWhere('v = ?', [big])).toEqual([{ id: 1n, v: big }]);
      expect([...exact.rows]).toEqual([{ id: 1n, v: big }]);
      expect(db.table('t').rowsWhere('v = ?', [big])).toEqual([{ id: 1, v: Number(big) }]);
    });

    it('reads bigints everywhere when the database says so, unless a handle says otherwise', () => {
      db = freshDb(storage, { safeIntegers: true });
      db.table('t').insert({ id: 1, v: big }, { pk: 'id' });

      expect(db.table('t').get(1)).toEqual({ id: 1n, v: big });
      expect(db.table('t', { safeIntegers: false }).get(1)).toEqual({ id: 1, v: Number(big) });
    });
  });

  describe('missing tables and rows', () => {
    it('answers NOT_FOUND for update and delete on a missing table, as get does', () => {
      db = freshDb(storage);

      for (const action of [
        () => db.table('nothing').get(1),
        () => db.table('nothing').update(1, { v: 1 }),
        () => db.table('nothing').delete(1),
      ]) {
        expect(action).toThrow(NotFoundError);
      }
    });

    it('sets lastPk on update, even with no changes', () => {
      db = freshDb(storage);
      const t = db.table('t').insertAll(
        [
          { id: 1, v: 1 },
          { id: 2, v: 2 },
        ],
        { pk: 'id' },
      );

      t.update(1, {});
      expect(t.lastPk).toBe(1);
      expect(() => t.update(3, {})).toThrow(NotFoundError);
    });
  });
});
