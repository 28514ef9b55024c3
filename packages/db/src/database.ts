import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { InternalError } from '@slicewise/errors';
import BetterSqlite3 from 'better-sqlite3';
import { fromSqliteError } from './sqlite-errors.js';
import { Table } from './table.js';

/** How a {@link Database} opens its file. Every field has a safe default. */
export interface DatabaseOptions {
  /** Milliseconds a statement waits for another connection's lock before failing. Default 5000. */
  busyTimeout?: number;
  /** Enforce foreign keys. Default true. */
  foreignKeys?: boolean;
  /** Write-ahead logging for files (ignored in memory). Default true. */
  wal?: boolean;
  /** `PRAGMA synchronous`. Default `NORMAL`, durable with WAL. */
  synchronous?: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
  /** Open read-only. Default false. */
  readonly?: boolean;
}

type Params = readonly unknown[] | Record<string, unknown>;

/**
 * A SQLite database: a file (created with its folder) or `:memory:`, the sqlite-utils way.
 *
 * @example
 * const db = new Database(':memory:');
 * db.table('users').insertAll([{ id: 1, name: 'Alice', active: true }], { pk: 'id' });
 * db.table('users').rowsWhere('active = ?', [1]); // [{ id: 1, name: 'Alice', active: 1 }]
 */
export class Database {
  /** The better-sqlite3 connection, for what this API does not cover. */
  readonly raw: BetterSqlite3.Database;
  readonly filename: string;
  readonly #statements = new Map<string, BetterSqlite3.Statement>();

  constructor(filename = ':memory:', options: DatabaseOptions = {}) {
    const inMemory = filename === ':memory:' || filename === '';
    if (!inMemory && !options.readonly) mkdirSync(dirname(filename), { recursive: true });
    this.filename = filename;
    this.raw = new BetterSqlite3(filename, { readonly: options.readonly ?? false });
    this.raw.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeout ?? 5000))}`);
    this.raw.pragma(`foreign_keys = ${options.foreignKeys === false ? 'OFF' : 'ON'}`);
    if (!inMemory && options.wal !== false && !options.readonly) this.raw.pragma('journal_mode = WAL');
    this.raw.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  }

  /** A prepared statement for `sql`, prepared once per database and reused. */
  prepare(sql: string): BetterSqlite3.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      try {
        statement = this.raw.prepare(sql);
      } catch (error) {
        throw fromSqliteError(error, sql);
      }
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs a query and returns its rows as objects. */
  query<TRow = Record<string, unknown>>(sql: string, params: Params = []): TRow[] {
    return this.#run(sql, (statement) => statement.all(params) as TRow[]);
  }

  /** Runs a statement that returns no rows; tells how many rows changed and the last inserted rowid. */
  execute(sql: string, params: Params = []): BetterSqlite3.RunResult {
    return this.#run(sql, (statement) => statement.run(params));
  }

  /** A handle on a table, which may not exist yet: writing rows creates it. */
  table<TRow extends object = Record<string, unknown>>(name: string): Table<TRow> {
    return new Table<TRow>(this, name);
  }

  /** The names of the tables in this database, in creation order, without SQLite's own. */
  tableNames(): string[] {
    return this.query<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid",
    ).map((row) => row.name);
  }

  /**
   * Runs `fn` in a transaction (a savepoint when nested) and commits when it returns, rolls back when it
   * throws. `fn` must be synchronous: better-sqlite3 would commit at its first `await`.
   */
  atomic<T>(fn: () => T): T {
    let result: T | undefined;
    this.raw
      .transaction(() => {
        result = fn();
        if (result instanceof Promise) {
          throw new InternalError('atomic() takes a synchronous function: a transaction cannot span an await');
        }
      })
      .immediate();
    return result as T;
  }

  /** Closes the connection; further calls fail. */
  close(): void {
    this.#statements.clear();
    if (this.raw.open) this.raw.close();
  }

  #run<T>(sql: string, fn: (statement: BetterSqlite3.Statement) => T): T {
    const statement = this.prepare(sql);
    try {
      return fn(statement);
    } catch (error) {
      throw fromSqliteError(error, sql);
    }
  }
}
