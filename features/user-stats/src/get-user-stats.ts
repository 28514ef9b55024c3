import { Database } from '@slicewise/db';
import { EventLog } from '@slicewise/events';
import { defineQuery, type RequestHandler } from '@slicewise/mediator';
import { Service } from 'typedi';
import { z } from 'zod';
import { countUsersSubscription } from './projections.js';

/** Registrations on one UTC day (`YYYY-MM-DD`). */
export interface RegistrationsOnDay {
  day: string;
  count: number;
}

/** The user statistics: totals, and registrations per UTC day in day order. */
export interface UserStats {
  total: number;
  active: number;
  registeredPerDay: RegistrationsOnDay[];
}

/**
 * The {@link UserStats} as a schema: the `output` of `GetUserStats` and `RebuildUserStats`. Its output type equals
 * `UserStats` (pinned by a type test); properties in the order the read model returns them.
 */
export const userStatsSchema = z.object({
  total: z.number().int().min(0),
  active: z.number().int().min(0),
  registeredPerDay: z.array(z.object({ day: z.iso.date(), count: z.number().int().positive() })),
});

/** Reads the read model (never the `users` table). */
export function readUserStats(db: Database): UserStats {
  const totals = db.query<{ total: number; active: number }>('SELECT total, active FROM user_stats_totals').first();
  const registeredPerDay = db
    .query<RegistrationsOnDay>('SELECT day, registered AS count FROM user_stats_days ORDER BY day')
    .all();
  return { total: totals?.total ?? 0, active: totals?.active ?? 0, registeredPerDay };
}

/** How many users there are, how many are active, and how many registered each day. */
export class GetUserStats extends defineQuery({
  output: userStatsSchema,
  description: 'User totals (all, active) and registrations per day',
  meta: { http: { method: 'GET', path: '/user-stats' }, cli: { command: 'users stats' } },
}) {}

/**
 * Answers from `user_stats_totals` and `user_stats_days`, after bringing the subscription feeding them up to date
 * in this process (at most 2 s of work), so the answer counts every committed write.
 */
@Service()
export class GetUserStatsHandler implements RequestHandler<GetUserStats> {
  constructor(
    private readonly db: Database,
    private readonly events: EventLog,
  ) {}

  handle(): UserStats {
    this.events.catchUp(countUsersSubscription, 2000);
    return readUserStats(this.db);
  }
}
