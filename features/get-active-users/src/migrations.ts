import type { Migration } from '@slicewise/db';

/** The `users` table this slice reads. Recorded under the slice's name; safe to run on every start. */
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
