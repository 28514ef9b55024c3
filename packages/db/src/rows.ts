import type BetterSqlite3 from 'better-sqlite3';
import { fromSqliteError } from './sqlite-errors.js';

/** Parameters bound to a statement: positional (`?`) as an array, named (`:name`) as an object. */
export type Params = readonly unknown[] | Record<string, unknown>;

/**
 * The rows of a query, read lazily: iterate to stream them one by one (nothing is held in memory), or call
 * `all()` / `first()`. Each iteration runs the query again. While an iteration is open, the connection
 * cannot run other statements (a better-sqlite3 rule): finish or `break` first.
 */
export class Rows<TRow> implements Iterable<TRow> {
  readonly #statement: BetterSqlite3.Statement;
  readonly #params: Params;
  readonly #sql: string;

  constructor(statement: BetterSqlite3.Statement, params: Params, sql: string) {
    this.#statement = statement;
    this.#params = params;
    this.#sql = sql;
  }

  /** Every row, as an array. */
  all(): TRow[] {
    try {
      return this.#statement.all(this.#params) as TRow[];
    } catch (error) {
      throw fromSqliteError(error, this.#sql);
    }
  }

  /** The first row, or undefined when there is none. */
  first(): TRow | undefined {
    try {
      return this.#statement.get(this.#params) as TRow | undefined;
    } catch (error) {
      throw fromSqliteError(error, this.#sql);
    }
  }

  *[Symbol.iterator](): Iterator<TRow> {
    let iterator: IterableIterator<unknown>;
    try {
      iterator = this.#statement.iterate(this.#params);
    } catch (error) {
      throw fromSqliteError(error, this.#sql);
    }
    yield* iterator as IterableIterator<TRow>;
  }
}
