import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConflictError } from '@slicewise/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { AlterError, Database, InvalidColumnsError, TransactionError } from './index.js';

const dirs: string[] = [];
let db: Database;
afterEach(() => {
  db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

for (const where of ['memory', 'file'] as const) {
  function openDb(): Database {
    if (where === 'memory') return new Database();
    const dir = mkdtempSync(join(tmpdir(), 'slicewise-transform-'));
    dirs.push(dir);
    return new Database(join(dir, 'app.db'));
  }

  describe(`Table.transform (${where})`, () => {
    it('changes types, renames, drops and reorders columns, keeping every row', () => {
      db = openDb();
      const t = db.table('t');
      t.insertAll(
        [
          { id: 1, a: '1', b: 'x', c: 2.5 },
          { id: 2, a: '2', b: 'y', c: 3.5 },
        ],
        { pk: 'id' },
      );

      t.transform({ types: { a: 'INTEGER' }, rename: { b: 'bee' }, drop: ['c'], columnOrder: ['bee'] });

      expect(t.columnTypes).toEqual({ bee: 'TEXT', id: 'INTEGER', a: 'INTEGER' });
      expect(t.pks).toEqual(['id']);
      expect(t.rowsWhere(undefined, [], { orderBy: 'id' })).toEqual([
        { bee: 'x', id: 1, a: 1 },
        { bee: 'y', id: 2, a: 2 },
      ]);
    });

    it('changes the primary key, NOT NULL and defaults', () => {
      db = openDb();
      const t = db.table('t');
      t.insertAll([{ id: 1, code: 'a', n: 1 }], { pk: 'id' });

      t.transform({ pk: 'code', notNull: { n: true }, defaults: { n: 0 } });

      expect(t.pks).toEqual(['code']);
      expect(t.columns.find((column) => column.name === 'n')).toMatchObject({ notNull: true, defaultValue: '0' });
      expect(t.get('a')).toEqual({ id: 1, code: 'a', n: 1 });
    });

    it('keeps the rowids of a table without primary key, and its indexes and triggers (renamed columns followed)', () => {
      db = openDb();
      const t = db.table('t');
      t.insertAll([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
      t.deleteWhere('name = ?', ['b']);
      t.createIndex(['name'], { unique: true });
      db.execute('CREATE TABLE audit (what TEXT)');
      db.execute(`CREATE TRIGGER t_audit AFTER INSERT ON t BEGIN INSERT INTO audit VALUES ('insert'); END`);

      t.transform({ rename: { name: 'title' } });

      expect(db.query('SELECT rowid, title FROM t ORDER BY rowid').all()).toEqual([
        { rowid: 1, title: 'a' },
        { rowid: 3, title: 'c' },
      ]);
      expect(t.indexes.map((index) => [index.name, index.columns, index.unique])).toEqual([
        ['idx_t_name', ['title'], true],
      ]);
      t.insert({ title: 'd' });
      expect(db.table('audit').count).toBe(1);
    });

    it('turns UNIQUE constraints into unique indexes that still hold after a rename', () => {
      db = openDb();
      db.execute('CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT UNIQUE)');
      db.table('u').insert({ id: 1, email: 'a@x' });

      db.table('u').transform({ rename: { email: 'mail' } });

      expect(db.table('u').indexes.map((index) => [index.name, index.columns, index.unique])).toEqual([
        ['idx_u_mail_unique', ['mail'], true],
      ]);
      expect(() => db.table('u').insert({ id: 2, mail: 'a@x' })).toThrow(ConflictError);
    });

    it("keeps other tables' foreign keys to the rebuilt table working, without cascading deletes", () => {
      db = openDb();
      db.table('teams').insertAll([{ id: 1, name: 'Red' }], { pk: 'id' });
      db.table('players').create(
        { id: 'INTEGER', team_id: 'INTEGER' },
        { pk: 'id', foreignKeys: [{ column: 'team_id', otherTable: 'teams' }] },
      );
      db.execute('CREATE TABLE cascade (team_id INTEGER REFERENCES teams(id) ON DELETE CASCADE)');
      db.table('players').insert({ id: 1, team_id: 1 });
      db.table('cascade').insert({ team_id: 1 });

      db.table('teams').transform({ types: { name: 'BLOB' } });

      expect(db.table('cascade').count).toBe(1);
      expect(db.table('players').foreignKeys).toEqual([{ column: 'team_id', otherTable: 'teams', otherColumn: 'id' }]);
      expect(() => db.table('players').insert({ id: 2, team_id: 9 })).toThrow(ConflictError);
      expect(db.raw.pragma('foreign_keys', { simple: true })).toBe(1);
    });

    it('rolls back when the new table would break a foreign key, and says so', () => {
      db = openDb();
      db.table('teams').insertAll([{ id: 1, code: 'r' }], { pk: 'id' });
      db.table('players').create(
        { id: 'INTEGER', team: 'INTEGER' },
        { pk: 'id', foreignKeys: [{ column: 'team', otherTable: 'teams' }] },
      );
      db.table('players').insert({ id: 1, team: 1 });

      expect(() => db.table('teams').transform({ pk: 'code' })).toThrow(AlterError);
      expect(() =>
        db.table('players').transform({ addForeignKeys: [{ column: 'id', otherTable: 'teams', otherColumn: 'code' }] }),
      ).toThrow(AlterError);
      db.table('teams').createIndex(['code'], { unique: true });
      expect(() =>
        db.table('players').transform({ addForeignKeys: [{ column: 'id', otherTable: 'teams', otherColumn: 'code' }] }),
      ).toThrow(ConflictError);
      expect(db.table('players').foreignKeys).toHaveLength(1);
      expect(db.table('teams').pks).toEqual(['id']);
      expect(db.table('teams').rowsWhere()).toEqual([{ id: 1, code: 'r' }]);
    });

    it('rejects unknown columns and a call inside atomic() while foreign keys are on', () => {
      db = openDb();
      db.table('t').insert({ a: 1 });

      expect(() => db.table('t').transform({ drop: ['nope'] })).toThrow(InvalidColumnsError);
      expect(() => db.atomic(() => db.table('t').transform({ rename: { a: 'b' } }))).toThrow(TransactionError);
      expect(db.table('t').columnTypes).toEqual({ a: 'INTEGER' });
    });
  });
}
