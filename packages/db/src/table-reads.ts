import type { Params } from './rows.js';

/** A primary key value: one value, or an array of values for a compound key. */
export type PkValue = string | number | bigint | readonly (string | number | bigint)[];

/** Options of {@link Table.rowsWhere}. */
export interface RowsWhereOptions {
  /** SQL select list, e.g. `'id, name'`. Default `*`. */
  select?: string;
  /** SQL `ORDER BY` expression, e.g. `'id'` or `'name desc'`. */
  orderBy?: string;
  limit?: number;
  offset?: number;
}

/** Appends `LIMIT ? OFFSET ?` values to positional params. */
export function withPaging(params: Params, limit: number | undefined, offset: number | undefined): Params {
  if (!Array.isArray(params)) throw new TypeError('limit and offset need positional (array) params');
  return [...params, limit ?? -1, offset ?? 0];
}

/** A `JSON.stringify` replacer that writes bigints as strings. */
export function jsonBigint(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** The `SELECT` a read runs; `where`, `select` and `orderBy` are the programmer's SQL, paging is bound. */
export function selectSql(quotedTable: string, where: string | undefined, options?: RowsWhereOptions): string {
  let sql = `SELECT ${options?.select ?? '*'} FROM ${quotedTable}`;
  if (where) sql += ` WHERE ${where}`;
  if (options?.orderBy) sql += ` ORDER BY ${options.orderBy}`;
  if (options && (options.limit !== undefined || options.offset !== undefined)) sql += ' LIMIT ? OFFSET ?';
  return sql;
}
