import { Database } from '@slicewise/db';
import type { Delivery, EventSubscriber } from '@slicewise/mediator';
import { UserDeactivated, UserRegistered, UsersRegistered } from '@slicewise/users';
import { Service } from 'typedi';

/** The durable subscription feeding the read model: its checkpoint is kept under this name. */
export const countUsersSubscription = '@slicewise/user-stats/count-users';

/**
 * Counts registrations (`UserRegistered`, and each user of a bulk `UsersRegistered`: one more user, active or not, and one more on its UTC day) and deactivations (one active
 * user fewer) from the event log, a batch at a time: one statement for the totals and one per day in the batch.
 * It runs in the transaction that advances the subscription's checkpoint, so each event counts exactly once.
 */
@Service()
export class CountUsers implements EventSubscriber<UserRegistered | UsersRegistered | UserDeactivated> {
  constructor(private readonly db: Database) {}

  handle(deliveries: readonly Delivery<UserRegistered | UsersRegistered | UserDeactivated>[]): void {
    let registered = 0;
    let active = 0;
    const perDay = new Map<string, number>();
    const count = (user: { active: boolean }, registeredAt: string) => {
      registered++;
      if (user.active) active++;
      const day = registeredAt.slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    };
    for (const { event } of deliveries) {
      if (event instanceof UserRegistered) count(event.user, event.registeredAt);
      else if (event instanceof UsersRegistered) for (const user of event.users) count(user, user.registeredAt);
      else if (event instanceof UserDeactivated) active--;
    }
    this.db.execute(
      `INSERT INTO user_stats_totals (id, total, active) VALUES (1, ?, max(?, 0))
       ON CONFLICT (id) DO UPDATE SET total = total + excluded.total, active = max(active + ?, 0)`,
      [registered, active, active],
    );
    for (const [day, count] of perDay) {
      this.db.execute(
        `INSERT INTO user_stats_days (day, registered) VALUES (?, ?)
         ON CONFLICT (day) DO UPDATE SET registered = registered + excluded.registered`,
        [day, count],
      );
    }
  }
}
