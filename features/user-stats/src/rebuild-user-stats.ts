import { Database } from '@slicewise/db';
import { Command, declareRequest, type RequestHandler } from '@slicewise/mediator';
import { Service } from 'typedi';
import { readUserStats, type UserStats, userStatsSchema } from './get-user-stats.js';
import { rebuildSql } from './migrations.js';

/** Recomputes the read model from the `users` table (the only time this slice reads it) and returns it. */
export class RebuildUserStats extends Command<UserStats> {
  static readonly declaration = declareRequest({
    output: userStatsSchema,
    description: 'Recompute the user statistics from the users table',
    http: { method: 'POST', path: '/user-stats/rebuild' },
    cli: { command: 'users rebuild-stats' },
    permissions: ['users:write'],
  });
}

/** Replaces both read-model tables in one transaction. */
@Service()
export class RebuildUserStatsHandler implements RequestHandler<RebuildUserStats> {
  constructor(private readonly db: Database) {}

  handle(): UserStats {
    return this.db.atomic(() => {
      this.db.raw.exec(rebuildSql);
      return readUserStats(this.db);
    });
  }
}
