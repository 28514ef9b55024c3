import { createRequire } from 'node:module';
import { defineSlice, handle, on } from '@slicewise/mediator';
import { UserDeactivated, UserRegistered, users } from '@slicewise/users';
import { GetUserStats, GetUserStatsHandler } from './get-user-stats.js';
import { migrations } from './migrations.js';
import { CountDeactivation, CountRegistration } from './projections.js';
import { RebuildUserStats, RebuildUserStatsHandler } from './rebuild-user-stats.js';

const { name, version } = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/**
 * The user-stats read model: its own tables, fed only by `UserRegistered` / `UserDeactivated`, read by
 * `GetUserStats`, recomputed from `users` by `RebuildUserStats`.
 */
export const userStats = defineSlice({
  name,
  version,
  requires: [users],
  handlers: [
    handle(GetUserStats, GetUserStatsHandler),
    handle(RebuildUserStats, RebuildUserStatsHandler),
    on(UserRegistered, CountRegistration),
    on(UserDeactivated, CountDeactivation),
  ],
  migrations,
});

export { GetUserStats, type RegistrationsOnDay, type UserStats } from './get-user-stats.js';
export { RebuildUserStats } from './rebuild-user-stats.js';
