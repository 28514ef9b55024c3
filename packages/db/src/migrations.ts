import { createHash } from 'node:crypto';
import { InternalError } from '@slicewise/errors';
import type { Database } from './database.js';
import { MigrationError } from './errors.js';

/** One named schema change. `up` is SQL, or a synchronous function for changes SQL cannot say. */
export interface Migration {
  readonly name: string;
  readonly up: string | ((db: Database) => void);
  /**
   * What the checksum is taken of instead of `up`'s text. Give one to a function migration: each build (tsc, a
   * bundler, vitest) prints a function differently, and a database shared by two builds would look "edited".
   * Change it when what `up` does changes.
   */
  readonly identity?: string;
}

/** A migration recorded as applied. */
export interface AppliedMigration {
  readonly set: string;
  readonly name: string;
  readonly checksum: string;
  readonly appliedAt: string;
}

/** Where one migration of a set stands in a database: `edited` means applied, then changed in code. */
export interface MigrationStatus {
  readonly name: string;
  readonly status: 'applied' | 'pending' | 'edited';
  readonly appliedAt?: string;
}

/** The table that records applied migrations of every set. */
export const migrationsTable = '_slicewise_migrations';

/** The checksum recorded for a migration: of its `identity`, else of its SQL or its function's source. */
export function checksumOf(migration: Migration): string {
  return createHash('sha256')
    .update(migration.identity ?? String(migration.up))
    .digest('hex')
    .slice(0, 16);
}

function ensureLedger(db: Database): void {
  db.execute(
    `CREATE TABLE IF NOT EXISTS ${migrationsTable} (set_name TEXT NOT NULL, name TEXT NOT NULL, ` +
      'checksum TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (set_name, name))',
  );
}

/**
 * A named set of migrations (one per slice), applied in order, each once, recorded in one table with a
 * checksum, the sqlite-migrate way.
 *
 * @example
 * const users = new Migrations('users', [{ name: '001-create', up: 'CREATE TABLE users (id INTEGER PRIMARY KEY)' }]);
 * users.apply(db); // ['001-create']
 * users.pending(db); // []
 */
export class Migrations {
  /** The set's name, e.g. the slice's package name. */
  readonly name: string;
  readonly #migrations: Migration[];

  constructor(name: string, migrations: readonly Migration[] = []) {
    this.name = name;
    this.#migrations = [];
    for (const migration of migrations) this.add(migration);
  }

  /** Appends a migration; names must be unique within the set. */
  add(migration: Migration): this {
    if (this.#migrations.some((known) => known.name === migration.name)) {
      throw new MigrationError(`Migration ${this.name}/${migration.name} is listed twice`);
    }
    this.#migrations.push(migration);
    return this;
  }

  /**
   * Applies the pending migrations in order, each in an IMMEDIATE transaction with its record, so two
   * processes opening the same file never both apply one. Returns the names applied now. An applied
   * migration whose text changed since is a `MigrationError`, never re-run.
   */
  apply(db: Database): string[] {
    ensureLedger(db);
    const applied: string[] = [];
    for (const migration of this.#migrations) {
      const checksum = checksumOf(migration);
      db.atomic(() => {
        const recorded = db
          .prepare(`SELECT checksum FROM ${migrationsTable} WHERE set_name = ? AND name = ?`, true)
          .get([this.name, migration.name]) as string | undefined;
        if (recorded !== undefined) {
          if (recorded !== checksum) throw this.#edited(migration.name);
          return;
        }
        try {
          if (typeof migration.up === 'string') db.executeScript(migration.up);
          else migration.up(db);
        } catch (error) {
          throw this.#failed(migration.name, error);
        }
        db.schemaChanged();
        db.execute(`INSERT INTO ${migrationsTable} (set_name, name, checksum, applied_at) VALUES (?, ?, ?, ?)`, [
          this.name,
          migration.name,
          checksum,
          new Date().toISOString(),
        ]);
        applied.push(migration.name);
      });
    }
    return applied;
  }

  /** Each migration of the set with its status in `db`. */
  status(db: Database): MigrationStatus[] {
    const recorded = new Map(this.applied(db).map((record) => [record.name, record]));
    return this.#migrations.map((migration) => {
      const record = recorded.get(migration.name);
      if (record === undefined) return { name: migration.name, status: 'pending' };
      const status = record.checksum === checksumOf(migration) ? 'applied' : 'edited';
      return { name: migration.name, status, appliedAt: record.appliedAt };
    });
  }

  /** The names of the migrations not applied yet, in order. */
  pending(db: Database): string[] {
    return this.status(db)
      .filter((migration) => migration.status === 'pending')
      .map((migration) => migration.name);
  }

  /** The migrations of this set recorded in `db`, in the order they were applied. */
  applied(db: Database): AppliedMigration[] {
    return appliedMigrations(db).filter((record) => record.set === this.name);
  }

  /** An internal failure of a migration's `up` names the migration; its SQLite detail stays in `details`. */
  #failed(name: string, error: unknown): unknown {
    if (!(error instanceof InternalError)) return error;
    return new MigrationError(`Migration ${this.name}/${name} failed: ${error.message}`, {
      cause: error,
      details: { ...error.details, set: this.name, migration: name },
    });
  }

  #edited(name: string): MigrationError {
    return new MigrationError(
      `Migration ${this.name}/${name} was edited after it was applied: add a new migration instead`,
      {
        details: { set: this.name, migration: name },
      },
    );
  }
}

/** Every applied migration of every set, in the order they were applied. */
export function appliedMigrations(db: Database): AppliedMigration[] {
  if (!db.table(migrationsTable).exists()) return [];
  return db
    .query<AppliedMigration>(
      `SELECT set_name AS "set", name, checksum, applied_at AS appliedAt FROM ${migrationsTable} ORDER BY rowid`,
    )
    .all();
}

/** Applies a named set of migrations (see {@link Migrations.apply}); returns the names applied now. */
export function migrate(db: Database, set: string, migrations: readonly Migration[]): string[] {
  return new Migrations(set, migrations).apply(db);
}
