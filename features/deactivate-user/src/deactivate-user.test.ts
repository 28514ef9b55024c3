import 'reflect-metadata';
import { createHost } from '@slicewise/host';
import {
  defineSlice,
  type NotificationHandler,
  on,
  type ParsedInputOf,
  type RequestDeclaration,
  type ResponseOf,
  requestFromInput,
} from '@slicewise/mediator';
import { Service } from 'typedi';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { DeactivateUser, deactivateUser, UserDeactivated } from './index.js';

const writer = { caller: { id: 'test', permissions: ['users:write'] } };
const seen: number[] = [];

@Service()
class Recorder implements NotificationHandler<UserDeactivated> {
  handle(notification: UserDeactivated): void {
    seen.push(notification.userId);
  }
}
const recorder = defineSlice({ name: 'test-recorder', handlers: [on(UserDeactivated, Recorder)] });

function hostWithAlice() {
  seen.length = 0;
  const host = createHost({ slices: [deactivateUser, recorder] });
  host.db.table('users').insertAll([
    { id: 1, name: 'Alice', email: 'alice@example.com', active: 1 },
    { id: 2, name: 'Bob', email: 'bob@example.com', active: 1 },
  ]);
  return host;
}

describe('DeactivateUser', () => {
  it('deactivates the user, responds with it and publishes UserDeactivated', async () => {
    const host = hostWithAlice();

    const user = await host.mediator.send(new DeactivateUser({ id: 1 }), writer);

    expect(user).toEqual({ id: 1, name: 'Alice', email: 'alice@example.com', active: false });
    expect(host.db.query('SELECT id, active FROM users ORDER BY id').all()).toEqual([
      { id: 1, active: 0 },
      { id: 2, active: 1 },
    ]);
    expect(seen).toEqual([1]);
    host.close();
  });

  it('is not an error twice, and publishes only once', async () => {
    const host = hostWithAlice();

    await host.mediator.send(new DeactivateUser({ id: 1 }), writer);
    const again = await host.mediator.send(requestFromInput(DeactivateUser, { id: '1' }), writer);

    expect(again.active).toBe(false);
    expect(seen).toEqual([1]);
    host.close();
  });

  it('fails with NOT_FOUND and publishes nothing when there is no such user', async () => {
    const host = hostWithAlice();

    await expect(host.mediator.send(new DeactivateUser({ id: 9 }), writer)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'No user has id 9',
    });
    expect(seen).toEqual([]);
    host.close();
  });

  it('publishes nothing when the write fails', async () => {
    const host = hostWithAlice();
    host.db.execute("CREATE TRIGGER frozen BEFORE UPDATE ON users BEGIN SELECT RAISE(ABORT, 'frozen'); END");

    await expect(host.mediator.send(new DeactivateUser({ id: 1 }), writer)).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(seen).toEqual([]);
    expect(host.db.query('SELECT active FROM users WHERE id = 1').all()).toEqual([{ active: 1 }]);
    host.close();
  });

  it('requires users:write and validates the id', async () => {
    const host = hostWithAlice();

    await expect(host.mediator.send(new DeactivateUser({ id: 1 }))).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(host.mediator.send(requestFromInput(DeactivateUser, { id: 'x' }), writer)).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    expect(host.db.query('SELECT active FROM users WHERE id = 1').all()).toEqual([{ active: 1 }]);
    host.close();
  });

  it('responds with a user its declared output schema accepts as it is', async () => {
    const host = hostWithAlice();

    const user = await host.mediator.send(new DeactivateUser({ id: 1 }), writer);

    expect(await DeactivateUser.declaration.output?.['~standard'].validate(user)).toEqual({ value: user });
    host.close();
  });

  // A type-level check: `pnpm typecheck` (tsc over the test files) fails when the two types differ.
  it('declares an output schema whose type is exactly its response type', () => {
    expectTypeOf(DeactivateUser.declaration).toEqualTypeOf<
      RequestDeclaration<ParsedInputOf<DeactivateUser>, ResponseOf<DeactivateUser>>
    >();
  });

  it('declares POST /users/{id}/deactivate and users deactivate <id>', () => {
    expect(DeactivateUser.declaration).toMatchObject({
      meta: {
        http: { method: 'POST', path: '/users/{id}/deactivate' },
        cli: { command: 'users deactivate', args: ['id'] },
      },
      permissions: ['users:write'],
    });
  });
});
