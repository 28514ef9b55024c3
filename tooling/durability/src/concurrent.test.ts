import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, exitOf, register, startApi, startCli, statsAndRecount } from './processes.js';

const dir = mkdtempSync(join(tmpdir(), 'slicewise-concurrent-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('two processes on one file, both composing user-stats', () => {
  it('count every registration exactly once under concurrent writes from both', async () => {
    const db = join(dir, 'shared.db');
    expect(cli(db, 'db', 'migrate').status).toBe(0);
    const api = await startApi(db);
    try {
      // The API registers users one by one (and drives user-stats as it writes) while one CLI process seeds
      // thousands in batches and others answer `users stats`, each catching the subscription up as it goes: two
      // processes driving one subscription under concurrent writes.
      const seed = startCli(db, 'db', 'seed', '--count', '20000');
      seed.stdout?.resume();
      seed.stderr?.resume();
      let readers = 0;
      const reader = async () => {
        while (seed.exitCode === null) {
          const stats = startCli(db, 'users', 'stats', '--json');
          stats.stdout?.resume();
          stats.stderr?.resume();
          await exitOf(stats);
          expect(stats.exitCode).toBe(0);
          readers++;
        }
      };
      const reading = reader();
      let registered = 0;
      const worker = async (n: number) => {
        for (let i = 0; i < 60; i++) {
          const status = await register(api.url, `Api ${n}-${i}`, `api${n}-${i}@example.com`);
          expect(status).toBe(201);
          registered++;
        }
      };
      await Promise.all(Array.from({ length: 4 }, (_, n) => worker(n)));
      await exitOf(seed);
      await reading;
      expect(seed.exitCode).toBe(0);
      expect(readers).toBeGreaterThan(0);
      expect(registered).toBe(240);

      const stats = await (await fetch(`${api.url}/user-stats`)).json();
      const { stats: model, recount, integrity } = statsAndRecount(db);
      expect(integrity).toBe('ok');
      expect(recount.totals).toEqual({ total: 20_240, active: 15_240 });
      expect(model).toEqual(recount);
      expect(stats).toMatchObject({ total: 20_240, active: 15_240 });
    } finally {
      await api.stop();
    }
  });
});

describe('a host composing a subset', () => {
  it('leaves its events in the log for the next process that composes user-stats, which catches up', () => {
    const db = join(dir, 'subset.db');
    expect(cli(db, 'users', 'stats', '--json').status).toBe(0); // creates the read model, empty
    // `users register` and `users deactivate` compose their own slice only: no user-stats in these processes.
    expect(cli(db, 'users', 'register', 'Ada', 'ada@example.com').status).toBe(0);
    expect(cli(db, 'users', 'register', 'Alan', 'alan@example.com').status).toBe(0);
    expect(cli(db, 'users', 'deactivate', '1').status).toBe(0);
    expect(statsAndRecount(db).stats.totals).toEqual({ total: 0, active: 0 });

    const status = JSON.parse(cli(db, 'events', 'status', '--json').stdout);
    expect(status.subscriptions).toEqual([expect.objectContaining({ name: '@slicewise/user-stats/count-users' })]);
    const stats = JSON.parse(cli(db, 'users', 'stats', '--json').stdout);

    expect(stats).toMatchObject({ total: 2, active: 1 });
    expect(statsAndRecount(db).stats).toEqual(statsAndRecount(db).recount);
  });
});
