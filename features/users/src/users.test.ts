import 'reflect-metadata';
import { Database, migrate } from '@slicewise/db';
import { createHost } from '@slicewise/host';
import { describe, expect, it } from 'vitest';
import { newUserSchema, toUserDto, type UserRow, userDtoSchema, userIdSchema, users } from './index.js';

describe('users', () => {
  it('creates the users table when composed alone', () => {
    const host = createHost({ slices: [users] });

    expect(host.applied).toEqual(['@slicewise/users/001-create-users']);
    expect(host.db.tableNames()).toContain('users');
    host.close();
  });

  it('adopts a users table created by get-active-users 0.1.0 without touching its rows', () => {
    const db = new Database(':memory:');
    migrate(db, '@slicewise/get-active-users', [
      {
        name: '001-create-users',
        up: `CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
             email TEXT NOT NULL UNIQUE COLLATE NOCASE,
             active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
             created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))`,
      },
    ]);
    db.execute("INSERT INTO users (name, email) VALUES ('Alice', 'alice@example.com')");

    const host = createHost({ slices: [users], database: db });

    expect(host.applied).toEqual(['@slicewise/users/001-create-users']);
    expect(host.db.query('SELECT name FROM users').all()).toEqual([{ name: 'Alice' }]);
    db.close();
  });

  it('makes emails unique case-insensitively', () => {
    const host = createHost({ slices: [users] });
    host.db.execute("INSERT INTO users (name, email) VALUES ('Alice', 'alice@example.com')");

    expect(() => host.db.execute("INSERT INTO users (name, email) VALUES ('Al', 'ALICE@example.com')")).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
    host.close();
  });
});

describe('newUserSchema', () => {
  it('trims the name and trims and lowercases the email', () => {
    expect(newUserSchema.parse({ name: '  Ada Lovelace ', email: ' Ada@Example.COM ' })).toEqual({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
    });
  });

  it.each([
    [{ name: '   ', email: 'a@example.com' }, 'name'],
    [{ name: 'x'.repeat(101), email: 'a@example.com' }, 'name'],
    [{ name: 'Ada', email: 'not-an-email' }, 'email'],
    [{ name: 'Ada', email: `${'a'.repeat(250)}@example.com` }, 'email'],
    [{ name: 'Ada' }, 'email'],
  ])('rejects %j on %s', (input, field) => {
    const result = newUserSchema.safeParse(input);

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path[0])).toContain(field);
  });
});

describe('userIdSchema', () => {
  it('accepts "7" and rejects 0, -1, 1.5 and "abc"', () => {
    expect(userIdSchema.parse('7')).toBe(7);
    for (const bad of [0, -1, 1.5, 'abc']) expect(userIdSchema.safeParse(bad).success).toBe(false);
  });
});

describe('toUserDto', () => {
  it('turns the active flag into a boolean and drops created_at', () => {
    const row: UserRow = { id: 1, name: 'A', email: 'a@x.io', active: 0, created_at: '2026-01-01T00:00:00.000Z' };
    expect(toUserDto(row)).toEqual({ id: 1, name: 'A', email: 'a@x.io', active: false });
  });
});

describe('userDtoSchema', () => {
  it('accepts what toUserDto returns and rejects a row that is not a DTO', () => {
    const row: UserRow = { id: 1, name: 'A', email: 'a@x.io', active: 1, created_at: '2026-01-01T00:00:00.000Z' };

    expect(userDtoSchema.safeParse(toUserDto(row)).success).toBe(true);
    expect(userDtoSchema.safeParse({ ...toUserDto(row), id: 0 }).success).toBe(false);
    expect(userDtoSchema.safeParse(row).success).toBe(false);
  });
});
