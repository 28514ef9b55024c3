import { describe, expect, it } from 'vitest';
import { InvalidColumnsError } from './index.js';
import { freshDb, storages } from './testing.test-util.js';

describe.each(storages)('sqlite-utils parity (%s)', (storage) => {
  it('matches column names without regard to case, as SQLite does, in insert, update and upsert', () => {
    const db = freshDb(storage);
    const t = db.table('t').insert({ id: 1, name: 'a' }, { pk: 'id' });

    t.insert({ id: 2, Name: 'P' }, { alter: true });
    t.insert({ id: 3, NAME: 'Q' });
    t.update(1, { nAmE: 'b' }, { alter: true });
    t.upsert({ id: 3, Name: 'R' }, { alter: true });

    expect(t.columns.map((column) => column.name)).toEqual(['id', 'name']);
    expect(t.rowsWhere().map((row) => row.name)).toEqual(['b', 'P', 'R']);
    expect(() => t.insert({ id: 4, other: 1 })).toThrow(InvalidColumnsError);
  });

  it('lets lookup use a unique index made beforehand, and add one beside a non-unique index', () => {
    const db = freshDb(storage);
    const unique = db.table('u').insert({ id: 1, name: 'Oak' }, { pk: 'id' });
    unique.createIndex(['name'], { unique: true });
    const plain = db.table('p').insert({ id: 1, name: 'Oak' }, { pk: 'id' });
    plain.createIndex(['name']);

    expect(unique.lookup({ name: 'Ash' })).toBe(2);
    expect(plain.lookup({ name: 'Oak' })).toBe(1);
    expect(unique.indexes.map((index) => index.name)).toEqual(['idx_u_name']);
    expect(plain.indexes.map((index) => [index.name, index.unique]).sort()).toEqual([
      ['idx_p_name', false],
      ['idx_p_name_2', true],
    ]);
  });

  it('finds a free index name when asked', () => {
    const db = freshDb(storage);
    const t = db.table('my table').insert({ a: 1 });

    expect(t.createIndex(['a'])).toBe('idx_my_table_a');
    expect(t.createIndex(['a'], { findUniqueName: true })).toBe('idx_my_table_a_2');
    expect(t.createIndex(['a'], { findUniqueName: true })).toBe('idx_my_table_a_3');
  });

  it('creates columns named in columnTypes that the rows lack, and takes bool as a type', () => {
    const db = freshDb(storage);
    const t = db.table('t').insert({ a: 1 }, { columnTypes: { note: 'TEXT', flag: 'bool' as 'INTEGER' } });

    expect(t.columnTypes).toEqual({ a: 'INTEGER', note: 'TEXT', flag: 'INTEGER' });
    expect(db.table('b').create({ on: 'bool' }).columnTypes).toEqual({ on: 'INTEGER' });
  });

  it('takes transform notNull as a list of columns', () => {
    const db = freshDb(storage);
    const t = db.table('t').insert({ a: 1, b: 'x' });

    t.transform({ notNull: ['b'] });

    expect(t.columns.map((column) => column.notNull)).toEqual([false, true]);
  });

  it('names FTS triggers as sqlite-utils does, and drops those of older versions too', () => {
    const db = freshDb(storage);
    const docs = db.table('docs').insert({ title: 'WAL mode' });
    db.execute('CREATE TRIGGER docs_fts_ai AFTER INSERT ON docs BEGIN SELECT 1; END');

    docs.enableFts(['title']);
    const triggers = () => db.query("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all();
    expect(triggers()).toEqual([
      { name: 'docs_ad' },
      { name: 'docs_ai' },
      { name: 'docs_au' },
      { name: 'docs_fts_ai' },
    ]);
    docs.disableFts();
    expect(triggers()).toEqual([]);
  });
});
