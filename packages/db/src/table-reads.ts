import { NotFoundError } from '@slicewise/errors';
import { InvalidColumnsError } from './errors.js';
import { fromSqliteError } from './sqlite-errors.js';

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

/** The named parameters paging binds when the `where` clause uses named ones. */
const limitParam = 'slicewise_limit';
const offsetParam = 'slicewise_offset';

/** Appends the `LIMIT` and `OFFSET` values to positional params, or adds them to named ones. */
export function withPaging<T>(
  params: readonly T[] | Record<string, T>,
  limit: number | undefined,
  offset: number | undefined,
): T[] | Record<string, T> {
  const limitValue = BigInt(Math.trunc(limit ?? -1)) as T;
  const offsetValue = BigInt(Math.trunc(offset ?? 0)) as T;
  if (Array.isArray(params)) return [...(params as readonly T[]), limitValue, offsetValue];
  return { ...(params as Record<string, T>), [limitParam]: limitValue, [offsetParam]: offsetValue };
}

/** The `NotFoundError` of a primary key that has no row. */
export function rowNotFound(table: string, pk: PkValue): NotFoundError {
  const json = JSON.stringify(pk, jsonBigint);
  return new NotFoundError(`No row in ${table} with primary key ${json}`, { details: { table, pk: JSON.parse(json) } });
}

/** What a failed `get` throws: a key with the wrong number of values is the caller's mistake. */
export function getFailure(error: unknown, table: string, pks: readonly string[], sql: string): unknown {
  if (!(error instanceof RangeError)) return fromSqliteError(error, sql);
  return new InvalidColumnsError(`${table} has a primary key of ${pks.length} column(s): ${pks.join(', ')}`, pks);
}

/** A `JSON.stringify` replacer that writes bigints as strings. */
function jsonBigint(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** The `SELECT` a read runs; `where`, `select` and `orderBy` are the programmer's SQL, paging is bound. */
export function selectSql(
  quotedTable: string,
  where: string | undefined,
  options?: RowsWhereOptions,
  namedParams = false,
): string {
  let sql = `SELECT ${options?.select ?? '*'} FROM ${quotedTable}`;
  if (where) sql += ` WHERE ${where}`;
  if (options?.orderBy) sql += ` ORDER BY ${options.orderBy}`;
  if (options && (options.limit !== undefined || options.offset !== undefined)) {
    sql += namedParams ? ` LIMIT :${limitParam} OFFSET :${offsetParam}` : ' LIMIT ? OFFSET ?';
  }
  return sql;
}
