import { NotFoundError } from '@slicewise/errors';
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from './database.js';
import type { TableOptions } from './database-options.js';
import { type ExtractOptions, extract } from './extract.js';
import { disableFts, enableFts, type FtsOptions, populateFts, type SearchOptions, search } from './fts.js';
import { quoteIdentifier } from './identifiers.js';
import {
  type Column,
  columnsOf,
  type ForeignKey,
  foreignKeysOf,
  type Index,
  indexesOf,
  pksOf,
  schemaOf,
} from './introspection.js';
import type { Params, Rows } from './rows.js';
import { fromSqliteError } from './sqlite-errors.js';
import * as rowChanges from './table-changes.js';
import { getFailure, type PkValue, type RowsWhereOptions, rowNotFound, selectSql, withPaging } from './table-reads.js';
import * as schema from './table-schema.js';
import * as writes from './table-writes.js';
import { type TransformOptions, transform } from './transform.js';
import { type ColumnType, hasNumericAffinity, toSqlParams, toSqlValue } from './values.js';

const readCacheSize = 200;

/**
 * A table that may not exist yet, named by {@link Database.table}. Rows are typed by `TRow`. `where`,
 * `select` and `orderBy` arguments are SQL written by the programmer; values always go in `params`.
 */
export class Table<TRow extends object = Record<string, unknown>> {
  /** The database this table belongs to. */
  readonly db: Database;
  /** The table's name, as given. */
  readonly name: string;
  /** The name, quoted for SQL. */
  readonly quoted: string;
  /** The rowid of the last row inserted through this handle. */
  lastRowid: number | bigint | undefined;
  /** The primary key of the last row inserted or updated through this handle (the rowid when it has none). */
  lastPk: unknown;
  #version = -1;
  #pks: string[] | undefined;
  #get: BetterSqlite3.Statement | undefined;
  /** Whether the single primary key column stores whole doubles as integers (then `get(7)` binds 7 as it is). */
  #numericPk = false;
  readonly #reads = new Map<string, BetterSqlite3.Statement>();
  /** How this handle's own reads prepare their statements (`safeIntegers`). */
  readonly #readOptions: { safeIntegers?: boolean };

  constructor(db: Database, name: string, options: TableOptions = {}) {
    this.db = db;
    this.name = name;
    this.quoted = quoteIdentifier(name);
    this.#readOptions = options.safeIntegers === undefined ? {} : { safeIntegers: options.safeIntegers };
  }

  /** Whether the table exists. */
  exists(): boolean {
    return (
      this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get([this.name]) !== undefined
    );
  }

  /** The columns, in order. */
  get columns(): Column[] {
    return columnsOf(this.db, this.name);
  }

  /** Column names mapped to their declared types. */
  get columnTypes(): Record<string, string> {
    return Object.fromEntries(this.columns.map((column) => [column.name, column.type]));
  }

  /** The primary key columns (cached until the schema changes), `['rowid']` when the table has none. */
  get pks(): string[] {
    this.#fresh();
    this.#pks ??= pksOf(columnsOf(this.db, this.name));
    return this.#pks;
  }

  /** The indexes. */
  get indexes(): Index[] {
    return indexesOf(this.db, this.name);
  }

  /** The foreign keys. */
  get foreignKeys(): ForeignKey[] {
    return foreignKeysOf(this.db, this.name);
  }

  /** The `CREATE TABLE` statement, or undefined when the table does not exist. */
  get schema(): string | undefined {
    return schemaOf(this.db, this.name);
  }

  /** Every row, read lazily when iterated (`for (const row of table.rows)`), or at once with `.all()`. */
  get rows(): Rows<TRow> {
    return this.db.query<TRow>(`SELECT * FROM ${this.quoted}`, [], this.#readOptions);
  }

  /** The number of rows. */
  get count(): number {
    return this.countWhere();
  }

  /** Rows matching a SQL `WHERE` clause whose values are bound from `params`. No clause: every row. */
  rowsWhere(where?: string, params: Params = [], options?: RowsWhereOptions): TRow[] {
    if (this.#version !== this.db.schemaVersion) this.#fresh();
    let bound = toSqlParams(params);
    let key = where ?? '';
    let named = false;
    if (options !== undefined) {
      const paged = options.limit !== undefined || options.offset !== undefined;
      named = paged && !Array.isArray(params);
      key = `${key}\0${options.select ?? '*'}\0${options.orderBy ?? ''}\0${paged}${named ? ':' : ''}`;
      if (paged) bound = withPaging(bound, options.limit, options.offset);
    }
    const statement = this.#reads.get(key) ?? this.#prepareRead(key, where, options, named);
    try {
      return statement.all(bound) as TRow[];
    } catch (error) {
      throw fromSqliteError(error, statement.source);
    }
  }

  /** Number of rows matching a `WHERE` clause, or of all rows. */
  countWhere(where?: string, params: Params = []): number {
    const sql = `SELECT count(*) FROM ${this.quoted}${where ? ` WHERE ${where}` : ''}`;
    try {
      return this.db.prepare(sql, true).get(toSqlParams(params)) as number;
    } catch (error) {
      throw fromSqliteError(error, sql);
    }
  }

  /** The row with this primary key (an array for a compound key); throws `NotFoundError` when there is none. */
  get(pk: PkValue): TRow {
    const statement = (this.#version === this.db.schemaVersion && this.#get) || this.#prepareGet();
    let row: unknown;
    try {
      row = statement.get(
        typeof pk === 'object' ? toSqlParams(pk) : typeof pk === 'number' && this.#numericPk ? pk : toSqlValue(pk),
      );
    } catch (error) {
      throw getFailure(error, this.name, this.pks, statement.source);
    }
    if (row === undefined) throw rowNotFound(this.name, pk);
    return row as TRow;
  }

  /** Inserts one row, creating the table from it when needed. */
  insert(row: TRow, options?: writes.InsertOptions<TRow>): this {
    return writes.insertAll(this, [row], options ?? {});
  }

  /**
   * Inserts rows in batched transactions, creating the table from the first batch when it does not exist
   * (column types inferred as sqlite-utils does). Accepts any iterable, consumed one batch at a time.
   */
  insertAll(rows: Iterable<TRow>, options?: writes.InsertOptions<TRow>): this {
    return writes.insertAll(this, rows, options ?? {});
  }

  /** Inserts a row, or updates only the given columns of the row with the same primary key. */
  upsert(row: TRow, options?: writes.UpsertOptions<TRow>): this {
    return writes.insertAll(this, [row], { ...options, upsert: true });
  }

  /** {@link Table.upsert} for many rows, batched like {@link Table.insertAll}. */
  upsertAll(rows: Iterable<TRow>, options?: writes.UpsertOptions<TRow>): this {
    return writes.insertAll(this, rows, { ...options, upsert: true });
  }

  /** Sets the given columns of the row with this primary key; throws `NotFoundError` when there is none. */
  update(pk: PkValue, changes: Partial<TRow>, options?: rowChanges.UpdateOptions): this {
    return rowChanges.update(this, pk, changes, options ?? {});
  }

  /** Deletes the row with this primary key; throws `NotFoundError` when there is none. */
  delete(pk: PkValue): this {
    return rowChanges.deleteRow(this, pk);
  }

  /** Deletes the rows matching a `WHERE` clause (every row without one); returns how many. */
  deleteWhere(where?: string, params: Params = []): number {
    return rowChanges.deleteWhere(this, where, params);
  }

  /** The primary key of the row with these values, inserting it first when there is none (get-or-create). */
  lookup(values: Partial<TRow>, options?: rowChanges.LookupOptions<TRow>): unknown {
    return rowChanges.lookup(this, values, options ?? {});
  }

  /** Creates the table from column names and types. */
  create(columns: Record<string, ColumnType | string>, options?: schema.CreateOptions): this {
    return schema.create(this, columns, options ?? {});
  }

  /** Creates an index on these columns and returns its name. */
  createIndex(columns: readonly string[], options?: schema.IndexOptions): string {
    return schema.createIndex(this, columns, options ?? {});
  }

  /** Adds a column (`ALTER TABLE ADD COLUMN`). */
  addColumn(name: string, type?: ColumnType | string, options?: schema.AddColumnOptions): this {
    return schema.addColumn(this, name, type ?? 'TEXT', options ?? {});
  }

  /** Adds a foreign key from `column` to `otherTable` (its primary key unless `otherColumn`), rebuilding the table. */
  addForeignKey(column: string, otherTable: string, otherColumn?: string): this {
    return schema.addForeignKey(this, column, otherTable, otherColumn);
  }

  /** Rebuilds the table in SQLite's 12 steps to change types, rename, drop or reorder columns, or change the pk. */
  transform(options: TransformOptions): this {
    return transform(this, options);
  }

  /**
   * Moves these columns' values into a lookup table (`id` plus the columns, one row per distinct value) and
   * replaces them with a foreign key column to it, as sqlite-utils' `extract` does.
   */
  extract(columns: string | readonly string[], options?: ExtractOptions): this {
    return extract(this, columns, options ?? {});
  }

  /** Drops the table; `ignore` makes a missing table no error. */
  drop(options?: { ignore?: boolean }): void {
    schema.drop(this, options ?? {});
  }

  /** Creates an FTS5 index `<name>_fts` on these columns, filled now and (by default) kept in sync by triggers. */
  enableFts(columns: readonly string[], options?: FtsOptions): this {
    return enableFts(this, columns, options ?? {});
  }

  /** Refills the full-text index from the table (after writes made while its triggers were off). */
  populateFts(): this {
    populateFts(this);
    return this;
  }

  /** Drops the full-text index and its triggers. */
  disableFts(): this {
    disableFts(this);
    return this;
  }

  /** Rows matching a full-text query, best first. User input is quoted unless `quote: false`. */
  search(query: string, options?: SearchOptions): TRow[] {
    return search(this, query, options ?? {}) as TRow[];
  }

  #fresh(): void {
    if (this.#version === this.db.schemaVersion) return;
    this.#version = this.db.schemaVersion;
    this.#pks = undefined;
    this.#get = undefined;
    this.#reads.clear();
  }

  #prepareGet(): BetterSqlite3.Statement {
    this.#fresh();
    const pks = this.pks;
    if (!this.exists()) throw new NotFoundError(`Table ${this.name} does not exist`, { details: { table: this.name } });
    const where = pks.map((pk) => `${quoteIdentifier(pk)} = ?`).join(' AND ');
    const pkType = this.columns.find((column) => column.name === pks[0])?.type ?? '';
    this.#numericPk = pks.length === 1 && (pks[0] === 'rowid' || hasNumericAffinity(pkType));
    this.#get = this.db.prepare(selectSql(this.quoted, where), this.#readOptions);
    return this.#get;
  }

  #prepareRead(
    key: string,
    where: string | undefined,
    options: RowsWhereOptions | undefined,
    named: boolean,
  ): BetterSqlite3.Statement {
    const statement = this.db.prepare(selectSql(this.quoted, where, options, named), this.#readOptions);
    if (this.#reads.size >= readCacheSize) this.#reads.clear();
    this.#reads.set(key, statement);
    return statement;
  }
}
