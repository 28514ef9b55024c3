import 'reflect-metadata';
import { createHost } from '@slicewise/host';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { GetActiveUsers, getActiveUsers, type UserDto } from './index.js';

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
});
