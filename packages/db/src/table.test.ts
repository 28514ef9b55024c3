import { NotFoundError } from '@slicewise/errors';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type Database, InvalidColumnsError } from './index.js';
import { freshDb, storages } from './testing.test-util.js';

interface UserRow {
  id: number;
  name: string;
  active: boolean | number;
}

let db: Database;
describe.each(storages)('%s', (storage) => {
  beforeEach(() => {
    db = freshDb(storage);
  });

  function seedUsers() {
    const users = db.table<UserRow>('users');
    users.insertAll(
      [
        { id: 1, name: 'Alice', active: true },
        { id: 2, name: 'Bob', active: false },
        { id: 3, name: 'Carol', active: true },
      ],
      { pk: 'id' },
    );
    return users;
  }

  describe('Table reads', () => {
    it('returns only the rows a bound WHERE clause matches, in order, paged', () => {
      const users = seedUsers();

      expect(users.rowsWhere('active = ?', [1], { orderBy: 'id' }).map((u) => u.name)).toEqual(['Alice', 'Carol']);
      expect(users.rowsWhere('active = ?', [1], { orderBy: 'id', limit: 1, offset: 1 })).toEqual([
        { id: 3, name: 'Carol', active: 1 },
      ]);
      expect(users.rowsWhere(undefined, [], { orderBy: 'id desc', limit: 2 }).map((u) => u.id)).toEqual([3, 2]);
      expect(users.countWhere('active = ?', [0])).toBe(1);
      expect(users.count).toBe(3);
      expect([...users.rows].map((u) => u.name)).toEqual(['Alice', 'Bob', 'Carol']);
    });

    it('selects the given columns and binds named parameters', () => {
      const users = seedUsers();

      expect(users.rowsWhere('name = :name', { name: 'Bob' }, { select: 'id, upper(name) AS shout' })).toEqual([
        { id: 2, shout: 'BOB' },
      ]);
    });

    it('gets a row by primary key and throws NotFoundError with details when there is none', () => {
      const users = seedUsers();

      expect(users.get(2)).toEqual({ id: 2, name: 'Bob', active: 0 });
      const error = (() => {
        try {
          users.get(99);
        } catch (caught) {
          return caught as NotFoundError;
        }
      })();
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error?.code).toBe('NOT_FOUND');
      expect(error?.details).toEqual({ table: 'users', pk: 99 });
    });

    it('gets by compound primary key and by rowid when the table has no primary key', () => {
      db.table('grid').insertAll(
        [
          { x: 1, y: 2, v: 'a' },
          { x: 2, y: 1, v: 'b' },
        ],
        { pk: ['x', 'y'] },
      );
      db.table('log').insertAll([{ line: 'first' }, { line: 'second' }]);

      expect(db.table('grid').get([2, 1])).toEqual({ x: 2, y: 1, v: 'b' });
      expect(() => db.table('grid').get(2)).toThrow(InvalidColumnsError);
      expect(db.table('log').get(2)).toEqual({ line: 'second' });
      expect(db.table('log').pks).toEqual(['rowid']);
      expect(() => db.table('missing').get(1)).toThrow(NotFoundError);
    });

    it('sees schema changes made through the database: new columns and a new primary key', () => {
      const users = seedUsers();
      users.rowsWhere();
      users.get(1);

      users.addColumn('email');
      db.execute(`UPDATE users SET email = 'a@x' WHERE id = 1`);
      expect(users.rowsWhere('id = ?', [1])).toEqual([{ id: 1, name: 'Alice', active: 1, email: 'a@x' }]);

      db.execute('DROP TABLE users');
      db.table('users').insert({ code: 'c1', name: 'New' } as never, { pk: 'code' });
      expect(users.get('c1')).toEqual({ code: 'c1', name: 'New' });
    });

    it('prepares the statements of get and rowsWhere once, however often they run', () => {
      const users = seedUsers();
      const prepare = vi.spyOn(db.raw, 'prepare');

      for (let i = 0; i < 50; i++) {
        users.get((i % 3) + 1);
        users.rowsWhere('active = ?', [i % 2]);
        users.rowsWhere('active = ?', [1], { orderBy: 'id', limit: 1, offset: i % 2 });
      }

      expect(prepare).toHaveBeenCalledTimes(3);
    });

    it('fails on a missing table instead of pretending it is empty', () => {
      expect(() => db.table('nothing').rowsWhere()).toThrow(
        expect.objectContaining({
          code: 'INTERNAL',
          details: expect.objectContaining({ sqliteMessage: expect.stringMatching(/no such table/) }),
        }),
      );
      expect(db.table('nothing').exists()).toBe(false);
    });
  });

  describe('Table introspection', () => {
    it('describes columns, primary keys, indexes, foreign keys and schema', () => {
      db.table('teams').create({ id: 'INTEGER', name: 'TEXT' }, { pk: 'id' });
      db.table('players').create(
        { id: 'INTEGER', team_id: 'INTEGER', name: 'TEXT', score: 'REAL' },
        {
          pk: 'id',
          notNull: ['name'],
          defaults: { score: 0 },
          foreignKeys: [{ column: 'team_id', otherTable: 'teams' }],
        },
      );
      db.table('players').createIndex(['name'], { unique: true });
      const players = db.table('players');

      expect(players.columns).toEqual([
        { cid: 0, name: 'id', type: 'INTEGER', notNull: false, defaultValue: null, pk: 1 },
        { cid: 1, name: 'team_id', type: 'INTEGER', notNull: false, defaultValue: null, pk: 0 },
        { cid: 2, name: 'name', type: 'TEXT', notNull: true, defaultValue: null, pk: 0 },
        { cid: 3, name: 'score', type: 'REAL', notNull: false, defaultValue: '0', pk: 0 },
      ]);
      expect(players.columnTypes).toEqual({ id: 'INTEGER', team_id: 'INTEGER', name: 'TEXT', score: 'REAL' });
      expect(players.pks).toEqual(['id']);
      expect(players.indexes).toEqual([
        { name: 'idx_players_name', columns: ['name'], unique: true, origin: 'c', partial: false },
      ]);
      expect(players.foreignKeys).toEqual([{ column: 'team_id', otherTable: 'teams', otherColumn: 'id' }]);
      expect(players.schema).toContain('"team_id" INTEGER REFERENCES "teams"("id")');
    });
  });
});
