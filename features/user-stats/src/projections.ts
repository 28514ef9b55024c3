import { Database } from '@slicewise/db';
import type { NotificationHandler } from '@slicewise/mediator';
import type { UserDeactivated, UserRegistered } from '@slicewise/users';
import { Service } from 'typedi';

/** Counts a registration: one more user (active or not) and one more on its UTC day. */
@Service()
export class CountRegistration implements NotificationHandler<UserRegistered> {
  constructor(private readonly db: Database) {}

  handle({ user, registeredAt }: UserRegistered): void {
    this.db.atomic(() => {
      this.db.execute(
        `INSERT INTO user_stats_totals (id, total, active) VALUES (1, 1, ?)
         ON CONFLICT (id) DO UPDATE SET total = total + 1, active = active + excluded.active`,
        [user.active ? 1 : 0],
      );
      this.db.execute(
        `INSERT INTO user_stats_days (day, registered) VALUES (?, 1)
         ON CONFLICT (day) DO UPDATE SET registered = registered + 1`,
        [registeredAt.slice(0, 10)],
      );
    });
  }
}

/** Counts a deactivation: one active user fewer (`UserDeactivated` is published once per user). */
@Service()
export class CountDeactivation implements NotificationHandler<UserDeactivated> {
  constructor(private readonly db: Database) {}

  handle(): void {
    this.db.execute('UPDATE user_stats_totals SET active = max(active - 1, 0) WHERE id = 1');
  }
}
