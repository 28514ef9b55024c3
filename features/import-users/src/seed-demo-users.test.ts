import 'reflect-metadata';
import type { Database } from '@slicewise/db';
import { createHost } from '@slicewise/host';
import { describe, expect, it } from 'vitest';
import { importUsers, SeedDemoUsers, type SeedProgress } from './index.js';

const writer = { caller: { id: 'test', permissions: ['users:write'] } };

function newHost() {
  return createHost({ slices: [importUsers] });
}

/** The UsersRegistered events in the log, as the number of users each carries. */
const logged = (db: Database) =>
  db
    .query<{ type: string; payload: string }>('SELECT type, payload FROM _slicewise_events ORDER BY position')
    .all()
    .map((event) => [event.type, JSON.parse(event.payload).users.length]);

async function collect(items: AsyncIterable<SeedProgress>): Promise<SeedProgress[]> {
  const all: SeedProgress[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('SeedDemoUsers', () => {
  it('writes the demo users in batches of 1,000, each with its UsersRegistered event in its transaction', async () => {
    const host = newHost();

    const progress = await collect(host.mediator.stream(new SeedDemoUsers({ count: 2500 }), writer));

    expect(progress).toEqual([
      { done: 1000, total: 2500, added: 1000 },
      { done: 2000, total: 2500, added: 2000 },
      { done: 2500, total: 2500, added: 2500 },
    ]);
    expect(logged(host.db)).toEqual([
      ['@slicewise/users/UsersRegistered', 1000],
      ['@slicewise/users/UsersRegistered', 1000],
      ['@slicewise/users/UsersRegistered', 500],
    ]);
    const rows = host.db.query<{ active: number }>('SELECT active FROM users ORDER BY id').all();
    expect(rows).toHaveLength(2500);
    expect(rows.filter((row) => row.active === 0)).toHaveLength(625);
    host.close();
  });

  it('is idempotent: seeding the same users again adds only the new ones, and no event for the others', async () => {
    const host = newHost();
    await collect(host.mediator.stream(new SeedDemoUsers({ count: 4 }), writer));

    const again = await collect(host.mediator.stream(new SeedDemoUsers({ count: 6 }), writer));

    expect(again).toEqual([{ done: 6, total: 6, added: 2 }]);
    expect(logged(host.db)).toEqual([
      ['@slicewise/users/UsersRegistered', 4],
      ['@slicewise/users/UsersRegistered', 2],
    ]);
    expect(host.db.query('SELECT id FROM users').all()).toHaveLength(6);
    host.close();
  });

  it('seeds 20 by default, and refuses a count that is not a whole number of at least 1', async () => {
    const host = newHost();

    const seeded = await collect(host.mediator.stream(new SeedDemoUsers(), writer));
    const refused = collect(host.mediator.stream(new SeedDemoUsers({ count: 0 }), writer));

    expect(seeded.at(-1)).toEqual({ done: 20, total: 20, added: 20 });
    await expect(refused).rejects.toMatchObject({ code: 'VALIDATION' });
    host.close();
  });

  it('stops between batches when cancelled, keeping the committed ones', async () => {
    const host = newHost();
    const controller = new AbortController();
    const seen: SeedProgress[] = [];

    const run = (async () => {
      for await (const item of host.mediator.stream(new SeedDemoUsers({ count: 5000 }), {
        ...writer,
        signal: controller.signal,
      })) {
        seen.push(item);
        if (item.done === 2000) controller.abort();
      }
    })();

    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(seen.at(-1)).toEqual({ done: 2000, total: 5000, added: 2000 });
    expect(host.db.query('SELECT id FROM users').all()).toHaveLength(2000);
    expect(logged(host.db)).toHaveLength(2);
    host.close();
  });
});
