import { type Database, type Migration, MigrationError } from '@slicewise/db';

const createUsers = '001-create-users';

/** The columns `001-create-users` creates, which every user slice reads or writes. */
const requiredColumns = ['id', 'name', 'email', 'active', 'created_at'] as const;

/**
 * How an existing `users` table differs from the one `001-create-users` creates: missing columns, an `id`
 * that is not the primary key, or no case-insensitive UNIQUE index on `email`. Empty when it fits (or there is
 * no such table yet).
 */
export function usersTableDifferences(db: Database): string[] {
  const columns = db.query<{ name: string; pk: number }>('SELECT name, pk FROM pragma_table_info(?)', ['users']).all();
  if (columns.length === 0) return [];
  const differences: string[] = [];
  const names = new Set(columns.map((column) => column.name.toLowerCase()));
  const missing = requiredColumns.filter((column) => !names.has(column));
  if (missing.length > 0) differences.push(`it has no column ${missing.join(', ')}`);
  const id = columns.find((column) => column.name.toLowerCase() === 'id');
  if (id && id.pk !== 1) differences.push('id is not its primary key');
  if (names.has('email')) {
    const uniqueOnEmail = db
      .query<{ name: string }>('SELECT name FROM pragma_index_list(?) WHERE "unique" = 1 AND partial = 0', ['users'])
      .all()
      .some(({ name }) => {
        const keys = db
          .query<{ name: string | null; coll: string }>(
            'SELECT name, coll FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno',
            [name],
          )
          .all();
        return keys.length === 1 && keys[0]?.name?.toLowerCase() === 'email' && keys[0].coll.toUpperCase() === 'NOCASE';
      });
    if (!uniqueOnEmail) differences.push('email has no UNIQUE COLLATE NOCASE constraint');
  }
  return differences;
}

/** The identity (and checksum source) of `000-check-users-table`. */
export const checkUsersTableIdentity =
  '000-check-users-table v1: refuse a users table lacking a column of 001-create-users, id as its primary key ' +
  'or a UNIQUE COLLATE NOCASE email';

/**
 * The `users` table, owned by this shared model and recorded under `@slicewise/users`. `001-create-users` is
 * identical to the table `@slicewise/get-active-users` 0.1.0 created (as `001-create-users` in its own set):
 * `IF NOT EXISTS` makes it a no-op on a database that version created, so moving the ownership here breaks no
 * existing database. `000-check-users-table` runs first and refuses to adopt a `users` table of another
 * schema (a foreign app's, or one without the UNIQUE email), with a `MigrationError` saying what differs,
 * instead of failing later with `no such column` or silently allowing duplicate emails.
 */
export const migrations: readonly Migration[] = [
  {
    name: '000-check-users-table',
    identity: checkUsersTableIdentity, // a function's text differs between builds: checksum this instead
    up: (db: Database) => {
      const differences = usersTableDifferences(db);
      if (differences.length === 0) return;
      throw new MigrationError(
        `The database already has a users table that @slicewise/users/${createUsers} cannot adopt: ` +
          `${differences.join('; ')}. Rename or migrate that table, or use another database (--db)`,
        { details: { table: 'users', migration: `@slicewise/users/${createUsers}`, differences } },
      );
    },
  },
  {
    name: createUsers,
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
