import { describe, expect, it } from 'vitest';
import { cli, expectFailure, json, sql } from './fixtures/real-cli.js';

// The real `slicewise events …` commands, run as child processes on a temporary database.
const subscription = '@slicewise/user-stats/count-users';

describe('slicewise events', () => {
  it('shows the lag a writer-only command leaves, and catch-up brings the subscription to the log end', async () => {
    expect((await cli('users', 'stats')).code).toBe(0); // user-stats' checkpoint exists
    expect((await cli('users', 'register', 'Ada', 'ada@example.com')).code).toBe(0); // register-user alone

    const before = await json('events', 'status');
    const caughtUp = await json('events', 'catch-up');
    const after = await json('events', 'status');

    expect(before).toEqual({
      position: 1,
      subscriptions: [{ name: subscription, position: 0, lag: 1, parked: 0, attempts: 0, composed: true }],
    });
    expect(caughtUp).toEqual({ lag: 0 });
    expect(after.subscriptions[0]).toMatchObject({ name: subscription, position: 1, lag: 0 });
    expect(sql('SELECT total, active FROM user_stats_totals')).toEqual([{ total: 1, active: 1 }]);
  });

  it('lists no parked events as a table, and refuses to retry one that does not exist', async () => {
    const parked = await cli('events', 'parked');
    const retry = await cli('events', 'retry', '7');

    expect(parked.stdout).toBe('(no rows)\n');
    expectFailure(retry, 3, /No parked event has id 7/);
  });
});
