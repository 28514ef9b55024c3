import { createHash } from 'node:crypto';
import { InternalError } from '@slicewise/errors';
import type { Database } from './database.js';

/** One named schema change. `up` is SQL, or a synchronous function for changes SQL cannot say. */
export interface Migration {
  readonly name: string;
  readonly up: string | ((db: Database) => void);
}

const ledger = '_slicewise_migrations';

function checksumOf(migration: Migration): string {
  return createHash('sha256').update(String(migration.up)).digest('hex').slice(0, 16);
}

/**
 * Applies a named set of migrations in order, each once, each in an IMMEDIATE transaction with its record,
 * so two processes opening the same file never both apply it. Returns the names applied now.
 * An applied migration whose text changed since is an error, never re-run.
 */
export function migrate(db: Database, set: string, migrations: readonly Migration[]): string[] {
  db.execute(
    `CREATE TABLE IF NOT EXISTS ${ledger} (set_name TEXT NOT NULL, name TEXT NOT NULL, checksum TEXT NOT NULL, ` +
      'applied_at TEXT NOT NULL, PRIMARY KEY (set_name, name))',
  );
  const applied: string[] = [];
  for (const migration of migrations) {
    const checksum = checksumOf(migration);
    db.atomic(() => {
      const [recorded] = db.query<{ checksum: string }>(
        `SELECT checksum FROM ${ledger} WHERE set_name = ? AND name = ?`,
        [set, migration.name],
      );
      if (recorded) {
        if (recorded.checksum !== checksum) {
          throw new InternalError(
            `Migration ${set}/${migration.name} was edited after it was applied: add a new migration instead`,
            { details: { set, migration: migration.name } },
          );
        }
        return;
      }
      if (typeof migration.up === 'string') db.raw.exec(migration.up);
      else migration.up(db);
      db.execute(`INSERT INTO ${ledger} (set_name, name, checksum, applied_at) VALUES (?, ?, ?, ?)`, [
        set,
        migration.name,
        checksum,
        new Date().toISOString(),
      ]);
      applied.push(migration.name);
    });
  }
  return applied;
}
