import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appliedMigrations, Database, MigrationError, Migrations, migrate } from './index.js';
import { freshDb, storages } from './testing.test-util.js';

const createUsers = { name: '001-create-users', up: 'CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)' };
const addEmail = { name: '002-add-email', up: (db: Database) => db.table('users').addColumn('email') };

const dirs: string[] = [];
const open: Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

let storage: (typeof storages)[number] = 'memory';
const openDb = () => freshDb(storage);

describe.each(storages)('%s', (kind) => {
  beforeEach(() => {
    storage = kind;
  });

  describe('migrate', () => {
    it('applies each migration once and records it under its set with a checksum', () => {
      const db = openDb();

      expect(migrate(db, 'users', [createUsers, addEmail])).toEqual(['001-create-users', '002-add-email']);
      expect(migrate(db, 'users', [createUsers, addEmail])).toEqual([]);
      expect(db.table('users').columnTypes).toEqual({ id: 'INTEGER', name: 'TEXT', email: 'TEXT' });
      expect(appliedMigrations(db).map(({ set, name, checksum }) => [set, name, checksum.length])).toEqual([
        ['users', '001-create-users', 16],
        ['users', '002-add-email', 16],
      ]);
    });

    it('keeps sets apart: the same migration name in two sets runs in each', () => {
      const db = openDb();
      migrate(db, 'a', [{ name: '001', up: 'CREATE TABLE a (x)' }]);

      expect(migrate(db, 'b', [{ name: '001', up: 'CREATE TABLE b (x)' }])).toEqual(['001']);
      expect(db.tableNames()).toContain('b');
    });

    it('rolls back a failing migration together with its record', () => {
      const db = openDb();
      const broken = { name: '002-broken', up: 'CREATE TABLE half (x); INSERT INTO nowhere VALUES (1);' };

      expect(() => migrate(db, 'users', [createUsers, broken])).toThrow(
        expect.objectContaining({
          message: 'Migration users/002-broken failed: A database statement failed (SQLITE_ERROR)',
          details: expect.objectContaining({ sqliteMessage: 'no such table: nowhere' }),
        }),
      );
      expect(db.tableNames()).not.toContain('half');
      expect(db.query('SELECT name FROM _slicewise_migrations').all()).toEqual([{ name: '001-create-users' }]);
    });

    it('reports an applied migration that was edited instead of re-running it', () => {
      const db = openDb();
      migrate(db, 'users', [createUsers]);
      const edited = new Migrations('users', [{ ...createUsers, up: `${createUsers.up};` }]);

      expect(() => edited.apply(db)).toThrow(MigrationError);
      expect(edited.status(db)).toEqual([
        { name: '001-create-users', status: 'edited', appliedAt: expect.any(String) },
      ]);
    });
  });

  describe('Migrations', () => {
    it('tells which migrations are pending and which are applied', () => {
      const db = openDb();
      const users = new Migrations('users').add(createUsers).add(addEmail);

      expect(users.pending(db)).toEqual(['001-create-users', '002-add-email']);
      new Migrations('users', [createUsers]).apply(db);
      expect(users.pending(db)).toEqual(['002-add-email']);
      expect(users.applied(db).map((record) => record.name)).toEqual(['001-create-users']);
      expect(users.status(db).map((record) => record.status)).toEqual(['applied', 'pending']);
    });

    it('refuses two migrations with the same name in one set', () => {
      expect(() => new Migrations('users', [createUsers, createUsers])).toThrow(MigrationError);
    });
  });
});

describe('Migrations across processes', () => {
  it('runs a migration once when two processes open the same file at the same time', async () => {
    const script = fileURLToPath(new URL('../test-fixtures/migrate-child.js', import.meta.url));
    expect(existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)))).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'slicewise-migrate-'));
    dirs.push(dir);
    const file = join(dir, 'shared.db');
    const startAt = String(Date.now() + 1500);

    const results = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<{ pid: number; applied: string[] }>((resolve, reject) => {
            const child = spawn(process.execPath, [script, file, startAt]);
            let out = '';
            let err = '';
            child.stdout.on('data', (chunk) => {
              out += chunk;
            });
            child.stderr.on('data', (chunk) => {
              err += chunk;
            });
            child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(err))));
          }),
      ),
    );

    const db = new Database(file);
    open.push(db);
    expect(results.flatMap((result) => result.applied).sort()).toEqual(['001-create', '002-slow']);
    expect(db.query('SELECT count(*) AS n FROM runs').first()).toEqual({ n: 1 });
    expect(new Migrations('race').applied(db).map((record) => record.name)).toEqual(['001-create', '002-slow']);
  }, 60_000); // two Node processes starting take seconds on a loaded 2-core machine
});

describe('a migration with an identity', () => {
  it('is checksummed by its identity, so another build of the same function is not "edited"', () => {
    const db = new Database(':memory:');
    const built = (n: number) => ({
      name: '001-fn',
      identity: '001-fn v1: create t',
      up:
        n === 1
          ? (d: Database) => d.execute('CREATE TABLE t (id INTEGER)')
          : (d: Database) => d.execute('CREATE TABLE t (id  INTEGER)'),
    });

    migrate(db, 'set', [built(1)]);

    expect(new Migrations('set', [built(2)]).status(db)).toEqual([
      { name: '001-fn', status: 'applied', appliedAt: expect.any(String) },
    ]);
    db.close();
  });
});
