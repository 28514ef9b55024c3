import 'reflect-metadata';
import { Database, migrate } from '@slicewise/db';
import { createHost } from '@slicewise/host';
import { type ParsedInputOf, type RequestDeclaration, type ResponseOf, requestFromInput } from '@slicewise/mediator';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { GetActiveUsers, getActiveUsers, type UserDto } from './index.js';

function hostWithUsers(count: number, inactiveEvery = 0) {
  const host = createHost({ slices: [getActiveUsers] });
  host.db.table('users').insertAll(
    Array.from({ length: count }, (_, i) => ({
      id: i + 1,
      name: `User ${i + 1}`,
      email: `user${i + 1}@example.com`,
      active: inactiveEvery > 0 && (i + 1) % inactiveEvery === 0 ? 0 : 1,
    })),
  );
  return host;
}

describe('GetActiveUsers', () => {
  it('returns only the active users', async () => {
    const host = createHost({ slices: [getActiveUsers], database: ':memory:' });
    host.db.table('users').insertAll([
      { id: 1, name: 'Alice', email: 'alice@example.com', active: true },
      { id: 2, name: 'Bob', email: 'bob@example.com', active: false },
    ]);

    const users = await host.mediator.send(new GetActiveUsers());

    expectTypeOf(users).toEqualTypeOf<UserDto[]>();
    expect(users).toEqual([{ id: 1, name: 'Alice', email: 'alice@example.com', active: true }]);
    host.close();
  });

  it('returns an empty list when nobody is active', async () => {
    const host = createHost({ slices: [getActiveUsers] });
    host.db.table('users').insert({ name: 'Bob', email: 'bob@example.com', active: false });

    await expect(host.mediator.send(new GetActiveUsers())).resolves.toEqual([]);
    host.close();
  });

  it('returns every active user when no limit is given, as 0.1.0 did', async () => {
    const host = hostWithUsers(600);

    const users = await host.mediator.send(new GetActiveUsers());

    expect(users).toHaveLength(600);
    host.close();
  });

  it('returns one page of active users in id order when given limit and offset', async () => {
    const host = hostWithUsers(10, 3); // 3, 6 and 9 are inactive

    const page = await host.mediator.send(new GetActiveUsers({ limit: 3, offset: 2 }));

    expect(page.map((user) => user.id)).toEqual([4, 5, 7]);
    host.close();
  });

  it('accepts limit and offset as strings from transports', async () => {
    const host = hostWithUsers(5);

    const page = await host.mediator.send(requestFromInput(GetActiveUsers, { limit: '2', offset: '3' }));

    expect(page.map((user) => user.id)).toEqual([4, 5]);
    host.close();
  });

  it('returns users its declared output schema accepts as they are', async () => {
    const host = hostWithUsers(10, 3);

    const users = await host.mediator.send(new GetActiveUsers());

    expect(users).toHaveLength(7);
    expect(await GetActiveUsers.declaration.output?.['~standard'].validate(users)).toEqual({ value: users });
    host.close();
  });

  // A type-level check: `pnpm typecheck` (tsc over the test files) fails when the two types differ.
  it('declares an output schema whose type is exactly its response type', () => {
    expectTypeOf(GetActiveUsers.declaration).toEqualTypeOf<
      RequestDeclaration<ParsedInputOf<GetActiveUsers>, ResponseOf<GetActiveUsers>>
    >();
  });

  it.each([
    [{ limit: 0 }, 'limit'],
    [{ limit: 501 }, 'limit'],
    [{ limit: 'many' }, 'limit'],
    [{ offset: -1 }, 'offset'],
  ])('rejects %j with VALIDATION naming %s', async (input, field) => {
    const host = hostWithUsers(1);

    await expect(host.mediator.send(requestFromInput(GetActiveUsers, input))).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [expect.objectContaining({ path: [field] })],
    });
    host.close();
  });
});

describe('getActiveUsers composed alone', () => {
  it('starts, migrates the users table through the users model and answers', async () => {
    const host = createHost({ slices: [getActiveUsers] });

    expect(host.applied).toEqual(['@slicewise/users/000-check-users-table', '@slicewise/users/001-create-users']);
    expect(host.mediator.slices.map((slice) => slice.name)).toEqual([
      '@slicewise/users',
      '@slicewise/get-active-users',
    ]);
    await expect(host.mediator.send(new GetActiveUsers())).resolves.toEqual([]);
    host.close();
  });

  it('opens a database created by get-active-users 0.1.0 and keeps its users', async () => {
    const db = new Database(':memory:');
    migrate(db, '@slicewise/get-active-users', [
      {
        name: '001-create-users',
        up: `CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
             email TEXT NOT NULL UNIQUE COLLATE NOCASE,
             active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
             created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
             CREATE INDEX IF NOT EXISTS users_active ON users (active, id);`,
      },
    ]);
    db.execute("INSERT INTO users (name, email) VALUES ('Alice', 'alice@example.com')");

    const host = createHost({ slices: [getActiveUsers], database: db });

    await expect(host.mediator.send(new GetActiveUsers())).resolves.toEqual([
      { id: 1, name: 'Alice', email: 'alice@example.com', active: true },
    ]);
    db.close();
  });
});
