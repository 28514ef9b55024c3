import type { Database } from './database.js';
import { quoteIdentifier } from './identifiers.js';
import { fromSqliteError } from './sqlite-errors.js';
import { type ColumnType, columnTypeOf, toSqlValue, widenColumnType } from './values.js';

/** Options of {@link Table.insertAll}. */
export interface InsertOptions<TRow> {
  /** Primary key column, used when the insert creates the table. Default: SQLite's rowid. */
  pk?: keyof TRow & string;
  /** Rows per transaction. Default 1000. */
  batchSize?: number;
}

/** Options of {@link Table.rowsWhere}. */
export interface RowsWhereOptions {
  /** SQL `ORDER BY` expression, e.g. `'id'` or `'name desc'`. */
  orderBy?: string;
  limit?: number;
  offset?: number;
}

/** A table that may not exist yet, named by {@link Database.table}. Rows are typed by `TRow`. */
export class Table<TRow extends object = Record<string, unknown>> {
  readonly db: Database;
  readonly name: string;
  readonly #quoted: string;

  constructor(db: Database, name: string) {
    this.db = db;
    this.name = name;
    this.#quoted = quoteIdentifier(name);
  }

  /** Whether the table exists. */
  exists(): boolean {
    return this.db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [this.name]).length > 0;
  }

  /** Inserts one row, creating the table from it when needed. */
  insert(row: TRow, options?: InsertOptions<TRow>): this {
    return this.insertAll([row], options);
  }

  /**
   * Inserts rows in batched transactions, creating the table from the first batch when it does not exist
   * (column types inferred from the values, as sqlite-utils does). Accepts any iterable.
   */
  insertAll(rows: Iterable<TRow>, options: InsertOptions<TRow> = {}): this {
    const batchSize = Math.max(1, options.batchSize ?? 1000);
    let batch: TRow[] = [];
    for (const row of rows) {
      batch.push(row);
      if (batch.length === batchSize) {
        this.#insertBatch(batch, options);
        batch = [];
      }
    }
    if (batch.length > 0) this.#insertBatch(batch, options);
    return this;
  }

  /** Rows matching a SQL `WHERE` clause whose values are bound from `params`. No clause: every row. */
  rowsWhere(where?: string, params: readonly unknown[] = [], options: RowsWhereOptions = {}): TRow[] {
    let sql = `SELECT * FROM ${this.#quoted}`;
    if (where) sql += ` WHERE ${where}`;
    if (options.orderBy) sql += ` ORDER BY ${options.orderBy}`;
    const bound = [...params];
    if (options.limit !== undefined || options.offset !== undefined) {
      sql += ' LIMIT ? OFFSET ?';
      bound.push(options.limit ?? -1, options.offset ?? 0);
    }
    return this.db.query<TRow>(sql, bound);
  }

  /** Number of rows matching a `WHERE` clause, or of all rows. */
  countWhere(where?: string, params: readonly unknown[] = []): number {
    const sql = `SELECT count(*) AS n FROM ${this.#quoted}${where ? ` WHERE ${where}` : ''}`;
    return (this.db.query<{ n: number }>(sql, params)[0] as { n: number }).n;
  }

  #insertBatch(batch: readonly TRow[], options: InsertOptions<TRow>): void {
    const columns = [...new Set(batch.flatMap((row) => Object.keys(row)))];
    this.db.atomic(() => {
      if (!this.exists()) this.#create(batch, columns, options.pk);
      const quoted = columns.map(quoteIdentifier);
      const sql = `INSERT INTO ${this.#quoted} (${quoted.join(', ')}) VALUES (${quoted.map(() => '?').join(', ')})`;
      const statement = this.db.prepare(sql);
      try {
        for (const row of batch) {
          statement.run(columns.map((column) => toSqlValue((row as Record<string, unknown>)[column])));
        }
      } catch (error) {
        throw fromSqliteError(error, sql);
      }
    });
  }

  #create(batch: readonly TRow[], columns: readonly string[], pk: string | undefined): void {
    const types = new Map<string, ColumnType | undefined>();
    for (const row of batch) {
      for (const column of columns) {
        types.set(column, widenColumnType(types.get(column), columnTypeOf((row as Record<string, unknown>)[column])));
      }
    }
    const definitions = columns.map((column) => {
      const type = types.get(column) ?? 'TEXT';
      return `${quoteIdentifier(column)} ${type}${column === pk ? ' PRIMARY KEY' : ''}`;
    });
    this.db.execute(`CREATE TABLE ${this.#quoted} (${definitions.join(', ')})`);
  }
}
