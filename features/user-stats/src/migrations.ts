import type { Migration } from '@slicewise/db';

/** SQL that recomputes the read model from the `users` table: the migration's seed and `RebuildUserStats`. */
export const rebuildSql = `
  DELETE FROM user_stats_totals;
  DELETE FROM user_stats_days;
  INSERT INTO user_stats_totals (id, total, active)
    SELECT 1, count(*), coalesce(sum(active), 0) FROM users;
  INSERT INTO user_stats_days (day, registered)
    SELECT substr(created_at, 1, 10), count(*) FROM users GROUP BY 1;
`;

/**
 * The read model's own tables, recorded under `@slicewise/user-stats`. The first migration also seeds them from
 * `users`, so adding this slice to a host with existing users starts from correct numbers.
 */
export const migrations: readonly Migration[] = [
  {
    name: '001-create-user-stats',
    up: `
      CREATE TABLE user_stats_totals (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        total INTEGER NOT NULL,
        active INTEGER NOT NULL
      );
      CREATE TABLE user_stats_days (
        day TEXT PRIMARY KEY,
        registered INTEGER NOT NULL
      );
      ${rebuildSql}
    `,
  },
];
