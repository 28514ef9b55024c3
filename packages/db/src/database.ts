import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { BackgroundCheckpointer, checkpointOptions } from './background-checkpoint.js';
import type { DatabaseOptions, PrepareOptions, TableOptions } from './database-options.js';
import { TransactionError } from './errors.js';
import { quoteIdentifier } from './identifiers.js';
import { type Params, Rows } from './rows.js';
import { fromSqliteError } from './sqlite-errors.js';
import { Table } from './table.js';
import { toSqlParams } from './values.js';

const synchronousModes: readonly string[] = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];
const schemaStatement = /^\s*(?:create|drop|alter)\b/i;
const isAsyncFunction = (fn: unknown) =>
  (fn as { constructor?: { name?: string } }).constructor?.name === 'AsyncFunction';

/**
 * A SQLite database: a file (created with its folder) or `:memory:`, the sqlite-utils way. Register the one
 * instance in typedi (`container.set({ id: Database, value: db })`) and handlers receive it by constructor.
 *
 * @example
 * const db = new Database(':memory:');
 * db.table('users').insertAll([{ id: 1, name: 'Alice', active: true }], { pk: 'id' });
 * db.table('users').rowsWhere('active = ?', [1]); // [{ id: 1, name: 'Alice', active: 1 }]
 */
export class Database {
  /** The better-sqlite3 connection, for what this API does not cover. */
  readonly raw: BetterSqlite3.Database;
  /** The file this database was opened from, or `:memory:`. */
  readonly filename: string;
  readonly #statements = new Map<string, BetterSqlite3.Statement>();
  readonly #tables = new Map<string, Table<object>>();
  readonly #cacheSize: number;
  readonly #transaction: BetterSqlite3.Transaction<(fn: () => unknown) => unknown>;
  readonly #checkpointer: BackgroundCheckpointer | undefined;
  #schemaVersion = 0;
  #variableLimit: number | undefined;

  constructor(filename = ':memory:', options: DatabaseOptions = {}) {
    const synchronous = options.synchronous ?? 'NORMAL';
    if (!synchronousModes.includes(synchronous)) throw new TypeError(`Unknown synchronous mode ${synchronous}`);
    const checkpoint = checkpointOptions(options);
    const inMemory = filename === ':memory:' || filename === '';
    if (!inMemory && !options.readonly) mkdirSync(dirname(filename), { recursive: true });
    this.filename = filename;
    this.#cacheSize = Math.max(1, options.statementCacheSize ?? 500);
    this.raw = new BetterSqlite3(filename, {
      readonly: options.readonly ?? false,
      ...(options.tracer ? { verbose: (sql: unknown) => options.tracer?.(String(sql)) } : {}),
    });
    if (options.safeIntegers) this.raw.defaultSafeIntegers(true);
    this.raw.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeout ?? 5000))}`);
    this.raw.pragma(`foreign_keys = ${options.foreignKeys === false ? 'OFF' : 'ON'}`);
    if (!inMemory && options.wal !== false && !options.readonly) this.raw.pragma('journal_mode = WAL');
    this.raw.pragma(`synchronous = ${synchronous}`);
    if (options.pageCacheKiB !== undefined) {
      const kib = Math.trunc(options.pageCacheKiB);
      if (!Number.isFinite(kib) || kib <= 0)
        throw new TypeError(`pageCacheKiB must be a positive number of KiB, not ${options.pageCacheKiB}`);
      this.raw.pragma(`cache_size = -${kib}`);
    }
    this.#checkpointer = checkpoint.background
      ? this.#checkpointInBackground(synchronous, checkpoint.intervalMs, checkpoint.backstopPages)
      : undefined;
    this.#transaction = this.raw.transaction((fn: () => unknown) => {
      const result = fn();
      if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
        Promise.resolve(result).catch(() => {});
        throw new TransactionError('atomic() takes a synchronous function: a transaction cannot span an await');
      }
      return result;
    });
  }

  /**
   * A prepared statement for `sql`, prepared once per database and reused. With `pluck`, a separate
   * statement that returns only the first column's value; with `safeIntegers`, one that reads integers as
   * bigint (or, with `false`, as numbers). `true` as second argument means `{ pluck: true }`.
   */
  prepare(sql: string, options: boolean | PrepareOptions = false): BetterSqlite3.Statement {
    const { pluck = false, safeIntegers } = typeof options === 'boolean' ? { pluck: options } : options;
    const key = pluck || safeIntegers !== undefined ? `\0${pluck ? 'p' : ''}${safeIntegers ?? ''}\0${sql}` : sql;
    let statement = this.#statements.get(key);
    if (statement === undefined) {
      try {
        statement = this.raw.prepare(sql);
      } catch (error) {
        throw fromSqliteError(error, sql);
      }
      if (pluck) statement.pluck();
      if (safeIntegers !== undefined && statement.reader) statement.safeIntegers(safeIntegers);
      if (this.#statements.size >= this.#cacheSize)
        this.#statements.delete(this.#statements.keys().next().value as string);
      this.#statements.set(key, statement);
    }
    return statement;
  }

  /**
   * Runs a query; its rows, as objects, are read lazily when iterated, or at once with `.all()`. Parameters
   * are converted as written values are (integers bound as integers, booleans as 0/1, dates as ISO text).
   */
  query<TRow = Record<string, unknown>>(
    sql: string,
    params: Params = [],
    options: { safeIntegers?: boolean } = {},
  ): Rows<TRow> {
    const statement =
      options.safeIntegers === undefined
        ? this.prepare(sql)
        : this.prepare(sql, { safeIntegers: options.safeIntegers });
    return new Rows<TRow>(statement, toSqlParams(params), sql);
  }

  /** Runs one statement that returns no rows; tells how many rows changed and the last inserted rowid. */
  execute(sql: string, params: Params = []): BetterSqlite3.RunResult {
    const statement = this.prepare(sql);
    if (schemaStatement.test(sql)) this.#schemaVersion++;
    try {
      return statement.run(toSqlParams(params));
    } catch (error) {
      throw fromSqliteError(error, sql);
    }
  }

  /** Runs a script of several statements, without parameters (migrations, schema set-up). */
  executeScript(sql: string): void {
    this.#schemaVersion++;
    try {
      this.raw.exec(sql);
    } catch (error) {
      throw fromSqliteError(error, sql);
    }
  }

  /**
   * A handle on a table, which may not exist yet: writing rows creates it. Handles are cached per name (and
   * `safeIntegers` setting).
   */
  table<TRow extends object = Record<string, unknown>>(name: string, options: TableOptions = {}): Table<TRow> {
    const key = options.safeIntegers === undefined ? name : `${options.safeIntegers}\0${name}`;
    let table = this.#tables.get(key);
    if (table === undefined) {
      table = new Table<object>(this, name, options);
      this.#tables.set(key, table);
    }
    return table as Table<TRow>;
  }

  /** The names of the tables in this database, in creation order, without SQLite's own. */
  tableNames(): string[] {
    return this.#namesOf('table');
  }

  /** The names of the views in this database, in creation order. */
  viewNames(): string[] {
    return this.#namesOf('view');
  }

  /** Creates a view named `name` for a `SELECT` statement. */
  createView(name: string, select: string, options: { ifNotExists?: boolean; replace?: boolean } = {}): void {
    this.atomic(() => {
      if (options.replace) this.execute(`DROP VIEW IF EXISTS ${quoteIdentifier(name)}`);
      const ifNotExists = options.ifNotExists ? 'IF NOT EXISTS ' : '';
      this.execute(`CREATE VIEW ${ifNotExists}${quoteIdentifier(name)} AS ${select}`);
    });
  }

  /** Drops a view; `ignore` makes a missing view no error. */
  dropView(name: string, options: { ignore?: boolean } = {}): void {
    this.execute(`DROP VIEW ${options.ignore ? 'IF EXISTS ' : ''}${quoteIdentifier(name)}`);
  }

  /**
   * Runs `fn` in a transaction (a savepoint when nested) and commits when it returns, rolls back when it
   * throws. Transactions start `IMMEDIATE`, so a busy database waits. `fn` must be synchronous:
   * better-sqlite3 would commit at its first `await`, so a function that returns a promise is refused.
   */
  atomic<T>(fn: () => T): T {
    if (isAsyncFunction(fn)) {
      throw new TransactionError('atomic() takes a synchronous function: a transaction cannot span an await');
    }
    try {
      return this.#transaction.immediate(fn) as T;
    } catch (error) {
      throw fromSqliteError(error, 'atomic()');
    }
  }

  /** Whether a transaction is open on this connection. */
  get inTransaction(): boolean {
    return this.raw.inTransaction;
  }

  /** Counts schema changes made through this object, so table handles know when to refresh what they cached. */
  get schemaVersion(): number {
    return this.#schemaVersion;
  }

  /** Tells table handles that the schema changed behind this object's back (e.g. through `raw`). */
  schemaChanged(): void {
    this.#schemaVersion++;
  }

  /** The most `?` parameters one statement may bind (32766 in current SQLite, 999 in old builds). */
  get variableLimit(): number {
    if (this.#variableLimit === undefined) {
      try {
        this.raw.prepare('SELECT ?32766');
        this.#variableLimit = 32766;
      } catch {
        this.#variableLimit = 999;
      }
    }
    return this.#variableLimit;
  }

  /** Checkpoints the write-ahead log into the file, then closes the connection; further calls fail. */
  close(): void {
    this.#checkpointer?.stop();
    this.#statements.clear();
    this.#tables.clear();
    if (!this.raw.open) return;
    if (!this.raw.readonly && !this.raw.memory) {
      try {
        this.raw.pragma('wal_checkpoint(TRUNCATE)');
      } catch {
        // another connection holds the log: it checkpoints when it closes
      }
    }
    this.raw.close();
  }

  /**
   * With `checkpoint: 'background'` on a writable WAL file: moves this connection's automatic checkpoint to the
   * backstop and starts the worker that checkpoints instead (or undefined: SQLite's automatic checkpoint stays).
   */
  #checkpointInBackground(
    synchronous: string,
    intervalMs: number,
    backstopPages: number,
  ): BackgroundCheckpointer | undefined {
    if (this.raw.readonly || this.raw.pragma('journal_mode', { simple: true }) !== 'wal') return undefined;
    this.raw.pragma(`wal_autocheckpoint = ${backstopPages}`);
    return new BackgroundCheckpointer({
      filename: this.raw.name,
      synchronous,
      intervalMs,
      // The worker died (its file vanished, say): SQLite's automatic checkpoint bounds the log again.
      onFailure: () => {
        if (this.raw.open) this.raw.pragma('wal_autocheckpoint = 1000');
      },
    });
  }

  #namesOf(type: 'table' | 'view'): string[] {
    const sql = `SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid`;
    return this.prepare(sql, true).all([type]) as string[];
  }
}
