import { InvalidColumnsError } from './errors.js';

/** A SQLite column type, as sqlite-utils names them. */
export type ColumnType = 'INTEGER' | 'REAL' | 'TEXT' | 'BLOB' | 'NUMERIC';

/** A value better-sqlite3 can bind. */
export type SqlValue = number | bigint | string | Buffer | Uint8Array | null;

const columnTypes = new Set<string>(['INTEGER', 'REAL', 'TEXT', 'BLOB', 'NUMERIC']);
const aliases: Record<string, ColumnType> = {
  INT: 'INTEGER',
  BOOL: 'INTEGER',
  BOOLEAN: 'INTEGER',
  FLOAT: 'REAL',
  STR: 'TEXT',
  BYTES: 'BLOB',
};
/** 2^63: integral numbers below it in magnitude fit SQLite's 64-bit INTEGER. */
const int64Limit = 2 ** 63;

/**
 * Checks a column type given by a caller (case-insensitive; `int`, `bool`, `float`, `str` and `bytes` allowed,
 * `bool` being stored as `INTEGER` like sqlite-utils does) and names it.
 */
export function normalizeColumnType(type: string, column: string): ColumnType {
  const upper = typeof type === 'string' ? type.toUpperCase() : '';
  const normal = aliases[upper] ?? upper;
  if (!columnTypes.has(normal)) {
    throw new InvalidColumnsError(`Unknown column type ${JSON.stringify(type)} for column ${column}`, [column]);
  }
  return normal as ColumnType;
}

/** The column type a JavaScript value is stored as, or undefined for null (which says nothing). */
export function columnTypeOf(value: unknown): ColumnType | undefined {
  if (value === null || value === undefined) return undefined;
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) && Math.abs(value) < int64Limit ? 'INTEGER' : 'REAL';
    case 'bigint':
    case 'boolean':
      return 'INTEGER';
    case 'string':
      return 'TEXT';
    default:
      return value instanceof Uint8Array ? 'BLOB' : 'TEXT';
  }
}

/**
 * The widest type that holds both, as sqlite-utils decides for a mixed column: integer and real make real,
 * bytes and text make blob, any other mix text.
 */
export function widenColumnType(a: ColumnType | undefined, b: ColumnType | undefined): ColumnType | undefined {
  if (a === undefined || a === b) return b;
  if (b === undefined) return a;
  if ((a === 'INTEGER' && b === 'REAL') || (a === 'REAL' && b === 'INTEGER')) return 'REAL';
  if ((a === 'BLOB' && b === 'TEXT') || (a === 'TEXT' && b === 'BLOB')) return 'BLOB';
  return 'TEXT';
}

/**
 * Converts a JavaScript value to what SQLite stores: integral numbers as integers (better-sqlite3 would bind
 * every number as a double, which a TEXT or untyped column keeps as `1.0`), booleans as 0/1, dates as ISO
 * text, objects as JSON.
 */
export function toSqlValue(value: unknown): SqlValue {
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) && Math.abs(value as number) < int64Limit ? BigInt(value as number) : value;
    case 'string':
    case 'bigint':
      return value;
    case 'boolean':
      return value ? 1 : 0;
    case 'undefined':
      return null;
    default:
      if (value === null || value instanceof Uint8Array) return value as SqlValue;
      if (value instanceof Date) return value.toISOString();
      return JSON.stringify(value);
  }
}

/**
 * Converts statement parameters the way writes convert values (integers bound as integers, booleans,
 * dates, objects), so `code = ?` with `7` finds the row an insert of `7` stored.
 */
export function toSqlParams(
  params: readonly unknown[] | Record<string, unknown>,
): SqlValue[] | Record<string, SqlValue> {
  if (Array.isArray(params)) {
    const bound = new Array<SqlValue>(params.length);
    for (let i = 0; i < params.length; i++) bound[i] = toSqlValue(params[i]);
    return bound;
  }
  const bound: Record<string, SqlValue> = {};
  for (const key in params) bound[key] = toSqlValue((params as Record<string, unknown>)[key]);
  return bound;
}

/**
 * Whether a column of this declared type has INTEGER, REAL or NUMERIC affinity (SQLite's rules: `INT`, then
 * `CHAR`/`CLOB`/`TEXT`, then `BLOB` or no type, else numeric). There SQLite stores a double that is a whole
 * number as an integer (REAL keeps it real, as it would an integer), so a number can bind as it is.
 */
export function hasNumericAffinity(declaredType: string): boolean {
  const type = declaredType.toUpperCase();
  if (type.includes('INT')) return true;
  return !(type === '' || /CHAR|CLOB|TEXT|BLOB/.test(type));
}
