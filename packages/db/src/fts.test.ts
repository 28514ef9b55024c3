import { beforeEach, describe, expect, it } from 'vitest';
import { AlterError, type Database, escapeFts, InvalidColumnsError } from './index.js';
import { freshDb, storages } from './testing.test-util.js';

describe.each(storages)('%s', (storage) => {
  let db: Database;
  beforeEach(() => {
    db = freshDb(storage);
    db.table('docs').insertAll(
      [
        { id: 1, title: 'SQLite tips', body: 'Use WAL. WAL is fast.' },
        { id: 2, title: 'Cooking', body: 'Bread and butter' },
        { id: 3, title: 'Databases', body: 'SQLite, Postgres and WAL' },
      ],
      { pk: 'id' },
    );
  });

  describe('Table.enableFts and search', () => {
    it('finds rows by words, best match first', () => {
      const docs = db.table('docs').enableFts(['title', 'body']);

      expect(docs.search('wal').map((row) => row.id)).toEqual([1, 3]);
      expect(docs.search('wal', { select: '"docs".id, "docs".title', limit: 1 })).toEqual([
        { id: 1, title: 'SQLite tips' },
      ]);
      expect(docs.search('bread')).toEqual([{ id: 2, title: 'Cooking', body: 'Bread and butter' }]);
    });

    it('keeps the index in sync on insert, update and delete', () => {
      const docs = db.table('docs').enableFts(['title', 'body']);

      docs.insert({ id: 4, title: 'Jam', body: 'strawberry' });
      docs.update(2, { body: 'strawberry bread' });
      docs.delete(1);

      expect(
        docs
          .search('strawberry')
          .map((row) => row.id)
          .sort(),
      ).toEqual([2, 4]);
      expect(docs.search('tips')).toEqual([]);
    });

    it('refills an index made without triggers, and drops it', () => {
      const docs = db.table('docs').enableFts(['title', 'body'], { createTriggers: false });
      docs.insert({ id: 4, title: 'Jam', body: 'strawberry' });
      expect(docs.search('strawberry')).toEqual([]);

      docs.populateFts();
      expect(docs.search('strawberry').map((row) => row.id)).toEqual([4]);

      docs.disableFts();
      expect(db.tableNames().filter((name) => name.startsWith('docs_fts'))).toEqual([]);
    });

    it('searches hostile or malformed user input as plain text instead of failing', () => {
      const docs = db.table('docs').enableFts(['title', 'body']);

      for (const input of ['"unbalanced', 'AND OR NOT', 'NEAR(', 'body:wal', '*', '  ', "'); DROP TABLE docs; --"]) {
        expect(() => docs.search(input)).not.toThrow();
      }
      expect(docs.search('bread OR wal')).toEqual([]);
      expect(
        docs
          .search('bread OR wal', { quote: false })
          .map((row) => row.id)
          .sort(),
      ).toEqual([1, 2, 3]);
      expect(db.tableNames()).toContain('docs');
    });

    it('quotes each word of a query', () => {
      expect(escapeFts('say "hi" now*')).toBe('"say" """hi""" "now*"');
    });

    it('uses a tokenizer, refuses a second index unless replacing, and checks columns', () => {
      const docs = db.table('docs').enableFts(['body'], { tokenize: 'porter' });

      expect(docs.search('databases').length).toBe(0);
      expect(docs.search('butters').map((row) => row.id)).toEqual([2]);
      expect(() => docs.enableFts(['body'])).toThrow(AlterError);
      docs.enableFts(['title'], { replace: true });
      expect(docs.search('cooking').map((row) => row.id)).toEqual([2]);
      expect(() => docs.enableFts(['nope'], { replace: true })).toThrow(InvalidColumnsError);
    });
  });
});
