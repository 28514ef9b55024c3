import 'reflect-metadata';
import { createHost } from '@slicewise/host';
import { type RequestDeclaration, type ResponseOf } from '@slicewise/mediator';
import { UserDeactivated, UserRegistered } from '@slicewise/users';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { userStatsSchema } from './get-user-stats.js';
import { GetUserStats, RebuildUserStats, type UserStats, userStats } from './index.js';

const writer = { caller: { id: 'test', permissions: ['users:write'] } };
const registered = (id: number, at: string) =>
  new UserRegistered({ id, name: `User ${id}`, email: `user${id}@example.com`, active: true }, at);

describe('GetUserStats', () => {
  it('is all zeros on an empty database', async () => {
    const host = createHost({ slices: [userStats] });

    const stats = await host.mediator.send(new GetUserStats());

    expectTypeOf(stats).toEqualTypeOf<UserStats>();
    expect(stats).toEqual({ total: 0, active: 0, registeredPerDay: [] });
    host.close();
  });

  it('counts UserRegistered and UserDeactivated notifications, per UTC day in day order', async () => {
    const host = createHost({ slices: [userStats] });

    await host.mediator.publish(registered(1, '2026-11-25T10:00:00.000Z'));
    await host.mediator.publish(registered(2, '2026-11-24T23:59:59.999Z'));
    await host.mediator.publish(registered(3, '2026-11-25T11:00:00.000Z'));
    await host.mediator.publish(new UserDeactivated(2, '2026-11-26T00:00:00.000Z'));

    expect(await host.mediator.send(new GetUserStats())).toEqual({
      total: 3,
      active: 2,
      registeredPerDay: [
        { day: '2026-11-24', count: 1 },
        { day: '2026-11-25', count: 2 },
      ],
    });
    expect(host.db.query('SELECT * FROM user_stats_totals').all()).toEqual([{ id: 1, total: 3, active: 2 }]);
    host.close();
  });

  it('starts from the existing users when added to a database that has some', async () => {
    const host = createHost({ slices: [] });
    host.db.raw.exec(`
      CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT UNIQUE COLLATE NOCASE, active INTEGER, created_at TEXT);
      INSERT INTO users VALUES (1, 'A', 'a@x.io', 1, '2026-01-01T09:00:00.000Z'), (2, 'B', 'b@x.io', 0, '2026-01-02T09:00:00.000Z');
    `);

    const withStats = createHost({ slices: [userStats], database: host.db });

    expect(await withStats.mediator.send(new GetUserStats())).toEqual({
      total: 2,
      active: 1,
      registeredPerDay: [
        { day: '2026-01-01', count: 1 },
        { day: '2026-01-02', count: 1 },
      ],
    });
    host.close();
  });
});

describe('RebuildUserStats', () => {
  it('recomputes the read model from the users table', async () => {
    const host = createHost({ slices: [userStats] });
    await host.mediator.publish(registered(99, '2020-01-01T00:00:00.000Z')); // drift: no such row in users
    host.db.raw.exec(`
      INSERT INTO users (name, email, active, created_at) VALUES
        ('A', 'a@x.io', 1, '2026-03-01T08:00:00.000Z'),
        ('B', 'b@x.io', 0, '2026-03-01T09:00:00.000Z'),
        ('C', 'c@x.io', 1, '2026-03-02T09:00:00.000Z');
    `);

    const rebuilt = await host.mediator.send(new RebuildUserStats(), writer);

    const expected = {
      total: 3,
      active: 2,
      registeredPerDay: [
        { day: '2026-03-01', count: 2 },
        { day: '2026-03-02', count: 1 },
      ],
    };
    expect(rebuilt).toEqual(expected);
    expect(await host.mediator.send(new GetUserStats())).toEqual(expected);
    host.close();
  });

  it('requires users:write', async () => {
    const host = createHost({ slices: [userStats] });

    await expect(host.mediator.send(new RebuildUserStats())).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    host.close();
  });

  it('returns statistics their declared output schema accepts as they are', async () => {
    const host = createHost({ slices: [userStats] });
    await host.mediator.publish(registered(1, '2026-03-01T08:00:00.000Z'));
    host.db.raw.exec(
      "INSERT INTO users (name, email, active, created_at) VALUES ('A', 'a@x.io', 1, '2026-03-02T09:00:00.000Z')",
    );

    const stats = await host.mediator.send(new GetUserStats());
    const rebuilt = await host.mediator.send(new RebuildUserStats(), writer);

    expect(stats.registeredPerDay).toHaveLength(1);
    expect(rebuilt.registeredPerDay).toHaveLength(1);
    expect(await GetUserStats.declaration.output?.['~standard'].validate(stats)).toEqual({ value: stats });
    expect(await RebuildUserStats.declaration.output?.['~standard'].validate(rebuilt)).toEqual({ value: rebuilt });
    host.close();
  });

  // A type-level check: `pnpm typecheck` (tsc over the test files) fails when the two types differ.
  it('declares output schemas whose type is exactly the UserStats response', () => {
    expectTypeOf<z.output<typeof userStatsSchema>>().toEqualTypeOf<UserStats>();
    expectTypeOf(GetUserStats.declaration).toEqualTypeOf<RequestDeclaration<undefined, ResponseOf<GetUserStats>>>();
    expectTypeOf(RebuildUserStats.declaration).toEqualTypeOf<
      RequestDeclaration<undefined, ResponseOf<RebuildUserStats>>
    >();
  });

  it('declares GET /user-stats, users stats, POST /user-stats/rebuild and users rebuild-stats', () => {
    expect(GetUserStats.declaration).toMatchObject({
      meta: {
        http: { method: 'GET', path: '/user-stats' },
        cli: { command: 'users stats' },
      },
    });
    expect(RebuildUserStats.declaration).toMatchObject({
      meta: {
        http: { method: 'POST', path: '/user-stats/rebuild' },
        cli: { command: 'users rebuild-stats' },
      },
      permissions: ['users:write'],
    });
  });
});
