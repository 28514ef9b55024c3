import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { checksumOf, Database, type Migration, migrate } from '@slicewise/db';
import { createHost } from '@slicewise/host';
import { describe, expect, it } from 'vitest';
import {
  findControlCharacter,
  newUserSchema,
  toUserDto,
  type UserRow,
  userDtoSchema,
  userIdSchema,
  users,
} from './index.js';
import { checkUsersTableIdentity, migrations } from './migrations.js';

describe('users', () => {
  it('creates the users table when composed alone', () => {
    const host = createHost({ slices: [users] });

    expect(host.applied).toEqual(['@slicewise/users/000-check-users-table', '@slicewise/users/001-create-users']);
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

    expect(host.applied).toEqual(['@slicewise/users/000-check-users-table', '@slicewise/users/001-create-users']);
    expect(host.db.query('SELECT name FROM users').all()).toEqual([{ name: 'Alice' }]);
    db.close();
  });

  it.each([
    [
      'a foreign users table',
      'CREATE TABLE users (id INTEGER PRIMARY KEY, login TEXT, email TEXT)',
      'it has no column name, active, created_at; email has no UNIQUE COLLATE NOCASE constraint',
    ],
    [
      'a compatible table without UNIQUE email',
      `CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '', email TEXT NOT NULL,
       active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL DEFAULT '')`,
      'email has no UNIQUE COLLATE NOCASE constraint',
    ],
    [
      'a table with a case-sensitive UNIQUE email',
      `CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '', email TEXT NOT NULL UNIQUE,
       active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL DEFAULT '')`,
      'email has no UNIQUE COLLATE NOCASE constraint',
    ],
  ])('refuses to adopt %s, naming the table, the migration and what differs', (_case, ddl, differs) => {
    const db = new Database(':memory:');
    db.executeScript(ddl);
    db.execute("INSERT INTO users (id, email) VALUES (1, 'a@example.com')");

    expect(() => createHost({ slices: [users], database: db })).toThrow(
      expect.objectContaining({
        name: 'MigrationError',
        code: 'INTERNAL',
        message:
          'The database already has a users table that @slicewise/users/001-create-users cannot adopt: ' +
          `${differs}. Rename or migrate that table, or use another database (--db)`,
      }),
    );
    expect(db.query('SELECT id, email FROM users').all()).toEqual([{ id: 1, email: 'a@example.com' }]);
    expect(
      db.query("SELECT count(*) AS n FROM _slicewise_migrations WHERE set_name = '@slicewise/users'").all(),
    ).toEqual([{ n: 0 }]);
    db.close();
  });

  it('records 000-check-users-table under a checksum that does not depend on how the code was built', () => {
    expect(checksumOf(migrations[0] as Migration)).toBe(
      createHash('sha256').update(checkUsersTableIdentity).digest('hex').slice(0, 16),
    );
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
  it('accepts canonical decimal text and positive safe integers', () => {
    expect(userIdSchema.parse('7')).toBe(7);
    expect(userIdSchema.parse(7)).toBe(7);
    expect(userIdSchema.parse('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([
    0,
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2 ** 53,
    'abc',
    '0',
    '0x2',
    '1e0',
    ' 1 ',
    '1 ',
    '01',
    '+1',
    '1.0',
    '-1',
    '',
    '9007199254740992',
    '١',
    true,
    null,
    [1],
  ])('rejects %j with one message that names the rule', (bad) => {
    const result = userIdSchema.safeParse(bad);

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'must be a whole number from 1, in decimal digits (e.g. 7)',
    ]);
  });
});

describe('plainText', () => {
  it.each([
    ['Ada\u001b[2J', 'U+001B (a C0 control character)'],
    ['Ada\u0007', 'U+0007 (a C0 control character)'],
    ['Ada\rBob', 'U+000D (a C0 control character)'],
    ['Ada\nBob', 'U+000A (a C0 control character)'],
    ['Ada\tBob', 'U+0009 (a C0 control character)'],
    ['Ada\u0000', 'U+0000 (a C0 control character)'],
    ['Ada\u007f', 'U+007F (DEL)'],
    ['Ada\u009b2J', 'U+009B (a C1 control character)'],
    ['Ada\u0085', 'U+0085 (a C1 control character)'],
    ['Ada\u202egnp.exe', 'U+202E (a bidi override)'],
    ['Ada\u2066x', 'U+2066 (a bidi override)'],
  ])('rejects %j as a name, naming the field and %s, never the character', (name, found) => {
    const result = newUserSchema.safeParse({ name, email: 'ada@example.com' });

    expect(result.success).toBe(false);
    const messages = result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];
    expect(messages).toContain(`name: name must not contain control characters: found ${found}`);
    expect(JSON.stringify(result.error?.issues)).not.toContain(name);
  });

  it('rejects a control character in an email, before trimming', () => {
    const result = newUserSchema.safeParse({ name: 'Ada', email: 'ada@example.com\n' });

    expect(result.error?.issues.map((issue) => issue.message)).toContain(
      'email must not contain control characters: found U+000A (a C0 control character)',
    );
  });

  it('accepts letters of any script, emoji and spaces', () => {
    expect(newUserSchema.parse({ name: ' Zoë 李 😀 علي ', email: 'zoe@example.com' }).name).toBe('Zoë 李 😀 علي');
    expect(findControlCharacter('Zoë 李 😀 علي')).toBeUndefined();
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
