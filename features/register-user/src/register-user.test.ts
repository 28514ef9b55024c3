import 'reflect-metadata';
import { type Database } from '@slicewise/db';
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
import { RegisterUser, registerUser, type UserDto, UserRegistered } from './index.js';

const writer = { caller: { id: 'test', permissions: ['users:write'] } };

/** What the recorder saw: each notification, and whether a transaction was open when it arrived. */
const seen: { user: UserDto; registeredAt: string; inTransaction: boolean; rows: number }[] = [];
let recorderDb: Database | undefined;

@Service()
class Recorder implements NotificationHandler<UserRegistered> {
  handle(notification: UserRegistered): void {
    const db = recorderDb as Database;
    seen.push({
      user: notification.user,
      registeredAt: notification.registeredAt,
      inTransaction: db.raw.inTransaction,
      rows: db.table('users').countWhere('id = ?', [notification.user.id]),
    });
  }
}
const recorder = defineSlice({ name: 'test-recorder', handlers: [on(UserRegistered, Recorder)] });

function recordingHost() {
  seen.length = 0;
  const host = createHost({ slices: [registerUser, recorder] });
  recorderDb = host.db;
  return host;
}

describe('RegisterUser', () => {
  it('inserts the user and responds with it, trimmed and lowercased', async () => {
    const host = createHost({ slices: [registerUser] });

    const user = await host.mediator.send(
      new RegisterUser({ name: ' Ada Lovelace ', email: ' Ada@Example.COM ' }),
      writer,
    );

    expectTypeOf(user).toEqualTypeOf<UserDto>();
    expect(user).toEqual({ id: 1, name: 'Ada Lovelace', email: 'ada@example.com', active: true });
    expect(host.db.query('SELECT id, name, email, active FROM users').all()).toEqual([
      { id: 1, name: 'Ada Lovelace', email: 'ada@example.com', active: 1 },
    ]);
    host.close();
  });

  it('publishes UserRegistered once, after the write committed', async () => {
    const host = recordingHost();

    const user = await host.mediator.send(new RegisterUser({ name: 'Ada', email: 'ada@example.com' }), writer);

    expect(seen).toEqual([
      { user, registeredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), inTransaction: false, rows: 1 },
    ]);
    host.close();
  });

  it('fails with CONFLICT naming the email when it is taken in any case, and publishes nothing', async () => {
    const host = recordingHost();
    await host.mediator.send(new RegisterUser({ name: 'Ada', email: 'ada@example.com' }), writer);

    await expect(
      host.mediator.send(new RegisterUser({ name: 'Other Ada', email: 'ADA@example.com' }), writer),
    ).rejects.toMatchObject({ code: 'CONFLICT', message: 'A user with email ada@example.com is already registered' });

    expect(seen).toHaveLength(1);
    expect(host.db.table('users').countWhere()).toBe(1);
    host.close();
  });

  it('publishes nothing when the write fails in the database', async () => {
    const host = recordingHost();
    host.db.execute("CREATE TRIGGER no_users BEFORE INSERT ON users BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");

    await expect(
      host.mediator.send(new RegisterUser({ name: 'Ada', email: 'ada@example.com' }), writer),
    ).rejects.toMatchObject({
      code: 'INTERNAL',
    });

    expect(seen).toEqual([]);
    expect(host.db.table('users').countWhere()).toBe(0);
    host.close();
  });

  it('registers without error when nothing subscribes to UserRegistered (no user-stats)', async () => {
    const host = createHost({ slices: [registerUser] });

    await expect(
      host.mediator.send(new RegisterUser({ name: 'Ada', email: 'ada@example.com' }), writer),
    ).resolves.toMatchObject({ id: 1 });
    expect(host.mediator.describe().some((message) => message.message === UserRegistered)).toBe(false);
    host.close();
  });

  it.each([
    [{ name: '  ', email: 'ada@example.com' }, 'name'],
    [{ name: 'x'.repeat(101), email: 'ada@example.com' }, 'name'],
    [{ name: 'Ada', email: 'ada-at-example.com' }, 'email'],
    [{ name: 'Ada', email: `${'a'.repeat(250)}@example.com` }, 'email'],
    [{ name: 'Ada' }, 'email'],
  ])('rejects %j with VALIDATION naming %s and writes nothing', async (input, field) => {
    const host = createHost({ slices: [registerUser] });

    await expect(host.mediator.send(requestFromInput(RegisterUser, input), writer)).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [expect.objectContaining({ path: [field] })],
    });
    expect(host.db.table('users').countWhere()).toBe(0);
    host.close();
  });

  it('requires an authenticated caller with users:write', async () => {
    const host = createHost({ slices: [registerUser] });
    const request = () => new RegisterUser({ name: 'Ada', email: 'ada@example.com' });

    await expect(host.mediator.send(request())).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(
      host.mediator.send(request(), { caller: { id: 'reader', permissions: ['users:read'] } }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(host.db.table('users').countWhere()).toBe(0);
    host.close();
  });

  it('responds with a user its declared output schema accepts as it is', async () => {
    const host = createHost({ slices: [registerUser] });

    const user = await host.mediator.send(new RegisterUser({ name: ' Ada ', email: ' Ada@Example.COM ' }), writer);

    expect(await RegisterUser.declaration.output?.['~standard'].validate(user)).toEqual({ value: user });
    host.close();
  });

  // A type-level check: `pnpm typecheck` (tsc over the test files) fails when the two types differ.
  it('declares an output schema whose type is exactly its response type', () => {
    expectTypeOf(RegisterUser.declaration).toEqualTypeOf<
      RequestDeclaration<ParsedInputOf<RegisterUser>, ResponseOf<RegisterUser>>
    >();
  });

  it('declares POST /users (201) and users register <name> <email>', () => {
    expect(RegisterUser.declaration).toMatchObject({
      meta: {
        http: { method: 'POST', path: '/users', status: 201 },
        cli: { command: 'users register', args: ['name', 'email'] },
      },
      permissions: ['users:write'],
    });
  });
});
