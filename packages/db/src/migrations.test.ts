import { describe, expect, it } from 'vitest';
import { Database, migrate } from './index.js';

const createUsers = { name: '001-create-users', up: 'CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)' };

describe('migrate', () => {
  it('applies each migration once and records it under its set', () => {
    const db = new Database();

    expect(migrate(db, 'users', [createUsers])).toEqual(['001-create-users']);
    expect(migrate(db, 'users', [createUsers])).toEqual([]);
    expect(db.query('SELECT set_name, name FROM _slicewise_migrations').all()).toEqual([
      { set_name: 'users', name: '001-create-users' },
    ]);
  });

  it('keeps sets apart: the same migration name in two sets runs in each', () => {
    const db = new Database();
    migrate(db, 'a', [{ name: '001', up: 'CREATE TABLE a (x)' }]);

    expect(migrate(db, 'b', [{ name: '001', up: 'CREATE TABLE b (x)' }])).toEqual(['001']);
    expect(db.tableNames()).toContain('b');
  });

  it('rolls back a failing migration together with its record', () => {
    const db = new Database();
    const broken = { name: '002-broken', up: 'CREATE TABLE half (x); INSERT INTO nowhere VALUES (1);' };

    expect(() => migrate(db, 'users', [createUsers, broken])).toThrow(/nowhere/);
    expect(db.tableNames()).not.toContain('half');
    expect(db.query('SELECT name FROM _slicewise_migrations').all()).toEqual([{ name: '001-create-users' }]);
  });

  it('refuses to go on when an applied migration was edited', () => {
    const db = new Database();
    migrate(db, 'users', [createUsers]);

    expect(() => migrate(db, 'users', [{ ...createUsers, up: `${createUsers.up};` }])).toThrow(/edited/);
  });
});
