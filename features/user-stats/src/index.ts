import { createRequire } from 'node:module';
import { defineSlice, handle, subscribe } from '@slicewise/mediator';
import { UserDeactivated, UserRegistered, UsersRegistered, users } from '@slicewise/users';
import { GetUserStats, GetUserStatsHandler } from './get-user-stats.js';
import { migrations } from './migrations.js';
import { CountUsers, countUsersSubscription } from './projections.js';
import { RebuildUserStats, RebuildUserStatsHandler } from './rebuild-user-stats.js';

const { name, version } = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/**
 * The user-stats read model: its own tables, fed by a durable subscription to `UserRegistered` / `UserDeactivated`
 * (any process composing this slice drives it, from the event log), read by `GetUserStats` (after catching up),
 * recomputed from `users` by `RebuildUserStats`.
 */
export const userStats = defineSlice({
  name,
  version,
  requires: [users],
  handlers: [handle(GetUserStats, GetUserStatsHandler), handle(RebuildUserStats, RebuildUserStatsHandler)],
  subscriptions: [
    // Its first migration seeds the tables from `users`, so the subscription starts at the log's end then.
    subscribe([UserRegistered, UsersRegistered, UserDeactivated], CountUsers, {
      name: countUsersSubscription,
      batch: 50,
      from: 'end',
    }),
  ],
  migrations,
});

export { GetUserStats, type RegistrationsOnDay, type UserStats } from './get-user-stats.js';
export { RebuildUserStats } from './rebuild-user-stats.js';
