import 'reflect-metadata';
import { createHost } from '@slicewise/host';
import { type ParsedInputOf, type RequestDeclaration, type ResponseOf, requestFromInput } from '@slicewise/mediator';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ListUsers, listUsers, type UserDto } from './index.js';

function hostWithUsers(count: number) {
  const host = createHost({ slices: [listUsers] });
  host.db.table('users').insertAll(
    Array.from({ length: count }, (_, i) => ({
      id: i + 1,
      name: `User ${i + 1}`,
      email: `user${i + 1}@example.com`,
      active: (i + 1) % 3 === 0 ? 0 : 1, // 3, 6, 9… are inactive
    })),
  );
  return host;
}

const ids = (users: UserDto[]) => users.map((user) => user.id);

describe('ListUsers', () => {
  it('lists everyone by id when no filter is given', async () => {
    const host = hostWithUsers(5);

    const users = await host.mediator.send(new ListUsers());

    expectTypeOf(users).toEqualTypeOf<UserDto[]>();
    expect(ids(users)).toEqual([1, 2, 3, 4, 5]);
    expect(users[2]).toEqual({ id: 3, name: 'User 3', email: 'user3@example.com', active: false });
    host.close();
  });

  it('lists only the active or only the inactive users', async () => {
    const host = hostWithUsers(7);

    expect(ids(await host.mediator.send(new ListUsers({ active: true })))).toEqual([1, 2, 4, 5, 7]);
    expect(ids(await host.mediator.send(new ListUsers({ active: false })))).toEqual([3, 6]);
    host.close();
  });

  it('pages with a default limit of 50 and a stable id order', async () => {
    const host = hostWithUsers(120);

    const first = await host.mediator.send(new ListUsers());
    const third = await host.mediator.send(new ListUsers({ offset: 100 }));
    const small = await host.mediator.send(new ListUsers({ limit: 2, offset: 3, active: true }));

    expect(first).toHaveLength(50);
    expect(ids(third)).toEqual(Array.from({ length: 20 }, (_, i) => 101 + i));
    expect(ids(small)).toEqual([5, 7]);
    host.close();
  });

  it('pages by cursor: after the last id of the previous page, through every page, with or without a filter', async () => {
    const host = hostWithUsers(120);
    const seen: number[] = [];

    let page = await host.mediator.send(new ListUsers({ limit: 50 }));
    while (page.length > 0) {
      seen.push(...ids(page));
      page = await host.mediator.send(new ListUsers({ limit: 50, after: page.at(-1)?.id }));
    }
    const inactiveAfter100 = await host.mediator.send(new ListUsers({ after: 100, active: false }));

    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(ids(inactiveAfter100)).toEqual([102, 105, 108, 111, 114, 117, 120]);
    host.close();
  });

  it('parses the strings HTTP queries and CLI options carry', async () => {
    const host = hostWithUsers(7);

    const users = await host.mediator.send(requestFromInput(ListUsers, { active: 'false', limit: '1', offset: '1' }));

    expect(ids(users)).toEqual([6]);
    host.close();
  });

  it.each([
    [{ active: 'yes' }, 'active'],
    [{ active: '' }, 'active'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '501' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ offset: '-1' }, 'offset'],
    [{ offset: '1.5' }, 'offset'],
  ])('rejects %j with VALIDATION naming %s', async (input, field) => {
    const host = hostWithUsers(1);

    await expect(host.mediator.send(requestFromInput(ListUsers, input))).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [expect.objectContaining({ path: [field] })],
    });
    host.close();
  });

  it('returns users its declared output schema accepts as they are', async () => {
    const host = hostWithUsers(7);

    const users = await host.mediator.send(new ListUsers());

    expect(users).toHaveLength(7);
    expect(await ListUsers.declaration.output?.['~standard'].validate(users)).toEqual({ value: users });
    host.close();
  });

  // A type-level check: `pnpm typecheck` (tsc over the test files) fails when the two types differ.
  it('declares an output schema whose type is exactly its response type', () => {
    expectTypeOf(ListUsers.declaration).toEqualTypeOf<
      RequestDeclaration<ParsedInputOf<ListUsers>, ResponseOf<ListUsers>>
    >();
  });

  it('declares GET /users and users list, open to anyone', () => {
    const host = createHost({ slices: [listUsers] });

    const [description] = host.mediator.describe().filter((message) => message.message === ListUsers);

    expect(description?.declaration).toMatchObject({
      meta: {
        http: { method: 'GET', path: '/users' },
        cli: { command: 'users list' },
      },
    });
    expect(description?.declaration.permissions).toBeUndefined();
    expect(description?.pipeline).toEqual(['validation']);
    host.close();
  });
});
