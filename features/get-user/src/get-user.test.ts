import 'reflect-metadata';
import { createHost } from '@slicewise/host';
import { type ParsedInputOf, type RequestDeclaration, type ResponseOf, requestFromInput } from '@slicewise/mediator';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { GetUser, getUser, type UserDto } from './index.js';

function hostWithAlice() {
  const host = createHost({ slices: [getUser] });
  host.db.table('users').insert({ id: 7, name: 'Alice', email: 'alice@example.com', active: 1 });
  return host;
}

describe('GetUser', () => {
  it('returns the user with that id', async () => {
    const host = hostWithAlice();

    const user = await host.mediator.send(new GetUser({ id: 7 }));

    expectTypeOf(user).toEqualTypeOf<UserDto>();
    expect(user).toEqual({ id: 7, name: 'Alice', email: 'alice@example.com', active: true });
    host.close();
  });

  it('accepts the id as a string, as a path parameter or CLI argument', async () => {
    const host = hostWithAlice();

    await expect(host.mediator.send(requestFromInput(GetUser, { id: '7' }))).resolves.toMatchObject({ id: 7 });
    host.close();
  });

  it('fails with NOT_FOUND naming the id when there is no such user', async () => {
    const host = hostWithAlice();

    await expect(host.mediator.send(new GetUser({ id: 8 }))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'No user has id 8',
    });
    host.close();
  });

  it.each(['abc', '0', '-3', '2.5'])('fails with VALIDATION for the id %j', async (id) => {
    const host = hostWithAlice();

    await expect(host.mediator.send(requestFromInput(GetUser, { id }))).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [expect.objectContaining({ path: ['id'] })],
    });
    host.close();
  });

  it('returns a user its declared output schema accepts as it is', async () => {
    const host = hostWithAlice();

    const user = await host.mediator.send(new GetUser({ id: 7 }));

    expect(await GetUser.declaration.output?.['~standard'].validate(user)).toEqual({ value: user });
    host.close();
  });

  // A type-level check: `pnpm typecheck` (tsc over the test files) fails when the two types differ.
  it('declares an output schema whose type is exactly its response type', () => {
    expectTypeOf(GetUser.declaration).toEqualTypeOf<RequestDeclaration<ParsedInputOf<GetUser>, ResponseOf<GetUser>>>();
  });

  it('declares GET /users/{id} and users get <id>', () => {
    expect(GetUser.declaration).toMatchObject({
      meta: {
        http: { method: 'GET', path: '/users/{id}' },
        cli: { command: 'users get', args: ['id'] },
      },
    });
  });
});
