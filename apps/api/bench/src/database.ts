/** The benchmark's database files: every server gets one made the same way. */
import { createHost } from '@slicewise/host';
import { userStats } from '@slicewise/user-stats';
import { users } from '@slicewise/users';

/** Users seeded into every database; ids 1..10,000, every fifth inactive. */
export const seededUsers = 10_000;

/**
 * Creates `file` with the `users` table holding {@link seededUsers} users, then applies the user-stats migrations
 * (its read model seeded from them, its subscription starting at the log's end), as the Slicewise API would at
 * start-up. The hand-written server writes to the same tables.
 */
export function prepareDatabase(file: string): void {
  const seeding = createHost({ slices: [users], database: file });
  const insert = seeding.db.raw.prepare('INSERT INTO users (id, name, email, active) VALUES (?, ?, ?, ?)');
  seeding.db.raw.transaction(() => {
    for (let id = 1; id <= seededUsers; id++) {
      insert.run(id, `User ${id}`, `user${id}@example.com`, id % 5 === 0 ? 0 : 1);
    }
  })();
  seeding.close();
  createHost({ slices: [userStats], database: file, events: { drive: false } }).close();
}
