import type { Migration } from '@slicewise/db';

/**
 * The `users` table, owned by this shared model and recorded under `@slicewise/users`. Identical to the table
 * `@slicewise/get-active-users` 0.1.0 created (as `001-create-users` in its own set): `IF NOT EXISTS` makes this a
 * no-op on a database that version created, so moving the ownership here breaks no existing database.
 */
export const migrations: readonly Migration[] = [
  {
    name: '001-create-users',
    up: `
      CREATE TABLE IF NOT EXISTS users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
      );
      CREATE INDEX IF NOT EXISTS users_active ON users (active, id);
    `,
  },
];
