import { describe, expect, it } from 'vitest';
import { Database } from './index.js';

interface UserRow {
  id: number;
  name: string;
  active: boolean | number;
}

describe('Table', () => {
  it('creates the table from the rows on first insertAll, with inferred column types', () => {
    const db = new Database();
    db.table('things').insertAll([{ id: 1, name: 'a', score: 1.5, flag: true, at: new Date(0), tags: ['x'] }], {
      pk: 'id',
    });

    expect(db.query('SELECT name, type, pk FROM pragma_table_info(?)', ['things']).all()).toEqual([
      { name: 'id', type: 'INTEGER', pk: 1 },
      { name: 'name', type: 'TEXT', pk: 0 },
      { name: 'score', type: 'REAL', pk: 0 },
      { name: 'flag', type: 'INTEGER', pk: 0 },
      { name: 'at', type: 'TEXT', pk: 0 },
      { name: 'tags', type: 'TEXT', pk: 0 },
    ]);
    expect(db.table('things').rowsWhere()).toEqual([
      { id: 1, name: 'a', score: 1.5, flag: 1, at: '1970-01-01T00:00:00.000Z', tags: '["x"]' },
    ]);
  });

  it('widens a column mixing integers and reals to REAL, and anything else to TEXT', () => {
    const db = new Database();
    db.table('m').insertAll([
      { n: 1, s: 1 },
      { n: 2.5, s: 'two' },
    ]);

    expect(db.query('SELECT name, type FROM pragma_table_info(?)', ['m']).all()).toEqual([
      { name: 'n', type: 'REAL' },
      { name: 's', type: 'TEXT' },
    ]);
  });

  it('returns only the rows a bound WHERE clause matches, in order, paged', () => {
    const db = new Database();
    const users = db.table<UserRow>('users');
    users.insertAll(
      [
        { id: 1, name: 'Alice', active: true },
        { id: 2, name: 'Bob', active: false },
        { id: 3, name: 'Carol', active: true },
      ],
      { pk: 'id' },
    );

    expect(users.rowsWhere('active = ?', [1], { orderBy: 'id' }).map((u) => u.name)).toEqual(['Alice', 'Carol']);
    expect(users.rowsWhere('active = ?', [1], { orderBy: 'id', limit: 1, offset: 1 })).toEqual([
      { id: 3, name: 'Carol', active: 1 },
    ]);
    expect(users.countWhere('active = ?', [0])).toBe(1);
  });

  it('inserts in batches and keeps the batches before a failing one', () => {
    const db = new Database();
    const table = db.table<{ id: number }>('t');
    const rows = [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 3 }];

    expect(() => table.insertAll(rows, { pk: 'id', batchSize: 2 })).toThrow(/Already exists/);
    expect(table.rowsWhere(undefined, [], { orderBy: 'id' })).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('stores hostile table names and values as data, never as SQL', () => {
    const db = new Database();
    const name = 'x"; DROP TABLE victims; --';
    db.execute('CREATE TABLE victims (id INTEGER)');
    db.table(name).insert({ 'col"; --': "'); DELETE FROM victims; --" });

    expect(db.tableNames()).toEqual(['victims', name]);
    expect(db.table(name).rowsWhere()).toEqual([{ 'col"; --': "'); DELETE FROM victims; --" }]);
  });
});
