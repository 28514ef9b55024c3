import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from './index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('Database', () => {
  it('creates a file database and its folder with WAL, foreign keys and a busy timeout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slicewise-db-'));
    dirs.push(dir);
    const db = new Database(join(dir, 'nested', 'app.db'));

    expect(db.raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.raw.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.raw.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });

  it('lists its tables in creation order', () => {
    const db = new Database();
    db.execute('CREATE TABLE b (x)');
    db.execute('CREATE TABLE a (x)');

    expect(db.tableNames()).toEqual(['b', 'a']);
  });

  it('rolls back every write of an atomic block that throws', () => {
    const db = new Database();
    db.execute('CREATE TABLE t (x INTEGER)');

    expect(() =>
      db.atomic(() => {
        db.execute('INSERT INTO t VALUES (1)');
        throw new Error('fail after the write');
      }),
    ).toThrow('fail after the write');
    expect(db.query('SELECT * FROM t').all()).toEqual([]);
  });

  it('refuses an async function in atomic and keeps none of its writes', async () => {
    const db = new Database();
    db.execute('CREATE TABLE t (x INTEGER)');

    expect(() =>
      db.atomic(async () => {
        db.execute('INSERT INTO t VALUES (1)');
      }),
    ).toThrow(/synchronous/);
    expect(db.query('SELECT * FROM t').all()).toEqual([]);
  });

  it('reports a unique violation as a CONFLICT with the SQLite error as cause', () => {
    const db = new Database();
    db.execute('CREATE TABLE t (email TEXT UNIQUE)');
    db.execute('INSERT INTO t VALUES (?)', ['a@example.com']);

    const error = (() => {
      try {
        db.execute('INSERT INTO t VALUES (?)', ['a@example.com']);
      } catch (caught) {
        return caught as { code: string; cause: { code: string } };
      }
    })();
    expect(error?.code).toBe('CONFLICT');
    expect(error?.cause.code).toBe('SQLITE_CONSTRAINT_UNIQUE');
  });
});
