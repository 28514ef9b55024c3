import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Database, TransactionError } from './index.js';

const dirs: string[] = [];
const open: Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempFile(name = 'app.db'): string {
  const dir = mkdtempSync(join(tmpdir(), 'slicewise-db-'));
  dirs.push(dir);
  return join(dir, name);
}

function openDb(filename = ':memory:', options = {}): Database {
  const db = new Database(filename, options);
  open.push(db);
  return db;
}

describe('Database', () => {
  it('creates a file database and its folder with WAL, foreign keys, a busy timeout and synchronous NORMAL', () => {
    const file = join(tempFile(), '..', 'nested', 'app.db');
    const db = openDb(file);

    expect(existsSync(file)).toBe(true);
    expect(db.raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.raw.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.raw.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.raw.pragma('synchronous', { simple: true })).toBe(1);
  });

  it('applies the pragmas given in the options', () => {
    const db = openDb(tempFile(), { wal: false, foreignKeys: false, busyTimeout: 250, synchronous: 'FULL' });

    expect(db.raw.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(db.raw.pragma('foreign_keys', { simple: true })).toBe(0);
    expect(db.raw.pragma('busy_timeout', { simple: true })).toBe(250);
    expect(db.raw.pragma('synchronous', { simple: true })).toBe(2);
    expect(() => new Database(':memory:', { synchronous: 'OFF; DROP TABLE t' as 'OFF' })).toThrow(/synchronous/);
  });

  it("sizes the page cache in KiB when asked, and keeps SQLite's default otherwise", () => {
    const sized = openDb(tempFile(), { pageCacheKiB: 4096 });
    const plain = openDb(tempFile());

    expect(sized.raw.pragma('cache_size', { simple: true })).toBe(-4096);
    expect(plain.raw.pragma('cache_size', { simple: true })).toBe(-16000);
    for (const wrong of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new Database(':memory:', { pageCacheKiB: wrong })).toThrow(/pageCacheKiB must be a positive/);
    }
  });

  it('checkpoints the write-ahead log into the file when it closes, even while another connection is open', () => {
    const file = tempFile();
    const db = new Database(file);
    const other = openDb(file);
    db.table('t').insertAll(Array.from({ length: 500 }, (_, i) => ({ i, text: 'x'.repeat(100) })));
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);

    db.close();

    expect(statSync(`${file}-wal`).size).toBe(0);
    expect(other.table('t').count).toBe(500);
  });

  it('lists its tables and views in creation order', () => {
    const db = openDb();
    db.execute('CREATE TABLE b (x)');
    db.execute('CREATE TABLE a (x)');
    db.createView('b_view', 'SELECT x FROM b');

    expect(db.tableNames()).toEqual(['b', 'a']);
    expect(db.viewNames()).toEqual(['b_view']);
  });

  it('replaces and drops views', () => {
    const db = openDb();
    db.table('t').insertAll([{ x: 1 }, { x: 2 }]);
    db.createView('big', 'SELECT x FROM t WHERE x > 1');
    db.createView('big', 'SELECT x FROM t WHERE x > 0', { replace: true });

    expect(db.query('SELECT x FROM big ORDER BY x').all()).toEqual([{ x: 1 }, { x: 2 }]);
    db.dropView('big');
    expect(db.viewNames()).toEqual([]);
    expect(() => db.dropView('big', { ignore: true })).not.toThrow();
  });

  it('reads query rows lazily, one at a time, and stops when the loop breaks', () => {
    const db = openDb();
    db.table('t').insertAll(Array.from({ length: 10 }, (_, i) => ({ i })));
    const seen: number[] = [];

    for (const row of db.query<{ i: number }>('SELECT i FROM t ORDER BY i')) {
      seen.push(row.i);
      if (row.i === 2) break;
    }

    expect(seen).toEqual([0, 1, 2]);
    expect(db.query('SELECT count(*) AS n FROM t').first()).toEqual({ n: 10 });
    expect([...db.query('SELECT i FROM t WHERE i > :min', { min: 7 })]).toEqual([{ i: 8 }, { i: 9 }]);
  });

  it('tells how many rows a statement changed and the last rowid', () => {
    const db = openDb();
    db.execute('CREATE TABLE t (x)');

    expect(db.execute('INSERT INTO t VALUES (?), (?)', ['a', 'b'])).toEqual({ changes: 2, lastInsertRowid: 2 });
  });

  it('hands out one cached handle per table name', () => {
    const db = openDb();

    expect(db.table('users')).toBe(db.table('users'));
    expect(db.prepare('SELECT 1')).toBe(db.prepare('SELECT 1'));
  });

  it('calls the tracer with every statement it runs', () => {
    const traced: string[] = [];
    const db = openDb(':memory:', { tracer: (sql: string) => traced.push(sql) });
    db.table('t').insert({ x: 'hello' });

    expect(traced.some((sql) => sql.startsWith('CREATE TABLE "t"'))).toBe(true);
    expect(traced).toContain(`INSERT INTO "t" ("x") VALUES ('hello')`);
  });
});

describe('Database.atomic', () => {
  it('rolls back every write of an atomic block that throws, in a file', () => {
    const db = openDb(tempFile());
    db.execute('CREATE TABLE t (x INTEGER)');

    expect(() =>
      db.atomic(() => {
        db.table('t').insertAll([{ x: 1 }, { x: 2 }]);
        throw new Error('fail after the write');
      }),
    ).toThrow('fail after the write');
    expect(db.query('SELECT * FROM t').all()).toEqual([]);
  });

  it('nests with savepoints: a failed inner block undoes only its own writes', () => {
    const db = openDb();
    db.execute('CREATE TABLE t (x INTEGER)');

    db.atomic(() => {
      db.execute('INSERT INTO t VALUES (1)');
      expect(() =>
        db.atomic(() => {
          db.execute('INSERT INTO t VALUES (2)');
          throw new Error('inner');
        }),
      ).toThrow('inner');
      db.execute('INSERT INTO t VALUES (3)');
    });

    expect(db.query('SELECT x FROM t ORDER BY x').all()).toEqual([{ x: 1 }, { x: 3 }]);
  });

  it('refuses an async function before running it', () => {
    const db = openDb();
    db.execute('CREATE TABLE t (x INTEGER)');

    expect(() =>
      db.atomic(async () => {
        db.execute('INSERT INTO t VALUES (1)');
      }),
    ).toThrow(TransactionError);
    expect(db.query('SELECT * FROM t').all()).toEqual([]);
  });

  it('refuses a function that returns a promise and keeps none of its writes', () => {
    const db = openDb();
    db.execute('CREATE TABLE t (x INTEGER)');

    const error = (() => {
      try {
        db.atomic(() => {
          db.execute('INSERT INTO t VALUES (1)');
          return Promise.resolve(1);
        });
      } catch (caught) {
        return caught as TransactionError;
      }
    })();

    expect(error).toBeInstanceOf(TransactionError);
    expect(error?.code).toBe('INTERNAL');
    expect(error?.message).toMatch(/synchronous/);
    expect(db.query('SELECT * FROM t').all()).toEqual([]);
  });

  it('starts IMMEDIATE: another connection cannot write while the block runs, even before its first write', () => {
    const file = tempFile();
    const db = openDb(file);
    const other = openDb(file, { busyTimeout: 0 });
    db.execute('CREATE TABLE t (x INTEGER)');

    const code = db.atomic(() => {
      try {
        other.execute('INSERT INTO t VALUES (1)');
        return 'written';
      } catch (error) {
        return (error as { code: string }).code;
      }
    });

    expect(code).toBe('TIMEOUT');
    expect(other.table('t').count).toBe(0);
  });
});
