import { Database } from '@slicewise/db';
import { EventLog } from '@slicewise/events';
import { defineCommand, type RequestHandler } from '@slicewise/mediator';
import { Service } from 'typedi';
import { readUserStats, type UserStats, userStatsSchema } from './get-user-stats.js';
import { rebuildSql } from './migrations.js';
import { countUsersSubscription } from './projections.js';

/** Recomputes the read model from the `users` table (the only time this slice reads it) and returns it. */
export class RebuildUserStats extends defineCommand({
  output: userStatsSchema,
  description: 'Recompute the user statistics from the users table',
  permissions: ['users:write'],
  meta: { http: { method: 'POST', path: '/user-stats/rebuild' }, cli: { command: 'users rebuild-stats' } },
}) {}

/**
 * Replaces both read-model tables and moves the subscription's checkpoint to the log's end in one transaction:
 * every event before that point is in the `users` rows it counted, every later one is counted by the subscription.
 */
@Service()
export class RebuildUserStatsHandler implements RequestHandler<RebuildUserStats> {
  constructor(
    private readonly db: Database,
    private readonly events: EventLog,
  ) {}

  handle(): UserStats {
    return this.db.atomic(() => {
      this.db.raw.exec(rebuildSql);
      this.events.reset(countUsersSubscription, 'end');
      return readUserStats(this.db);
    });
  }
}
