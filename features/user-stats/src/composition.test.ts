import 'reflect-metadata';
import { DeactivateUser, deactivateUser } from '@slicewise/deactivate-user';
import { GetActiveUsers, getActiveUsers } from '@slicewise/get-active-users';
import { GetUser, getUser } from '@slicewise/get-user';
import { createHost } from '@slicewise/host';
import { ImportUsers, importUsers } from '@slicewise/import-users';
import { ListUsers, listUsers } from '@slicewise/list-users';
import { requestFromInput } from '@slicewise/mediator';
import { RegisterUser, registerUser } from '@slicewise/register-user';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { GetUserStats, RebuildUserStats, userStats } from './index.js';

const writer = { caller: { id: 'test', permissions: ['users:write'] } };
const allSlices = [getActiveUsers, listUsers, getUser, registerUser, deactivateUser, importUsers, userStats];
const today = new Date().toISOString().slice(0, 10);

describe('the user-management slices composed together', () => {
  it('register → deactivate → stats → list through one host of every user slice', async () => {
    const host = createHost({ slices: allSlices });
    const { mediator } = host;

    const ada = await mediator.send(requestFromInput(RegisterUser, { name: 'Ada', email: 'ada@example.com' }), writer);
    const alan = await mediator.send(new RegisterUser({ name: 'Alan', email: 'alan@example.com' }), writer);
    await mediator.send(requestFromInput(DeactivateUser, { id: String(ada.id) }), writer);
    await mediator.send(new DeactivateUser({ id: ada.id }), writer); // idempotent: counted once
    const stats = await mediator.send(new GetUserStats());
    const everyone = await mediator.send(requestFromInput(ListUsers, {}));
    const active = await mediator.send(requestFromInput(ListUsers, { active: 'true' }));

    expect(stats).toEqual({ total: 2, active: 1, registeredPerDay: [{ day: today, count: 2 }] });
    expect(everyone).toEqual([
      { ...ada, active: false },
      { ...alan, active: true },
    ]);
    expect(active).toEqual([alan]);
    expect(await mediator.send(new GetActiveUsers())).toEqual([alan]);
    expect(await mediator.send(new GetUser({ id: ada.id }))).toEqual({ ...ada, active: false });
    host.close();
  });

  it('keeps the read model equal to a rebuild after an import with rejections', async () => {
    const host = createHost({ slices: allSlices });
    const body = [
      { name: 'Ada', email: 'ada@example.com' },
      { name: 'Bad', email: 'bad' },
      { name: 'Ada again', email: 'ADA@example.com' },
      { name: 'Grace', email: 'grace@example.com' },
    ]
      .map((row) => JSON.stringify(row))
      .join('\n');

    for await (const _ of host.mediator.stream(new ImportUsers({ body, batch: 2 }), writer)) {
      // drain
    }
    await host.mediator.send(new DeactivateUser({ id: 1 }), writer);
    const incremental = await host.mediator.send(new GetUserStats());

    expect(incremental).toEqual({ total: 2, active: 1, registeredPerDay: [{ day: today, count: 2 }] });
    expect(await host.mediator.send(new RebuildUserStats(), writer)).toEqual(incremental);
    host.close();
  });

  it('exposes every declared route and command exactly once', () => {
    const host = createHost({ slices: allSlices });
    const declared = host.mediator.describe().map((message) => message.declaration);

    const routes = declared.flatMap((d) =>
      d.meta?.http
        ? [
            `${(d.meta.http as { method: string; path: string }).method} ${(d.meta.http as { method: string; path: string }).path}`,
          ]
        : [],
    );
    const commands = declared.flatMap((d) => (d.meta?.cli ? [(d.meta.cli as { command: string }).command] : []));

    expect(routes.sort()).toEqual([
      'GET /active-users',
      'GET /user-stats',
      'GET /users',
      'GET /users/{id}',
      'POST /user-stats/rebuild',
      'POST /users',
      'POST /users/import',
      'POST /users/{id}/deactivate',
    ]);
    expect(commands.sort()).toEqual([
      'db seed',
      'users active',
      'users deactivate',
      'users get',
      'users import',
      'users list',
      'users rebuild-stats',
      'users register',
      'users stats',
    ]);
    host.close();
  });

  it('declares inputs that convert to JSON Schema, for API docs and CLI help', () => {
    const host = createHost({ slices: allSlices });

    for (const { name, declaration } of host.mediator.describe()) {
      if (!declaration.input) continue;
      for (const io of ['input', 'output'] as const) {
        expect(() => z.toJSONSchema(declaration.input as z.ZodType, { io }), `${name} (${io})`).not.toThrow();
      }
    }
    expect(z.toJSONSchema(ListUsers.declaration.input as z.ZodType, { io: 'input' })).toMatchObject({
      properties: { active: { type: 'boolean' }, limit: { type: 'integer', default: 50, maximum: 500 } },
    });
    host.close();
  });

  it('migrates the users table once, before the slices that need it', () => {
    const host = createHost({ slices: allSlices });

    expect(host.applied).toEqual([
      '@slicewise/users/000-check-users-table',
      '@slicewise/users/001-create-users',
      '@slicewise/user-stats/001-create-user-stats',
    ]);
    expect(host.mediator.slices[0]?.name).toBe('@slicewise/users');
    host.close();
  });
});

describe('a host of get-active-users only', () => {
  it('starts, migrates and answers', async () => {
    const host = createHost({ slices: [getActiveUsers] });
    host.db.execute("INSERT INTO users (name, email) VALUES ('Ada', 'ada@example.com')");

    expect(host.applied).toEqual(['@slicewise/users/000-check-users-table', '@slicewise/users/001-create-users']);
    expect(await host.mediator.send(new GetActiveUsers())).toEqual([
      { id: 1, name: 'Ada', email: 'ada@example.com', active: true },
    ]);
    host.close();
  });
});

describe('a host of register-user without user-stats', () => {
  it('registers and publishes UserRegistered to no one, without error', async () => {
    const host = createHost({ slices: [registerUser, getUser] });

    const ada = await host.mediator.send(new RegisterUser({ name: 'Ada', email: 'ada@example.com' }), writer);

    expect(await host.mediator.send(new GetUser({ id: ada.id }))).toEqual(ada);
    expect(host.db.tableNames()).not.toContain('user_stats_totals');
    host.close();
  });
});
