import { beforeEach, describe, expect, it } from 'vitest';
import { type Database, InvalidColumnsError } from './index.js';
import { freshDb, storages } from './testing.test-util.js';

let db: Database;

describe.each(storages)('%s', (storage) => {
  beforeEach(() => {
    db = freshDb(storage);
    db.table('trees').insertAll(
      [
        { id: 1, name: 'Oak', species: 'Quercus' },
        { id: 2, name: 'Ash', species: 'Fraxinus' },
        { id: 3, name: 'Holm', species: null },
        { id: 4, name: 'Cork', species: 'Quercus' },
      ],
      { pk: 'id' },
    );
    db.table('trees').createIndex(['name']);
  });

  describe('Table.extract', () => {
    it('moves distinct values into a lookup table and replaces the column by a foreign key in its place', () => {
      db.table('trees').extract('species');

      expect(db.table('species').rowsWhere()).toEqual([
        { id: 1, species: 'Quercus' },
        { id: 2, species: 'Fraxinus' },
        { id: 3, species: null },
      ]);
      expect(db.table('trees').rowsWhere()).toEqual([
        { id: 1, name: 'Oak', species_id: 1 },
        { id: 2, name: 'Ash', species_id: 2 },
        { id: 3, name: 'Holm', species_id: 3 },
        { id: 4, name: 'Cork', species_id: 1 },
      ]);
      expect(db.table('trees').foreignKeys).toEqual([
        { column: 'species_id', otherTable: 'species', otherColumn: 'id' },
      ]);
      expect(db.table('trees').indexes.map((index) => index.name)).toEqual(['idx_trees_name']);
      expect(db.table('species').indexes.map((index) => [index.columns, index.unique])).toEqual([[['species'], true]]);
    });

    it('names the table and column as asked, renames the values column, and reuses an existing lookup table', () => {
      db.table('kinds').create({ id: 'INTEGER', latin: 'TEXT' }, { pk: 'id' });
      db.table('kinds').insert({ id: 9, latin: 'Quercus' });

      db.table('trees').extract(['species'], { table: 'kinds', fkColumn: 'kind', rename: { species: 'latin' } });

      expect(db.table('trees').rowsWhere('id IN (1, 4)')).toEqual([
        { id: 1, name: 'Oak', kind: 9 },
        { id: 4, name: 'Cork', kind: 9 },
      ]);
      expect(db.table('kinds').count).toBe(3);
    });

    it('refuses a column the table lacks and changes nothing', () => {
      expect(() => db.table('trees').extract('genus')).toThrow(InvalidColumnsError);
      expect(db.tableNames()).toEqual(['trees']);
    });
  });

  describe('Table.create with transform', () => {
    it('adds, retypes and drops columns of an existing table, keeping its rows', () => {
      db.table('t').create({ a: 'INTEGER', b: 'TEXT' });
      db.table('t').insert({ a: 1, b: 'x' });

      db.table('t').create({ a: 'TEXT', c: 'INTEGER' }, { transform: true, notNull: ['a'] });

      expect(db.table('t').columns.map((c) => [c.name, c.type, c.notNull])).toEqual([
        ['a', 'TEXT', true],
        ['c', 'INTEGER', false],
      ]);
      expect(db.query('SELECT typeof(a) AS type, a, c FROM t').all()).toEqual([{ type: 'text', a: '1', c: null }]);
    });

    it('leaves a table that already matches untouched', () => {
      db.table('t').create({ a: 'INTEGER', b: 'TEXT' }, { pk: 'a' });
      const before = db.table('t').schema;

      db.table('t').create({ a: 'INTEGER', b: 'TEXT' }, { pk: 'a', transform: true });

      expect(db.table('t').schema).toBe(before);
    });
  });
});
